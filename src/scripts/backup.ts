/**
 * npm run backup -- FILE
 *
 * Writes a consistent copy of the SQLite database at DATABASE_URL (from the
 * environment or .env; default file:./data/clinic.db) to FILE, while the bot
 * keeps running. On PostgreSQL it says to use pg_dump instead.
 */
import { existsSync } from "node:fs";
import { DEFAULT_DATABASE_URL, databaseProvider } from "../db/database-url.js";
import { BackupError, backupDatabase, PG_DUMP_HINT } from "../db/backup.js";

if (existsSync(".env")) process.loadEnvFile(".env");
const databaseUrl = process.env.DATABASE_URL?.trim() || DEFAULT_DATABASE_URL;
const destination = process.argv[2]?.trim();

try {
  if (databaseProvider(databaseUrl) === "postgresql") throw new BackupError(PG_DUMP_HINT);
  if (!destination) {
    console.error("usage: npm run backup -- FILE   e.g. npm run backup -- backups/clinic-2026-12-07.db");
    process.exit(2);
  }
  const { file, bytes, ms } = await backupDatabase(databaseUrl, destination);
  console.log(`wrote ${file} (${(bytes / 1024).toFixed(0)} KB in ${ms} ms); to restore: stop the bot, copy it to DATABASE_URL's path, start the bot`);
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
