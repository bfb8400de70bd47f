import { accessSync, constants, mkdirSync, readdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { DateTime } from "luxon";
import type { Logger } from "../logger.js";
import { backupDatabase, type BackupResult } from "./backup.js";

/** The hour (clinic time) from which the night's backup is due. */
export const NIGHTLY_BACKUP_HOUR = 3;

const BACKUP_NAME = /^clinic-(\d{4}-\d{2}-\d{2})\.db$/;
const LEFTOVER_NAME = /^clinic-\d{4}-\d{2}-\d{2}\.db\.partial-\d+$/;

export interface NightlyBackupOptions {
  databaseUrl: string;
  /** BACKUP_DIR. */
  dir: string;
  /** BACKUP_KEEP: how many of the latest backups stay. */
  keep: number;
  /** The clinic's time zone: the night is the clinic's. */
  timeZone: string;
  logger: Logger;
}

/**
 * Checks at start that BACKUP_DIR can hold backups: created if missing, and
 * writable by the bot. Throws one line naming BACKUP_DIR otherwise.
 */
export function checkBackupDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "EACCES" ? "permission denied" : (error as Error).message;
    throw new Error(`BACKUP_DIR ${resolve(dir)} is not a folder the bot can write to (${reason}): create it for the bot's user, or choose another`);
  }
}

/**
 * The nightly backup job, run by the scheduler every few minutes: once it is
 * 03:00 or later in the clinic, and no backup of that night is in BACKUP_DIR,
 * it writes `clinic-YYYY-MM-DD.db` (the clinic's date) and deletes the oldest
 * beyond BACKUP_KEEP. A night the bot was down is made up as soon as it runs
 * again. Returns the backup written, if any.
 */
export function nightlyBackup(options: NightlyBackupOptions): (now: Date) => Promise<BackupResult | undefined> {
  const { dir, keep, logger } = options;
  return async (now) => {
    const local = DateTime.fromJSDate(now, { zone: options.timeZone });
    if (local.hour < NIGHTLY_BACKUP_HOUR) return undefined;
    const name = `clinic-${local.toISODate()}.db`;
    try {
      const names = readdirSync(dir);
      if (names.includes(name)) return undefined;
      // What a stop in the middle of an earlier backup left behind (never under a backup's name).
      for (const leftover of names.filter((entry) => LEFTOVER_NAME.test(entry))) rmSync(join(dir, leftover), { force: true });
      const written = await backupDatabase(options.databaseUrl, join(dir, name));
      const backups = readdirSync(dir).filter((entry) => BACKUP_NAME.test(entry)).sort();
      const removed = backups.slice(0, Math.max(0, backups.length - keep));
      for (const old of removed) rmSync(join(dir, old), { force: true });
      logger.info({ file: written.file, bytes: written.bytes, ms: written.ms, removed, kept: Math.min(backups.length, keep) }, "nightly backup written");
      return written;
    } catch (error) {
      // One line naming the setting; the next run (five minutes on) tries again.
      throw new Error(`nightly backup into BACKUP_DIR ${resolve(dir)} failed: ${(error as Error).message}`, { cause: error });
    }
  };
}
