import type { Db } from "../db/database.js";

/**
 * What a sandbox reads back from a database it is given (DATABASE_URL), which
 * outlives it: so that a new run goes on from the last one instead of
 * contradicting it.
 */
export function createSandboxRecords(db: Db) {
  return {
    /** The highest user id in [from, below), if any: the page's next patients start after it. */
    async highestUserId(from: number, below: number): Promise<number | undefined> {
      const found = await db.user.findFirst({ where: { id: { gte: BigInt(from), lt: BigInt(below) } }, orderBy: { id: "desc" }, select: { id: true } });
      return found ? Number(found.id) : undefined;
    },

    /** The last `limit` people (by id) in [from, below): who they are, in the words the bot has for them. */
    async usersBetween(from: number, below: number, limit: number): Promise<Array<{ id: number; name: string; language: string | undefined }>> {
      const rows = await db.user.findMany({
        where: { id: { gte: BigInt(from), lt: BigInt(below) } },
        orderBy: { id: "desc" },
        take: limit,
        select: { id: true, firstName: true, lastName: true, language: true, languageCode: true },
      });
      return rows.reverse().map((row) => ({ id: Number(row.id), name: [row.firstName, row.lastName].filter(Boolean).join(" "), language: row.language ?? row.languageCode ?? undefined }));
    },

    /** When the bot last sent a message through its outbox, on the clock of the run that sent it. */
    async lastSentAt(): Promise<Date | undefined> {
      const found = await db.outboxMessage.findFirst({ where: { sentAt: { not: null } }, orderBy: { sentAt: "desc" }, select: { sentAt: true } });
      return found?.sentAt ?? undefined;
    },
  };
}
