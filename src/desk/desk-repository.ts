import { randomBytes } from "node:crypto";
import type { Db } from "../db/database.js";
import { isUniqueViolation } from "../delivery/outbox-repository.js";

/**
 * What the staff desk reads besides appointments: practitioners' calendar-feed
 * tokens, announcement delivery over time, and weekly tip figures.
 */
export interface DeskRepository {
  /** The feed token of each practitioner given, creating those missing. */
  feedTokens(practitionerIds: readonly string[]): Promise<Map<string, string>>;
  /** Replaces a practitioner's token: the old feed address stops working at once. */
  replaceFeedToken(practitionerId: string): Promise<string>;
  practitionerOfFeed(token: string): Promise<string | null>;
  /** When each message of an announcement was sent, oldest first. */
  sentTimes(broadcastId: number): Promise<Date[]>;
  /** Active subscriptions at `at`: created before it, and still active or ended after it. */
  countSubscribersAt(at: Date): Promise<number>;
  countTipsDelivered(from: Date, to: Date): Promise<number>;
}

/** 32 random bytes: far beyond guessing, and URL-safe as they are. */
function newFeedToken(): string {
  return randomBytes(32).toString("base64url");
}

export function createDeskRepository(db: Db): DeskRepository {
  return {
    async feedTokens(practitionerIds) {
      const rows = await db.calendarFeed.findMany({ where: { practitionerId: { in: [...practitionerIds] } } });
      const tokens = new Map(rows.map((row) => [row.practitionerId, row.token]));
      for (const practitionerId of practitionerIds) {
        if (tokens.has(practitionerId)) continue;
        try {
          await db.calendarFeed.create({ data: { practitionerId, token: newFeedToken() } });
        } catch (error) {
          // Two desks opened at once: the other one created it.
          if (!isUniqueViolation(error)) throw error;
        }
        tokens.set(practitionerId, (await db.calendarFeed.findUniqueOrThrow({ where: { practitionerId } })).token);
      }
      return tokens;
    },

    async replaceFeedToken(practitionerId) {
      const token = newFeedToken();
      await db.calendarFeed.upsert({ where: { practitionerId }, create: { practitionerId, token }, update: { token, createdAt: new Date() } });
      return token;
    },

    async practitionerOfFeed(token) {
      const row = await db.calendarFeed.findUnique({ where: { token } });
      return row?.practitionerId ?? null;
    },

    async sentTimes(broadcastId) {
      const rows = await db.outboxMessage.findMany({
        where: { broadcastId, status: "sent", sentAt: { not: null } },
        select: { sentAt: true },
        orderBy: { sentAt: "asc" },
      });
      return rows.map((row) => row.sentAt!);
    },

    countSubscribersAt: (at) =>
      db.tipSubscription.count({ where: { createdAt: { lt: at }, OR: [{ active: true }, { updatedAt: { gte: at } }] } }),
    countTipsDelivered: (from, to) => db.tipDelivery.count({ where: { deliveredAt: { gte: from, lt: to } } }),
  };
}
