import type pg from "pg";
import type { Logger } from "../logger.js";
import { parseDatabaseUrl, type PostgresqlUrl } from "../db/database-url.js";
import { describeError } from "../shared/errors.js";
import type { OutboxStore } from "./outbox.js";

/**
 * Which instance sends the outbox.
 *
 * Telegram's flood limit (about 30 messages a second) is per bot, not per
 * process: with several instances on one PostgreSQL, each running its own
 * limiter at SEND_RATE_PER_SECOND, the bot as a whole would send N times too
 * fast and collect 429s. So exactly one instance at a time is the *sender*:
 *
 * - It holds a session-level PostgreSQL advisory lock (one per database and
 *   schema) on a dedicated connection, and runs the delivery engine at the full
 *   SEND_RATE_PER_SECOND. The others keep answering patients, run the scheduled
 *   jobs and enqueue rows; every `retryMs` they try to take the lock.
 * - The lock lives exactly as long as the holder's connection. A sender that
 *   stops, crashes or is killed loses its connection, PostgreSQL drops the lock
 *   with it, and a standby takes over within `retryMs` (2 s by default).
 * - A new sender first recovers what its predecessor left: claimed rows go back
 *   to pending, rows caught "sending" become unknown (never resent). Only the
 *   lock holder claims rows, so anything in flight belonged to a sender that is
 *   gone. A sender whose lock connection breaks while it lives stops its engine
 *   at once; and since a row is marked "sending" only if it is still claimed by
 *   the same claim, a row that the new sender re-claimed cannot be sent by both.
 *
 * Why one sender rather than "global rate ÷ live instances" from a heartbeat:
 * no table and no migration, the per-chat spacing (one message a second to a
 * chat) and Telegram's retry_after pauses stay in one limiter, and the rate is
 * never exceeded while instances come and go. Bulk sending is limited by
 * Telegram, not by one process, so nothing is lost by not spreading it.
 *
 * Replies to patients are sent directly by whichever instance received the
 * update, but every instance takes its slots, replies and bulk alike, from the
 * one send budget in the database (shared-send-budget.ts), so together they
 * keep to SEND_RATE_PER_SECOND, replies first.
 *
 * On SQLite there is one process by construction: it is always the sender.
 */
export interface DeliverySender {
  /** Whether this instance is sending now. */
  readonly active: boolean;
  /** Whether some instance on this database (this one or another) is the sender now. */
  anyActive(): Promise<boolean>;
  /** Stops sending (in-flight sends finish, claimed rows go back) and lets another instance take over. */
  stop(): Promise<void>;
}

export interface DeliverySenderOptions {
  databaseUrl: string;
  /** The delivery engine this instance runs while it is the sender. */
  engine: { start(): void; stop(): Promise<void>; recordDelivered?(): Promise<void> };
  outbox: Pick<OutboxStore, "recover">;
  logger: Logger;
  /** PostgreSQL: how often a standby tries to become the sender (default 2 s). */
  retryMs?: number;
  /** PostgreSQL: how often the sender checks that its lock connection is alive (default 5 s). */
  checkMs?: number;
}

/** Arbitrary, fixed: namespaces this app's advisory locks (the same as the migration lock's). */
const LOCK_NAMESPACE = 0x636c6e63; // "clnc"

/** The key of the sender lock in LOCK_NAMESPACE: one sender per database and schema. */
export function senderLockName(schema: string): string {
  return `delivery-sender:${schema}`;
}

/**
 * Starts sending (SQLite), or joins the election of the sender (PostgreSQL).
 * Resolves once the first attempt is made: on PostgreSQL this instance may
 * be the sender or a standby.
 */
export async function startDeliverySender(options: DeliverySenderOptions): Promise<DeliverySender> {
  const target = parseDatabaseUrl(options.databaseUrl);
  if (target.provider === "postgresql") {
    const sender = new ElectedSender(target, options);
    await sender.start();
    return sender;
  }
  // A SQLite file has one process, so everything left over is from a previous run.
  await recoverLeftovers(options);
  options.engine.start();
  let stopping: Promise<void> | undefined;
  return {
    active: true,
    anyActive: async () => true,
    stop: () => (stopping ??= options.engine.stop()),
  };
}

async function recoverLeftovers({ outbox, logger }: DeliverySenderOptions): Promise<void> {
  // Rows left "sending" may or may not have arrived: they become "unknown" and are
  // not resent. Rows only claimed were never sent: they go back to pending.
  const recovered = await outbox.recover(new Date());
  if (recovered.unknown + recovered.released > 0) logger.warn(recovered, "recovered outbox rows left by a previous run");
}

/** The application_name parameter of a PostgreSQL URL, if it has one. */
export function applicationNameOf(connectionString: string): string | undefined {
  try {
    return new URL(connectionString).searchParams.get("application_name") || undefined;
  } catch {
    return undefined;
  }
}

class ElectedSender implements DeliverySender {
  private isActive = false;
  private stopped = false;
  private client: pg.Client | undefined;
  private broken: Error | undefined;
  private wakeUp: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;
  private readonly retryMs: number;
  private readonly checkMs: number;
  private readonly logger: Logger;

  constructor(
    private readonly target: PostgresqlUrl,
    private readonly options: DeliverySenderOptions,
  ) {
    this.retryMs = options.retryMs ?? 2_000;
    this.checkMs = options.checkMs ?? 5_000;
    this.logger = options.logger.child({ component: "delivery-sender" });
  }

  get active(): boolean {
    return this.isActive;
  }

  /** First attempt in the foreground (so a lone instance sends at once), then the loop. */
  async start(): Promise<void> {
    try {
      await this.attempt();
    } catch (error) {
      await this.lostConnection(error);
    }
    this.loop = this.run();
  }

  stop(): Promise<void> {
    return (this.stopping ??= this.stopOnce());
  }

  /** Another instance is the sender if the lock is held (PostgreSQL lists advisory locks of every session in pg_locks). */
  async anyActive(): Promise<boolean> {
    if (this.isActive) return true;
    const client = this.client;
    if (!client || this.broken) return false;
    const { rows } = await client.query<{ held: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 2
                        AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                        AND classid = ($1::bigint)::oid AND objid = (hashtext($2)::bigint & 4294967295)::oid) AS held`,
      [LOCK_NAMESPACE, senderLockName(this.target.schema)],
    );
    return rows[0]?.held === true;
  }

  private async stopOnce(): Promise<void> {
    this.stopped = true;
    this.wakeUp?.();
    await this.loop;
    if (this.isActive) {
      this.isActive = false;
      // Drain first, then release the lock: the next sender finds nothing in flight.
      await this.options.engine.stop();
      this.logger.info("stopped sending; another instance can take over");
    }
    await this.closeClient();
  }

  /**
   * Never ends before stop(): whatever fails (the lock's connection, the database
   * itself while it restarts, handing rows back), the next round tries again, so
   * an instance becomes the sender again by itself once the database is back.
   */
  private async run(): Promise<void> {
    while (!this.stopped) {
      await this.pause(this.isActive ? this.checkMs : this.retryMs);
      if (this.stopped) break;
      try {
        await this.attempt();
      } catch (error) {
        await this.lostConnection(error).catch((unexpected: unknown) =>
          this.logger.error({ err: describeError(unexpected) }, "delivery sender could not clean up; retrying"),
        );
      }
    }
  }

  /** Standby: try to take the lock. Sender: check that the lock's connection is alive. */
  private async attempt(): Promise<void> {
    if (this.client && this.broken) throw this.broken;
    const client = this.client ?? (await this.connect());
    if (this.isActive) {
      await client.query("SELECT 1");
      return;
    }
    const { rows } = await client.query<{ locked: boolean }>("SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked", [
      LOCK_NAMESPACE,
      senderLockName(this.target.schema),
    ]);
    if (!rows[0]?.locked || this.stopped) {
      // A standby that sent before a fault records what it delivered then (best effort: the next round retries).
      await this.options.engine.recordDelivered?.().catch(() => undefined);
      return;
    }
    // What the last sender left in flight (this instance, before its connection broke, or another) is sorted
    // out first, as after a crash. If that fails (the database is still coming back), the error ends this
    // lock's connection, which releases the lock, and the next round tries again.
    await recoverLeftovers(this.options);
    this.isActive = true;
    this.options.engine.start();
    this.logger.info("this instance is now the delivery sender");
  }

  private async connect(): Promise<pg.Client> {
    this.broken = undefined;
    // Loaded here, on PostgreSQL only: on SQLite node-postgres would only take memory.
    const { default: pgModule } = await import("pg");
    const client = new pgModule.Client({
      connectionString: this.target.connectionString,
      // DATABASE_URL's application_name, if any, names every connection of the bot (operators and tests find them by it).
      application_name: applicationNameOf(this.target.connectionString) ?? "clinic-bot delivery sender",
      connectionTimeoutMillis: 5_000,
      query_timeout: 5_000,
      keepAlive: true,
    });
    const onBroken = (error: Error) => {
      this.broken ??= error;
      this.wakeUp?.();
    };
    client.on("error", onBroken);
    client.on("end", () => onBroken(new Error("the lock connection closed")));
    this.client = client;
    await client.connect();
    // If this host vanishes without closing the connection, the server notices
    // within about 25 s and drops the lock, so a standby can take over.
    await client.query("SET tcp_keepalives_idle = 10; SET tcp_keepalives_interval = 5; SET tcp_keepalives_count = 3").catch(() => undefined);
    return client;
  }

  private async lostConnection(error: unknown): Promise<void> {
    await this.closeClient();
    if (this.isActive) {
      // The lock went with the connection: another instance may be taking over now.
      this.isActive = false;
      this.logger.warn({ err: describeError(error) }, "lost the delivery sender lock; stopped sending");
      // Handing claimed rows back needs the database, which may be what went away: then they stay claimed
      // (and rows caught "sending" stay so) until the next sender recovers them, as after a crash.
      await this.options.engine.stop().catch((stopError: unknown) =>
        this.logger.warn({ err: describeError(stopError) }, "could not hand back claimed outbox rows; the next sender recovers them"),
      );
    } else if (!this.stopped) {
      this.logger.warn({ err: describeError(error), retryInMs: this.retryMs }, "could not take part in the delivery sender election; retrying");
    }
  }

  private async closeClient(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.broken = undefined;
    if (!client) return;
    client.removeAllListeners();
    client.on("error", () => undefined);
    await client.end().catch(() => undefined);
  }

  private async pause(ms: number): Promise<void> {
    if (this.broken || this.stopped) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wakeUp = undefined;
  }
}
