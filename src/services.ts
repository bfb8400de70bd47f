import { EventEmitter } from "node:events";
import { Api, type ApiClientOptions } from "grammy";
import { PrismaAdapter } from "@grammyjs/storage-prisma";
import type { Config } from "./config.js";
import type { Logger } from "./logger.js";
import type { ClinicProfile } from "./clinic/clinic-profile.js";
import type { SafetyRules } from "./safety/red-flags.js";
import type { ContentLibrary } from "./content/article.js";
import type { Database } from "./db/database.js";
import { createUserRepository } from "./db/repositories/user-repository.js";
import { createFiguresRepository } from "./db/repositories/figures-repository.js";
import { createProcessedUpdateRepository } from "./db/repositories/processed-update-repository.js";
import type { BotDeps } from "./bot/deps.js";
import { createI18n, languageFor } from "./bot/i18n.js";
import { createOutboxRepository } from "./delivery/outbox-repository.js";
import { createSendRateLimiter } from "./delivery/send-rate.js";
import { keepAliveSafeFetch } from "./http/keep-alive-fetch.js";
import { createSharedSendBudget } from "./delivery/shared-send-budget.js";
import { concurrencyFor, DeliveryEngine, sendingGroupFor } from "./delivery/delivery-engine.js";
import { telegramSender } from "./bot/telegram-sender.js";
import { createTipRepository } from "./tips/tip-repository.js";
import { createPersonalDataRepository } from "./privacy/personal-data-repository.js";
import { createBroadcastRepository } from "./broadcast/broadcast-repository.js";
import { BroadcastService } from "./broadcast/broadcast-service.js";
import { broadcastProgressEditor } from "./features/broadcast-progress.js";
import { createTipCatalog } from "./tips/tip-catalog.js";
import { enqueueDueTips, type TickResult } from "./tips/enqueue-due-tips.js";
import { Metrics } from "./metrics.js";
import { createAppointmentRepository } from "./booking/appointment-repository.js";
import { BookingNotices } from "./booking/booking-notices.js";
import { bookingMessenger } from "./features/booking-notices.js";
import type { BookingDeps } from "./booking/booking-deps.js";
import { notifyStaleRequests } from "./booking/notify-stale-requests.js";
import { expireAbandonedBookings } from "./privacy/expire-abandoned-bookings.js";
import { createPostgresChatLock } from "./bot/chat-lock.js";
import { createBlogArticleRepository } from "./content/blog/blog-article-repository.js";
import { createTipLibrary } from "./content/tip-library.js";
import { blogFeedFailingMessage, blogPreviewMessages, staffLanguageOf } from "./features/blog-review.js";
import { createDeskRepository } from "./desk/desk-repository.js";
import { createDeskHandler, type DeskHandler } from "./desk/desk-http.js";
import { DAY_MS, HOUR_MS } from "./shared/time.js";

/** How long an update id is remembered, to drop a copy of the update delivered again. */
const UPDATE_IDS_KEPT_MS = DAY_MS;

export interface ServicesInput {
  config: Config;
  database: Database;
  clinic: ClinicProfile;
  safety: SafetyRules;
  /** The content/ files' library (replaced when articles change on disk); published blog articles join it. */
  library: () => ContentLibrary;
  logger: Logger;
  now?: () => Date;
  /** Client options for the delivery engine's Api; tests pass a fake fetch. */
  client?: ApiClientOptions;
  /** Spacing of queued messages to one chat (default 1 s, Telegram's per-chat pace). */
  perChatIntervalMs?: number;
  /** Adds process metrics (memory, CPU) to /metrics; the process entry turns it on. */
  processMetrics?: boolean;
}

export interface Services {
  deps: BotDeps;
  engine: DeliveryEngine;
  /** This instance's Prometheus registry and counters (served at /metrics). */
  metrics: Metrics;
  /** The staff desk under /desk/ (page, API, calendar feeds); absent without PUBLIC_URL. */
  desk?: DeskHandler;
  /** Starts scheduled broadcasts whose time has come (once, across ticks and instances). */
  runScheduledBroadcasts(now: Date): Promise<number>;
  /** The weekly-tips tick: queues every tip whose slot has come. */
  runTipsTick(now: Date): Promise<TickResult>;
  /** Queues the staff-chat preview of each blog draft not previewed yet (once, across instances). */
  runBlogPreviews(now: Date): Promise<number>;
  /** Tells staff (the caller makes sure it is once) that the followed blog has kept failing. */
  notifyFeedFailing(error: string, since: Date): Promise<void>;
  /** Reminds staff (once) of appointment requests nobody answered in time. */
  runStaleRequests(now: Date): Promise<number>;
  /** Deletes bookings left half-way once their wait limit has passed. */
  runAbandonedBookings(now: Date): Promise<number>;
  /** Resumes interrupted queueing of announcements, closes those with nothing left, keeps ended ones' figures. */
  runBroadcastSettle(): Promise<{ resumed: number; finished: number }>;
  /** Deletes outbox rows that ended more than OUTBOX_RETENTION_DAYS ago (figures of announcements kept first), and update ids older than a day. */
  runOutboxRetention(now: Date): Promise<number>;
  /** Releases what the services hold apart from the database (the per-chat lock's connections). */
  close(): Promise<void>;
}

/**
 * Builds repositories, the delivery engine and the bot's dependencies from a
 * database and the clinic's content. The process entry and the tests share it.
 */
export function createServices(input: ServicesInput): Services {
  const { config, database, clinic, logger } = input;
  // A send whose kept-alive connection the server closed as it went out is sent again, not lost (keep-alive-fetch.ts).
  const telegramFetch = keepAliveSafeFetch();
  const now = input.now ?? (() => new Date());
  const i18n = createI18n(clinic.defaultLanguage);
  const users = createUserRepository(database.prisma);
  const tips = createTipRepository(database.prisma, database.provider);
  const outbox = createOutboxRepository(database.prisma);
  const processedUpdates = createProcessedUpdateRepository(database.prisma);
  // Several instances only exist in webhook mode (Telegram serves long polling to one), and only share PostgreSQL.
  const severalInstances = config.botMode === "webhook" && database.provider === "postgresql";
  // Telegram's limit is the whole bot's: with several instances, every one takes its slots from one budget in the database.
  const sharedBudget = severalInstances ? createSharedSendBudget(config.databaseUrl, config.sendRatePerSecond) : undefined;
  const limiter = createSendRateLimiter({ globalPerSecond: config.sendRatePerSecond, perChatIntervalMs: input.perChatIntervalMs, schedule: sharedBudget });
  const blog = createBlogArticleRepository(database.prisma);
  const tipLibrary = createTipLibrary({ files: input.library, blog, logger: logger.child({ component: "content" }) });
  const tipCatalog = createTipCatalog({
    library: () => tipLibrary.current(),
    disclaimer: clinic.disclaimer,
    readMoreLabel: (language) => i18n.t(language, "tips-read-more"),
  });

  const broadcasts = createBroadcastRepository(database.prisma, now);
  const metrics = new Metrics({
    processMetrics: input.processMetrics,
    outboxCounts: () => outbox.countByKindAndStatus(),
    retryAfterPausedMs: () => limiter.pausedMs,
    broadcastProgress: async () =>
      Promise.all(
        (await broadcasts.active()).map(async (broadcast) => {
          const figures = await broadcasts.figures(broadcast.id);
          // Failed is every message that ended without arriving, so sent + failed + remaining is the audience.
          const failed = figures.failed + figures.blocked + figures.unknown + figures.cancelled;
          return { id: broadcast.id, sent: figures.sent, failed, remaining: figures.remaining };
        }),
      ),
  });

  // The broadcast service wakes the delivery engine, and the engine renders broadcast rows: the service is
  // built first and rings this signal, which the engine answers once it exists.
  const queued = new EventEmitter();
  const wakeDelivery = () => void queued.emit("queued");

  const broadcastLogger = logger.child({ component: "broadcast" });
  const broadcastService = new BroadcastService({
    broadcasts,
    outbox,
    logger: broadcastLogger,
    now,
    wake: wakeDelivery,
    showProgress: broadcastProgressEditor({
      i18n,
      clinic,
      users,
      api: new Api(config.botToken, { apiRoot: config.telegramApiRoot, timeoutSeconds: 30, fetch: telegramFetch, ...input.client }),
      logger: broadcastLogger,
      ratePerSecond: config.sendRatePerSecond,
      now,
    }),
  });

  const engine = new DeliveryEngine({
    store: outbox,
    // Its own Api: no auto-retry, since the engine handles 429 and failures itself.
    sender: telegramSender(new Api(config.botToken, { apiRoot: config.telegramApiRoot, timeoutSeconds: 30, fetch: telegramFetch, ...input.client })),
    limiter,
    concurrency: concurrencyFor(config.sendRatePerSecond),
    sendingGroup: sendingGroupFor(config.sendRatePerSecond),
    logger: logger.child({ component: "delivery" }),
    now,
    render: (row) => broadcastService.render(row),
    onOutcome: (row, outcome) => {
      metrics.observeSend(outcome);
      if (row.broadcastId !== null) broadcastService.noteOutcome(row.broadcastId);
    },
    onBlocked: async (_chatId, userId) => {
      if (userId !== null && (await users.setStatus(userId, "blocked"))) {
        logger.info({ userId: Number(userId) }, "patient blocked the bot; their pending messages were cancelled");
      }
    },
  });

  queued.on("queued", () => engine.wake());

  // Without a staff group, cards and previews go to the first staff member's private chat.
  const staffChatId = config.staffChatId ?? config.staffIds[0];

  const booking: BookingDeps = {
    appointments: createAppointmentRepository(database.prisma),
    notices: new BookingNotices({
      // Its own Api for editing staff cards (best effort: the outcome is also in the database and /requests).
      messenger: bookingMessenger(i18n, clinic, new Api(config.botToken, { apiRoot: config.telegramApiRoot, timeoutSeconds: 30, fetch: telegramFetch, ...input.client })),
      clinic,
      outbox,
      staffChatId,
      logger: logger.child({ component: "booking" }),
      wake: () => engine.wake(),
    }),
    clinic,
    logger: logger.child({ component: "booking" }),
    now,
  };

  const deps: BotDeps = {
    logger,
    clinic,
    i18n,
    users,
    processedUpdates,
    figures: createFiguresRepository(database.prisma),
    tips,
    tipCatalog,
    tipLibrary,
    blog,
    outbox,
    limiter,
    safety: input.safety,
    personalData: createPersonalDataRepository(database.prisma),
    broadcasts,
    broadcastService,
    conversationStorage: new PrismaAdapter(database.prisma.session),
    now,
    metrics,
    booking,
    ...(severalInstances ? { chatLock: createPostgresChatLock(config.databaseUrl) } : {}),
  };

  return {
    deps,
    engine,
    metrics,
    desk: config.publicUrl ? createDeskHandler({ config, deps, desk: createDeskRepository(database.prisma) }) : undefined,
    runScheduledBroadcasts: (at) => broadcastService.startScheduled(at),
    runStaleRequests: (at) => notifyStaleRequests(booking, at),
    runAbandonedBookings: (at) => expireAbandonedBookings({ personalData: deps.personalData, logger }, at),
    runBroadcastSettle: () => broadcastService.settle(),
    async runOutboxRetention(at) {
      await broadcastService.settle();
      const pruned = await outbox.pruneFinished(new Date(at.getTime() - config.outboxRetentionDays * DAY_MS));
      if (pruned > 0) logger.info({ pruned, retentionDays: config.outboxRetentionDays }, "pruned finished outbox rows");
      // Telegram delivers an update again within hours at most: a day of update ids is plenty to recognise a copy.
      await processedUpdates.pruneBefore(new Date(at.getTime() - UPDATE_IDS_KEPT_MS));
      return pruned;
    },
    async runBlogPreviews(at) {
      // Without a staff chat nobody could review: drafts wait, unclaimed, until one is set.
      if (staffChatId === undefined) return 0;
      const drafts = await blog.claimPreviews(at);
      const staffLanguage = staffLanguageOf(clinic);
      for (const row of drafts) {
        const messages = blogPreviewMessages(row, { i18n, clinic, staffLanguage });
        await outbox.enqueue(
          messages.map((message, index) => ({ key: `blog-preview:${row.id}:${row.revision}:${index}`, kind: "notice", chatId: staffChatId, message, dueAt: at })),
        );
        logger.info({ articleId: row.id, title: row.article.title }, "blog draft preview queued for staff");
      }
      if (drafts.length > 0) engine.wake();
      return drafts.length;
    },
    async notifyFeedFailing(error, since) {
      if (staffChatId === undefined) return;
      const message = blogFeedFailingMessage({ i18n, staffLanguage: staffLanguageOf(clinic), error, since: since.toISOString().slice(0, 16).replace("T", " ") + " UTC" });
      await outbox.enqueue([{ key: `blog-feed-failing:${since.toISOString()}`, kind: "notice", chatId: staffChatId, message, dueAt: now() }]);
      engine.wake();
    },
    close: async () => {
      await deps.chatLock?.close();
      await sharedBudget?.close();
    },
    async runTipsTick(at) {
      await tipLibrary.refresh();
      const result = await enqueueDueTips(
        {
          tips,
          catalog: tipCatalog,
          languageOf: (subscription) => languageFor(subscription.language, subscription.languageCode ?? undefined, clinic.defaultLanguage),
          logger,
          graceMs: clinic.tips.graceHours * HOUR_MS,
        },
        at,
      );
      if (result.queued > 0) engine.wake();
      return result;
    },
  };
}
