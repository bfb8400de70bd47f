import type { Db } from "../database.js";

/**
 * The updates from Telegram the bot has taken on (table processed_updates),
 * so that one delivered again is dropped instead of handled twice: Telegram
 * posts a webhook update again when it got no timely answer (and behind a load
 * balancer the copy may reach another instance), and long polling hands out
 * again what was fetched but not yet confirmed when the bot stopped.
 */
export interface ProcessedUpdateRepository {
  /**
   * Records the update as taken on. True the first time, false when it was
   * already recorded (by this instance or another one on the same database).
   * One statement: an insert that does nothing on a conflict.
   */
  claim(updateId: number, at: Date): Promise<boolean>;
  /** Forgets updates recorded before `before`; returns how many. */
  pruneBefore(before: Date): Promise<number>;
  /** The highest update id recorded, if any. */
  highest(): Promise<number | undefined>;
}

export function createProcessedUpdateRepository(db: Db): ProcessedUpdateRepository {
  return {
    async claim(updateId, at) {
      // Both databases answer how many rows the insert wrote: 1, or 0 when the id was there already.
      const inserted = await db.$executeRaw`INSERT INTO processed_updates (update_id, received_at) VALUES (${BigInt(updateId)}, ${at}) ON CONFLICT DO NOTHING`;
      return inserted === 1;
    },
    async pruneBefore(before) {
      return (await db.processedUpdate.deleteMany({ where: { receivedAt: { lt: before } } })).count;
    },
    async highest() {
      const found = await db.processedUpdate.findFirst({ orderBy: { updateId: "desc" }, select: { updateId: true } });
      return found ? Number(found.updateId) : undefined;
    },
  };
}
