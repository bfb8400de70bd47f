/**
 * The nightly backup, on a clock moved through nights in the clinic's time zone, through the same scheduler
 * the bot runs its jobs with.
 */
import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DateTime } from "luxon";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../logger.js";
import { createScheduler } from "../scheduler.js";
import { scratchLocation } from "../../test/kit/test-database.js";
import { applyPendingMigrations } from "./migrations.js";
import { openDatabase } from "./database.js";
import { checkBackupDir, nightlyBackup } from "./nightly-backup.js";

const ZONE = "America/Toronto";
const logger = createLogger("silent");

describe("nightly backups (BACKUP_DIR, BACKUP_KEEP)", () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    cleanups.length = 0;
  });
  function folder(): string {
    const dir = mkdtempSync(join(tmpdir(), "clinic-backups-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    return dir;
  }
  async function patientsIn(file: string): Promise<string[]> {
    // Opened from a copy, so the backup folder holds only what the job wrote.
    const copy = join(folder(), "restored.db");
    copyFileSync(file, copy);
    const database = await openDatabase(`file:${copy}`);
    try {
      return (await database.prisma.user.findMany({ orderBy: { id: "asc" } })).map((row) => row.firstName);
    } finally {
      await database.close();
    }
  }

  it("writes one a night from 03:00 clinic time, makes up a night the bot was down, and keeps the last BACKUP_KEEP", async () => {
    const location = scratchLocation("sqlite");
    cleanups.push(() => location.cleanup());
    await applyPendingMigrations(location.url);
    const live = await openDatabase(location.url);
    cleanups.push(() => live.close());
    const dir = folder();

    let clock = new Date(0);
    const scheduler = createScheduler(logger, () => clock);
    cleanups.push(() => scheduler.stop());
    scheduler.every("nightly-backup", "*/5 * * * *", nightlyBackup({ databaseUrl: location.url, dir, keep: 3, timeZone: ZONE, logger }));
    /** Moves the clock to this clinic time and runs the jobs, as the scheduler does after a tick; what the folder holds. */
    async function at(clinicTime: string): Promise<string[]> {
      clock = DateTime.fromISO(clinicTime, { zone: ZONE }).toJSDate();
      await scheduler.runAll();
      return readdirSync(dir).sort();
    }

    await live.prisma.user.create({ data: { id: 1n, chatId: 1n, firstName: "Ana" } });
    expect(await at("2026-12-07T02:59")).toEqual([]);
    // 03:00 in Toronto is 08:00 UTC: the clinic's night, not the server's.
    expect(await at("2026-12-07T03:00")).toEqual(["clinic-2026-12-07.db"]);
    await live.prisma.user.create({ data: { id: 2n, chatId: 2n, firstName: "Ben" } });
    expect(await at("2026-12-07T03:05")).toEqual(["clinic-2026-12-07.db"]);
    expect(await at("2026-12-07T23:55")).toEqual(["clinic-2026-12-07.db"]);
    expect(await at("2026-12-08T03:00")).toEqual(["clinic-2026-12-07.db", "clinic-2026-12-08.db"]);
    // Each night's backup holds that night's data.
    expect(await patientsIn(join(dir, "clinic-2026-12-07.db"))).toEqual(["Ana"]);
    expect(await patientsIn(join(dir, "clinic-2026-12-08.db"))).toEqual(["Ana", "Ben"]);

    // The bot was down through the night of the 9th and is back at 10:40: the night is made up at once.
    expect(await at("2026-12-09T10:40")).toEqual(["clinic-2026-12-07.db", "clinic-2026-12-08.db", "clinic-2026-12-09.db"]);
    // A fourth night: the oldest goes, three are kept.
    expect(await at("2026-12-10T03:00")).toEqual(["clinic-2026-12-08.db", "clinic-2026-12-09.db", "clinic-2026-12-10.db"]);
    // What a stop in the middle of a backup left is cleared; other files in the folder are not the bot's to delete.
    writeFileSync(join(dir, "clinic-2026-12-11.db.partial-4242"), "half a backup");
    writeFileSync(join(dir, "notes.txt"), "the operator's own file");
    expect(await at("2026-12-11T04:00")).toEqual(["clinic-2026-12-09.db", "clinic-2026-12-10.db", "clinic-2026-12-11.db", "notes.txt"]);

    // The folder went away (an unmounted disk): the night's run fails with one line naming BACKUP_DIR, and is retried.
    rmSync(dir, { recursive: true, force: true });
    const job = nightlyBackup({ databaseUrl: location.url, dir, keep: 3, timeZone: ZONE, logger });
    await expect(job(DateTime.fromISO("2026-12-12T03:00", { zone: ZONE }).toJSDate())).rejects.toThrow(/^nightly backup into BACKUP_DIR .*clinic-backups-\w+ failed: /);
  });

  it("says at start, in one line naming BACKUP_DIR, that the folder cannot be written", () => {
    const parent = folder();
    const file = join(parent, "a-file");
    writeFileSync(file, "");
    expect(() => checkBackupDir(join(file, "backups"))).toThrow(/^BACKUP_DIR .*a-file\/backups is not a folder the bot can write to \(.*\): create it for the bot's user, or choose another$/);
    // A folder that does not exist yet is created.
    checkBackupDir(join(parent, "new", "backups"));
    expect(readdirSync(join(parent, "new"))).toEqual(["backups"]);
  });
});
