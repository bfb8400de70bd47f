/**
 * npm run db:migrate
 *
 * Applies the pending migrations to DATABASE_URL (from the environment or
 * .env; default file:./data/clinic.db). The app does the same at start.
 */
import { existsSync } from "node:fs";
import { DEFAULT_DATABASE_URL, redactDatabaseUrl } from "../db/database-url.js";
import { applyPendingMigrations } from "../db/migrations.js";

if (existsSync(".env")) process.loadEnvFile(".env");
const databaseUrl = process.env.DATABASE_URL?.trim() || DEFAULT_DATABASE_URL;

try {
  const applied = await applyPendingMigrations(databaseUrl);
  if (applied.length === 0) console.log(`${redactDatabaseUrl(databaseUrl)} is up to date`);
  for (const name of applied) console.log(`applied ${name}`);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
