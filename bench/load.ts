/**
 * Telegram's limits at their strictest (STRICT_FLOOD_CONTROL: a bucket of 30
 * messages a second over all chats, one a second per chat, a 3-second pause of
 * the whole bot when a send finds the bucket empty), at Telegram's real scale:
 *
 * - the surge: N new patients send /start within one second;
 * - a broadcast at the shipped default SEND_RATE_PER_SECOND;
 *
 * each for the clinic's bot (built as the process builds it), grammY's
 * recommended setup (@grammyjs/transformer-throttler with @grammyjs/auto-retry)
 * and a naive bot or loop, side by side in one run.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { Bot } from "grammy";
import { autoRetry } from "@grammyjs/auto-retry";
import { apiThrottler } from "@grammyjs/transformer-throttler";
import type { BotApiSimulator } from "../src/bot-api-peer/index.js";
import { command, testBotInfo, user } from "../src/bot-api-peer/updates.js";
import { createTestDatabase } from "../test/kit/test-database.js";
import { BENCH_TOKEN, buildClinicBot } from "./lib.js";
import { figuresFrom, RECIPIENT_BASE, simulatorFor, type BroadcastResult, type SimulatorSetup } from "./broadcast.js";

export type Contender = "clinic" | "throttler" | "naive";

export const CONTENDERS: Record<Contender, string> = {
  clinic: "clinic bot (one send budget, replies first)",
  throttler: "grammY recommended (transformer-throttler + auto-retry)",
  naive: "naive (bare grammY bot, no throttling)",
};

const SURGE_BASE = 7_000_000;
/** Longest a surge run may take before the patients still waiting count as lost. */
const SURGE_CAP_SECONDS = 120;

export interface SurgeResult {
  patients: number;
  /** Seconds from the first /start to the last patient's reply accepted. */
  lastReplySeconds: number;
  /** That time ÷ the ideal, patients ÷ the limit. */
  ratio: number;
  sendCalls: number;
  rejected429: number;
  floodPauses: number;
  /** Patients without a reply when every update had been handled (or after the cap). */
  lost: number;
}

/** grammY's recommended flood handling: the throttler paces calls, auto-retry waits out the 429s that still come. */
function recommendedBot(apiRoot: string): Bot {
  const bot = new Bot(BENCH_TOKEN, { botInfo: testBotInfo(), client: { apiRoot } });
  bot.api.config.use(apiThrottler());
  // Installed last, so it runs first: each retry goes through the throttler again.
  bot.api.config.use(autoRetry());
  return bot;
}

function bareBot(apiRoot: string): Bot {
  return new Bot(BENCH_TOKEN, { botInfo: testBotInfo(), client: { apiRoot } });
}

/** `patients` new patients send /start within one second; every update is handled concurrently, as @grammyjs/runner does. */
export async function surge(contender: Contender, patients: number, setup: SimulatorSetup): Promise<SurgeResult> {
  const sim = simulatorFor({ ...setup, strict: true });
  const database = contender === "clinic" ? await createTestDatabase("sqlite") : undefined;
  try {
    const { apiRoot } = await sim.listen();
    let handleUpdate: Bot["handleUpdate"];
    let stop = async () => undefined as unknown;
    if (database) {
      const { bot, services } = buildClinicBot({ database, apiRoot });
      handleUpdate = (update) => bot.handleUpdate(update);
      stop = () => services.engine.stop();
    } else {
      const bot = contender === "throttler" ? recommendedBot(apiRoot) : bareBot(apiRoot);
      bot.command("start", (ctx) => ctx.reply(`Hello, ${ctx.from?.first_name ?? "there"}! Welcome to the clinic.`));
      bot.catch(() => undefined); // a reply that failed is a lost patient, counted below
      handleUpdate = (update) => bot.handleUpdate(update);
    }
    const ids = Array.from({ length: patients }, (_, i) => SURGE_BASE + i);
    const started = Date.now();
    const handling: Promise<unknown>[] = [];
    for (const [i, id] of ids.entries()) {
      handling.push(handleUpdate(command(user(id, { first_name: `Patient${i}` }), "/start")).catch(() => undefined));
      if (i % Math.ceil(patients / 10) === 0) await sleep(100); // spread over one second
    }
    await Promise.race([Promise.all(handling), sleep(SURGE_CAP_SECONDS * 1000)]);
    await stop();
    return surgeFigures(sim, ids, started, setup.limit);
  } finally {
    await sim.close();
    await database?.drop();
  }
}

function surgeFigures(sim: BotApiSimulator, ids: number[], started: number, limit: number): SurgeResult {
  const wanted = new Set(ids);
  const firstReply = new Map<number, number>();
  let sendCalls = 0;
  let rejected429 = 0;
  for (const call of sim.calls) {
    const chat = Number(call.params.chat_id);
    if (call.method !== "sendMessage" || !wanted.has(chat)) continue;
    sendCalls++;
    if (call.status === 429) rejected429++;
    if (call.status === 200 && !firstReply.has(chat)) firstReply.set(chat, call.time);
  }
  const last = Math.max(...firstReply.values());
  const lastReplySeconds = (last - started) / 1000;
  return {
    patients: ids.length,
    lastReplySeconds,
    ratio: lastReplySeconds / (ids.length / limit),
    sendCalls,
    rejected429,
    floodPauses: sim.stats().floodPauses,
    lost: ids.length - firstReply.size,
  };
}

/** grammY's recommended setup sending a broadcast: every message handed to the throttler at once, auto-retry for 429s. */
export async function throttlerBroadcast(options: { recipients: number; sim: SimulatorSetup }): Promise<BroadcastResult> {
  const sim = simulatorFor(options.sim);
  try {
    const { apiRoot } = await sim.listen();
    const bot = recommendedBot(apiRoot);
    const ids = Array.from({ length: options.recipients }, (_, i) => RECIPIENT_BASE + i);
    const startedAt = Date.now();
    await Promise.all(ids.map((id) => bot.api.sendMessage(id, "The clinic is closed on Monday for the holiday.").catch(() => undefined)));
    return figuresFrom(sim, ids, options.sim.limit, startedAt);
  } finally {
    await sim.close();
  }
}
