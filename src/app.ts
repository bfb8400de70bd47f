import { setTimeout as sleep } from "node:timers/promises";
import { webhookCallback, type Bot } from "grammy";
import { run, type RunnerHandle } from "@grammyjs/runner";
import { PrismaAdapter } from "@grammyjs/storage-prisma";
import type { Config } from "./config.js";
import type { Logger } from "./logger.js";
import { loadClinicProfile } from "./clinic/clinic-profile.js";
import { applyPendingMigrations } from "./db/migrations.js";
import { openDatabase, type Database } from "./db/database.js";
import { createUserRepository } from "./db/repositories/user-repository.js";
import { createBot } from "./bot/create-bot.js";
import type { BotContext } from "./bot/context.js";
import type { BotDeps } from "./bot/deps.js";
import { createI18n } from "./bot/i18n.js";
import { registerCommandMenu } from "./bot/command-menu.js";
import { describeError } from "./bot/error-boundary.js";
import { startHttpServer, type RunningHttpServer } from "./http/server.js";

/** The update types the bot handles; anything else is not even fetched. */
export const ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "my_chat_member"] as const;

/** How long shutdown waits for updates already being handled. */
const DRAIN_TIMEOUT_MS = 8_000;

export interface RunningApp {
  bot: Bot<BotContext>;
  database: Database;
  http: RunningHttpServer;
  /** Stops taking updates, lets in-flight ones finish (bounded), stops jobs, closes the database. */
  stop(): Promise<void>;
}

/**
 * Starts everything in order: content, database (migrations first), bot,
 * HTTP entry, then updates (long polling or webhook). Throws on bad content
 * or an unreachable database, with a message naming the file or setting.
 */
export async function startApp(config: Config, logger: Logger, signal?: AbortSignal): Promise<RunningApp> {
  const clinic = loadClinicProfile(config.contentDir);
  const applied = await applyPendingMigrations(config.databaseUrl, logger);
  if (applied.length > 0) logger.info({ migrations: applied }, "database migrations applied");
  const database = await openDatabase(config.databaseUrl);

  const i18n = createI18n(clinic.defaultLanguage);
  const deps: BotDeps = {
    logger,
    clinic,
    i18n,
    users: createUserRepository(database.prisma),
    conversationStorage: new PrismaAdapter(database.prisma.session),
    now: () => new Date(),
  };
  const bot = createBot(config, deps);

  let botReady = false;
  const http = await startHttpServer({
    port: config.port,
    logger,
    health: async () => {
      const databaseOk = await database.ping();
      return { ok: databaseOk && botReady, checks: { database: databaseOk, bot: botReady } };
    },
    webhook: config.webhook
      ? {
          path: config.webhook.path,
          handler: webhookCallback(bot, "http", { secretToken: config.webhook.secret, onTimeout: "return", timeoutMilliseconds: 9_000 }),
        }
      : undefined,
  });
  logger.info({ port: http.port }, "http server listening");

  let runner: RunnerHandle | undefined;
  try {
    await withBackoff(() => bot.init(), logger, "reach Telegram (getMe)", signal);
    botReady = true;
    logger.info({ username: bot.botInfo.username, mode: config.botMode }, "bot initialised");
    void registerCommandMenu(bot.api, i18n, config.staffChatId, logger);

    if (config.webhook) {
      const { url, secret } = config.webhook;
      await withBackoff(
        () => bot.api.setWebhook(url, { secret_token: secret, allowed_updates: [...ALLOWED_UPDATES] }),
        logger,
        "register the webhook",
        signal,
      );
    } else {
      await withBackoff(() => bot.api.deleteWebhook(), logger, "switch to long polling", signal);
      runner = run(bot, { runner: { fetch: { allowed_updates: [...ALLOWED_UPDATES] } } });
    }
  } catch (error) {
    await http.close();
    await database.close();
    throw error;
  }

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      logger.info("stopping: no new updates");
      if (runner?.isRunning()) await runner.stop();
      await http.close();
      const deadline = Date.now() + DRAIN_TIMEOUT_MS;
      // runner.stop() resolves before in-flight updates finish.
      while (runner && runner.size() > 0 && Date.now() < deadline) await sleep(25);
      if (runner && runner.size() > 0) logger.warn({ inFlight: runner.size() }, "gave up waiting for in-flight updates");
      await database.close();
      logger.info("stopped");
    })());

  return { bot, database, http, stop };
}

/**
 * Retries an essential start-up call with exponential backoff (1 s doubling to
 * 60 s) instead of crashing: a clinic's server often boots before its network.
 */
async function withBackoff<T>(call: () => Promise<T>, logger: Logger, what: string, signal?: AbortSignal): Promise<T> {
  for (let attempt = 1, delay = 1_000; ; attempt++, delay = Math.min(delay * 2, 60_000)) {
    try {
      return await call();
    } catch (error) {
      if (signal?.aborted) throw error;
      if (isPermanentTelegramError(error)) throw error;
      logger.warn({ err: describeError(error), attempt, retryInMs: delay }, `could not ${what}; retrying`);
      await sleep(delay, undefined, { signal }).catch(() => undefined);
      if (signal?.aborted) throw new Error(`stopped while trying to ${what}`);
    }
  }
}

/** A rejected token will not get better by retrying. */
function isPermanentTelegramError(error: unknown): boolean {
  const code = (error as { error_code?: number }).error_code;
  return code === 401 || code === 404;
}
