import { Bot, type ApiClientOptions } from "grammy";
import type { UserFromGetMe } from "grammy/types";
import { conversations } from "@grammyjs/conversations";
import { sequentialize } from "@grammyjs/runner";
import { limit } from "@grammyjs/ratelimiter";
import type { Config } from "../config.js";
import type { BotContext } from "./context.js";
import type { BotDeps } from "./deps.js";
import { errorBoundary } from "./error-boundary.js";
import { oncePerUpdate } from "./once-per-update.js";
import { describeError } from "../shared/errors.js";
import { contextLanguage } from "./i18n.js";
import { startFeature } from "../features/start.js";
import { helpFeature } from "../features/help.js";
import { membershipFeature } from "../features/membership.js";
import { fallbackFeature } from "../features/fallback.js";
import { tipsFeature } from "../features/tips.js";
import { safetyFeature } from "../features/safety.js";
import { languageFeature } from "../features/language.js";
import { privacyFeature } from "../features/privacy.js";
import { broadcastFeature } from "../features/broadcast.js";
import { bookingFeature } from "../features/booking.js";
import { appointmentsFeature } from "../features/appointments.js";
import { appointmentRequestsFeature } from "../features/appointment-requests.js";
import { blogReviewFeature } from "../features/blog-review.js";
import { deskFeature } from "../features/desk.js";
import { updateMetrics } from "../metrics.js";
import { staffFeatures } from "./staff-area.js";
import { CONVERSATION_KEY_PREFIX } from "../privacy/personal-data-repository.js";
import type { UpdatesInFlight } from "./in-flight.js";
import type { CommandMenuRegistry } from "./command-menu.js";
import { conversationReplies, repliesThroughBudget } from "./outgoing.js";
import { keepAliveSafeFetch } from "../http/keep-alive-fetch.js";

/** More than this many updates from one person within the window is a flood. */
const FLOOD_LIMIT = 30;
const FLOOD_WINDOW_MS = 10_000;

export interface CreateBotOptions {
  /** Skips the getMe call (tests, or a second instance that already knows the bot). */
  botInfo?: UserFromGetMe;
  /** Extra client options; tests pass a fake `fetch`. */
  client?: ApiClientOptions;
  /** Counts updates being handled (shutdown waits for them). */
  inFlight?: UpdatesInFlight;
  /** The command menus: a staff member's menu Telegram refused at start is set when they first write. */
  commandMenus?: CommandMenuRegistry;
  /** Updates one person may send within the flood window (tests that press hundreds of buttons raise it). */
  floodLimit?: number;
}

/**
 * Builds the whole bot. The process entry point and the tests both call this,
 * so what the tests exercise is what runs.
 */
export function createBot(config: Config, deps: BotDeps, options: CreateBotOptions = {}): Bot<BotContext> {
  const bot = new Bot<BotContext>(config.botToken, {
    botInfo: options.botInfo,
    // A reply whose kept-alive connection the server closed as it went out is sent again (keep-alive-fetch.ts).
    client: { apiRoot: config.telegramApiRoot, fetch: keepAliveSafeFetch(), ...options.client },
  });

  // Replies share the bot's one send budget, ahead of bulk sends, and wait out 429s instead of being dropped.
  bot.api.config.use(repliesThroughBudget(deps.limiter));

  if (options.inFlight) bot.use(options.inFlight.middleware);
  bot.use(updateMetrics(deps.metrics));
  // One update at a time per chat, so a patient's quick double tap cannot race itself.
  const chatKey = (ctx: BotContext) => (ctx.chat?.id ?? ctx.from?.id)?.toString();
  bot.use(sequentialize(chatKey));
  bot.use(async (ctx, next) => {
    ctx.config = config;
    ctx.deps = deps;
    ctx.logger = deps.logger.child({ updateId: ctx.update.update_id });
    ctx.isStaff = ctx.from !== undefined && config.staffIds.includes(ctx.from.id);
    ctx.patient = null;
    await next();
  });
  bot.use(errorBoundary);
  // Before anything acts on it: an update Telegram delivers again (webhook retry, another instance, polling after a
  // restart) is dropped here. Inside the error boundary: if the database is away, the patient still gets an apology.
  bot.use(oncePerUpdate);
  if (options.commandMenus) bot.use(options.commandMenus.catchUp);
  // And across instances, when several share one PostgreSQL (see chat-lock.ts). Inside the error
  // boundary: if the lock cannot be had (the database is away), the patient still gets an apology.
  const chatLock = deps.chatLock;
  if (chatLock) {
    bot.use((ctx, next) => {
      const key = chatKey(ctx);
      return key === undefined ? next() : chatLock.run(key, next);
    });
  }
  // A flood from one person is dropped after a polite word, before it costs a database query.
  bot.use(
    limit<BotContext, never>({
      timeFrame: FLOOD_WINDOW_MS,
      limit: options.floodLimit ?? FLOOD_LIMIT,
      keyGenerator: (ctx) => ctx.from?.id.toString(),
      onLimitExceeded: (ctx) => {
        ctx.logger.warn({ userId: ctx.from?.id }, "flood from one user; ignoring their updates for a while");
        if (ctx.chat?.type !== "private") return;
        void ctx.reply(deps.i18n.t(contextLanguage(ctx), "flood-slow-down")).catch(() => undefined);
      },
    }),
  );
  bot.use(async (ctx, next) => {
    if (ctx.chat?.type === "private" && ctx.from) ctx.patient = await deps.users.findById(ctx.from.id);
    await next();
  });
  bot.use(deps.i18n);
  // Before conversations and every feature: urgent-care advice comes first.
  bot.use(safetyFeature);
  bot.use(
    conversations<BotContext, BotContext>({
      storage: { type: "key", prefix: CONVERSATION_KEY_PREFIX, adapter: deps.conversationStorage as never },
      // Inside a conversation, replies go through the same send budget as everywhere else.
      plugins: conversationReplies(deps.limiter),
    }),
  );

  // The booking conversation first: while a patient is in it, it sees their updates before any other feature.
  bot.use(bookingFeature(deps));
  bot.use(membershipFeature);
  // Before /start: staff arriving by the desk's private-chat link (/start desk).
  bot.use(staffFeatures(deskFeature));
  bot.use(startFeature);
  bot.use(helpFeature);
  bot.use(tipsFeature);
  bot.use(languageFeature);
  bot.use(privacyFeature);
  bot.use(appointmentsFeature);
  // Staff features answer only staff, in the staff chat and their own private chats.
  bot.use(staffFeatures(broadcastFeature, appointmentRequestsFeature, blogReviewFeature));
  bot.use(fallbackFeature);

  // Last line of defence; the error boundary above normally handles everything.
  bot.catch((error) => {
    deps.logger.error({ err: describeError(error.error), updateId: error.ctx.update.update_id }, "unhandled error in update");
  });
  return bot;
}

