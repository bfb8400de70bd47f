import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "./logger.js";
import { startHttpServer, type RunningHttpServer } from "./http/server.js";
import { createTestBot, STAFF_ID, STAFF_CHAT_ID, type TestBot } from "../test/kit/test-bot.js";
import { callbackQuery, command, user } from "./bot-api-peer/updates.js";
import { Metrics, updateType } from "./metrics.js";

/** The value of one sample line, e.g. `clinic_sends_total{result="sent"}`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((entry) => entry.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe("GET /metrics", () => {
  let t: TestBot;
  let http: RunningHttpServer;
  afterEach(async () => {
    await http?.close();
    t?.services.deps.broadcastService.stop();
    await t?.close();
  });

  async function start() {
    t = await createTestBot({ simulator: { blockedChats: new Set([30_003]) } });
    http = await startHttpServer({
      port: 0,
      logger: createLogger("silent"),
      health: async () => ({ ok: true, checks: {} }),
      routes: { "/metrics": t.services.metrics.handler },
    });
    return async () => {
      const response = await fetch(`http://127.0.0.1:${http.port}/metrics`);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toContain("text/plain");
      return response.text();
    };
  }

  it("counts updates by type with their handling time, sends by result, outbox rows and broadcast progress", async () => {
    const scrape = await start();
    const before = await scrape();
    for (const name of [
      "clinic_updates_total",
      "clinic_update_handling_seconds",
      "clinic_sends_total",
      "clinic_send_retry_after_seconds_total",
      "clinic_outbox_messages",
      "clinic_broadcast_messages",
    ]) {
      expect(before).toContain(`# TYPE ${name} `);
    }
    expect(sample(before, 'clinic_sends_total{result="sent"}')).toBe(0);

    const ana = user(30_001, { first_name: "Ana", language_code: "en" });
    await t.send(command(ana, "/start"));
    await t.send(command(ana, "/help"));
    await t.send(callbackQuery(ana, "nothing:here"));

    // Three patients, one of whom blocked the bot, and an announcement to all of them.
    await t.database.prisma.user.createMany({
      data: [30_002, 30_003, 30_004].map((id) => ({ id, chatId: id, firstName: `P${id}`, languageCode: "en" })),
    });
    const { broadcasts, broadcastService } = t.services.deps;
    const draft = await broadcasts.startComposing({ id: STAFF_ID, name: "Sam", chatId: STAFF_CHAT_ID });
    await broadcasts.saveMessage(draft.id, { text: "Closed on Friday.", entities: null, photoFileId: null });
    await broadcasts.setAudience(draft.id, "everyone");
    expect(await broadcastService.start(draft.id, ["draft"])).toBe(4);

    const queued = await scrape();
    expect(sample(queued, `clinic_broadcast_messages{broadcast_id="${draft.id}",state="remaining"}`)).toBe(4);
    expect(sample(queued, 'clinic_outbox_messages{kind="broadcast",status="pending"}')).toBe(4);

    // One recipient's row held back (due in the future), so the announcement is still going out when scraped.
    const heldBack = await t.database.prisma.outboxMessage.findFirstOrThrow({ where: { broadcastId: draft.id, chatId: 30_004 } });
    await t.database.prisma.outboxMessage.update({ where: { id: heldBack.id }, data: { dueAt: new Date("2100-01-01T00:00:00Z") } });
    await t.services.engine.drain();
    const midway = await scrape();
    expect(sample(midway, `clinic_broadcast_messages{broadcast_id="${draft.id}",state="sent"}`)).toBe(2);
    expect(sample(midway, `clinic_broadcast_messages{broadcast_id="${draft.id}",state="failed"}`)).toBe(1);
    expect(sample(midway, `clinic_broadcast_messages{broadcast_id="${draft.id}",state="remaining"}`)).toBe(1);
    expect(sample(midway, 'clinic_outbox_messages{kind="broadcast",status="pending"}')).toBe(1);

    await t.database.prisma.outboxMessage.update({ where: { id: heldBack.id }, data: { dueAt: heldBack.dueAt } });
    await t.services.engine.drain();
    await t.services.deps.broadcastService.flush();
    const sent = await scrape();
    expect(sample(sent, 'clinic_updates_total{type="message"}')).toBe(2);
    expect(sample(sent, 'clinic_updates_total{type="callback_query"}')).toBe(1);
    expect(sample(sent, 'clinic_update_handling_seconds_count{type="message"}')).toBe(2);
    expect(sample(sent, 'clinic_update_handling_seconds_sum{type="message"}')).toBeGreaterThan(0);
    expect(sample(sent, 'clinic_sends_total{result="sent"}')).toBe(3);
    expect(sample(sent, 'clinic_sends_total{result="blocked"}')).toBe(1);
    expect(sample(sent, 'clinic_outbox_messages{kind="broadcast",status="sent"}')).toBe(3);
    expect(sample(sent, 'clinic_outbox_messages{kind="broadcast",status="failed"}')).toBe(1);
    // Finished: the gauge lists only the announcements still going out.
    expect((await t.database.prisma.broadcast.findUniqueOrThrow({ where: { id: draft.id } })).status).toBe("done");
    expect(sent).not.toContain(`clinic_broadcast_messages{broadcast_id="${draft.id}"`);
  });

  it("counts Telegram's 429 answers and the seconds spent waiting on retry_after", async () => {
    const scrape = await start();
    t.sim.configure({ rateLimits: true, globalRatePerSecond: 1, retryAfterSeconds: 1 });
    await t.services.deps.outbox.enqueue(
      [40_001, 40_002, 40_003].map((chatId) => ({
        key: `notice:${chatId}`,
        kind: "notice" as const,
        chatId,
        message: { method: "sendMessage" as const, params: { text: "Your appointment moved." } },
        dueAt: new Date(Date.now() - 1000),
      })),
    );
    await t.services.engine.drain();
    const text = await scrape();
    expect(sample(text, 'clinic_sends_total{result="rate_limited"}')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'clinic_sends_total{result="rate_limited"}')).toBe(t.sim.stats().rejected429);
    expect(sample(text, "clinic_send_retry_after_seconds_total")).toBeGreaterThanOrEqual(1);
  });

  it("keeps each instance's figures apart", async () => {
    const first = new Metrics();
    const second = new Metrics();
    first.observeSend({ result: "sent", messageId: 1 });
    expect(await first.sendCount("sent")).toBe(1);
    expect(await second.sendCount("sent")).toBe(0);
    expect(updateType({ update_id: 1, my_chat_member: {} })).toBe("my_chat_member");
  });
});
