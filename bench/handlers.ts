/**
 * Handler time without Telegram round trips: updates fed to the bot at a fixed
 * rate, Telegram answered instantly by a fake fetch, so what is measured is the
 * bot's own work (middleware, database, rendering). A bare grammY bot answering
 * the same updates shows the framework's share.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { Bot } from "grammy";
import type { Message, Update } from "grammy/types";
import { createTestDatabase } from "../test/kit/test-database.js";
import { callbackQuery, command, privateChat, testBotInfo, user } from "../src/bot-api-peer/updates.js";
import { BENCH_TOKEN, STAFF_BASE_ID, buildClinicBot, percentile, seedPatients } from "./lib.js";

const PATIENT_BASE = 3_000_000;
const PATIENTS = 3000;
const STAFF = 60;

export const HANDLER_KINDS = ["/start", "/book (first step)", "tips step (day and hour chosen)", "/stats (staff)"] as const;
export type HandlerKind = (typeof HANDLER_KINDS)[number];

export interface HandlerResult {
  updates: number;
  perKind: Record<HandlerKind, { p50: number; p99: number }>;
  all: { p50: number; p99: number };
  /** Updates per second actually fed. */
  rate: number;
}

/** Telegram answering every call at once, with a plausible result. */
function instantTelegram(seen?: string[]): typeof fetch {
  let messageId = 0;
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const method = String(input instanceof Request ? input.url : input).split("/").pop() ?? "";
    const body = typeof init?.body === "string" ? (JSON.parse(init.body) as { chat_id?: number; text?: string }) : {};
    seen?.push(`${method} ${typeof init?.body === "string" ? init.body : ""}`);
    const chatId = Number(body.chat_id ?? 0);
    const result =
      method === "answerCallbackQuery" || method.startsWith("set")
        ? true
        : { message_id: ++messageId, date: Math.floor(Date.now() / 1000), chat: { id: chatId, type: "private", first_name: "P" }, text: body.text ?? "" };
    return new Response(JSON.stringify({ ok: true, result }), { status: 200, headers: { "content-type": "application/json" } });
  }) as typeof fetch;
}

function updateFor(n: number): { kind: HandlerKind; update: Update } {
  const kind = HANDLER_KINDS[n % HANDLER_KINDS.length]!;
  if (kind === "/stats (staff)") {
    const staff = user(STAFF_BASE_ID + (n % STAFF), { first_name: "Sam", language_code: "en" });
    return { kind, update: command(staff, "/stats") };
  }
  const patient = user(PATIENT_BASE + (n % PATIENTS), { first_name: "Ana", language_code: n % 4 === 0 ? "fr" : "en" });
  if (kind === "/start") return { kind, update: command(patient, "/start") };
  if (kind === "/book (first step)") return { kind, update: command(patient, "/book") };
  const menu: Message = { message_id: 1, date: Math.floor(Date.now() / 1000), chat: privateChat(patient), from: testBotInfo(), text: "What time?" } as Message;
  return { kind, update: callbackQuery(patient, `tips:at:${1 + (n % 7)}:${8 + (n % 10)}`, menu) };
}

/** Feeds updates at `perSecond` for `seconds` (plus half a second of warm-up not counted). */
async function drive(handle: (update: Update) => Promise<void>, perSecond: number, seconds: number): Promise<HandlerResult> {
  const warmup = Math.round(perSecond / 2);
  const total = warmup + perSecond * seconds;
  const times: Array<{ kind: HandlerKind; ms: number }> = [];
  const handling: Promise<void>[] = [];
  const interval = 1000 / perSecond;
  const begin = performance.now();
  for (let n = 0; n < total; n++) {
    const wait = begin + n * interval - performance.now();
    if (wait > 0) await sleep(wait);
    const { kind, update } = updateFor(n);
    const started = performance.now();
    handling.push(
      handle(update).then(() => {
        if (n >= warmup) times.push({ kind, ms: performance.now() - started });
      }),
    );
  }
  const fed = (total - 1) / ((performance.now() - begin) / 1000);
  await Promise.all(handling);
  const stats = (values: number[]) => ({ p50: percentile(values, 50), p99: percentile(values, 99) });
  const perKind = Object.fromEntries(HANDLER_KINDS.map((kind) => [kind, stats(times.filter((t) => t.kind === kind).map((t) => t.ms))])) as HandlerResult["perKind"];
  return { updates: times.length, perKind, all: stats(times.map((t) => t.ms)), rate: fed };
}

export async function clinicHandlers(perSecond: number, seconds: number): Promise<HandlerResult> {
  const database = await createTestDatabase("sqlite");
  try {
    await seedPatients(database, PATIENTS, PATIENT_BASE);
    const staffIds = Array.from({ length: STAFF }, (_, i) => STAFF_BASE_ID + i);
    const seen: string[] = [];
    // The send budget opened wide too: replies wait for no slot, so only the bot's own work is timed.
    const { bot } = buildClinicBot({ database, fetch: instantTelegram(seen), staffIds, sendRatePerSecond: 1000, perChatIntervalMs: 0 });
    const result = await drive((update) => bot.handleUpdate(update), perSecond, seconds);
    // What was timed is the real thing: each kind got its proper answer, and nothing failed.
    const sent = seen.join("\n");
    const checks: Array<[string, boolean]> = [
      ["an apology (a handler failed)", !sent.includes("Sorry, something went wrong")],
      ["the booking's first step", sent.includes('"callback_data":"bk:')],
      ["a saved tips slot", (await database.prisma.tipSubscription.count()) > 0],
      ["the staff statistics", /sendMessage .*3,?0\d\d/.test(sent)],
    ];
    const failed = checks.filter(([, ok]) => !ok).map(([what]) => what);
    if (failed.length > 0) throw new Error(`the handler benchmark did not see what it should: ${failed.join(", ")}`);
    return result;
  } finally {
    await database.drop();
  }
}

export async function bareHandlers(perSecond: number, seconds: number): Promise<HandlerResult> {
  const bot = new Bot(BENCH_TOKEN, { botInfo: testBotInfo(), client: { fetch: instantTelegram() } });
  bot.command("start", (ctx) => ctx.reply(`Hello, ${ctx.from?.first_name}!`));
  bot.callbackQuery(/^tips:at:(\d):(\d+)$/, async (ctx) => {
    await ctx.answerCallbackQuery({ text: "Saved" });
    await ctx.editMessageText(`Every weekday ${ctx.match[1]} at ${ctx.match[2]}:00`);
  });
  bot.command("book", (ctx) => ctx.reply("Which service?", { reply_markup: { inline_keyboard: [[{ text: "Massage", callback_data: "bk:1:service:massage" }]] } }));
  bot.command("stats", (ctx) => ctx.reply("Patients: 3000"));
  return drive((update) => bot.handleUpdate(update), perSecond, seconds);
}
