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
const { startApp } = await import("./app.js");
const logger = createLogger(config.logLevel);

const abort = new AbortController();
let app: Awaited<ReturnType<typeof startApp>> | undefined;
let stopping = false;

async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, "shutdown requested");
  abort.abort();
  const forceExit = setTimeout(() => {
    logger.error("shutdown took too long; exiting");
    process.exit(1);
  }, 15_000);
  forceExit.unref();
  try {
    await app?.stop();
  } finally {
    process.exit(0);
  }
}
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("unhandledRejection", (reason) => {
  logger.error({ err: reason instanceof Error ? { message: reason.message, stack: reason.stack } : String(reason) }, "unhandled rejection");
});

try {
  app = await startApp(config, logger, { signal: abort.signal });
} catch (error) {
  if (stopping) process.exit(0);
  const { ContentError } = await import("./content/yaml-file.js");
  const message = error instanceof ContentError || error instanceof ConfigError ? error.message : error instanceof Error ? error.message : String(error);
  logger.fatal({ err: error instanceof Error ? { name: error.name, stack: error.stack } : undefined }, `could not start: ${message}`);
  process.exit(1);
}
