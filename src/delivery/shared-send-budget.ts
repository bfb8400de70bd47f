import { randomUUID } from "node:crypto";
import type pg from "pg";
import { createPgPool } from "../db/pg-pool.js";
import { parseDatabaseUrl } from "../db/database-url.js";
import { catchUpSlots, type Reservation, type SlotSchedule } from "./send-rate.js";

/**
 * The send budget shared by every instance on one PostgreSQL database.
 *
 * Telegram's limit is per bot, not per process, and every instance answers
 * patients, so the slots of the global rate come from one row (send_budget):
 * each reservation is one UPDATE that takes the next free slot at even
 * spacing, on the database's clock, and says how long to wait for it. A 429
 * anywhere pauses everyone (paused_until). Each instance still keeps its own
 * queues (replies first) and per-chat spacing; across instances one update per
 * chat is handled at a time (chat-lock.ts), so a patient's replies stay spaced.
 *
 * Replies first, across instances too: a bulk send (only the elected sender
 * makes those) takes a slot only when nobody else holds one ahead, so an
 * instance with replies waiting, which reserves its next slot as soon as the
 * last is used, keeps the slots until its replies are out.
 */
export interface SharedSendBudget extends SlotSchedule {
  close(): Promise<void>;
}

/**
 * How soon, as a share of the spacing, an instance with replies waiting must
 * take its next slot after its last one for bulk sends elsewhere to keep
 * waiting: room for a database round trip on a busy machine.
 */
const REPLY_HOLD_SHARE = 0.6;

export function createSharedSendBudget(databaseUrl: string, perSecond: number): SharedSendBudget {
  const target = parseDatabaseUrl(databaseUrl);
  if (target.provider !== "postgresql") throw new Error("the shared send budget needs PostgreSQL");
  const pool: pg.Pool = createPgPool(target, { max: 2, connectionTimeoutMillis: 5_000 });
  const me = randomUUID();
  const interval = 1000 / perSecond;
  const margin = interval * REPLY_HOLD_SHARE;
  let ready: Promise<unknown> | undefined;
  const ensureRow = () => (ready ??= pool.query("INSERT INTO send_budget (id) VALUES (1) ON CONFLICT (id) DO NOTHING").catch((error: unknown) => {
    ready = undefined;
    throw error;
  }));

  return {
    async reserve(priority): Promise<Reservation> {
      await ensureRow();
      // The next slot: after the last one taken and any pause; a few unused ones in the past are taken at once (catchUpSlots).
      const { rows } = await pool.query<{ delay: number | null; wait: number }>(
        `WITH clock AS (SELECT (extract(epoch FROM clock_timestamp()) * 1000)::float8 AS now),
              current AS (SELECT b.next_at, b.paused_until, b.holder, clock.now,
                                 GREATEST(CASE WHEN $4::text = 'reply' THEN GREATEST(b.next_at, clock.now - $1::float8 * $2::int) WHEN b.next_at >= clock.now - $1::float8 * $2::int THEN b.next_at ELSE clock.now END, b.paused_until) AS slot
                          FROM send_budget b, clock WHERE b.id = 1 FOR UPDATE OF b),
              taken AS (UPDATE send_budget SET next_at = current.slot + $1::float8, holder = $3::text
                        FROM current
                        WHERE send_budget.id = 1 AND ($4::text = 'reply' OR current.holder = $3::text OR current.slot <= current.now + $1::float8 - $5::float8)
                        RETURNING current.slot - current.now AS delay)
         SELECT (SELECT delay FROM taken) AS delay, current.slot - current.now AS wait FROM current`,
        [interval, catchUpSlots(perSecond), me, priority, margin],
      );
      const row = rows[0];
      if (!row) throw new Error("send_budget has no row");
      return row.delay !== null ? { delayMs: Number(row.delay) } : { retryInMs: Math.max(1, Number(row.wait) - interval + margin) };
    },
    async pause(seconds) {
      await ensureRow();
      await pool.query("UPDATE send_budget SET paused_until = GREATEST(paused_until, (extract(epoch FROM clock_timestamp()) * 1000)::float8 + $1::float8) WHERE id = 1", [seconds * 1000]);
    },
    close: () => pool.end(),
  };
}
