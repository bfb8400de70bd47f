import { afterEach, describe, expect, it } from "vitest";
import { createTestBot, STAFF_ID, type TestBot } from "../../test/kit/test-bot.js";
import { testProviders } from "../../test/kit/test-database.js";
import { callbackQuery, command, photoMessage, stickerMessage, textMessage, user } from "../bot-api-peer/updates.js";

const staff = user(STAFF_ID, { first_name: "Sam", language_code: "en" });

describe.each(testProviders)("staff announcements on %s", (provider) => {
  let t: TestBot;
  afterEach(async () => {
    t?.services.deps.broadcastService.stop();
    await t?.close();
  });

  async function seedPatients(count: number, firstId = 20_000) {
    const db = t.database.prisma;
    for (let start = 0; start < count; start += 500) {
      const ids = Array.from({ length: Math.min(500, count - start) }, (_, i) => firstId + start + i);
      await db.user.createMany({
        data: ids.map((id) => ({ id, chatId: id, firstName: `P${id}`, languageCode: id % 3 === 0 ? "fr" : "en" })),
      });
    }
    return Array.from({ length: count }, (_, i) => firstId + i);
  }

  async function compose(text: string, audience = "everyone") {
    await t.send(command(staff, "/broadcast"));
    expect(t.lastTextTo(STAFF_ID)).toContain("Send me the announcement");
    await t.send(textMessage(staff, text, { entities: [{ type: "bold", offset: 0, length: 5 }] }));
    const audiences = t.sim.lastMessageTo(STAFF_ID)!;
    const button = t.sim.buttonsOf(audiences).find((entry) => entry.callback_data?.endsWith(`:${audience}`))!;
    await t.send(t.sim.pressButton(staff, audiences, button.callback_data!));
    return t.sim.lastMessageTo(STAFF_ID)!;
  }

  it("says plainly, before sending, who will get an English announcement although they read French", async () => {
    t = await createTestBot({ provider });
    await seedPatients(6); // 20 001 and 20 004 read French (Telegram's language)
    await t.database.prisma.user.update({ where: { id: 20_002 }, data: { language: "fr" } }); // chose French in the bot
    const english = await compose("Hello everyone: the clinic is closed on Friday for the holiday, and reopens on Monday.");
    expect(english.text).toContain("It is written in English: 3 people in this audience read French and will get this English text as it is.");
    const toEnglish = await compose("Hello everyone: the clinic is closed on Friday for the holiday, and reopens on Monday.", "lang:en");
    expect(toEnglish.text).not.toContain("written in");
    const french = await compose("Bonjour à tous : la clinique est fermée vendredi pour le congé, et rouvre lundi matin.");
    expect(french.text).toContain("It is written in French: 3 people in this audience read English");
  });

  it("counts each audience from the database", async () => {
    t = await createTestBot({ provider });
    await seedPatients(30);
    await t.database.prisma.user.update({ where: { id: 20_001 }, data: { status: "blocked" } });
    await t.database.prisma.user.update({ where: { id: 20_002 }, data: { language: "fr" } });
    await t.services.deps.tips.save(20_004, { weekday: 1, hour: 9, timeZone: "UTC" }, new Date());
    const { broadcasts } = t.services.deps;
    expect(await broadcasts.countAudience("everyone")).toBe(29);
    expect(await broadcasts.countAudience("subscribers")).toBe(1);
    // 10 have Telegram language fr (one of them blocked), plus one who chose French.
    expect(await broadcasts.countAudience("lang:fr")).toBe(10);
    expect(await broadcasts.countAudience("lang:en")).toBe(19);
  });

  it("previews exactly what recipients get, sends to each once with formatting kept, and reports", async () => {
    t = await createTestBot({ provider });
    const patients = await seedPatients(5);
    const confirm = await compose("Hello everyone: the clinic is closed on Friday.");
    // The preview above the buttons is the announcement itself, formatting included.
    const preview = t.sentTo(STAFF_ID).at(-2)!;
    expect(preview.text).toBe("Hello everyone: the clinic is closed on Friday.");
    expect(preview.entities).toEqual([{ type: "bold", offset: 0, length: 5 }]);
    expect(confirm.text).toContain("5 people");
    const send = t.sim.buttonsOf(confirm)[0]!.callback_data!;
    await t.send(t.sim.pressButton(staff, confirm, send));
    // Pressing Send again (a double tap that arrives late) sends nothing more.
    await t.send(t.sim.pushUpdate(callbackQuery(staff, send, confirm)));
    expect(t.sim.callsTo("answerCallbackQuery").at(-1)!.params.text).toBe("This announcement was already handled.");
    await t.services.engine.drain();
    await t.services.deps.broadcastService.flush();
    for (const id of patients) {
      expect(t.sentTo(id)).toHaveLength(1);
      expect(t.sentTo(id)[0]!.entities).toEqual([{ type: "bold", offset: 0, length: 5 }]);
    }
    const report = t.sim.message(STAFF_ID, confirm.message_id)!.text!;
    expect(report).toMatch(/Announcement #\d+ is done/);
    expect(report).toContain("Delivered: 5 of 5");
  });

  it("refuses non-staff: /broadcast is an unknown command to them and their forged buttons do nothing", async () => {
    t = await createTestBot({ provider });
    const patient = user(20_500, { language_code: "en" });
    await t.send(command(patient, "/broadcast"));
    expect(t.lastTextTo(patient.id)).toContain("I don't know that command");
    const own = t.sim.lastMessageTo(patient.id)!;
    for (const data of ["bc:send:1", "bc:stop:1", "bc:aud:1:everyone", "bc:pause:1"]) {
      await t.send(t.sim.pushUpdate(callbackQuery(patient, data, own)));
    }
    expect(t.sim.callsTo("answerCallbackQuery").every((call) => String(call.params.text).includes("no longer active"))).toBe(true);
    expect(await t.database.prisma.outboxMessage.count({ where: { kind: "broadcast" } })).toBe(0);
  });

  it("answers unsupported, empty and over-long announcements kindly, and accepts a photo with caption", async () => {
    t = await createTestBot({ provider });
    await t.send(command(staff, "/broadcast"));
    await t.send(stickerMessage(staff));
    expect(t.lastTextTo(STAFF_ID)).toContain("not this kind of message");
    await t.send(photoMessage(staff, "x".repeat(1100)));
    expect(t.lastTextTo(STAFF_ID)).toContain("not this kind of message");
    await t.send(photoMessage(staff, "New practitioner!"));
    expect(t.lastTextTo(STAFF_ID)).toContain("Who should receive it?");
    await t.send(command(staff, "/cancel"));
    expect(t.lastTextTo(STAFF_ID)).toContain("cancelled");
  });

  it("delivers a few thousand through 429s, blocked users and server errors, each exactly once or accounted for, across a restart", async () => {
    const blocked = new Set<number>();
    t = await createTestBot({
      provider,
      env: { SEND_RATE_PER_SECOND: "400" },
      simulator: { rateLimits: true, globalRatePerSecond: 300, perChatRatePerSecond: 1, retryAfterSeconds: 1, serverErrorRate: 0.01, seed: 7, blockedChats: blocked },
    });
    const patients = await seedPatients(2000);
    for (const id of patients.filter((_, index) => index % 97 === 0)) blocked.add(id);
    const confirm = await compose("Holiday hours: closed December 25 and 26.");
    await t.send(t.sim.pressButton(staff, confirm, t.sim.buttonsOf(confirm)[0]!.callback_data!));

    // Halfway through, the process stops; a new one on the same database finishes the job.
    t.services.engine.start();
    await t.sim.waitFor(() => t.sim.stats().delivered >= 900, 20_000);
    await t.services.engine.stop();
    t.services.deps.broadcastService.stop();
    const sim = t.sim;
    const database = t.database;
    const restarted = await createTestBot({ provider, database, sim, env: { SEND_RATE_PER_SECOND: "400" } });
    await restarted.services.deps.outbox.recover(new Date(Date.now() + 1));
    for (let round = 0; round < 10 && (await restarted.services.deps.broadcasts.figures(1)).remaining > 0; round++) {
      await restarted.services.engine.drain();
      await database.prisma.outboxMessage.updateMany({ where: { status: "pending" }, data: { dueAt: new Date(0) } });
    }
    const broadcastId = (await database.prisma.broadcast.findFirstOrThrow()).id;
    const figures = await restarted.services.deps.broadcasts.figures(broadcastId);
    expect(figures.remaining).toBe(0);
    expect(figures.blocked).toBe(blocked.size);
    expect(sim.stats().rejected429).toBeGreaterThan(0);
    // Every patient got it exactly once, or is accounted for (blocked, failed, unknown).
    let accountedFor = 0;
    for (const id of patients) {
      const received = sim.deliveryCounts().get(id) ?? 0;
      expect(received).toBeLessThanOrEqual(1);
      if (received === 0) accountedFor++;
    }
    expect(accountedFor).toBe(figures.blocked + figures.failed + figures.unknown);
    expect(figures.sent).toBe(patients.length - accountedFor);
    // Blocked patients are now marked so.
    expect(await database.prisma.user.count({ where: { id: { in: [...blocked] }, status: "blocked" } })).toBe(blocked.size);
    await restarted.services.engine.stop();
    restarted.services.deps.broadcastService.stop();
    t = restarted;
  }, 60_000);

  it("pauses, resumes and stops from the progress message", async () => {
    t = await createTestBot({ provider });
    await seedPatients(50);
    const confirm = await compose("A short note.");
    await t.send(t.sim.pressButton(staff, confirm, t.sim.buttonsOf(confirm)[0]!.callback_data!));
    const progress = t.sim.message(STAFF_ID, confirm.message_id)!;
    expect(progress.text).toContain("Remaining: 50");
    const id = t.sim.buttonsOf(progress).find((button) => button.callback_data?.startsWith("bc:pause:"))!.callback_data!.split(":")[2];
    await t.send(t.sim.pressButton(staff, progress, `bc:pause:${id}`));
    expect(await t.services.engine.drain()).toBe(0);
    expect(t.sim.message(STAFF_ID, confirm.message_id)!.text).toContain("paused");
    await t.send(t.sim.pressButton(staff, t.sim.message(STAFF_ID, confirm.message_id)!, `bc:resume:${id}`));
    await t.database.prisma.outboxMessage.updateMany({ where: { kind: "broadcast", id: { gt: 10 } }, data: { dueAt: new Date(Date.now() + 3600_000) } });
    await t.services.engine.drain();
    await t.send(t.sim.pressButton(staff, t.sim.message(STAFF_ID, confirm.message_id)!, `bc:stop:${id}`));
    const report = t.sim.message(STAFF_ID, confirm.message_id)!.text!;
    expect(report).toContain("was stopped");
    const figures = await t.services.deps.broadcasts.figures(Number(id));
    expect(figures.remaining).toBe(0);
    expect(figures.cancelled).toBeGreaterThan(0);
    await t.send(command(staff, "/broadcasts"));
    expect(t.lastTextTo(STAFF_ID)).toContain(`#${id} · cancelled`);
  });

  it("sends a scheduled announcement once, at its time, across ticks and a restart", async () => {
    let clock = new Date("2026-11-23T15:00:00Z");
    t = await createTestBot({ provider, now: () => clock });
    const patients = await seedPatients(3);
    const confirm = await compose("See you tomorrow!");
    const schedule = t.sim.buttonsOf(confirm).find((button) => button.callback_data?.startsWith("bc:at:"))!;
    await t.send(t.sim.pressButton(staff, confirm, schedule.callback_data!));
    expect(t.sim.message(STAFF_ID, confirm.message_id)!.text).toContain("Scheduled for Tuesday, November 24, 9:00 a.m.");
    expect(await t.services.runScheduledBroadcasts(clock)).toBe(0);
    clock = new Date("2026-11-24T14:00:30Z");
    const [first, second] = await Promise.all([t.services.runScheduledBroadcasts(clock), t.services.runScheduledBroadcasts(clock)]);
    expect(first + second).toBe(1);
    await t.services.engine.drain();
    const again = await createTestBot({ provider, database: t.database, sim: t.sim, now: () => clock });
    expect(await again.services.runScheduledBroadcasts(clock)).toBe(0);
    await again.services.engine.drain();
    for (const id of patients) expect(t.sentTo(id)).toHaveLength(1);
  });

  it("/stats shows the clinic's figures to staff only", async () => {
    t = await createTestBot({ provider });
    await seedPatients(4);
    await t.send(command(staff, "/stats"));
    expect(t.lastTextTo(STAFF_ID)).toMatch(/Patients: \d+ active, 0 blocked/);
    const patient = user(20_000, { language_code: "en" });
    await t.send(command(patient, "/stats"));
    expect(t.lastTextTo(patient.id)).toContain("I don't know that command");
  });

  it("keeps two staff members' announcements apart, refuses an empty audience, and stops a staff member removed mid-way", async () => {
    const lee = user(STAFF_ID + 1, { first_name: "Lee", language_code: "en" });
    t = await createTestBot({ provider, env: { STAFF_IDS: `${STAFF_ID},${lee.id}` } });
    const patients = await seedPatients(3);
    const prepare = async (who: typeof staff, text: string) => {
      await t.send(command(who, "/broadcast"));
      await t.send(textMessage(who, text));
      return t.sim.lastMessageTo(who.id)!;
    };
    // Both write at the same time; each draft is its author's own.
    const samAudiences = await prepare(staff, "From Sam: closed Friday.");
    const leeAudiences = await prepare(lee, "From Lee: new hours.");
    // Nobody subscribes to tips yet: that audience is refused with an alert.
    await t.send(t.sim.pressButton(staff, samAudiences, t.sim.buttonsOf(samAudiences).find((button) => button.callback_data?.endsWith(":subscribers"))!.callback_data!));
    expect(t.sim.callsTo("answerCallbackQuery").at(-1)!.params).toMatchObject({ text: "Nobody is in that audience right now. Please choose another one.", show_alert: true });
    for (const [who, audiences] of [[staff, samAudiences], [lee, leeAudiences]] as const) {
      await t.send(t.sim.pressButton(who, audiences, t.sim.buttonsOf(audiences).find((button) => button.callback_data?.endsWith(":everyone"))!.callback_data!));
    }
    const samConfirm = t.sim.lastMessageTo(staff.id)!;
    const leeConfirm = t.sim.lastMessageTo(lee.id)!;
    await t.send(t.sim.pressButton(staff, samConfirm, t.sim.buttonsOf(samConfirm)[0]!.callback_data!));

    // Lee is taken off STAFF_IDS before pressing Send: the bot restarts with the new list.
    await t.services.engine.stop();
    t.services.deps.broadcastService.stop();
    t = await createTestBot({ provider, database: t.database, sim: t.sim });
    await t.send(t.sim.pressButton(lee, leeConfirm, t.sim.buttonsOf(leeConfirm)[0]!.callback_data!));
    expect(t.sim.callsTo("answerCallbackQuery").at(-1)!.params.text).toBe("This menu is no longer active. Send /help to see what you can do.");
    await t.send(command(lee, "/broadcast"));
    expect(t.lastTextTo(lee.id)).toContain("I don't know that command");

    await t.services.engine.drain();
    for (const id of patients) {
      expect(t.sentTo(id).map((message) => message.text)).toEqual(["From Sam: closed Friday."]);
    }
  });
});
