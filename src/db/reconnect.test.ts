import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { createTestDatabase, testPostgresUrl, testProviders, type TestDatabase } from "../../test/kit/test-database.js";
import { openDatabase, type Database } from "./database.js";
import { createPostgresChatLock } from "../bot/chat-lock.js";
import { createSharedSendBudget } from "../delivery/shared-send-budget.js";

/** Ends this test's connections, and only those (found by the application_name its URLs give them). */
async function terminate(applicationName: string): Promise<number> {
  const client = new pg.Client({ connectionString: testPostgresUrl() });
  await client.connect();
  try {
    const { rows } = await client.query<{ ended: boolean }>("SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE application_name = $1", [applicationName]);
    return rows.length;
  } finally {
    await client.end();
  }
}

/** Retries `work` for up to two seconds: the first call after a cut may meet the dead connection. */
async function eventually<T>(work: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 2_000;
  for (;;) {
    try {
      return await work();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/**
 * Every pool of the bot (Prisma's, the per-chat lock's, the shared send budget's) keeps working after the
 * server ended all its connections: dead connections are dropped (pg Pool "error" events are handled, so the
 * process does not crash) and new ones are opened, without a restart.
 */
describe.runIf(testProviders.includes("postgresql"))("pools after the server ended their connections", () => {
  let base: TestDatabase;
  let database: Database;
  let url: string;
  const name = `clinic-reconnect-${randomBytes(4).toString("hex")}`;
  beforeAll(async () => {
    base = await createTestDatabase("postgresql");
    const withName = new URL(base.url);
    withName.searchParams.set("application_name", name);
    url = withName.toString();
    database = await openDatabase(url, { maxConnections: 3 });
  });
  afterAll(async () => {
    await database?.close();
    await base?.drop();
  });

  it("reconnect: Prisma's pool, the chat lock and the send budget each work again", async () => {
    const lock = createPostgresChatLock(url, 2);
    const budget = createSharedSendBudget(url, 30);
    try {
      expect(await database.prisma.user.count()).toBe(0);
      expect(await lock.run("chat-1", async () => "inside")).toBe("inside");
      expect(await budget.reserve("reply")).toHaveProperty("delayMs");

      expect(await terminate(name)).toBeGreaterThanOrEqual(3);
      // The idle connections' "error" events did not crash anything; each pool opens new ones.
      expect(await eventually(() => database.prisma.user.count())).toBe(0);
      expect(await eventually(() => lock.run("chat-1", async () => "again"))).toBe("again");
      expect(await eventually(async () => budget.reserve("reply"))).toHaveProperty("delayMs");
      await database.probe();

      // A connection ended while a chat's lock is held: the update fails (the patient gets the apology),
      // the broken connection is not reused, and the next update of that chat gets the lock.
      await expect(lock.run("chat-2", async () => {
        await terminate(name);
        await new Promise((resolve) => setTimeout(resolve, 100));
        return "done";
      })).resolves.toBe("done");
      expect(await eventually(() => lock.run("chat-2", async () => "next"))).toBe("next");
    } finally {
      await lock.close();
      await budget.close();
    }
  });
});
