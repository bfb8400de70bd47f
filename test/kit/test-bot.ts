import type { Message, Update } from "grammy/types";
import type { Bot } from "grammy";
import { loadConfig, type Config } from "../../src/config.js";
import { createLogger, type Logger } from "../../src/logger.js";
import { loadClinicProfile, type ClinicProfile } from "../../src/clinic/clinic-profile.js";
import { loadSafetyRules } from "../../src/safety/red-flags.js";
import type { ContentLibrary } from "../../src/content/article.js";
import { loadContentLibrary } from "../../src/content/content-folder.js";
import { createBot } from "../../src/bot/create-bot.js";
import type { BotContext } from "../../src/bot/context.js";
import { createServices, type Services } from "../../src/services.js";
import { BotApiSimulator, type BotApiSimulatorOptions } from "../../src/bot-api-peer/index.js";
import { createTestDatabase, type TestDatabase } from "./test-database.js";
import { testBotInfo } from "../../src/bot-api-peer/updates.js";

export const TEST_TOKEN = "123456789:AAFtestTokenForTheClinicBotTests0000";
export const STAFF_ID = 900_001;
export const STAFF_CHAT_ID = -100_900_000;

export interface TestBotOptions {
  /** Updates one person may send within the flood window (default: the bot's own limit). */
  floodLimit?: number;
  provider?: "sqlite" | "postgresql";
  /** A database to reuse (a "restart" keeps the data); a fresh one otherwise. */
  database?: TestDatabase;
  /** The fake clock; defaults to the real time. */
  now?: () => Date;
  env?: Record<string, string>;
  simulator?: BotApiSimulatorOptions;
  /** Reuse a simulator (e.g. across a restart, so message ids continue). */
  sim?: BotApiSimulator;
  clinic?: ClinicProfile;
  /** The articles, or a getter to change them mid-test as a content reload would. */
  library?: ContentLibrary | (() => ContentLibrary);
  /** Per-chat spacing of queued sends (Telegram wants ~1 s); tests default to none. */
  perChatIntervalMs?: number;
  logger?: Logger;
}

export interface TestBot {
  bot: Bot<BotContext>;
  sim: BotApiSimulator;
  database: TestDatabase;
  services: Services;
  config: Config;
  /** Feeds an update through the bot exactly as the runner would. */
  send(update: Update): Promise<void>;
  /** What a chat received from the bot, in order. */
  sentTo(chatId: number): Message[];
  lastTextTo(chatId: number): string | undefined;
  /** Closes the bot's resources; `keepDatabase` leaves the data for a restart. */
  close(options?: { keepDatabase?: boolean }): Promise<void>;
}

/**
 * A bot built the way the process builds it (createServices + createBot),
 * with Telegram replaced by the in-process Bot API simulator at the fetch level,
 * so even calls made inside conversations are seen.
 */
export async function createTestBot(options: TestBotOptions = {}): Promise<TestBot> {
  const sim = options.sim ?? new BotApiSimulator({ token: TEST_TOKEN, rateLimits: false, ...options.simulator });
  const database = options.database ?? (await createTestDatabase(options.provider ?? "sqlite"));
  const config = loadConfig({
    BOT_TOKEN: TEST_TOKEN,
    DATABASE_URL: database.url,
    STAFF_IDS: String(STAFF_ID),
    STAFF_CHAT_ID: String(STAFF_CHAT_ID),
    LOG_LEVEL: "silent",
    SEND_RATE_PER_SECOND: "1000",
    ...options.env,
  });
  const logger = options.logger ?? createLogger(config.logLevel);
  const clinic = options.clinic ?? loadClinicProfile(config.contentDir);
  const safety = loadSafetyRules(config.contentDir);
  const loaded = options.library ?? loadContentLibrary(config.contentDir).library;
  const library = typeof loaded === "function" ? loaded : () => loaded;
  const client = { fetch: sim.fetch as unknown as typeof fetch };
  const services = createServices({
    config,
    database,
    clinic,
    safety,
    library,
    logger,
    now: options.now,
    client,
    perChatIntervalMs: options.perChatIntervalMs ?? 0,
  });
  const bot = createBot(config, services.deps, { botInfo: testBotInfo(), client, floodLimit: options.floodLimit });

  return {
    bot,
    sim,
    database,
    services,
    config,
    send: (update) => bot.handleUpdate(update),
    sentTo: (chatId) => sim.delivered(chatId),
    lastTextTo: (chatId) => {
      const message = sim.lastMessageTo(chatId);
      return message?.text ?? message?.caption;
    },
    async close({ keepDatabase = false } = {}) {
      await services.engine.stop();
      await services.close();
      if (keepDatabase) await database.close();
      else await database.drop();
      if (!options.sim) await sim.close();
    },
  };
}
