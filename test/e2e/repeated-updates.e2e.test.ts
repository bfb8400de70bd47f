import { afterEach, describe, expect, it } from "vitest";
import type { Update } from "grammy/types";
import { BotApiSimulator } from "../../src/bot-api-peer/index.js";
import { user } from "../../src/bot-api-peer/updates.js";
import { scratchLocation, testProviders } from "../kit/test-database.js";
import type { Provider } from "../../src/db/schema-files.js";
import { applyPendingMigrations } from "../../src/db/migrations.js";
import { E2E_TOKEN, freePort, startBotProcess, type BotProcess } from "./harness.js";
import { startRoundRobin } from "./instances.js";

const WEBHOOK_SECRET = "repeated-updates-secret-0123456789";
const PATIENTS = 6;

/**
 * Telegram delivers an update again: a webhook post that got no timely answer is posted again (behind a load
 * balancer, perhaps to another instance), and long polling hands out again what the bot fetched but had not
 * confirmed when it stopped. The real bot process handles each update once.
 */
describe("an update Telegram delivers twice is handled once", () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    cleanups.length = 0;
  });

  async function peer(): Promise<{ sim: BotApiSimulator; apiRoot: string }> {
    const sim = new BotApiSimulator({ token: E2E_TOKEN, rateLimits: false });
    const { apiRoot } = await sim.listen();
    cleanups.push(() => sim.close());
    return { sim, apiRoot };
  }
  function database(provider: Provider): string {
    const location = scratchLocation(provider);
    cleanups.push(() => location.cleanup());
    return location.url;
  }
  async function bot(env: Record<string, string>): Promise<BotProcess> {
    const started = await startBotProcess({ BOT_TOKEN: E2E_TOKEN, ...env });
    cleanups.push(() => started.stop("SIGKILL"));
    await started.waitForLog(/"bot initialised"/, 30_000);
    return started;
  }
  const patients = (first: number) => Array.from({ length: PATIENTS }, (_, i) => user(first + i, { first_name: `Pat${first + i}` }));
  const greetings = (sim: BotApiSimulator, patient: { id: number; first_name: string }) => sim.countText(patient.id, `Hello, ${patient.first_name}`);

  /**
   * Webhook: Telegram waits 400 ms for an answer, the bot takes longer (Telegram's API answers it slowly), so
   * each update is posted again, and again, until a post is answered 200.
   */
  async function webhookRetries(provider: Provider, instances: number, firstPatient: number) {
    const { sim, apiRoot } = await peer();
    const url = database(provider);
    await applyPendingMigrations(url);
    const ports = await Promise.all(Array.from({ length: instances }, () => freePort()));
    const balancer = await startRoundRobin(ports);
    cleanups.push(() => balancer.close());
    const bots = await Promise.all(
      ports.map((port) =>
        bot({ TELEGRAM_API_ROOT: apiRoot, DATABASE_URL: url, BOT_MODE: "webhook", WEBHOOK_URL: `${balancer.url}/telegram`, WEBHOOK_SECRET, PORT: String(port) }),
      ),
    );
    await sim.waitFor(() => sim.callsTo("setWebhook").filter((call) => call.status === 200).length === instances, 10_000);
    sim.configure({ webhookTimeoutMs: 400, webhookAttempts: 10, webhookRetryDelayMs: 50, latencyMs: 700 });

    const talking = patients(firstPatient);
    const updates = talking.map((patient) => sim.sendCommand(patient, "start"));
    await sim.waitFor(() => talking.every((patient) => greetings(sim, patient) >= 1), 60_000);
    // Telegram's API answers quickly again: the next copy of each update is answered 200 at once, and Telegram stops.
    sim.configure({ latencyMs: 0 });
    const ids = new Set(updates.map((update) => update.update_id));
    await sim.waitFor(() => sim.webhookDeliveries.filter((delivery) => ids.has(delivery.updateId) && delivery.status === 200).length === PATIENTS, 30_000);
    await new Promise((resolve) => setTimeout(resolve, 1_000));

    // Telegram did post every update more than once...
    for (const update of updates) expect(sim.webhookDeliveries.filter((delivery) => delivery.updateId === update.update_id).length).toBeGreaterThan(1);
    // ...and every patient was greeted once.
    for (const patient of talking) expect(greetings(sim, patient), `patient ${patient.id}`).toBe(1);
    const dropped = bots.reduce((sum, running) => sum + (running.output().match(/update delivered again; already taken on, dropped/g)?.length ?? 0), 0);
    expect(dropped).toBeGreaterThanOrEqual(PATIENTS);
    if (instances > 1) expect([...balancer.answeredBy.values()].filter((answered) => answered > 0).length).toBe(instances);
    return bots;
  }

  it.each(testProviders)("webhook, one instance (%s): a post Telegram repeats after its timeout greets the patient once", async (provider) => {
    await webhookRetries(provider, 1, 71_000);
  }, 120_000);

  it.runIf(testProviders.includes("postgresql"))("webhook, two instances on one PostgreSQL: the repeated post reaches the other instance, which drops it", async () => {
    await webhookRetries("postgresql", 2, 72_000);
  }, 120_000);

  it.each(testProviders)("polling (%s): updates handed out again after a restart, their offset never confirmed, are not handled again", async (provider) => {
    const { sim, apiRoot } = await peer();
    const url = database(provider);
    const first = await bot({ TELEGRAM_API_ROOT: apiRoot, DATABASE_URL: url });
    const talking = patients(73_000 + testProviders.indexOf(provider) * 100);
    const updates: Update[] = talking.map((patient) => sim.sendCommand(patient, "start"));
    await sim.waitFor(() => talking.every((patient) => greetings(sim, patient) === 1), 20_000);
    // The bot dies before Telegram learns the offset: the next getUpdates hands the same updates out again.
    await first.stop("SIGKILL");
    sim.deliverAgain(updates);

    const second = await bot({ TELEGRAM_API_ROOT: apiRoot, DATABASE_URL: url });
    const newcomer = user(73_999, { first_name: "Nora" });
    sim.sendCommand(newcomer, "start");
    await sim.waitFor(() => greetings(sim, newcomer) === 1, 20_000);
    // Every copy is seen and dropped (updates of different chats are handled side by side, in any order).
    const droppedBySecond = () => second.output().match(/update delivered again; already taken on, dropped/g)?.length ?? 0;
    await sim.waitFor(() => droppedBySecond() >= PATIENTS, 10_000).catch(() => undefined);
    const handedOutAgain = sim.callsTo("getUpdates").filter((call) => (call.response?.ok ? (call.response.result as Update[]) : []).some((update) => update.update_id === updates[0]!.update_id));
    expect(handedOutAgain.length).toBeGreaterThanOrEqual(2);
    for (const patient of talking) expect(greetings(sim, patient), `patient ${patient.id}`).toBe(1);
    expect(droppedBySecond()).toBe(PATIENTS);
    expect(await second.stop("SIGTERM")).toBe(0);
  }, 60_000);
});
