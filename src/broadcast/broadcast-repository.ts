import type { Db } from "../db/database.js";
import type { NewOutboxMessage } from "../delivery/outbox.js";
import { LANGUAGES, type Language } from "../clinic/clinic-profile.js";

export type Audience = "everyone" | "subscribers" | "appointments" | "lang:en" | "lang:fr";
export const AUDIENCES: readonly Audience[] = ["everyone", "subscribers", "appointments", "lang:en", "lang:fr"];

export interface BroadcastRow {
  id: number;
  authorId: bigint;
  authorName: string;
  authorChatId: bigint;
  status: string;
  text: string | null;
  entities: string | null;
  photoFileId: string | null;
  audience: string | null;
  recipientCount: number;
  scheduledAt: Date | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  progressMessageId: number | null;
  createdAt: Date;
  /** Null until every recipient is queued (a crash while queueing leaves it null, and queueing resumes). */
  recipientsQueuedAt: Date | null;
  /** The final figures as JSON, kept once the broadcast ended (its outbox rows may be pruned later). */
  figures: string | null;
}

/** Delivery figures of one broadcast, read from its outbox rows. */
export interface BroadcastFigures {
  sent: number;
  blocked: number;
  failed: number;
  unknown: number;
  cancelled: number;
  remaining: number;
  failureReasons: Record<string, number>;
}

export interface BroadcastRepository {
  startComposing(author: { id: number; name: string; chatId: number }): Promise<BroadcastRow>;
  findComposing(authorId: number): Promise<BroadcastRow | null>;
  /** The author's announcement still being written or not yet sent (composing or draft). */
  findUnfinished(authorId: number): Promise<BroadcastRow | null>;
  find(id: number): Promise<BroadcastRow | null>;
  saveMessage(id: number, message: { text: string; entities: string | null; photoFileId: string | null }): Promise<void>;
  setAudience(id: number, audience: Audience): Promise<void>;
  /** Moves the broadcast from one status to another only if it is still in `from`: a double press changes nothing. */
  transition(id: number, from: string[], to: string, data?: { scheduledAt?: Date; startedAt?: Date; finishedAt?: Date }): Promise<boolean>;
  setProgressMessage(id: number, messageId: number): Promise<void>;
  countAudience(audience: Audience): Promise<number>;
  /** How many in the audience read `language` (their choice, else Telegram's language; else the clinic's `fallback`). */
  countAudienceReading(audience: Audience, language: Language, fallback: Language): Promise<number>;
  /**
   * Writes one outbox row per recipient, page by page (never all recipients in
   * memory); keys make a repeated call add nothing. Returns the recipient count.
   */
  enqueueRecipients(broadcast: BroadcastRow, dueAt: Date, enqueue: (rows: NewOutboxMessage[]) => Promise<number>): Promise<number>;
  figures(id: number): Promise<BroadcastFigures>;
  /** Paused: its waiting rows are held back; resumed: released again. */
  holdPending(id: number): Promise<void>;
  releaseHeld(id: number): Promise<void>;
  cancelWaiting(id: number): Promise<void>;
  dueScheduled(now: Date): Promise<BroadcastRow[]>;
  recent(limit: number): Promise<BroadcastRow[]>;
  /** Broadcasts still going out (for progress after a restart). */
  active(): Promise<BroadcastRow[]>;
  /** Ended broadcasts (done or cancelled) whose figures are not kept yet. */
  endedWithoutFigures(): Promise<BroadcastRow[]>;
  /** Keeps the final figures on the broadcast, so they outlive its outbox rows. */
  keepFigures(id: number, figures: BroadcastFigures): Promise<void>;
}

const PAGE = 1000;

/** Which users an audience is, as a Prisma filter; "appointments" means a confirmed appointment still ahead. */
async function audienceFilter(db: Db, audience: Audience, now: Date) {
  const active = { status: "active" };
  switch (audience) {
    case "everyone":
      return active;
    case "subscribers":
      return { ...active, tipSubscription: { is: { active: true } } };
    case "appointments": {
      const upcoming = await db.appointment.findMany({
        where: { status: "confirmed", startsAt: { gt: now }, userId: { not: null } },
        distinct: ["userId"],
        select: { userId: true },
      });
      return { ...active, id: { in: upcoming.map((row) => row.userId!) } };
    }
    case "lang:en":
    case "lang:fr": {
      const language = audience.slice(5);
      // The patient's own choice wins; otherwise Telegram's language decides.
      return {
        ...active,
        OR: [{ language }, { language: null, languageCode: { startsWith: language } }],
      };
    }
  }
}

export function createBroadcastRepository(db: Db, now: () => Date = () => new Date()): BroadcastRepository {
  return {
    startComposing: (author) =>
      db.$transaction(async (tx) => {
        // One draft per staff member: starting again replaces the unfinished one.
        await tx.broadcast.updateMany({ where: { authorId: author.id, status: { in: ["composing", "draft"] } }, data: { status: "cancelled" } });
        return tx.broadcast.create({ data: { authorId: author.id, authorName: author.name, authorChatId: author.chatId, status: "composing" } });
      }),
    findComposing: (authorId) => db.broadcast.findFirst({ where: { authorId, status: "composing" }, orderBy: { id: "desc" } }),
    findUnfinished: (authorId) =>
      db.broadcast.findFirst({ where: { authorId, status: { in: ["composing", "draft"] } }, orderBy: { id: "desc" } }),
    find: (id) => db.broadcast.findUnique({ where: { id } }),
    async saveMessage(id, message) {
      await db.broadcast.update({ where: { id }, data: { ...message, status: "draft" } });
    },
    async setAudience(id, audience) {
      await db.broadcast.updateMany({ where: { id, status: "draft" }, data: { audience } });
    },
    async transition(id, from, to, data = {}) {
      const { count } = await db.broadcast.updateMany({ where: { id, status: { in: from } }, data: { status: to, ...data } });
      return count === 1;
    },
    async setProgressMessage(id, messageId) {
      await db.broadcast.update({ where: { id }, data: { progressMessageId: messageId } });
    },
    countAudience: async (audience) => db.user.count({ where: await audienceFilter(db, audience, now()) }),
    async countAudienceReading(audience, language, fallback) {
      const where = await audienceFilter(db, audience, now());
      // Two languages: the clinic's own is everyone who does not read the other one.
      const other = LANGUAGES.find((entry) => entry !== fallback)!;
      const readers = await db.user.count({ where: { AND: [where, await audienceFilter(db, `lang:${other}`, now())] } });
      return language === other ? readers : (await db.user.count({ where })) - readers;
    },

    async enqueueRecipients(broadcast, dueAt, enqueue) {
      const audience = (broadcast.audience ?? "everyone") as Audience;
      let cursor: bigint | undefined;
      let total = 0;
      // Decided once, when sending starts: a page-by-page walk must see one audience.
      const where = await audienceFilter(db, audience, now());
      for (;;) {
        const page = await db.user.findMany({
          where,
          orderBy: { id: "asc" },
          take: PAGE,
          ...(cursor === undefined ? {} : { cursor: { id: cursor }, skip: 1 }),
          select: { id: true, chatId: true },
        });
        if (page.length === 0) break;
        await enqueue(
          page.map((user) => ({ key: `broadcast:${broadcast.id}:${user.id}`, kind: "broadcast", chatId: user.chatId, userId: user.id, broadcastId: broadcast.id, dueAt })),
        );
        total += page.length;
        cursor = page.at(-1)!.id;
      }
      await db.broadcast.update({ where: { id: broadcast.id }, data: { recipientCount: total, recipientsQueuedAt: now() } });
      return total;
    },

    async figures(id) {
      const kept = (await db.broadcast.findUnique({ where: { id }, select: { figures: true } }))?.figures;
      if (kept) return JSON.parse(kept) as BroadcastFigures;
      const groups = await db.outboxMessage.groupBy({ by: ["status"], where: { broadcastId: id }, _count: { _all: true } });
      const count = (status: string) => groups.find((group) => group.status === status)?._count._all ?? 0;
      const failures = await db.outboxMessage.groupBy({ by: ["lastError"], where: { broadcastId: id, status: "failed" }, _count: { _all: true } });
      const failureReasons: Record<string, number> = {};
      let blocked = 0;
      for (const failure of failures) {
        const reason = failure.lastError ?? "unknown reason";
        if (reason.startsWith("blocked")) blocked += failure._count._all;
        else failureReasons[reason] = failure._count._all;
      }
      return {
        sent: count("sent"),
        blocked,
        failed: count("failed") - blocked,
        unknown: count("unknown"),
        cancelled: count("cancelled"),
        remaining: count("pending") + count("held") + count("claimed") + count("sending"),
        failureReasons,
      };
    },
    async holdPending(id) {
      await db.outboxMessage.updateMany({ where: { broadcastId: id, status: "pending" }, data: { status: "held" } });
    },
    async releaseHeld(id) {
      await db.outboxMessage.updateMany({ where: { broadcastId: id, status: "held" }, data: { status: "pending" } });
    },
    async cancelWaiting(id) {
      await db.outboxMessage.updateMany({ where: { broadcastId: id, status: { in: ["pending", "held", "claimed"] } }, data: { status: "cancelled" } });
    },
    dueScheduled: (now) => db.broadcast.findMany({ where: { status: "scheduled", scheduledAt: { lte: now } }, orderBy: { scheduledAt: "asc" } }),
    recent: (limit) => db.broadcast.findMany({ where: { status: { notIn: ["composing", "draft"] } }, orderBy: { id: "desc" }, take: limit }),
    active: () => db.broadcast.findMany({ where: { status: { in: ["sending", "paused"] } } }),
    endedWithoutFigures: () => db.broadcast.findMany({ where: { status: { in: ["done", "cancelled"] }, figures: null, startedAt: { not: null } } }),
    async keepFigures(id, figures) {
      await db.broadcast.update({ where: { id }, data: { figures: JSON.stringify(figures) } });
    },
  };
}
