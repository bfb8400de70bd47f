/**
 * Broadcast throughput: the real delivery engine and outbox (SQLite) against the
 * Bot API simulator over loopback HTTP, next to a naive send loop; then the same
 * broadcast while patients talk to the bot.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { Bot } from "grammy";
import type { Update } from "grammy/types";
import { autoRetry } from "@grammyjs/auto-retry";
import { BotApiSimulator, type LatencyRange } from "../src/bot-api-peer/index.js";
import { createTestDatabase } from "../test/kit/test-database.js";
import { command, testBotInfo, textMessage, user } from "../src/bot-api-peer/updates.js";
import { BENCH_TOKEN, STAFF_BASE_ID, buildClinicBot, percentile, seedPatients, until } from "./lib.js";

export const RECIPIENT_BASE = 1_000_000;
const PATIENT_BASE = 5_000_000;
const TEXT = "The clinic is closed on Monday for the holiday. Your appointments on Tuesday are unchanged.";

export interface SimulatorSetup {
  /** The simulator's global limit, messages per second. */
  limit: number;
  /** The simulator's answer time per call. */
  latency: LatencyRange;
}

export interface BroadcastResult {
  recipients: number;
  /** Seconds from the first to the last delivered message. */
  seconds: number;
  /** Seconds from pressing send (recipients queued first) to the last message. */
  wallSeconds: number;
  rate: number;
  ratio: number;
  sendCalls: number;
  rejected429: number;
  duplicates: number;
  losses: number;
  /** From the bot's own prom-client counters (what /metrics shows); absent for the naive loop. */
  metrics?: { sent: number; rateLimited: number; retryAfterSeconds: number };
}

export interface PatientLatency {
  updates: number;
  p50: number;
  p99: number;
  max: number;
  unanswered: number;
}

/** What the simulator saw of a broadcast to `ids`. */
function figuresFrom(sim: BotApiSimulator, ids: number[], limit: number, startedAt: number) {
  const wanted = new Set(ids);
  let first = Infinity;
  let last = -Infinity;
  let ok = 0;
  let sendCalls = 0;
  let rejected429 = 0;
  for (const call of sim.calls) {
    if (call.method !== "sendMessage" || !wanted.has(Number(call.params.chat_id))) continue;
    sendCalls++;
    if (call.status === 429) rejected429++;
    if (call.status === 200) {
      ok++;
      first = Math.min(first, call.time);
      last = Math.max(last, call.time);
    }
  }
  const counts = sim.deliveryCounts();
  let duplicates = 0;
  let losses = 0;
  for (const id of ids) {
    const count = counts.get(id) ?? 0;
    if (count === 0) losses++;
    else duplicates += count - 1;
  }
  const seconds = (last - first) / 1000;
  const rate = ok > 1 ? (ok - 1) / seconds : 0;
  return { recipients: ids.length, seconds, wallSeconds: (last - startedAt) / 1000, rate, ratio: rate / limit, sendCalls, rejected429, duplicates, losses };
}

/**
 * A broadcast to `recipients` patients sent by the clinic's own delivery engine
 * (SEND_RATE_PER_SECOND = `botRate`), optionally while `patientsPerSecond`
 * simulated patients send updates through the bot.
 */
export async function engineBroadcast(options: {
  recipients: number;
  sim: SimulatorSetup;
  botRate: number;
  patientsPerSecond?: number;
}): Promise<{ broadcast: BroadcastResult; patients?: PatientLatency }> {
  const database = await createTestDatabase("sqlite");
  const sim = new BotApiSimulator({ token: BENCH_TOKEN, globalRatePerSecond: options.sim.limit, latencyMs: options.sim.latency, seed: 7 });
  try {
    await seedPatients(database, options.recipients, RECIPIENT_BASE);
    const { apiRoot } = await sim.listen();
    const { bot, services } = buildClinicBot({ database, apiRoot, sendRatePerSecond: options.botRate });
    const { broadcasts, broadcastService } = services.deps;
    const { metrics, engine } = services;

    // Patients' replies: the time from an update arriving to its first reply being accepted by Telegram.
    const waiting = new Map<number, number>();
    const latencies: number[] = [];
    bot.api.config.use(async (prev, method, payload, signal) => {
      const result = await prev(method, payload, signal);
      const chatId = (payload as { chat_id?: unknown }).chat_id;
      if (method === "sendMessage" && typeof chatId === "number" && result.ok) {
        const since = waiting.get(chatId);
        if (since !== undefined) {
          latencies.push(performance.now() - since);
          waiting.delete(chatId);
        }
      }
      return result;
    });

    // A staff member's announcement to everyone, with its live progress message.
    const draft = await broadcasts.startComposing({ id: STAFF_BASE_ID, name: "Sam", chatId: STAFF_BASE_ID });
    await broadcasts.saveMessage(draft.id, { text: TEXT, entities: null, photoFileId: null });
    await broadcasts.setAudience(draft.id, "everyone");
    const progress = await bot.api.sendMessage(STAFF_BASE_ID, "Announcement: sending…");
    await broadcasts.setProgressMessage(draft.id, progress.message_id);

    engine.start();
    const startedAt = Date.now();
    const total = await broadcastService.start(draft.id, ["draft"]);
    if (total !== options.recipients) throw new Error(`expected ${options.recipients} recipients, queued ${total}`);

    const settled = async () =>
      (await metrics.sendCount("sent")) + (await metrics.sendCount("blocked")) + (await metrics.sendCount("failed")) + (await metrics.sendCount("unknown"));

    const handling: Promise<void>[] = [];
    let updates = 0;
    let driver: Promise<void> | undefined;
    let stopPatients = false;
    if (options.patientsPerSecond) {
      const interval = 1000 / options.patientsPerSecond;
      driver = (async () => {
        const begin = performance.now();
        for (let n = 0; !stopPatients; n++) {
          const due = begin + n * interval;
          const wait = due - performance.now();
          if (wait > 0) await sleep(wait);
          const patient = user(PATIENT_BASE + (n % 500), { first_name: `Pat${n % 500}`, language_code: n % 4 === 0 ? "fr" : "en" });
          const kinds: Array<() => Update> = [
            () => command(patient, "/start"),
            () => command(patient, "/help"),
            () => textMessage(patient, "Is the clinic open on Saturday morning?"),
          ];
          const update = kinds[n % kinds.length]!();
          waiting.set(patient.id, performance.now());
          updates++;
          handling.push(bot.handleUpdate(update).catch(() => undefined));
        }
      })();
    }

    const limitSeconds = options.recipients / options.botRate;
    await until(async () => (await settled()) >= options.recipients, limitSeconds * 3000 + 60_000, "the broadcast to finish", 100);
    stopPatients = true;
    await driver;
    await Promise.all(handling);

    const figures = figuresFrom(sim, Array.from({ length: options.recipients }, (_, i) => RECIPIENT_BASE + i), options.sim.limit, startedAt);
    const retryAfter = (await metrics.retryAfterSeconds.get()).values[0]?.value ?? 0;
    await engine.stop();
    broadcastService.stop();
    return {
      broadcast: {
        ...figures,
        metrics: { sent: await metrics.sendCount("sent"), rateLimited: await metrics.sendCount("rate_limited"), retryAfterSeconds: retryAfter },
      },
      patients: options.patientsPerSecond
        ? { updates, p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: percentile(latencies, 100), unanswered: updates - latencies.length }
        : undefined,
    };
  } finally {
    await sim.close();
    await database.drop();
  }
}

/** The baseline: one `sendMessage` after another, 429s handled by @grammyjs/auto-retry. */
export async function naiveBroadcast(options: { recipients: number; sim: SimulatorSetup }): Promise<BroadcastResult> {
  const sim = new BotApiSimulator({ token: BENCH_TOKEN, globalRatePerSecond: options.sim.limit, latencyMs: options.sim.latency, seed: 7 });
  try {
    const { apiRoot } = await sim.listen();
    const bot = new Bot(BENCH_TOKEN, { botInfo: testBotInfo(), client: { apiRoot } });
    bot.api.config.use(autoRetry());
    const ids = Array.from({ length: options.recipients }, (_, i) => RECIPIENT_BASE + i);
    const startedAt = Date.now();
    for (const id of ids) {
      try {
        await bot.api.sendMessage(id, TEXT, { link_preview_options: { is_disabled: true } });
      } catch {
        // counted as a loss below
      }
    }
    return figuresFrom(sim, ids, options.sim.limit, startedAt);
  } finally {
    await sim.close();
  }
}
