import { existsSync, renameSync, rmSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parseDatabaseUrl } from "./database-url.js";
import { openDatabase } from "./database.js";

/** A backup that could not be written: the message is one line naming the setting or file at fault. */
export class BackupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "BackupError";
  }
}

export const PG_DUMP_HINT =
  "DATABASE_URL is a PostgreSQL database: back it up with pg_dump, e.g. pg_dump --format=custom --file=clinic.dump \"$DATABASE_URL\" (README, \"Backups\")";

export interface BackupResult {
  /** Absolute path of the copy written. */
  file: string;
  bytes: number;
  ms: number;
}

/**
 * Writes a consistent copy of the SQLite database at DATABASE_URL to
 * `destination`, while the bot may be running and writing: SQLite's
 * `VACUUM INTO` reads one snapshot of the database (a read transaction; with
 * the WAL journal the bot's writes go on meanwhile) and writes it out as a
 * compact, standalone database file. The copy is written beside `destination`
 * under a temporary name and renamed when complete, so a file with the final
 * name is always a whole backup. Restoring is copying it back to DATABASE_URL's
 * path with the bot stopped.
 */
export async function backupDatabase(databaseUrl: string, destination: string): Promise<BackupResult> {
  const target = parseDatabaseUrl(databaseUrl);
  if (target.provider !== "sqlite") throw new BackupError(PG_DUMP_HINT);
  if (!existsSync(target.filePath)) throw new BackupError(`There is no database to back up at ${target.filePath} (DATABASE_URL): start the bot once, or set DATABASE_URL to the clinic's database`);
  const file = resolve(destination);
  if ([target.filePath, `${target.filePath}-wal`, `${target.filePath}-shm`].includes(file)) {
    throw new BackupError(`${destination} is the database itself (DATABASE_URL): write the backup to another file`);
  }
  if (!existsSync(dirname(file))) throw new BackupError(`Cannot write the backup ${destination}: its folder ${dirname(file)} does not exist`);
  if (existsSync(file) && statSync(file).isDirectory()) throw new BackupError(`Cannot write the backup ${destination}: it is a folder; name a file in it`);

  const partial = `${file}.partial-${process.pid}`;
  rmSync(partial, { force: true });
  const started = Date.now();
  // A connection of its own: the copy is read outside any transaction of the bot's connection.
  const database = await openDatabase(databaseUrl);
  try {
    await database.prisma.$executeRawUnsafe("VACUUM INTO ?", partial);
  } catch (error) {
    rmSync(partial, { force: true });
    throw new BackupError(`Cannot write the backup ${destination}: ${messageOf(error)}`, { cause: error });
  } finally {
    await database.close();
  }
  try {
    renameSync(partial, file);
  } catch (error) {
    rmSync(partial, { force: true });
    throw new BackupError(`Cannot write the backup ${destination}: ${messageOf(error)}`, { cause: error });
  }
  return { file, bytes: statSync(file).size, ms: Date.now() - started };
}

function messageOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n").filter(Boolean).at(-1) ?? "unknown error";
}
