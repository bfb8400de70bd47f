/**
 * Entry point of `npm start`. Settings are checked before anything heavy is
 * loaded, so a bad setting stops the process within a second with one line.
 */
import { existsSync } from "node:fs";
import { loadConfig, ConfigError } from "./config.js";

if (existsSync(".env")) process.loadEnvFile(".env");

let config;
try {
  config = loadConfig(process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`Configuration error: ${error.message}\n`);
  process.exit(2);
}

const { createLogger } = await import("./logger.js");
const logger = createLogger(config.logLevel);

const abort = new AbortController();
let migrations: Promise<string[]> | undefined = undefined;
let starting: Promise<{ stop(): Promise<void> }> | undefined;
let stopping = false;

/** Stops what is running (or starting) and exits with `code`; a second call does nothing. */
async function stopAndExit(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  abort.abort();
  const forceExit = setTimeout(() => {
    logger.error("shutdown took too long; exiting");
    process.exit(1);
  }, 15_000);
  forceExit.unref();
  try {
    // Mid start-up this waits for the step under way (migrations are never cut half-way), which then ends start-up cleanly.
    await migrations?.catch(() => undefined);
    const app = await starting?.catch(() => undefined);
    await app?.stop();
  } finally {
    process.exit(code);
  }
}

function shutdown(signal: string): void {
  if (stopping) return;
  logger.info({ signal }, "shutdown requested");
  void stopAndExit(0);
}
process.on("SIGINT", () => shutdown("SIGINT"));
process.on("SIGTERM", () => shutdown("SIGTERM"));
process.on("unhandledRejection", (reason) => {
  logger.error({ err: reason instanceof Error ? { message: reason.message, stack: reason.stack } : String(reason) }, "unhandled rejection");
});

// The migrations start first, in a child process (its memory is given back when it exits), while the bot's modules load.
const { applyMigrationsInChild } = await import("./db/migrate-in-child.js");
logger.info("checking database migrations");
migrations = applyMigrationsInChild(config.databaseUrl, logger);
// Awaited by startApp; until then a failure must not count as unhandled.
migrations.catch(() => undefined);
const { startApp } = await import("./app.js");

const { ContentError } = await import("./content/yaml-file.js");
const { TokenRejectedError } = await import("./bot/long-polling.js");
/** The one line an operator reads: the setting, file or URL at fault. */
function operatorMessage(error: unknown): string {
  if (error instanceof ContentError || error instanceof ConfigError || error instanceof TokenRejectedError) return error.message;
  return error instanceof Error ? error.message : String(error);
}

try {
  const started = startApp(config, logger, { signal: abort.signal, migrations });
  starting = started;
  const app = await started;
  // The update source died for good: say why in one line and exit non-zero, so the supervisor restarts the bot
  // (or, for a rejected token, an operator sees BOT_TOKEN named), instead of staying up deaf.
  app.died.catch((error: unknown) => {
    if (stopping) return;
    logger.fatal({ err: error instanceof TokenRejectedError ? undefined : { name: (error as Error).name, stack: (error as Error).stack } }, `updates stopped: ${operatorMessage(error)}`);
    void stopAndExit(1);
  });
} catch (error) {
  if (!stopping) {
    logger.fatal({ err: error instanceof Error && !(error instanceof TokenRejectedError) ? { name: error.name, stack: error.stack } : undefined }, `could not start: ${operatorMessage(error)}`);
    process.exit(1);
  }
}
