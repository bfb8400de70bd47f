import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, describe, expect, it } from "vitest";
import { BotApiSimulator } from "../../src/bot-api-peer/index.js";
import { parseDatabaseUrl } from "../../src/db/database-url.js";
import { scratchLocation, testProviders } from "../kit/test-database.js";
import { E2E_TOKEN, chatClient, startBotProcess } from "./harness.js";
import { outboxStatuses, seedBulkWork } from "./instances.js";

const RECIPIENTS = 90;
const SEND_RATE = 15;
const FAULT_MS = 5_000;

/**
 * Whether files can be made immutable here (`chattr +i`: root with CAP_LINUX_IMMUTABLE on ext4, xfs, btrfs…).
 * Permissions do not stop root, but the immutable attribute does: every write to the file fails with EPERM,
 * even through a descriptor opened before, which SQLite reports as SQLITE_IOERR_WRITE, as it would a
 * failing or full disk.
 */
function canMakeImmutable(path: string): boolean {
  try {
    execFileSync("chattr", ["+i", path], { stdio: "ignore" });
    execFileSync("chattr", ["-i", path], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/**
 * The SQLite file stops taking writes for a while (made immutable under the running bot) in the middle of an
 * announcement: one log line names the file, /healthz answers 503 with the database named, a patient who
 * writes gets the apology rather than silence or a crash, and once the file takes writes again the
 * announcement completes with nothing lost and nothing sent twice, without a restart.
 */
describe.runIf(testProviders.includes("sqlite"))("the SQLite file stops taking writes mid-announcement", () => {
  const location = scratchLocation("sqlite");
  const file = parseDatabaseUrl(location.url).provider === "sqlite" ? (parseDatabaseUrl(location.url) as { filePath: string }).filePath : "";
  const sim = new BotApiSimulator({ token: E2E_TOKEN, latencyMs: { min: 5, max: 30 } });
  const files = () => [file, `${file}-wal`].filter((path) => existsSync(path));
  const writable = () => {
    for (const path of files()) execFileSync("chattr", ["-i", path]);
  };
  afterAll(async () => {
    writable();
    await sim.close();
    await location.cleanup();
  });

  it("logs one line naming the file, answers 503, apologises to patients, and resumes by itself with nothing lost", async () => {
    const work = await seedBulkWork(location.url, { tipPatients: 0, broadcastRecipients: RECIPIENTS });
    if (!canMakeImmutable(file)) return void expect.soft(true, "chattr +i is not available here").toBe(true);
    const { apiRoot } = await sim.listen();
    const bot = await startBotProcess({ BOT_TOKEN: E2E_TOKEN, TELEGRAM_API_ROOT: apiRoot, DATABASE_URL: location.url, SEND_RATE_PER_SECOND: String(SEND_RATE) });
    try {
      await bot.waitForLog(/"bot initialised"/, 30_000);
      await sim.waitFor(() => work.broadcastChats.filter((chat) => sim.delivered(chat).length > 0).length >= RECIPIENTS / 3 || undefined, 30_000);

      for (const path of files()) execFileSync("chattr", ["+i", path]);
      const faultAt = Date.now();
      const patient = chatClient(sim, 61_001, "Lea");
      await patient.command("/start");
      const apology = await patient.waitFor(/./, 10_000);
      expect(apology.text).toMatch(/sorry|went wrong|try again/i);
      await sleep(Math.max(0, faultAt + 1_500 - Date.now()));
      const during = await fetch(`http://127.0.0.1:${bot.port}/healthz`);
      expect(during.status).toBe(503);
      expect(await during.json()).toMatchObject({ database: false, unhealthy: expect.arrayContaining(["database"]) });
      await sleep(Math.max(0, faultAt + FAULT_MS - Date.now()));
      writable();
      const backAt = Date.now();

      const deadline = Date.now() + 30_000;
      let statuses = await outboxStatuses(location.url);
      while ((statuses.pending ?? 0) + (statuses.claimed ?? 0) + (statuses.sending ?? 0) > 0) {
        if (Date.now() > deadline) throw new Error(`the announcement did not complete: ${JSON.stringify(statuses)}\n${bot.output()}`);
        await sleep(250);
        statuses = await outboxStatuses(location.url);
      }
      const counts = sim.deliveryCounts();
      const unknown = statuses.unknown ?? 0;
      const missing = work.broadcastChats.filter((chat) => (counts.get(chat) ?? 0) === 0).length;
      expect(missing).toBeLessThanOrEqual(unknown);
      expect(unknown).toBeLessThanOrEqual(3);
      expect(work.broadcastChats.filter((chat) => (counts.get(chat) ?? 0) > 1)).toEqual([]);
      expect((statuses.sent ?? 0) + unknown).toBe(RECIPIENTS);
      const firstAfter = sim.calls.find((call) => call.time > backAt && work.broadcastChats.includes(call.params.chat_id as number));
      expect(firstAfter!.time - backAt).toBeLessThanOrEqual(10_000);

      // One line names the file; the patient is answered again.
      const faultLines = bot.output().split("\n").filter((line) => line.includes("cannot be written"));
      expect(faultLines).toHaveLength(1);
      expect(faultLines[0]).toContain(file);
      await patient.command("/start");
      await patient.waitFor(/Hello, Lea/, 10_000);
      expect((await fetch(`http://127.0.0.1:${bot.port}/healthz`)).status).toBe(200);
      expect(await bot.stop("SIGTERM")).toBe(0);
    } finally {
      writable();
      await bot.stop("SIGKILL");
    }
  }, 90_000);
});
