/**
 * The short-lived process that applies the pending migrations at start-up
 * (see migrate-in-child.ts): DATABASE_URL from the environment, the outcome and
 * the log lines sent to the bot's process over IPC.
 */
import { applyPendingMigrations } from "./migrations.js";
import type { MigrationOutcome } from "./migrate-in-child.js";

// The bot's process decides when to stop: a signal to the whole process group must not cut a migration half-way.
process.on("SIGTERM", () => undefined);
process.on("SIGINT", () => undefined);

// The bot's process may have gone (killed); the migrations still finish, with nobody to tell.
const send = (message: MigrationOutcome) => new Promise<void>((resolve) => (process.connected ? process.send!(message, () => resolve()) : resolve()));
const forward = (level: "info" | "debug") => (object: object, message?: string) => void send({ log: level, object, message });

try {
  const applied = await applyPendingMigrations(process.env.DATABASE_URL ?? "", { info: forward("info"), debug: forward("debug") });
  await send({ applied });
  process.exit(0);
} catch (error) {
  await send({ error: error instanceof Error ? error.message : String(error) });
  process.exit(1);
}
