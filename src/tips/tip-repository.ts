import type { Db } from "../db/database.js";
import type { NewOutboxMessage } from "../delivery/outbox.js";
import { isUniqueViolation } from "../delivery/outbox-repository.js";
import { PRIORITY } from "../delivery/outbox.js";

export interface TipSubscription {
  id: number;
  userId: bigint;
  weekday: number;
  hour: number;
  timeZone: string;
  active: boolean;
  nextDueAt: Date;
}

export interface DueSubscription extends TipSubscription {
  chatId: bigint;
  language: string | null;
  languageCode: string | null;
  /** A blocked patient's slots are skipped (not queued) until they come back. */
  userStatus: string;
}

export interface TipRepository {
  find(userId: number | bigint): Promise<TipSubscription | null>;
  /** Creates or updates the patient's subscription and makes it active. */
  save(userId: number | bigint, slot: { weekday: number; hour: number; timeZone: string }, nextDueAt: Date): Promise<TipSubscription>;
  /** Stops the subscription and cancels any tip still waiting to be sent. */
  deactivate(userId: number | bigint, chatId: number | bigint): Promise<boolean>;
  /** Active subscriptions whose slot has come, oldest first (one indexed range scan). */
  findDue(now: Date, limit: number): Promise<DueSubscription[]>;
  /** Moves a subscription past a slot it will not use (missed beyond the grace window). */
  advance(subscriptionId: number, fromDueAt: Date, nextDueAt: Date): Promise<boolean>;
  /**
   * Claims a slot and schedules its tip in one transaction: the slot moves on only
   * if nobody else moved it, the tip is recorded as received, and the message is
   * queued under a key unique to the subscription and week.
   */
  scheduleTip(input: {
    subscriptionId: number;
    fromDueAt: Date;
    nextDueAt: Date;
    userId: bigint;
    tipId: string;
    weekKey: string;
    message: NewOutboxMessage;
  }): Promise<boolean>;
  deliveredTipIds(userId: number | bigint): Promise<Set<string>>;
  /** Records a tip sent on demand (/tip); false when the patient already had it. */
  recordOnDemand(userId: number | bigint, tipId: string): Promise<boolean>;
  countActive(): Promise<number>;
  countDeliveredSince(since: Date): Promise<number>;
}

export function createTipRepository(db: Db): TipRepository {
  return {
    find: (userId) => db.tipSubscription.findUnique({ where: { userId: BigInt(userId) } }),

    save: (userId, slot, nextDueAt) =>
      db.tipSubscription.upsert({
        where: { userId: BigInt(userId) },
        create: { userId: BigInt(userId), ...slot, nextDueAt, active: true },
        update: { ...slot, nextDueAt, active: true },
      }),

    async deactivate(userId, chatId) {
      return db.$transaction(async (tx) => {
        const { count } = await tx.tipSubscription.updateMany({ where: { userId: BigInt(userId), active: true }, data: { active: false } });
        await tx.outboxMessage.updateMany({
          where: { chatId: BigInt(chatId), kind: "tip", status: { in: ["pending", "claimed"] } },
          data: { status: "cancelled" },
        });
        return count > 0;
      });
    },

    async findDue(now, limit) {
      const rows = await db.tipSubscription.findMany({
        where: { active: true, nextDueAt: { lte: now } },
        orderBy: { nextDueAt: "asc" },
        take: limit,
        include: { user: { select: { chatId: true, language: true, languageCode: true, status: true } } },
      });
      return rows.map(({ user, ...subscription }) => ({
        ...subscription,
        chatId: user.chatId,
        language: user.language,
        languageCode: user.languageCode,
        userStatus: user.status,
      }));
    },

    async advance(subscriptionId, fromDueAt, nextDueAt) {
      const { count } = await db.tipSubscription.updateMany({ where: { id: subscriptionId, nextDueAt: fromDueAt }, data: { nextDueAt } });
      return count === 1;
    },

    async scheduleTip(input) {
      try {
        return await db.$transaction(async (tx) => {
          const { count } = await tx.tipSubscription.updateMany({
            where: { id: input.subscriptionId, nextDueAt: input.fromDueAt, active: true },
            data: { nextDueAt: input.nextDueAt },
          });
          if (count === 0) return false; // another tick or instance took this slot
          await tx.tipDelivery.create({ data: { userId: input.userId, tipId: input.tipId, source: "weekly", weekKey: input.weekKey } });
          const message = input.message;
          await tx.outboxMessage.create({
            data: {
              key: message.key,
              kind: message.kind,
              priority: PRIORITY[message.kind],
              chatId: BigInt(message.chatId),
              userId: input.userId,
              payload: message.message ? JSON.stringify(message.message) : null,
              dueAt: message.dueAt,
            },
          });
          return true;
        });
      } catch (error) {
        if (isUniqueViolation(error)) return false; // this week's tip (or this tip) already exists
        throw error;
      }
    },

    async deliveredTipIds(userId) {
      const rows = await db.tipDelivery.findMany({ where: { userId: BigInt(userId) }, select: { tipId: true } });
      return new Set(rows.map((row) => row.tipId));
    },

    async recordOnDemand(userId, tipId) {
      try {
        await db.tipDelivery.create({ data: { userId: BigInt(userId), tipId, source: "on-demand" } });
        return true;
      } catch (error) {
        if (isUniqueViolation(error)) return false;
        throw error;
      }
    },

    countActive: () => db.tipSubscription.count({ where: { active: true, user: { status: "active" } } }),
    countDeliveredSince: (since) => db.tipDelivery.count({ where: { deliveredAt: { gte: since } } }),
  };
}
