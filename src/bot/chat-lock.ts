import { parseDatabaseUrl } from "../db/database-url.js";
import { createPgPool } from "../db/pg-pool.js";

/**
 * One update per chat at a time across every instance of the bot.
 *
 * Within one process, grammY's sequentialize keeps a chat's updates in order.
 * With several instances behind a load balancer (webhook mode on PostgreSQL),
 * two updates of one chat can reach two instances at once: a patient tapping
 * two buttons quickly could then have one step of their booking conversation
 * overwrite the other's. This lock closes that gap with a PostgreSQL advisory
 * lock per chat, held on its own connection while the update is handled; the
 * database releases it by itself if the instance dies.
 */
export interface ChatLock {
  run<T>(chatKey: string, work: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Arbitrary, fixed: namespaces these advisory locks apart from the app's others. */
const LOCK_NAMESPACE = 0x63686174; // "chat"

/**
 * `maxConnections` bounds how many chats one instance handles at the same time
 * (updates of other chats wait for a connection, not for each other's chats).
 */
export function createPostgresChatLock(databaseUrl: string, maxConnections = 10): ChatLock {
  const target = parseDatabaseUrl(databaseUrl);
  if (target.provider !== "postgresql") throw new Error("the per-chat lock needs PostgreSQL (DATABASE_URL)");
  const pool = createPgPool(target, { max: maxConnections, connectionTimeoutMillis: 10_000 });
  const lockName = (chatKey: string) => `${target.schema}:${chatKey}`;

  return {
    async run(chatKey, work) {
      const client = await pool.connect();
      // A connection whose lock state is unsure is destroyed, not reused: closing it releases the lock.
      let broken: Error | undefined;
      // The server may end the connection while the update is handled (a restart, a failover): node-postgres
      // then emits "error" on the checked-out client, which would crash the process if nobody listened.
      const onError = (error: Error) => void (broken ??= error);
      client.on("error", onError);
      try {
        await client.query("SELECT pg_advisory_lock($1, hashtext($2))", [LOCK_NAMESPACE, lockName(chatKey)]);
      } catch (error) {
        client.removeListener("error", onError);
        client.release(error as Error);
        throw error;
      }
      try {
        return await work();
      } finally {
        await client
          .query("SELECT pg_advisory_unlock($1, hashtext($2))", [LOCK_NAMESPACE, lockName(chatKey)])
          .catch((error: unknown) => (broken ??= error as Error));
        client.removeListener("error", onError);
        client.release(broken);
      }
    },
    close: () => pool.end(),
  };
}
