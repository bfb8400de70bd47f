import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setTimeout as sleep } from "node:timers/promises";
import { BotApiSimulator, SEND_METHODS, STRICT_FLOOD_CONTROL, type SimulatorCall } from "../../src/bot-api-peer/index.js";
import { command, user } from "../../src/bot-api-peer/updates.js";
import { scratchLocation } from "../kit/test-database.js";
import { E2E_TOKEN, startBotProcess, type BotProcess } from "./harness.js";
import { openDatabase } from "../../src/db/database.js";
import { seed } from "./instances.js";

/** Patients sending /start within one second (the benchmark runs 600). */
const SURGE = 150;
const BROADCAST_RECIPIENTS = 300;
const LIMIT = STRICT_FLOOD_CONTROL.globalRatePerSecond;

/**
 * The real bot process at its shipped defaults (no SEND_RATE_PER_SECOND set),
 * against the Bot API simulator enforcing Telegram's flood control at its
 * strictest: a bucket of 30 messages a second over all chats, one a second per
 * chat, and a 3-second pause of the whole bot whenever a send finds the bucket
 * empty.
 */
describe("under load, with Telegram's strictest flood control", () => {
  const sim = new BotApiSimulator({ token: E2E_TOKEN, ...STRICT_FLOOD_CONTROL });
  const location = scratchLocation("sqlite");
  let bot: BotProcess;

  beforeAll(async () => {
    const { apiRoot } = await sim.listen();
    bot = await startBotProcess({ BOT_TOKEN: E2E_TOKEN, TELEGRAM_API_ROOT: apiRoot, DATABASE_URL: location.url });
    await bot.waitForLog(/"bot initialised"/);
  }, 30_000);
  afterAll(async () => {
    await bot?.stop("SIGKILL");
    await sim.close();
    await location.cleanup();
  });

  const sendsTo = (chats: ReadonlySet<number>, from = 0) =>
    sim.calls.filter((call) => call.seq > from && SEND_METHODS.includes(call.method) && chats.has(Number(call.params.chat_id)));
  /** A broadcast already being sent (its outbox rows written), as staff's Send does, into the running bot's database. */
  async function seedBroadcast(firstId: number) {
    const database = await openDatabase(location.url, { maxConnections: 1 });
    try {
      return await seed(database, { tipPatients: 0, broadcastRecipients: BROADCAST_RECIPIENTS, firstId });
    } finally {
      await database.close();
    }
  }
  const answered = (calls: SimulatorCall[]) => calls.filter((call) => call.status === 200);

  it(`answers every one of ${SURGE} patients starting at once within ${SURGE}/${LIMIT} s + 10 s, with almost no 429s and nothing lost`, async () => {
    const patients = Array.from({ length: SURGE }, (_, i) => user(810_000 + i, { first_name: `Surge${i}` }));
    const chats = new Set(patients.map((patient) => patient.id));
    const started = Date.now();
    for (const [i, patient] of patients.entries()) {
      sim.pushUpdate(command(patient, "/start"));
      // Spread over one second, as a real surge arrives.
      if (i % 15 === 14) await sleep(100);
    }
    const deadline = started + (SURGE / LIMIT + 10) * 1000;
    await sim.waitFor(() => patients.every((patient) => sim.delivered(patient.id).length > 0), deadline - Date.now() + 2_000);
    const calls = sendsTo(chats);
    const lastReply = Math.max(...answered(calls).map((call) => call.time));
    expect(lastReply - started).toBeLessThanOrEqual(deadline - started);
    // Every patient got exactly one greeting: none lost, none twice.
    for (const patient of patients) expect(sim.countText(patient.id, "Hello")).toBe(1);
    const rejected = calls.filter((call) => call.status === 429).length;
    expect(rejected / calls.length).toBeLessThan(0.02);
    expect(sim.stats().floodPauses).toBe(0);
    expect(bot.output()).not.toMatch(/update failed|Too Many Requests/);
  }, 60_000);

  it(`sends a broadcast at ≥ 0.97 of the limit at the default rate, once to each recipient, and answers patients meanwhile within 1.5 s`, async () => {
    const before = sim.calls.length;
    const work = await seedBroadcast(820_000);
    const recipients = new Set(work.broadcastChats);
    await sim.waitFor(() => work.broadcastChats.every((chat) => sim.delivered(chat).length > 0), (BROADCAST_RECIPIENTS / LIMIT) * 1000 + 15_000);
    const calls = sendsTo(recipients, before);
    const times = answered(calls).map((call) => call.time);
    const rate = (times.length - 1) / ((Math.max(...times) - Math.min(...times)) / 1000);
    expect(rate / LIMIT).toBeGreaterThanOrEqual(0.97);
    for (const chat of work.broadcastChats) expect(sim.countText(chat, work.broadcastText)).toBe(1);
    expect(calls.filter((call) => call.status === 429).length / calls.length).toBeLessThan(0.005);

    // A second broadcast, with patients writing meanwhile (4 a second): their replies go first.
    const second = await seedBroadcast(830_000);
    await sim.waitFor(() => second.broadcastChats.some((chat) => sim.delivered(chat).length > 0), 5_000);
    const waits: number[] = [];
    const talking = Array.from({ length: 24 }, (_, i) => user(840_000 + i));
    for (const patient of talking) {
      const pushed = Date.now();
      sim.pushUpdate(command(patient, "/start"));
      void sim
        .waitForCall((call) => SEND_METHODS.includes(call.method) && Number(call.params.chat_id) === patient.id && call.status === 200, 10_000)
        .then((call) => waits.push(call.time - pushed));
      await sleep(250);
    }
    await sim.waitFor(() => waits.length === talking.length, 10_000);
    // Still sending the broadcast all along: the replies did not wait behind it.
    expect(second.broadcastChats.filter((chat) => sim.delivered(chat).length === 0).length).toBeGreaterThan(0);
    waits.sort((a, b) => a - b);
    expect(waits[Math.ceil(waits.length * 0.99) - 1]!).toBeLessThanOrEqual(1_500);
    await sim.waitFor(() => second.broadcastChats.every((chat) => sim.delivered(chat).length > 0), (BROADCAST_RECIPIENTS / LIMIT) * 1000 + 15_000);
    for (const chat of second.broadcastChats) expect(sim.countText(chat, second.broadcastText)).toBe(1);
    expect(sim.stats().floodPauses).toBe(0);
  }, 90_000);
});
