import { afterEach, describe, expect, it } from "vitest";
import { createTestBot, STAFF_ID, type TestBot } from "../../test/kit/test-bot.js";
import { testProviders } from "../../test/kit/test-database.js";
import { describeBroadcast } from "./broadcast-progress.js";

const DAY = 24 * 3600_000;

describe.each(testProviders)("announcements that end without an outcome, and outbox retention, on %s", (provider) => {
  let t: TestBot;
  afterEach(async () => {
    t?.services.deps.broadcastService.stop();
    await t?.close();
  });

  async function seedPatients(ids: number[]) {
    await t.database.prisma.user.createMany({ data: ids.map((id) => ({ id, chatId: id, firstName: `P${id}`, languageCode: "en" })) });
  }

  async function draft(text: string) {
    const { broadcasts } = t.services.deps;
    const row = await broadcasts.startComposing({ id: STAFF_ID, name: "Sam", chatId: STAFF_ID });
    await broadcasts.saveMessage(row.id, { text, entities: null, photoFileId: null });
    await broadcasts.setAudience(row.id, "everyone");
    return row.id;
  }

  it("finishes when its last rows end unknown, blocked or erased, which report no outcome", async () => {
    t = await createTestBot({ provider });
    await seedPatients([61_001, 61_002, 61_003]);
    const { broadcasts, broadcastService, personalData } = t.services.deps;
    const id = await draft("Closed Friday");
    await broadcastService.start(id, ["draft"]);
    const db = t.database.prisma;
    // A crash mid-send left one unknown; one patient blocked the bot (a tip found out); one erased their data.
    await db.outboxMessage.updateMany({ where: { broadcastId: id, chatId: 61_001 }, data: { status: "unknown" } });
    await t.services.deps.outbox.cancelForChat(61_002);
    await personalData.erase(61_003);
    expect((await broadcasts.find(id))!.status).toBe("sending");

    expect(await t.services.runBroadcastSettle()).toMatchObject({ finished: 1 });
    const done = (await broadcasts.find(id))!;
    expect(done.status).toBe("done");
    expect(JSON.parse(done.figures!)).toMatchObject({ unknown: 1, cancelled: 2, remaining: 0 });
    // The author's report says what to do about the one whose fate nobody knows, in words staff use.
    const report = describeBroadcast(t.services.deps.i18n, "en", done, await broadcasts.figures(id), { finished: true, ratePerSecond: 30, now: new Date() }).text;
    expect(report).toContain("1 may not have arrived");
    expect(report).toContain("phone those patients, or send a short follow-up announcement");
    expect(report).not.toMatch(/unknown|restart/i);
  });

  it("a crash while recipients are being queued: the rest of the audience is queued, each gets it once, then it finishes", async () => {
    t = await createTestBot({ provider });
    const ids = [62_001, 62_002, 62_003, 62_004];
    await seedPatients(ids);
    const { broadcasts, outbox } = t.services.deps;
    const id = await draft("Open Saturday");
    // What start() had done when the process died: sending, and one recipient queued of four.
    await broadcasts.transition(id, ["draft"], "sending", { startedAt: new Date() });
    await outbox.enqueue([{ key: `broadcast:${id}:62001`, kind: "broadcast", chatId: 62_001, userId: 62_001, broadcastId: id, dueAt: new Date() }]);
    await t.services.engine.drain();
    // Its only queued row was sent: without the fix it would now count as finished with a quarter of its audience.
    await t.services.deps.broadcastService.report(id, true);
    expect((await broadcasts.find(id))!.status).toBe("sending");

    expect(await t.services.runBroadcastSettle()).toMatchObject({ resumed: 1 });
    await t.services.engine.drain();
    await t.services.runBroadcastSettle();
    for (const chat of ids) expect(t.sentTo(chat).filter((message) => message.text === "Open Saturday")).toHaveLength(1);
    expect((await broadcasts.find(id))!).toMatchObject({ status: "done", recipientCount: 4 });
  });

  it("prunes rows finished more than OUTBOX_RETENTION_DAYS ago, keeping announcements' figures and everything still waiting", async () => {
    t = await createTestBot({ provider, env: { OUTBOX_RETENTION_DAYS: "30" } });
    await seedPatients([63_001, 63_002]);
    const { broadcasts, broadcastService, outbox } = t.services.deps;
    const id = await draft("Holiday hours");
    await broadcastService.start(id, ["draft"]);
    await t.services.engine.drain();
    await t.services.runBroadcastSettle();
    await outbox.enqueue([
      { key: "notice:old", kind: "notice", chatId: 63_001, message: { method: "sendMessage", params: { text: "old" } }, dueAt: new Date() },
      { key: "notice:later", kind: "notice", chatId: 63_002, message: { method: "sendMessage", params: { text: "later" } }, dueAt: new Date(Date.now() + 40 * DAY) },
    ]);
    await t.services.engine.drain();
    const db = t.database.prisma;
    // Everything that ended did so 31 days ago; the notice due in 40 days still waits.
    await db.$executeRawUnsafe(`UPDATE outbox SET updated_at = $1 WHERE status <> 'pending'`.replace("$1", provider === "sqlite" ? "?" : "$1"), new Date(Date.now() - 31 * DAY));
    const scrapeBefore = await t.services.metrics.text();
    expect(scrapeBefore).toMatch(/clinic_outbox_messages\{kind="broadcast",status="sent"\} 2/);

    expect(await t.services.runOutboxRetention(new Date())).toBe(3);
    expect(await db.outboxMessage.findMany({ select: { key: true } })).toEqual([{ key: "notice:later" }]);
    // The announcement's figures outlive its rows, and the gauge counts what is there.
    expect(await broadcasts.figures(id)).toMatchObject({ sent: 2, remaining: 0 });
    const scrape = await t.services.metrics.text();
    expect(scrape).not.toMatch(/clinic_outbox_messages\{kind="broadcast"/);
    expect(scrape).toMatch(/clinic_outbox_messages\{kind="notice",status="pending"\} 1/);
    // A row that ended recently stays.
    await outbox.enqueue([{ key: "notice:new", kind: "notice", chatId: 63_001, message: { method: "sendMessage", params: { text: "new" } }, dueAt: new Date() }]);
    await t.services.engine.drain();
    expect(await t.services.runOutboxRetention(new Date())).toBe(0);
  });
});
