import { readFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import type { Bot } from "grammy";
import { loadConfig, type Config } from "../src/config.js";
import { createLogger } from "../src/logger.js";
import { loadClinicProfile } from "../src/clinic/clinic-profile.js";
import { loadSafetyRules } from "../src/safety/red-flags.js";
import { loadContentLibrary } from "../src/content/content-folder.js";
import { createBot } from "../src/bot/create-bot.js";
import type { BotContext } from "../src/bot/context.js";
import { createServices, type Services } from "../src/services.js";
import type { Database } from "../src/db/database.js";
import { testBotInfo } from "../src/bot-api-peer/updates.js";

export const BENCH_TOKEN = "123456789:AAFbenchmarkTokenForTheClinicBot0000";
export const STAFF_BASE_ID = 900_000;

/** One line of the results table. */
export interface Row {
  section: string;
  measure: string;
  value: string;
  goal: string;
  /** undefined: informational, no goal. */
  pass?: boolean;
}

export function row(section: string, measure: string, value: string, goal = "", pass?: boolean): Row {
  return { section, measure, value, goal, pass };
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export function median(values: number[]): number {
  return percentile(values, 50);
}

export const ms = (value: number, digits = 1) => `${value.toFixed(digits)} ms`;
export const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
export const int = (value: number) => value.toLocaleString("en-US");

/** Resident set size of a process now and at its peak (Linux /proc), in bytes. */
export function memoryOf(pid: number): { rss: number; peak: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN) * 1024;
    return { rss: kb("VmRSS"), peak: kb("VmHWM") };
  } catch {
    return undefined;
  }
}

export function machine(): { cpu: string; cores: number; ramGb: number; node: string; os: string } {
  const list = cpus();
  return {
    cpu: list[0]?.model.trim() ?? "unknown",
    cores: list.length,
    ramGb: Math.round(totalmem() / 1024 ** 3),
    node: process.version,
    os: `${process.platform} ${process.arch}`,
  };
}

/** Waits until `check` is true, polling; throws after `timeoutMs`. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string, pollMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(pollMs);
  }
}

/** Inserts patients with ids first..first+count-1 (chat id = user id). */
export async function seedPatients(database: Database, count: number, first: number): Promise<void> {
  const chunk = 1000;
  for (let start = 0; start < count; start += chunk) {
    const ids = Array.from({ length: Math.min(chunk, count - start) }, (_, i) => first + start + i);
    await database.prisma.user.createMany({
      data: ids.map((id) => ({ id, chatId: id, firstName: `P${id}`, languageCode: id % 3 === 0 ? "fr" : "en" })),
    });
  }
}

export interface BenchBot {
  bot: Bot<BotContext>;
  services: Services;
  config: Config;
}

/**
 * The clinic's bot built as the process builds it (createServices + createBot),
 * on a given database, talking to `apiRoot` over HTTP or to a fake `fetch`.
 */
export function buildClinicBot(options: {
  database: Database & { url: string };
  apiRoot?: string;
  fetch?: typeof fetch;
  /** Unset: the shipped default. */
  sendRatePerSecond?: number;
  /** Spacing of messages to one chat (unset: the shipped default). */
  perChatIntervalMs?: number;
  staffIds?: number[];
}): BenchBot {
  const config = loadConfig({
    BOT_TOKEN: BENCH_TOKEN,
    DATABASE_URL: options.database.url,
    LOG_LEVEL: "silent",
    ...(options.sendRatePerSecond !== undefined ? { SEND_RATE_PER_SECOND: String(options.sendRatePerSecond) } : {}),
    STAFF_IDS: (options.staffIds ?? [STAFF_BASE_ID]).join(","),
    ...(options.apiRoot ? { TELEGRAM_API_ROOT: options.apiRoot } : {}),
  });
  const logger = createLogger(config.logLevel);
  const clinic = loadClinicProfile(config.contentDir);
  const library = loadContentLibrary(config.contentDir).library;
  const client = options.fetch ? { fetch: options.fetch } : undefined;
  const services = createServices({
    config,
    database: options.database,
    clinic,
    safety: loadSafetyRules(config.contentDir),
    library: () => library,
    logger,
    client,
    perChatIntervalMs: options.perChatIntervalMs,
  });
  const bot = createBot(config, services.deps, { botInfo: testBotInfo(), client });
  return { bot, services, config };
}
