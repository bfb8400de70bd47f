import { describe, expect, it } from "vitest";
import { setTimeout as sleep } from "node:timers/promises";
import { openDatabase } from "../../src/db/database.js";
import { scratchLocation, testProviders } from "../kit/test-database.js";
import { chatClient, E2E_TOKEN, freePort, startBotProcess, usePeerAndDatabase, type BotProcess } from "./harness.js";

/**
 * The real bot process (`npm start`'s code path) against the project's
 * Bot API peer on loopback, talked to as a patient would.
 */
describe("starting the bot", () => {
  it("stops within a second with one line naming BOT_TOKEN when it is missing", async () => {
    const started = Date.now();
    const bot = await startBotProcess({ DATABASE_URL: "file:./data/never-created.db" });
    const code = await bot.exited;
    expect(code).not.toBe(0);
    expect(Date.now() - started).toBeLessThan(2_000); // a second of our own, with room for a busy machine
    const lines = bot.output().trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/BOT_TOKEN.*@BotFather/);
  });

  it("stops with one line naming DATABASE_URL when the migrations cannot be applied (they run in a child process)", async () => {
    const closedPort = await freePort();
    const bot = await startBotProcess({ BOT_TOKEN: E2E_TOKEN, DATABASE_URL: `postgresql://postgres@127.0.0.1:${closedPort}/clinic` });
    expect(await bot.exited).not.toBe(0);
    const fatal = bot.output().trim().split("\n").filter((line) => line.includes('"level":60'));
    expect(fatal).toHaveLength(1);
    expect(fatal[0]).toMatch(new RegExp(`could not start: Could not migrate the database \\(DATABASE_URL postgresql://postgres@127\\.0\\.0\\.1:${closedPort}/clinic\\)`));
  });

  it("names a malformed setting and what a valid value looks like", async () => {
    const bot = await startBotProcess({ BOT_TOKEN: E2E_TOKEN, BOT_MODE: "webhook" });
    expect(await bot.exited).not.toBe(0);
    expect(bot.output()).toMatch(/WEBHOOK_URL is required when BOT_MODE=webhook, e\.g\. https:\/\//);
  });
});

describe("when Telegram is unreachable at start", () => {
  it("keeps retrying with backoff, reports unhealthy, and still stops cleanly", async () => {
    const location = scratchLocation("sqlite");
    const closedPort = await freePort();
    const bot = await startBotProcess({ BOT_TOKEN: E2E_TOKEN, TELEGRAM_API_ROOT: `http://127.0.0.1:${closedPort}`, DATABASE_URL: location.url });
    try {
      await bot.waitForLog(/could not reach Telegram \(getMe\); retrying/);
      await bot.waitForLog(/"attempt":2/, 5_000);
      const health = await fetch(`http://127.0.0.1:${bot.port}/healthz`);
      expect(health.status).toBe(503);
      expect(await health.json()).toMatchObject({ database: true, bot: false });
      expect(await bot.stop("SIGTERM")).toBe(0);
    } finally {
      await bot.stop("SIGKILL");
      await location.cleanup();
    }
  }, 30_000);
});

describe.each(testProviders)("a patient with the real bot process on %s", (provider) => {
  const e2e = usePeerAndDatabase(provider);
  let bot: BotProcess | undefined;
  const start = async () => (bot = await e2e.start());

  it("greets, helps, subscribes, survives a restart with its data, and delivers a missed tip after downtime", async () => {
    await start();
    const health = await fetch(`http://127.0.0.1:${bot!.port}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: "ok", database: true, bot: true });

    const ana = chatClient(e2e.peer, 71_001, "Ana");
    await ana.command("/start");
    const greeting = await ana.waitFor(/Hello, Ana!/);
    expect(greeting.text).toContain("Maple Spine");

    await ana.command("/help");
    const help = await ana.waitFor(/\/subscribe/);
    expect(help.text).toMatch(/Phone/);

    await ana.text("what is this?");
    await ana.waitFor(/\/help/);

    await ana.press(greeting, "tips:open");
    const days = await ana.waitFor(/Which day/);
    await ana.press(days, "tips:day:4");
    const hours = await ana.edited(days, /At what time on Thursday/);
    await ana.press(hours, "tips:at:4:9");
    await ana.edited(days, /You're subscribed! .*Thursday/s);

    // Graceful stop: drains and exits 0.
    expect(await bot!.stop("SIGTERM")).toBe(0);
    expect(bot!.output()).toMatch(/"stopped"/);

    // While the bot is down, the patient's slot passes (an hour ago, within the grace window).
    const database = await openDatabase(e2e.location.url);
    await database.prisma.tipSubscription.updateMany({ data: { nextDueAt: new Date(Date.now() - 3600_000) } });
    await database.close();

    await start();
    await ana.command("/settings");
    await ana.waitFor(/You get one tip every Thursday/);
    const tip = await ana.waitFor(/not a diagnosis|educational/i, 20_000);
    expect(tip.text.length).toBeGreaterThan(100);
    await sleep(200);
    expect(await bot!.stop("SIGTERM")).toBe(0);
  }, 90_000);
});
