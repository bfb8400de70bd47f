import { fork } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { redactDatabaseUrl } from "./database-url.js";
import type { MigrationLogger } from "./migrations.js";

/** What the migration process tells the bot's process. */
export type MigrationOutcome = { applied: string[] } | { error: string } | { log: "info" | "debug"; object: object; message?: string | undefined };

/**
 * Applies the pending migrations in a short-lived child process. The wasm
 * schema engine that applies them stays resident once loaded (about 35 MB): in
 * a child, that memory goes back when it exits, and the bot runs without it.
 *
 * A failure still ends start-up with the child's one line naming the setting
 * or file at fault. A stop asked for meanwhile does not stop the child: a
 * migration is never cut half-way, and start-up ends once it has finished
 * (the caller checks its signal after this resolves).
 *
 * Run from source (tests, the sandbox), where there is no compiled child to
 * start, the migrations are applied in this process as before.
 *
 * Light to import (the schema engine and pg load in the child), so the entry
 * point can start it before loading the bot's own modules.
 */
export async function applyMigrationsInChild(databaseUrl: string, logger: MigrationLogger): Promise<string[]> {
  const entry = fileURLToPath(new URL("./migrate-child.js", import.meta.url));
  if (!existsSync(entry)) return (await import("./migrations.js")).applyPendingMigrations(databaseUrl, logger);
  return new Promise<string[]>((resolve, reject) => {
    const child = fork(entry, [], { env: { ...process.env, DATABASE_URL: databaseUrl }, stdio: ["ignore", "inherit", "inherit", "ipc"], serialization: "json" });
    let outcome: { applied: string[] } | { error: string } | undefined;
    child.on("message", (message: MigrationOutcome) => {
      if ("log" in message) logger[message.log](message.object, message.message);
      else outcome = message;
    });
    child.once("error", (error) => reject(new Error(`Could not start the migration process (DATABASE_URL ${redactDatabaseUrl(databaseUrl)}): ${error.message}`)));
    child.once("exit", (code, signal) => {
      if (outcome && "applied" in outcome) resolve(outcome.applied);
      else if (outcome) reject(new Error(outcome.error));
      else reject(new Error(`Could not migrate the database (DATABASE_URL ${redactDatabaseUrl(databaseUrl)}): the migration process ended (${signal ?? `exit code ${code}`}) before it finished`));
    });
  });
}
