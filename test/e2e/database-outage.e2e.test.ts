import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BotApiSimulator, SEND_METHODS } from "../../src/bot-api-peer/index.js";
import { E2E_TOKEN, freePort, startBotProcess, type BotProcess } from "./harness.js";
import { outboxStatuses, seedBulkWork, startRoundRobin, type BulkWork } from "./instances.js";
import { canRunPrivatePostgres, startPrivatePostgres, terminateConnections, type PrivatePostgres } from "./private-postgres.js";
import { testProviders } from "../kit/test-database.js";

const WEBHOOK_SECRET = "database-outage-secret-0123456789";
const RECIPIENTS = 120;
const SEND_RATE = 15;
/** How long the database stays away. */
const OUTAGE_MS = 8_000;

interface HealthSample {
  at: number;
  status: number;
  body: Record<string, unknown>;
}

/**
 * The bot's database goes away in the middle of an announcement and comes back, with the real bot processes:
 * a PostgreSQL server of the test's own crashed as a power cut would (`pg_ctl stop -m immediate`) and started
 * again, or, with two instances, only one instance's connections ended (`pg_terminate_backend`, by the
 * application_name its DATABASE_URL gives them) for a while. The announcement completes: nobody is left
 * without it, nothing arrives twice except what was in flight (left "unknown"), and /healthz says 503 while
 * nothing can send.
 */
describe.runIf(testProviders.includes("postgresql"))("the database goes away mid-announcement", async () => {
  const available = await canRunPrivatePostgres();
  let server: PrivatePostgres;
  const cleanups: Array<() => Promise<unknown>> = [];
  beforeAll(async () => {
    if (available) server = await startPrivatePostgres();
  }, 30_000);
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    await server?.remove();
  });

  async function setUp(instances: number) {
    const sim = new BotApiSimulator({ token: E2E_TOKEN, latencyMs: { min: 5, max: 30 } });
    const { apiRoot } = await sim.listen();
    cleanups.push(() => sim.close());
    const schema = `outage_${randomBytes(4).toString("hex")}`;
    const names = Array.from({ length: instances }, (_, index) => `clinic-outage-${schema}-${index}`);
    const work = await seedBulkWork(server.url({ schema }), { tipPatients: 0, broadcastRecipients: RECIPIENTS });
    const ports = await Promise.all(names.map(() => freePort()));
    const balancer = instances > 1 ? await startRoundRobin(ports) : undefined;
    if (balancer) cleanups.push(() => balancer.close());
    const bots: BotProcess[] = [];
    for (const [index, name] of names.entries()) {
      const bot = await startBotProcess({
        BOT_TOKEN: E2E_TOKEN,
        TELEGRAM_API_ROOT: apiRoot,
        DATABASE_URL: server.url({ schema, application_name: name }),
        SEND_RATE_PER_SECOND: String(SEND_RATE),
        PORT: String(ports[index]),
        ...(balancer ? { BOT_MODE: "webhook", WEBHOOK_URL: `${balancer.url}/telegram`, WEBHOOK_SECRET } : {}),
      });
      cleanups.push(() => bot.stop("SIGKILL"));
      bots.push(bot);
    }
    await Promise.all(bots.map((bot) => bot.waitForLog(/"this instance is now the delivery sender"|"bot initialised"/, 30_000)));
    return { sim, schema, names, work, bots, url: server.url({ schema }) };
  }

  /** /healthz of each bot, every 200 ms, until stopped. */
  function watchHealth(bots: BotProcess[]) {
    const samples: HealthSample[][] = bots.map(() => []);
    let watching = true;
    const done = (async () => {
      while (watching) {
        await Promise.all(
          bots.map(async (bot, index) => {
            const response = await fetch(`http://127.0.0.1:${bot.port}/healthz`, { signal: AbortSignal.timeout(5_000) }).catch(() => undefined);
            if (response) samples[index]!.push({ at: Date.now(), status: response.status, body: (await response.json()) as Record<string, unknown> });
          }),
        );
        await sleep(200);
      }
    })();
    return {
      samples,
      stop: async () => {
        watching = false;
        await done;
      },
    };
  }

  function broadcastSends(sim: BotApiSimulator, work: BulkWork): number[] {
    const chats = new Set(work.broadcastChats);
    return sim.calls.filter((call) => SEND_METHODS.includes(call.method) && chats.has(call.params.chat_id as number)).map((call) => call.time);
  }

  async function waitForSent(sim: BotApiSimulator, work: BulkWork, count: number, timeoutMs: number): Promise<void> {
    await sim.waitFor(() => work.broadcastChats.filter((chat) => sim.delivered(chat).length > 0).length >= count || undefined, timeoutMs);
  }

  /** Every recipient got the announcement once, or its row is "unknown" (in flight when the database went). */
  async function expectCompleted(sim: BotApiSimulator, work: BulkWork, url: string, bots: BotProcess[]) {
    const deadline = Date.now() + 40_000;
    let statuses = await outboxStatuses(url);
    while ((statuses.pending ?? 0) + (statuses.claimed ?? 0) + (statuses.sending ?? 0) > 0) {
      if (Date.now() > deadline) throw new Error(`the announcement did not complete: ${JSON.stringify(statuses)}\n${bots.map((bot) => bot.output()).join("\n----\n")}`);
      await sleep(250);
      statuses = await outboxStatuses(url);
    }
    const counts = sim.deliveryCounts();
    const lost = work.broadcastChats.filter((chat) => (counts.get(chat) ?? 0) === 0).length;
    const twice = work.broadcastChats.filter((chat) => (counts.get(chat) ?? 0) > 1).length;
    const unknown = statuses.unknown ?? 0;
    // A lost message is one nobody received whose row does not say "unknown".
    expect(lost - unknown, JSON.stringify(statuses)).toBeLessThanOrEqual(0);
    expect(unknown).toBeLessThanOrEqual(3);
    expect(twice).toBe(0);
    expect((statuses.sent ?? 0) + unknown).toBe(RECIPIENTS);
    return { lost: Math.max(0, lost - unknown), unknown, twice };
  }

  it.runIf(available).each([1, 2])("the server crashes and restarts: %i instance(s) resume within 10 s, nothing lost", async (instances) => {
    const { sim, work, bots, url } = await setUp(instances);
    await waitForSent(sim, work, RECIPIENTS / 3, 30_000);
    const health = watchHealth(bots);
    await server.crash();
    const crashedAt = Date.now();
    await sleep(OUTAGE_MS);
    await server.start();
    const backAt = Date.now();
    const sentBefore = broadcastSends(sim, work).filter((time) => time <= crashedAt).length;
    await sim.waitFor(() => broadcastSends(sim, work).some((time) => time > backAt) || undefined, 15_000).catch(() => {
      throw new Error(`nothing was sent within 15 s of the database's return:\n${bots.map((bot) => bot.output()).join("\n----\n")}`);
    });
    const firstAfter = broadcastSends(sim, work).find((time) => time > backAt)!;
    const result = await expectCompleted(sim, work, url, bots);
    await health.stop();
    const resumedMs = firstAfter - backAt;
    process.stdout.write(`[database outage] ${instances} instance(s): ${sentBefore} sent before the crash, ${OUTAGE_MS} ms down, first message ${resumedMs} ms after the database returned; lost ${result.lost}, unknown ${result.unknown}, twice ${result.twice}\n`);
    expect(resumedMs).toBeLessThanOrEqual(10_000);
    for (const samples of health.samples) {
      const during = samples.filter((sample) => sample.at > crashedAt + 5_000 && sample.at < backAt);
      expect(during.length).toBeGreaterThan(0);
      expect(during.every((sample) => sample.status === 503)).toBe(true);
      expect(samples.at(-1)?.status).toBe(200);
    }
    expect(health.samples[0]!.find((sample) => sample.at > crashedAt + 5_000 && sample.at < backAt)?.body).toMatchObject({ status: "unavailable", database: false });
    for (const bot of bots) expect(await bot.stop("SIGTERM")).toBe(0);
  }, 90_000);

  it.runIf(available)("with two instances, the sender losing its connections hands over to the other", async () => {
    const { sim, work, bots, url, names } = await setUp(2);
    const isSender = (bot: BotProcess) => /"this instance is now the delivery sender"/.test(bot.output());
    await sim.waitFor(() => bots.some(isSender) || undefined, 10_000);
    const senderIndex = bots.findIndex(isSender);
    expect(senderIndex).toBeGreaterThanOrEqual(0);
    const other = bots[1 - senderIndex]!;
    await waitForSent(sim, work, RECIPIENTS / 3, 30_000);
    const health = watchHealth(bots);
    // The sender's connections are ended again and again for a while: to it, the database is gone; the other still reaches it.
    const cutAt = Date.now();
    let ended = 0;
    while (Date.now() - cutAt < OUTAGE_MS) {
      ended += await terminateConnections(server.url(), names[senderIndex]!);
      await sleep(50);
    }
    const backAt = Date.now();
    expect(ended).toBeGreaterThan(0);
    await other.waitForLog(/"this instance is now the delivery sender"/, 1_000);
    const handedOver = broadcastSends(sim, work).find((time) => time > cutAt + 500);
    const result = await expectCompleted(sim, work, url, bots);
    await health.stop();
    process.stdout.write(`[database outage] sender's connections cut for ${OUTAGE_MS} ms with two instances: the other sent ${handedOver! - cutAt} ms after the cut; lost ${result.lost}, unknown ${result.unknown}, twice ${result.twice}\n`);
    expect(handedOver! - cutAt).toBeLessThanOrEqual(10_000);
    // The instance cut off says so; the other one is sending and healthy throughout the second half.
    const cut = health.samples[senderIndex]!.filter((sample) => sample.at > cutAt + 4_000 && sample.at < backAt);
    expect(cut.length).toBeGreaterThan(0);
    expect(cut.some((sample) => sample.status === 503)).toBe(true);
    const healthy = health.samples[1 - senderIndex]!.filter((sample) => sample.at > cutAt + 4_000 && sample.at < backAt);
    expect(healthy.every((sample) => sample.status === 200)).toBe(true);
    for (const bot of bots) expect(await bot.stop("SIGTERM")).toBe(0);
  }, 90_000);
});
