import { setTimeout as sleep } from "node:timers/promises";
import { Api, webhookCallback, type Bot } from "grammy";
import type { Config } from "./config.js";
import type { Logger } from "./logger.js";
import { loadClinicProfile } from "./clinic/clinic-profile.js";
import { loadSafetyRules } from "./safety/red-flags.js";
import { applyMigrationsInChild } from "./db/migrate-in-child.js";
import { openDatabase, type Database } from "./db/database.js";
import { createBot } from "./bot/create-bot.js";
import type { BotContext } from "./bot/context.js";
import { CommandMenuRegistry, commandMenus } from "./bot/command-menu.js";
import { registerDeskMenuButtons } from "./features/desk.js";
import { describeError } from "./shared/errors.js";
import { startHttpServer, type RunningHttpServer } from "./http/server.js";
import type { ContentLibrary } from "./content/article.js";
import { loadContentLibrary, watchContent } from "./content/content-folder.js";
import { createServices, type Services } from "./services.js";
import { createScheduler, type Scheduler } from "./scheduler.js";
import { startDeliverySender, type DeliverySender } from "./delivery/delivery-sender.js";
import { followBlog } from "./content/blog/follow-blog.js";
import { startLongPolling, TokenRejectedError, type LongPolling } from "./bot/long-polling.js";
import { UpdatesInFlight } from "./bot/in-flight.js";
import { checkBackupDir, nightlyBackup } from "./db/nightly-backup.js";
import { watchDatabase } from "./db/database-monitor.js";
import { createSendingWatch } from "./delivery/sending-watch.js";
import { resumeAfterDatabaseFault, scheduleJobs } from "./jobs.js";
import { staffLanguageOf } from "./features/blog-review.js";

/** The update types the bot handles; anything else is not even fetched. */
export const ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "my_chat_member"] as const;

/** How long shutdown waits for updates already being handled. */
const DRAIN_TIMEOUT_MS = 8_000;

export interface RunningApp {
  bot: Bot<BotContext>;
  database: Database;
  http: RunningHttpServer;
  services: Services;
  scheduler: Scheduler;
  /** Rejects when the update source dies for good (token rejected, an unexpected error): the process must exit. */
  died: Promise<never>;
  /** Stops taking updates, lets in-flight ones finish (bounded), stops jobs, closes the database. */
  stop(): Promise<void>;
}

export interface AppOptions {
  signal?: AbortSignal;
  /**
   * The clock of everything the bot decides by time: its handlers, the
   * services and the scheduled jobs (default: the system clock). The sandbox
   * passes its own, which it can move forward.
   */
  now?: () => Date;
  /**
   * The migrations, already under way (`npm start` begins them in a child
   * process while the bot's modules load); unset, startApp applies them first.
   */
  migrations?: Promise<string[]>;
}

/** Thrown by startApp when its signal aborted it: everything it had opened is closed again. */
export class StartAbortedError extends Error {
  constructor() {
    super("stopped during start-up");
    this.name = "StartAbortedError";
  }
}

/**
 * Starts everything in order: content, database (migrations first), bot,
 * HTTP entry, then updates (long polling or webhook). Throws on bad content
 * or an unreachable database, with a message naming the file or setting.
 */
export async function startApp(config: Config, logger: Logger, options: AppOptions = {}): Promise<RunningApp> {
  const { signal } = options;
  const now = options.now ?? (() => new Date());
  const clinic = loadClinicProfile(config.contentDir);
  const safety = loadSafetyRules(config.contentDir);
  // A stop asked for while migrations run lets them finish (a migration is never cut half-way), then start-up ends here.
  // They run in a child process, so the schema engine's memory is given back once they are done.
  if (!options.migrations) logger.info("checking database migrations");
  const applied = await (options.migrations ?? applyMigrationsInChild(config.databaseUrl, logger));
  if (applied.length > 0) logger.info({ migrations: applied }, "database migrations applied");
  if (signal?.aborted) throw new StartAbortedError();
  // A backup folder the bot cannot write to is said at start, not discovered at 3 in the morning.
  if (config.backup) checkBackupDir(config.backup.dir);
  const database = await openDatabase(config.databaseUrl);
  if (signal?.aborted) {
    await database.close();
    throw new StartAbortedError();
  }

  // Invalid articles are skipped with a warning naming the file; the rest serve.
  let library: ContentLibrary = loadContentLibrary(config.contentDir, logger).library;
  logger.info({ tips: library.size }, "content loaded");
  const stopWatchingContent = watchContent(
    config.contentDir,
    (reloaded) => {
      library = reloaded.library;
      logger.info({ tips: library.size, problems: reloaded.problems.length }, "content reloaded");
    },
    { intervalMs: 30_000, logger },
  );

  const services: Services = createServices({ config, database, clinic, safety, library: () => library, logger, now, processMetrics: true });
  const { deps, engine } = services;
  const inFlight = new UpdatesInFlight();
  const menus = new CommandMenuRegistry(commandMenus(deps.i18n, clinic.defaultLanguage, config), logger, clinic.defaultLanguage);
  const bot = createBot(config, deps, { inFlight, commandMenus: menus });
  const scheduler = createScheduler(logger, now);
  let stopFollowingBlog: (() => void) & { checkSoon?: () => void } = () => {};
  // Whether this instance can use its database (PostgreSQL answers, SQLite takes writes), probed every second.
  const databaseMonitor = watchDatabase({ database, logger });
  let sender: DeliverySender | undefined;
  const staffChatId = config.staffChatId ?? config.staffIds[0];
  // Told straight through the Bot API, not the outbox: the database may be what is away.
  const staffApi = new Api(config.botToken, { apiRoot: config.telegramApiRoot, timeoutSeconds: 20 });
  const sendingWatch = createSendingWatch({
    outbox: deps.outbox,
    sender: () => sender,
    databaseFaultSince: () => databaseMonitor.faultSince(),
    databaseDown: () => databaseMonitor.down(),
    logger,
    now,
    async notify(event) {
      if (staffChatId === undefined) return;
      const language = staffLanguageOf(clinic);
      const text =
        event.kind === "stalled"
          ? deps.i18n.t(language, "delivery-stalled", { since: event.since.toISOString().slice(0, 16).replace("T", " ") + " UTC", reason: event.reason })
          : deps.i18n.t(language, "delivery-resumed", { minutes: Math.max(1, Math.round(event.waitedMs / 60_000)) });
      await staffApi.sendMessage(staffChatId, text);
    },
  });
  const sendingTimer = setInterval(() => void sendingWatch.check(), 10_000);
  sendingTimer.unref();
  // What fell due while the database was away runs as soon as it is back, not at the next cron minute:
  // the tips tick (within its grace hours), reminders and other queued messages, stale-request notices.
  resumeAfterDatabaseFault(databaseMonitor, { scheduler, services, more: () => stopFollowingBlog.checkSoon?.() });

  let botReady = false;
  let polling: LongPolling | undefined;
  let sourceDead = false;
  const http = await startHttpServer({
    port: config.port,
    logger,
    health: async () => {
      // A fault of a second or two is not an outage: the database counts as down once it has lasted a few seconds.
      const databaseOk = !databaseMonitor.down();
      // Receiving updates: polling works (no conflict, Telegram in reach) and has not died; webhook mode serves them here.
      const updates = !sourceDead && (polling?.healthy ?? true);
      // Sending: due messages have an instance sending them (until start-up elected one, nothing is due to it yet).
      const sending = botReady ? await sendingWatch.status() : undefined;
      const sendingOk = sending?.sending ?? true;
      const checks = { database: databaseOk, bot: botReady, updates, sending: sendingOk };
      const unhealthy = Object.entries(checks).filter(([, ok]) => !ok).map(([part]) => part);
      return {
        ok: unhealthy.length === 0,
        checks: {
          ...checks,
          ...(unhealthy.length > 0 ? { unhealthy } : {}),
          ...(sending ? { sender: sending.sender, ...(sending.waitingSince ? { waitingSince: sending.waitingSince.toISOString() } : {}) } : {}),
          ...(databaseMonitor.faultSince() ? { databaseFaultSince: databaseMonitor.faultSince()!.toISOString() } : {}),
        },
      };
    },
    webhook: config.webhook
      ? {
          path: config.webhook.path,
          handler: webhookCallback(bot, "http", { secretToken: config.webhook.secret, onTimeout: "return", timeoutMilliseconds: 9_000 }),
        }
      : undefined,
    routes: { "/metrics": services.metrics.guardedHandler(config.metricsToken) },
    mounts: services.desk ? { "/desk": services.desk } : undefined,
  });
  logger.info({ port: http.port, desk: config.publicUrl ? `${config.publicUrl}/desk/` : "off (set PUBLIC_URL)" }, "http server listening");

  try {
    // Start-up calls bypass the bot's auto-retry: withBackoff owns retrying here,
    // and a short timeout keeps an unreachable Telegram from hanging the start.
    const startupApi = new Api(config.botToken, { apiRoot: config.telegramApiRoot, timeoutSeconds: 10 });
    bot.botInfo = await withBackoff(() => startupApi.getMe(), logger, "reach Telegram (getMe)", signal);
    botReady = true;
    logger.info({ username: bot.botInfo.username, mode: config.botMode }, "bot initialised");
    void menus.registerAll(bot.api);
    void registerDeskMenuButtons(bot.api, config, deps.i18n, clinic.defaultLanguage, logger);

    if (config.webhook) {
      const { url, secret } = config.webhook;
      await withBackoff(
        () => startupApi.setWebhook(url, { secret_token: secret, allowed_updates: [...ALLOWED_UPDATES] }),
        logger,
        "register the webhook",
        signal,
      );
    } else {
      await withBackoff(() => startupApi.deleteWebhook(), logger, "switch to long polling", signal);
      // A plain Api of its own (timeout above the long poll's 30 s): the poller tells conflicts from dead ends itself.
      const pollingApi = new Api(config.botToken, { apiRoot: config.telegramApiRoot, timeoutSeconds: 40 });
      polling = startLongPolling(bot, { api: pollingApi, logger, allowedUpdates: ALLOWED_UPDATES });
    }
    if (signal?.aborted) throw new StartAbortedError();

    // One instance at a time sends the outbox, so the global rate is shared (see
    // delivery-sender.ts). It first recovers what a previous sender left: rows
    // left "sending" become "unknown" and are not resent; claimed rows resume.
    sender = await startDeliverySender({ databaseUrl: config.databaseUrl, engine, outbox: deps.outbox, logger });
    // Slots missed while the bot was down (within the grace window) go out now, not in a minute.
    void services.runTipsTick(now()).catch((error: unknown) => logger.error({ err: describeError(error) }, "catch-up tips tick failed"));
    void services.runBroadcastSettle().catch((error: unknown) => logger.error({ err: describeError(error) }, "settling broadcasts failed"));
    await deps.tipLibrary.refresh();
    scheduleJobs(scheduler, services);
    if (config.contentFeed) {
      const feed = config.contentFeed;
      stopFollowingBlog = followBlog({
        url: feed.url,
        intervalMs: feed.intervalMinutes * 60_000,
        blog: deps.blog,
        logger: logger.child({ component: "blog" }),
        now,
        onDrafts: () => void services.runBlogPreviews(now()).catch((error: unknown) => logger.error({ err: describeError(error) }, "blog previews failed")),
        onFailingForADay: (error, since) => services.notifyFeedFailing(error, since),
      });
      logger.info({ url: feed.url, intervalMinutes: feed.intervalMinutes }, "following the clinic's blog");
    }
    if (config.backup) {
      // Due from 03:00 clinic time; checked every five minutes, so a night the bot was down is made up when it is back.
      const backup = { ...config.backup, databaseUrl: config.databaseUrl, timeZone: clinic.timeZone, logger };
      scheduler.every("nightly-backup", "*/5 * * * *", nightlyBackup(backup));
    }
  } catch (error) {
    await polling?.stop();
    databaseMonitor.stop();
    clearInterval(sendingTimer);
    stopWatchingContent();
    stopFollowingBlog();
    await (sender?.stop() ?? engine.stop());
    await http.close();
    await services.close();
    await database.close();
    throw error;
  }

  const died: Promise<never> = polling
    ? polling.died.catch((error: unknown) => {
        sourceDead = true;
        throw error;
      })
    : new Promise<never>(() => undefined);
  died.catch(() => undefined);

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      logger.info("stopping: no new updates");
      await polling?.stop();
      await http.close();
      // Updates already being handled (polled, or posted to the webhook and perhaps answered already) finish first.
      if (!(await inFlight.settled(Date.now() + DRAIN_TIMEOUT_MS))) logger.warn({ inFlight: inFlight.size }, "gave up waiting for in-flight updates");
      stopWatchingContent();
      stopFollowingBlog();
      databaseMonitor.stop();
      clearInterval(sendingTimer);
      await scheduler.stop();
      await (sender?.stop() ?? engine.stop());
      deps.broadcastService.stop();
      await services.close();
      await database.close();
      logger.info("stopped");
    })());

  return { bot, database, http, services, scheduler, died, stop };
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
      if (signal?.aborted) throw new StartAbortedError();
      if ((error as { error_code?: number }).error_code === 401) throw new TokenRejectedError(what);
      if (isPermanentTelegramError(error)) throw error;
      logger.warn({ err: describeError(error), attempt, retryInMs: delay }, `could not ${what}; retrying`);
      await sleep(delay, undefined, { signal }).catch(() => undefined);
      if (signal?.aborted) throw new StartAbortedError();
    }
  }
}

/** A rejected token will not get better by retrying. */
function isPermanentTelegramError(error: unknown): boolean {
  const code = (error as { error_code?: number }).error_code;
  return code === 401 || code === 404;
}
