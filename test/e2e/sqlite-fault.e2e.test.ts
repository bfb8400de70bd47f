import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, describe, expect, it } from "vitest";
import { BotApiSimulator } from "../../src/bot-api-peer/index.js";
import { parseDatabaseUrl } from "../../src/db/database-url.js";
import { canMakeImmutable, mountSmallDisk, type SmallDisk } from "../kit/storage-faults.js";
import { scratchLocation, testProviders } from "../kit/test-database.js";
import { E2E_TOKEN, chatClient, startBotProcess } from "./harness.js";
import { outboxStatuses, seedBulkWork } from "./instances.js";

const RECIPIENTS = 90;
const SEND_RATE = 15;
const FAULT_MS = 5_000;
/**
 * The full disk's size: the migrated database (under 300 KB) and the announcement's writes, with room to spare.
 * By the fault the WAL holds some 1.4 MB, short of SQLite's automatic checkpoint (1000 pages, 4 MB), so every
 * commit after the disk is filled needs room the disk no longer has.
 */
const DISK_KB = 8 * 1024;

interface StorageFault {
  /** The SQLite file. */
  file: string;
  /** The database's DATABASE_URL. */
  url: string;
  /** Makes the file stop taking writes. */
  start(): void;
  /** Makes it take writes again. */
  end(): void;
  /** What the one log line says of the fault, besides the file's name. */
  reason: RegExp;
  /** Once the database exists: why the fault cannot be made here, if it cannot. */
  unavailable?(): string | undefined;
}

/**
 * The SQLite file stops taking writes for a while in the middle of an announcement: one log line names the
 * file, /healthz answers 503 with the database named, a patient who writes gets the apology rather than
 * silence or a crash, and once the file takes writes again the announcement completes with nothing lost and
 * nothing sent twice, without a restart.
 */
async function announceThroughFault(fault: StorageFault): Promise<void> {
  const work = await seedBulkWork(fault.url, { tipPatients: 0, broadcastRecipients: RECIPIENTS });
  const unavailable = fault.unavailable?.();
  if (unavailable) return void expect.soft(true, unavailable).toBe(true);
  const sim = new BotApiSimulator({ token: E2E_TOKEN, latencyMs: { min: 5, max: 30 } });
  const { apiRoot } = await sim.listen();
  const bot = await startBotProcess({ BOT_TOKEN: E2E_TOKEN, TELEGRAM_API_ROOT: apiRoot, DATABASE_URL: fault.url, SEND_RATE_PER_SECOND: String(SEND_RATE) });
  try {
    await bot.waitForLog(/"bot initialised"/, 30_000);
    await sim.waitFor(() => work.broadcastChats.filter((chat) => sim.delivered(chat).length > 0).length >= RECIPIENTS / 3 || undefined, 30_000);

    fault.start();
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
    fault.end();
    const backAt = Date.now();

    const deadline = Date.now() + 30_000;
    let statuses = await outboxStatuses(fault.url);
    while ((statuses.pending ?? 0) + (statuses.claimed ?? 0) + (statuses.sending ?? 0) > 0) {
      if (Date.now() > deadline) throw new Error(`the announcement did not complete: ${JSON.stringify(statuses)}\n${bot.output()}`);
      await sleep(250);
      statuses = await outboxStatuses(fault.url);
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

    // One line names the file and says what is wrong; the patient is answered again.
    const faultLines = bot.output().split("\n").filter((line) => line.includes("cannot be written"));
    expect(faultLines).toHaveLength(1);
    expect(faultLines[0]).toContain(fault.file);
    expect(faultLines[0]).toMatch(fault.reason);
    await patient.command("/start");
    await patient.waitFor(/Hello, Lea/, 10_000);
    expect((await fetch(`http://127.0.0.1:${bot.port}/healthz`)).status).toBe(200);
    expect(await bot.stop("SIGTERM")).toBe(0);
  } finally {
    fault.end();
    await bot.stop("SIGKILL");
    await sim.close();
  }
}

function filePath(url: string): string {
  const target = parseDatabaseUrl(url);
  return target.provider === "sqlite" ? target.filePath : "";
}

describe.runIf(testProviders.includes("sqlite"))("the SQLite file stops taking writes mid-announcement", () => {
  describe("because it is made read-only", () => {
    const location = scratchLocation("sqlite");
    const file = filePath(location.url);
    const files = () => [file, `${file}-wal`].filter((path) => existsSync(path));
    const writable = () => {
      for (const path of files()) execFileSync("chattr", ["-i", path]);
    };
    afterAll(async () => {
      writable();
      await location.cleanup();
    });

    it("logs one line naming the file, answers 503, apologises to patients, and resumes by itself with nothing lost", async () => {
      // Made immutable (`chattr +i`) under the running bot: every write fails with EPERM, root's included.
      await announceThroughFault({
        file,
        url: location.url,
        start: () => {
          for (const path of files()) execFileSync("chattr", ["+i", path]);
        },
        end: writable,
        reason: /SQLITE_IOERR|SQLITE_READONLY/,
        unavailable: () => (canMakeImmutable(file) ? undefined : "chattr +i is not available here"),
      });
    }, 90_000);
  });

  describe("because its disk is full", () => {
    let disk: SmallDisk | undefined;
    afterAll(() => disk?.remove());

    it("logs one line naming the file, answers 503, apologises to patients, and resumes by itself with nothing lost", async () => {
      // A small tmpfs of its own, filled to the last byte under the running bot: writes fail with ENOSPC.
      disk = mountSmallDisk(DISK_KB);
      if (!disk) return void expect.soft(true, "mounting a tmpfs is not permitted here").toBe(true);
      const file = join(disk.folder, "clinic.db");
      const full = disk;
      await announceThroughFault({ file, url: `file:${file}`, start: () => void full.fill(), end: () => full.free(), reason: /SQLITE_FULL: database or disk is full/ });
    }, 90_000);
  });
});
