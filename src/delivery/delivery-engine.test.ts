import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Api } from "grammy";
import { createLogger } from "../logger.js";
import { createTestDatabase, testProviders, type TestDatabase } from "../../test/kit/test-database.js";
import { BotApiSimulator } from "../bot-api-peer/index.js";
import { createOutboxRepository } from "./outbox-repository.js";
import { createSendRateLimiter } from "./send-rate.js";
import { concurrencyFor, DeliveryEngine, sendingGroupFor, type DeliveryEngineOptions, type MessageSender } from "./delivery-engine.js";
import type { NewOutboxMessage, OutboxStore } from "./outbox.js";
import { telegramSender } from "../bot/telegram-sender.js";

const TOKEN = "123456789:AAFtestTokenForTheDeliveryEngine000000";
const logger = createLogger("silent");

function note(key: string, chatId: number, text = key): NewOutboxMessage {
  return { key, kind: "notice", chatId, userId: chatId, message: { method: "sendMessage", params: { text } }, dueAt: new Date(Date.now() - 1000) };
}

describe.each(testProviders)("delivery engine on %s", (provider) => {
  let database: TestDatabase;
  let store: OutboxStore;
  let sim: BotApiSimulator;

  beforeAll(async () => {
    database = await createTestDatabase(provider);
  });
  afterAll(() => database.drop());
  afterEach(async () => {
    await sim.close();
    await database.prisma.outboxMessage.deleteMany();
  });

  function engine(options: Partial<DeliveryEngineOptions> = {}, rate = 1000) {
    return new DeliveryEngine({
      store,
      sender: telegramSender(new Api(TOKEN, { fetch: sim.fetch as unknown as typeof fetch })),
      limiter: createSendRateLimiter({ globalPerSecond: rate, perChatIntervalMs: 0 }),
      logger,
      idlePollMs: 20,
      ...options,
    });
  }

  function setup(simOptions: ConstructorParameters<typeof BotApiSimulator>[0] = {}) {
    sim = new BotApiSimulator({ token: TOKEN, rateLimits: false, ...simOptions });
    store = createOutboxRepository(database.prisma);
  }

  async function statuses() {
    const rows = await database.prisma.outboxMessage.findMany({ orderBy: { id: "asc" } });
    return Object.fromEntries(rows.map((row) => [row.key, row.status]));
  }

  it("sends each row once and records Telegram's message id", async () => {
    setup();
    expect(await store.enqueue([note("a", 1), note("b", 2)])).toBe(2);
    // Enqueueing the same keys again (a second tick, a second instance) adds nothing.
    expect(await store.enqueue([note("a", 1), note("b", 2), note("c", 3)])).toBe(1);
    expect(await engine().drain()).toBe(3);
    expect(sim.deliveryCounts()).toEqual(new Map([[1, 1], [2, 1], [3, 1]]));
    const row = await database.prisma.outboxMessage.findUniqueOrThrow({ where: { key: "a" } });
    expect(row.status).toBe("sent");
    expect(row.telegramMessageId).toBe(sim.lastMessageTo(1)!.message_id);
    // Nothing is due any more.
    expect(await engine().drain()).toBe(0);
  });

  it("waits out retry_after on 429 and still delivers everything exactly once", async () => {
    setup({ rateLimits: true, globalRatePerSecond: 5, retryAfterSeconds: 1 });
    await store.enqueue(Array.from({ length: 12 }, (_, i) => note(`m${i}`, 100 + i)));
    const sender = engine({}, 1000);
    sender.start();
    await sim.waitFor(() => sim.stats().delivered >= 12, 10_000);
    await sender.stop();
    expect(sim.stats().rejected429).toBeGreaterThan(0);
    expect([...sim.deliveryCounts().values()].every((count) => count === 1)).toBe(true);
    expect(Object.values(await statuses()).every((status) => status === "sent")).toBe(true);
  });

  it("marks a patient who blocked the bot and cancels what was waiting for them", async () => {
    setup({ blockedChats: new Set([7]) });
    const blocked: bigint[] = [];
    await store.enqueue([note("first", 7), { ...note("later", 7), dueAt: new Date(Date.now() + 3600_000) }, note("other", 8)]);
    await engine({ onBlocked: async (chatId) => void blocked.push(chatId) }).drain();
    expect(await statuses()).toEqual({ first: "failed", later: "cancelled", other: "sent" });
    expect(blocked).toEqual([7n]);
  });

  it("retries a transient server error and delivers once", async () => {
    setup();
    await store.enqueue([note("flaky", 9)]);
    sim.configure({ serverErrorRate: 1 });
    const sender = engine();
    await sender.drain();
    expect((await statuses()).flaky).toBe("pending");
    sim.configure({ serverErrorRate: 0 });
    await database.prisma.outboxMessage.updateMany({ data: { dueAt: new Date(Date.now() - 1) } });
    await sender.drain();
    expect((await statuses()).flaky).toBe("sent");
    expect(sim.deliveryCounts().get(9)).toBe(1);
  });

  it("after a crash between claim and send, resumes the row without loss", async () => {
    setup();
    await store.enqueue([note("claimed-only", 11)]);
    const claimed = await store.claimDue(new Date(), 10, "crashed-process:1");
    expect(claimed).toHaveLength(1);
    // The process dies here. On restart:
    expect(await store.recover(new Date(Date.now() + 1))).toEqual({ released: 1, unknown: 0 });
    await engine().drain();
    expect(sim.deliveryCounts().get(11)).toBe(1);
    expect((await statuses())["claimed-only"]).toBe("sent");
  });

  it("after a crash between send and mark, counts the row unknown and never resends it", async () => {
    setup();
    await store.enqueue([note("in-flight", 12)]);
    const [row] = await store.claimDue(new Date(), 10, "crashed-process:1");
    expect(await store.markSending(row!.id, new Date())).toBe(true);
    await new Api(TOKEN, { fetch: sim.fetch as unknown as typeof fetch }).sendMessage(12, "in-flight");
    // The process dies before recording the result. On restart:
    expect(await store.recover(new Date(Date.now() + 1))).toEqual({ released: 0, unknown: 1 });
    await engine().drain();
    expect(sim.deliveryCounts().get(12)).toBe(1);
    expect((await statuses())["in-flight"]).toBe("unknown");
  });

  it("does not send a row cancelled after it was claimed", async () => {
    setup();
    await store.enqueue([note("stop-me", 13)]);
    await store.claimDue(new Date(), 10, "someone:1");
    expect(await store.cancelForChat(13)).toBe(1);
    const [row] = await database.prisma.outboxMessage.findMany({ where: { key: "stop-me" } });
    expect(await store.markSending(row!.id, new Date())).toBe(false);
  });

  it("marks a dropped connection unknown instead of resending", async () => {
    setup({ dropConnectionRate: 1, dropAfterDelivery: 1 });
    await store.enqueue([note("dropped", 14)]);
    await engine().drain();
    expect((await statuses()).dropped).toBe("unknown");
    expect(sim.deliveryCounts().get(14)).toBe(1);
  });

  it("shares the outbox between two engines without sending any row twice", async () => {
    setup({ latencyMs: { min: 1, max: 5 } });
    await store.enqueue(Array.from({ length: 300 }, (_, i) => note(`shared-${i}`, 1000 + i)));
    const first = engine({ batchSize: 20 });
    const second = engine({ batchSize: 20, store: createOutboxRepository(database.prisma) });
    await Promise.all([first.drain(), second.drain()]);
    expect(sim.stats().delivered).toBe(300);
    expect([...sim.deliveryCounts().values()].every((count) => count === 1)).toBe(true);
  });

  it("records the rows it sent together, each with its own message id: a statement for many rows, not one a row", async () => {
    setup({ latencyMs: { min: 1, max: 3 } });
    await store.enqueue(Array.from({ length: 200 }, (_, i) => note(`many-${i}`, 2000 + i)));
    const statements: number[] = [];
    const counted: OutboxStore = {
      ...store,
      markSentMany: (sent, now) => (statements.push(sent.length), store.markSentMany(sent, now)),
    };
    expect(await engine({ store: counted, concurrency: concurrencyFor(1000) }).drain()).toBe(200);
    expect(statements.reduce((sum, rows) => sum + rows, 0)).toBe(200);
    // At 1000/s, sends answered within the same 25 ms share a statement.
    expect(statements.length).toBeLessThanOrEqual(200 / 5);
    const rows = await database.prisma.outboxMessage.findMany({ where: { key: { startsWith: "many-" } } });
    expect(rows.every((row) => row.status === "sent" && row.sentAt !== null)).toBe(true);
    for (const row of rows) expect(row.telegramMessageId).toBe(sim.lastMessageTo(Number(row.chatId))!.message_id);
  });

  it("at a high rate marks the rows next in line sending with the one whose slot came: one statement for several", async () => {
    setup({ latencyMs: { min: 1, max: 3 } });
    expect(sendingGroupFor(30)).toBe(1);
    expect(sendingGroupFor(294)).toBe(5);
    await store.enqueue(Array.from({ length: 100 }, (_, i) => note(`group-${i}`, 4000 + i)));
    let statements = 0;
    let rows = 0;
    const counted: OutboxStore = {
      ...store,
      markSending: (...args) => (statements++, rows++, store.markSending(...args)),
      markSendingMany: (ids, now, claimer) => (statements++, (rows += ids.length), store.markSendingMany(ids, now, claimer)),
    };
    expect(await engine({ store: counted, concurrency: concurrencyFor(294), sendingGroup: sendingGroupFor(294) }, 294).drain()).toBe(100);
    expect(rows).toBe(100);
    expect(statements).toBeLessThanOrEqual(100 / 5 + 2);
    expect(sim.stats().delivered).toBe(100);
    expect([...sim.deliveryCounts().values()].every((count) => count === 1)).toBe(true);
    expect(Object.values(await statuses()).every((status) => status === "sent")).toBe(true);
  });

  it("hands back, on stop, the rows marked sending ahead that never got their slot: none is left sending", async () => {
    setup();
    await store.enqueue(Array.from({ length: 60 }, (_, i) => note(`ahead-${i}`, 5000 + i)));
    // 20 a second: the stop comes while most rows wait for their slot, some of them marked already.
    const slow = engine({ concurrency: 30, sendingGroup: 5 }, 20);
    slow.start();
    await sim.waitFor(() => sim.stats().delivered >= 8, 5_000);
    await slow.stop();
    const byStatus = Object.values(await statuses()).reduce<Record<string, number>>((counts, status) => ({ ...counts, [status]: (counts[status] ?? 0) + 1 }), {});
    expect(byStatus.sending ?? 0).toBe(0);
    expect(byStatus.claimed ?? 0).toBe(0);
    expect(byStatus.sent).toBe(sim.stats().delivered);
    expect((byStatus.sent ?? 0) + (byStatus.pending ?? 0)).toBe(60);
    // And the rest go out after a restart, once each.
    await engine().drain();
    expect(sim.stats().delivered).toBe(60);
    expect([...sim.deliveryCounts().values()].every((count) => count === 1)).toBe(true);
  });

  it("keeps a quarter of a second of the rate waiting for its slots, so a slot never finds nobody ready", async () => {
    setup();
    expect(concurrencyFor(30)).toBe(8);
    expect(concurrencyFor(294)).toBe(74);
    await store.enqueue(Array.from({ length: 120 }, (_, i) => note(`held-${i}`, 3000 + i)));
    // Telegram never answers (until released): every place holds a call.
    let calls = 0;
    let answer: () => void = () => undefined;
    const answered = new Promise<void>((resolve) => (answer = resolve));
    const sender: MessageSender = {
      send: async () => {
        calls++;
        await answered;
        return { ok: true, messageId: null };
      },
    };
    const busy = engine({ sender, concurrency: concurrencyFor(294) });
    busy.start();
    await sim.waitFor(() => calls >= 74, 5_000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(calls).toBe(74);
    answer();
    await sim.waitFor(() => calls >= 120, 5_000);
    await busy.stop();
    expect(Object.values(await statuses()).filter((status) => status === "sent")).toHaveLength(120);
  });
});
