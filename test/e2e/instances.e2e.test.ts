import { afterAll, describe, expect, it } from "vitest";
import { setTimeout as sleep } from "node:timers/promises";
import { BotApiSimulator, SEND_METHODS } from "../../src/bot-api-peer/index.js";
import { user } from "../../src/bot-api-peer/updates.js";
import { scratchLocation, testProviders } from "../kit/test-database.js";
import { E2E_TOKEN, freePort, startBotProcess, type BotProcess } from "./harness.js";
import { outboxStatuses, seedBulkWork, startRoundRobin } from "./instances.js";
import { mostInAnySecond } from "../kit/measure.js";

const WEBHOOK_SECRET = "several-instances-secret-0123456789";
const INSTANCES = 3;
const TIP_PATIENTS = 60;
const BROADCAST_RECIPIENTS = 90;
const PATIENTS_TALKING = 6;
/**
 * Under Telegram's 30, with room for the replies to patients (sent by whichever instance got the
 * update, outside the sender's limiter) and for timer jitter on a busy test machine.
 */
const SEND_RATE = 25;

/**
 * Three real bot processes in webhook mode on one PostgreSQL schema, behind one
 * URL that spreads updates round-robin, against the Bot API simulator with
 * Telegram's global flood limit (30 messages a second) switched on.
 */
describe.runIf(testProviders.includes("postgresql"))("several instances on one PostgreSQL", () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  });

  it("send every tip and broadcast row exactly once, together under the global rate, while all of them answer patients", async () => {
    const sim = new BotApiSimulator({ token: E2E_TOKEN, rateLimits: true, globalRatePerSecond: 30 });
    const { apiRoot } = await sim.listen();
    cleanups.push(() => sim.close());
    const location = scratchLocation("postgresql");
    cleanups.push(() => location.cleanup());
    const work = await seedBulkWork(location.url, { tipPatients: TIP_PATIENTS, broadcastRecipients: BROADCAST_RECIPIENTS });

    const ports = await Promise.all(Array.from({ length: INSTANCES }, () => freePort()));
    const balancer = await startRoundRobin(ports);
    cleanups.push(() => balancer.close());
    const bots: BotProcess[] = await Promise.all(
      ports.map((port) =>
        startBotProcess({
          BOT_TOKEN: E2E_TOKEN,
          TELEGRAM_API_ROOT: apiRoot,
          DATABASE_URL: location.url,
          BOT_MODE: "webhook",
          WEBHOOK_URL: `${balancer.url}/telegram`,
          WEBHOOK_SECRET,
          PORT: String(port),
          SEND_RATE_PER_SECOND: String(SEND_RATE),
        }),
      ),
    );
    for (const bot of bots) cleanups.push(() => bot.stop("SIGKILL"));
    await Promise.all(bots.map((bot) => bot.waitForLog(/"bot initialised"/, 30_000)));

    // Patients write while the bulk send is going on; whichever instance gets the update answers.
    const patients = Array.from({ length: PATIENTS_TALKING }, (_, i) => user(880_000 + i, { first_name: `Talker${i}` }));
    for (const patient of patients) {
      sim.sendCommand(patient, "start");
      await sleep(300);
    }
    await sim.waitFor(() => patients.every((patient) => sim.countText(patient.id, `Hello, ${patient.first_name}`) === 1), 20_000);

    const expected = TIP_PATIENTS + BROADCAST_RECIPIENTS;
    await waitFor(async () => {
      const statuses = await outboxStatuses(location.url);
      return (statuses.sent ?? 0) === expected && !statuses.pending && !statuses.claimed && !statuses.sending;
    }, 30_000);

    // Exactly once: one message to every recipient, the tip or the broadcast.
    const counts = sim.deliveryCounts();
    for (const chat of [...work.tipChats, ...work.broadcastChats]) expect(counts.get(chat), `chat ${chat}`).toBe(1);
    for (const chat of work.broadcastChats) expect(sim.countText(chat, work.broadcastText)).toBe(1);
    for (const chat of work.tipChats) expect(sim.delivered(chat)[0]?.text ?? "").toMatch(/educational|not a diagnosis/i);

    // One elected sender, not three: the global rate held.
    const senders = bots.filter((bot) => /"this instance is now the delivery sender"/.test(bot.output()));
    expect(senders).toHaveLength(1);
    const attempts = sim.calls.filter((call) => SEND_METHODS.includes(call.method));
    // Three instances each at SEND_RATE would send the bulk at ~75 a second; one sender keeps to SEND_RATE.
    const bulkChats = new Set([...work.tipChats, ...work.broadcastChats]);
    const bulk = attempts.filter((call) => bulkChats.has(call.params.chat_id as number)).map((call) => call.time);
    const bulkSeconds = (Math.max(...bulk) - Math.min(...bulk)) / 1000;
    expect((bulk.length - 1) / bulkSeconds).toBeLessThanOrEqual(SEND_RATE + 1);
    // Bulk and replies together: near 30 in any second (timer jitter on a loaded machine aside), and
    // almost no 429 (a rare one comes from replies bunching with the bulk, and is retried).
    expect(mostInAnySecond(attempts.map((call) => call.time))).toBeLessThanOrEqual(34);
    expect(sim.stats().rejected429).toBeLessThanOrEqual(2);
    // Updates really went to several instances.
    expect([...balancer.answeredBy.values()].filter((answered) => answered > 0).length).toBeGreaterThan(1);

    const codes = await Promise.all(bots.map((bot) => bot.stop("SIGTERM")));
    expect(codes).toEqual(Array(INSTANCES).fill(0));
    const statuses = await outboxStatuses(location.url);
    expect(statuses).toEqual({ sent: expected });
  }, 60_000);
});

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
