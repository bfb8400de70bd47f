import { join, sqltag as sql } from "@prisma/client/runtime/client";
import type { Db } from "../db/database.js";
import type { FailureReason, NewOutboxMessage, OutboxKind, OutboxStore } from "./outbox.js";
import { PRIORITY } from "./outbox.js";

const ROW_FIELDS = { id: true, key: true, kind: true, chatId: true, userId: true, broadcastId: true, payload: true, attempts: true, dueAt: true } as const;

/** Rows per "sent" statement: three parameters each, well under SQLite's bound-parameter limit. */
const SENT_CHUNK = 200;

/** Enough rows per insert to be fast, few enough to stay under SQLite's bound-parameter limit. */
const INSERT_CHUNK = 500;

/** The outbox on Prisma; the same code serves SQLite and PostgreSQL. */
export function createOutboxRepository(db: Db): OutboxStore {
  return {
    async enqueue(messages) {
      let inserted = 0;
      for (let start = 0; start < messages.length; start += INSERT_CHUNK) {
        const chunk = messages.slice(start, start + INSERT_CHUNK);
        // Keys already present are skipped, so enqueueing twice (a second tick, a
        // second instance) can never create a second message.
        const existing = new Set(
          (await db.outboxMessage.findMany({ where: { key: { in: chunk.map((m) => m.key) } }, select: { key: true } })).map((row) => row.key),
        );
        const fresh = chunk.filter((message) => !existing.has(message.key));
        if (fresh.length === 0) continue;
        try {
          inserted += (await db.outboxMessage.createMany({ data: fresh.map(toRow) })).count;
        } catch (error) {
          if (!isUniqueViolation(error)) throw error;
          // Someone inserted some of these keys in the meantime: fall back to one by one.
          for (const message of fresh) inserted += await insertOne(db, message);
        }
      }
      return inserted;
    },

    async claimDue(now, limit, claimer) {
      const candidates = await db.outboxMessage.findMany({
        where: { status: "pending", dueAt: { lte: now } },
        orderBy: [{ priority: "asc" }, { dueAt: "asc" }, { id: "asc" }],
        take: limit,
        select: { id: true },
      });
      if (candidates.length === 0) return [];
      // The status condition makes the claim atomic per row: of two instances
      // racing for the same rows, each row goes to exactly one. This holds across
      // processes: it is one UPDATE ... WHERE id IN (...) AND status = 'pending',
      // and PostgreSQL (read committed) makes a second UPDATE of a row wait for the
      // first to commit and then re-checks its WHERE against the new version, which
      // is no longer pending; SQLite has a single writer. So no SELECT ... FOR
      // UPDATE SKIP LOCKED is needed for correctness (it would only spare a losing
      // claimer an empty batch, and on PostgreSQL only one elected instance claims:
      // see delivery-sender.ts).
      await db.outboxMessage.updateMany({
        where: { id: { in: candidates.map((row) => row.id) }, status: "pending" },
        data: { status: "claimed", claimedBy: claimer, claimedAt: now },
      });
      return db.outboxMessage.findMany({
        where: { claimedBy: claimer, status: "claimed" },
        orderBy: [{ priority: "asc" }, { dueAt: "asc" }, { id: "asc" }],
        select: ROW_FIELDS,
      });
    },

    async markSending(id, now, claimer) {
      const { count } = await db.outboxMessage.updateMany({
        where: { id, status: "claimed", ...(claimer ? { claimedBy: claimer } : {}) },
        data: { status: "sending", claimedAt: now },
      });
      return count === 1;
    },

    async markSendingMany(ids, now, claimer) {
      const marked = await db.outboxMessage.updateManyAndReturn({
        where: { id: { in: [...ids] }, status: "claimed", claimedBy: claimer },
        data: { status: "sending", claimedAt: now },
        select: { id: true },
      });
      return marked.map((row) => row.id);
    },

    async unmarkSending(ids, claimer) {
      await db.outboxMessage.updateMany({ where: { id: { in: [...ids] }, status: "sending", claimedBy: claimer }, data: { status: "claimed" } });
    },

    async markSentMany(sent, now) {
      // One statement for many rows: a statement costs about as much for one row as for thirty (Prisma's
      // per-query work, SQLite's commit), and updateMany cannot give each row its own message id.
      for (let start = 0; start < sent.length; start += SENT_CHUNK) {
        const chunk = sent.slice(start, start + SENT_CHUNK);
        if (chunk.length === 1) {
          const [{ id, telegramMessageId }] = chunk as [{ id: number; telegramMessageId: number | null }];
          await db.outboxMessage.updateMany({ where: { id }, data: { status: "sent", sentAt: now, telegramMessageId, lastError: null } });
          continue;
        }
        const messageIds = join(chunk.map((row) => sql`WHEN ${row.id} THEN CAST(${row.telegramMessageId} AS INTEGER)`), " ");
        await db.$executeRaw`UPDATE outbox SET status = 'sent', sent_at = ${now}, updated_at = ${now}, last_error = NULL,
          telegram_message_id = CASE id ${messageIds} END
          WHERE id IN (${join(chunk.map((row) => row.id))})`;
      }
    },

    async release(id, dueAt, attempts, lastError) {
      await db.outboxMessage.updateMany({
        where: { id, status: { in: ["claimed", "sending"] } },
        data: { status: "pending", dueAt, attempts, lastError, claimedBy: null, claimedAt: null },
      });
    },

    async markFailed(id, reason: FailureReason, detail) {
      await db.outboxMessage.update({ where: { id }, data: { status: "failed", lastError: `${reason}: ${detail}`.slice(0, 500) } });
    },

    async markUnknown(id, detail) {
      await db.outboxMessage.update({ where: { id }, data: { status: "unknown", lastError: detail.slice(0, 500) } });
    },

    async cancelForChat(chatId, kinds?: OutboxKind[]) {
      const { count } = await db.outboxMessage.updateMany({
        where: { chatId: BigInt(chatId), status: { in: ["pending", "claimed"] }, ...(kinds ? { kind: { in: kinds } } : {}) },
        data: { status: "cancelled" },
      });
      return count;
    },

    async recover(staleBefore, claimerPrefix) {
      const mine = claimerPrefix ? { claimedBy: { startsWith: claimerPrefix } } : {};
      const released = await db.outboxMessage.updateMany({
        where: { status: "claimed", claimedAt: { lt: staleBefore }, ...mine },
        data: { status: "pending", claimedBy: null, claimedAt: null },
      });
      const unknown = await db.outboxMessage.updateMany({
        where: { status: "sending", claimedAt: { lt: staleBefore }, ...mine },
        data: { status: "unknown", lastError: "the process stopped while sending" },
      });
      return { released: released.count, unknown: unknown.count };
    },

    async cancelKeys(keys) {
      if (keys.length === 0) return 0;
      const { count } = await db.outboxMessage.updateMany({
        where: { key: { in: keys }, status: { in: ["pending", "held", "claimed"] } },
        data: { status: "cancelled" },
      });
      return count;
    },

    async sentMessageId(key) {
      const row = await db.outboxMessage.findUnique({ where: { key }, select: { telegramMessageId: true } });
      return row?.telegramMessageId ?? null;
    },

    async releaseClaimedBy(claimerPrefix) {
      const { count } = await db.outboxMessage.updateMany({
        where: { status: "claimed", claimedBy: { startsWith: claimerPrefix } },
        data: { status: "pending", claimedBy: null, claimedAt: null },
      });
      return count;
    },

    async pruneFinished(before) {
      const ended = { status: { in: ["sent", "failed", "unknown", "cancelled"] }, updatedAt: { lt: before } };
      // An announcement's figures are read from its rows until they are kept on the broadcast itself.
      const kept = (await db.broadcast.findMany({ where: { figures: { not: null } }, select: { id: true } })).map((row) => row.id);
      const { count } = await db.outboxMessage.deleteMany({ where: { ...ended, OR: [{ broadcastId: null }, { broadcastId: { in: kept } }] } });
      return count;
    },

    async oldestWaiting(now) {
      const row = await db.outboxMessage.findFirst({
        where: { status: { in: ["pending", "claimed"] }, dueAt: { lte: now } },
        orderBy: { dueAt: "asc" },
        select: { dueAt: true },
      });
      return row?.dueAt ?? null;
    },

    async countByKindAndStatus() {
      const groups = await db.outboxMessage.groupBy({ by: ["kind", "status"], _count: { _all: true } });
      return groups.map((group) => ({ kind: group.kind, status: group.status, count: group._count._all }));
    },
  };
}

function toRow(message: NewOutboxMessage) {
  return {
    key: message.key,
    kind: message.kind,
    priority: PRIORITY[message.kind],
    chatId: BigInt(message.chatId),
    userId: message.userId == null ? null : BigInt(message.userId),
    aboutUserId: message.aboutUserId == null ? null : BigInt(message.aboutUserId),
    broadcastId: message.broadcastId ?? null,
    payload: message.message ? JSON.stringify(message.message) : null,
    dueAt: message.dueAt,
  };
}

async function insertOne(db: Db, message: NewOutboxMessage): Promise<number> {
  try {
    await db.outboxMessage.create({ data: toRow(message) });
    return 1;
  } catch (error) {
    if (isUniqueViolation(error)) return 0;
    throw error;
  }
}

export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string }).code === "P2002";
}
