import { afterAll, afterEach, describe, expect, it } from "vitest";
import { setTimeout as sleep } from "node:timers/promises";
import { BotApiSimulator } from "../../src/bot-api-peer/index.js";
import { command, user } from "../../src/bot-api-peer/updates.js";
import { scratchLocation } from "../kit/test-database.js";
import { openDatabase } from "../../src/db/database.js";
import { listMigrationNames } from "../../src/db/migrations.js";
import { migrationsPath } from "../../src/db/schema-files.js";
import { E2E_TOKEN, freePort, startBotProcess, type BotProcess } from "./harness.js";

/**
 * The real bot process and its update source: it must never stay up deaf
 * while saying it is healthy, and it must stop cleanly whenever it is told to.
 */
describe("the update source of the real bot process", () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    cleanups.length = 0;
  });
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  });

  async function polling(env: Record<string, string> = {}) {
    const sim = new BotApiSimulator({ token: E2E_TOKEN, rateLimits: false });
    const { apiRoot } = await sim.listen();
    const location = scratchLocation("sqlite");
    const bot = await startBotProcess({ BOT_TOKEN: E2E_TOKEN, TELEGRAM_API_ROOT: apiRoot, DATABASE_URL: location.url, ...env });
    cleanups.push(() => sim.close(), () => location.cleanup(), () => bot.stop("SIGKILL"));
    return { sim, apiRoot, location, bot };
  }
  const health = async (bot: BotProcess) => (await fetch(`http://127.0.0.1:${bot.port}/healthz`)).status;
  async function waitForHealth(bot: BotProcess, status: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while ((await health(bot)) !== status) {
      if (Date.now() > deadline) throw new Error(`/healthz did not turn ${status} within ${timeoutMs} ms:\n${bot.output()}`);
      await sleep(100);
    }
  }
  const greeted = (sim: BotApiSimulator, id: number) => sim.waitFor(() => sim.countText(id, "Hello") > 0, 10_000);

  it("keeps polling through a 409 conflict, unhealthy meanwhile, and serves again as soon as it ends", async () => {
    const { sim, bot } = await polling();
    await bot.waitForLog(/"bot initialised"/);
    await waitForHealth(bot, 200, 5_000);

    // Another process polls the same token for a while.
    sim.configure({ getUpdatesError: { error_code: 409, description: "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running" } });
    await waitForHealth(bot, 503, 5_000);
    await bot.waitForLog(/getUpdates conflict/);
    await sleep(4_000);
    expect(await health(bot)).toBe(503);
    const conflicts = sim.callsTo("getUpdates").filter((call) => call.status === 409).length;
    expect(conflicts).toBeGreaterThanOrEqual(3); // it kept trying, with backoff
    expect(conflicts).toBeLessThan(20);

    sim.configure({ getUpdatesError: null });
    await waitForHealth(bot, 200, 7_000);
    sim.pushUpdate(command(user(91_001), "/start"));
    await greeted(sim, 91_001);
    expect(bot.output()).not.toMatch(/unhandled rejection/);
    expect(await bot.stop("SIGTERM")).toBe(0);
  }, 40_000);

  it("exits non-zero within seconds, with one line naming BOT_TOKEN, when Telegram revokes the token", async () => {
    const { sim, bot } = await polling();
    await bot.waitForLog(/"bot initialised"/);
    sim.configure({ token: "123456789:AAFsomeOtherTokenNowValid0000000000", getUpdatesError: { error_code: 401, description: "Unauthorized" } });
    const revoked = Date.now();
    const code = await bot.exited;
    expect(code).not.toBe(0);
    expect(code).not.toBeNull();
    expect(Date.now() - revoked).toBeLessThan(5_000);
    const lines = bot.output().split("\n").filter((line) => /BOT_TOKEN/.test(line));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/BOT_TOKEN was rejected by Telegram \(401 Unauthorized\).*@BotFather/);
  }, 30_000);

  it("exits non-zero with one line naming BOT_TOKEN when the token is wrong at start", async () => {
    const sim = new BotApiSimulator({ token: "123456789:AAFtheRealTokenOfTheBot000000000000" });
    const { apiRoot } = await sim.listen();
    const location = scratchLocation("sqlite");
    cleanups.push(() => sim.close(), () => location.cleanup());
    const started = Date.now();
    const bot = await startBotProcess({ BOT_TOKEN: E2E_TOKEN, TELEGRAM_API_ROOT: apiRoot, DATABASE_URL: location.url });
    cleanups.push(() => bot.stop("SIGKILL"));
    expect(await bot.exited).toBe(1);
    expect(Date.now() - started).toBeLessThan(10_000);
    const lines = bot.output().split("\n").filter((line) => /BOT_TOKEN/.test(line));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/could not start: BOT_TOKEN was rejected by Telegram/);
  }, 30_000);

  it("exits non-zero, naming the cause, when the update source dies any other way", async () => {
    const { sim, bot } = await polling();
    await bot.waitForLog(/"bot initialised"/);
    await waitForHealth(bot, 200, 5_000);
    sim.configure({ getUpdatesError: { error_code: 400, description: "Bad Request: wrong parameter offset" } });
    const code = await bot.exited;
    expect(code).not.toBe(0);
    expect(code).not.toBeNull();
    expect(bot.output()).toMatch(/"updates stopped: .*Bad Request: wrong parameter offset/);
  }, 30_000);

  it("webhook mode: SIGTERM lets an update being handled finish before the database closes", async () => {
    const sim = new BotApiSimulator({ token: E2E_TOKEN, rateLimits: false });
    const { apiRoot } = await sim.listen();
    const location = scratchLocation("sqlite");
    const port = await freePort();
    const bot = await startBotProcess({
      BOT_TOKEN: E2E_TOKEN,
      TELEGRAM_API_ROOT: apiRoot,
      DATABASE_URL: location.url,
      BOT_MODE: "webhook",
      WEBHOOK_URL: `http://127.0.0.1:${port}/telegram`,
      WEBHOOK_SECRET: "drain-test-secret-0123456789",
      PORT: String(port),
    });
    cleanups.push(() => sim.close(), () => location.cleanup(), () => bot.stop("SIGKILL"));
    await bot.waitForLog(/"bot initialised"/);
    await sim.waitFor(() => sim.callsTo("setWebhook").some((call) => call.status === 200), 10_000);

    // Telegram is slow to accept the reply: the update is still being handled when SIGTERM comes.
    sim.configure({ latencyMs: 2_500 });
    sim.pushUpdate(command(user(92_001), "/start"));
    await sim.waitFor(() => sim.calls.some((call) => call.method === "sendMessage"), 5_000);
    bot.child.kill("SIGTERM");
    expect(await bot.exited).toBe(0);
    const output = bot.output();
    // The greeting went out, and the handler went on to its end (it logs after replying) before the bot stopped.
    expect(sim.countText(92_001, "Hello")).toBe(1);
    expect(output.indexOf("patient started the bot")).toBeGreaterThan(0);
    expect(output.indexOf("patient started the bot")).toBeLessThan(output.indexOf('"stopped"'));
    expect(output).not.toMatch(/gave up waiting|unhandled/);
  }, 30_000);

  it("SIGTERM while migrations run: they finish, the bot stops cleanly, and the database is whole", async () => {
    const { bot, location } = await polling();
    await bot.waitForLog(/checking database migrations/);
    bot.child.kill("SIGTERM");
    expect(await bot.exited).toBe(0);
    expect(bot.output()).not.toMatch(/"bot initialised"/);
    const database = await openDatabase(location.url, { maxConnections: 1 });
    try {
      const rows = await database.prisma.$queryRawUnsafe<Array<{ finished: number }>>(
        "SELECT COUNT(*) AS finished FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL",
      );
      expect(Number(rows[0]!.finished)).toBe(listMigrationNames(migrationsPath("sqlite")).length);
    } finally {
      await database.close();
    }
  }, 30_000);
});
