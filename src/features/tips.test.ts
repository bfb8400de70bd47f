import { afterEach, describe, expect, it } from "vitest";
import { DateTime } from "luxon";
import { createTestBot, type TestBot } from "../../test/kit/test-bot.js";
import { testProviders } from "../../test/kit/test-database.js";
import { command, myChatMember, textMessage, user } from "../bot-api-peer/updates.js";
import type { Message } from "grammy/types";
import { tipsByWeek } from "../desk/desk-figures.js";
import { createDeskRepository } from "../desk/desk-repository.js";

const TORONTO = "America/Toronto";

describe.each(testProviders)("weekly tips on %s", (provider) => {
  let t: TestBot;
  let clock = new Date("2026-11-23T15:00:00Z"); // Monday 10:00 in Toronto
  const now = () => clock;
  const patient = user(5001, { first_name: "Ana", language_code: "en" });

  afterEach(async () => {
    await t?.close();
  });

  async function press(message: Message | undefined, data: string) {
    expect(message, "a message with buttons").toBeDefined();
    const buttons = t.sim.buttonsOf(message!).map((button) => button.callback_data);
    expect(buttons).toContain(data);
    await t.send(t.sim.pressButton(patient, message!, data));
  }

  async function subscribe(weekday: number, hour: number) {
    await t.send(command(patient, "/subscribe"));
    await press(t.sim.lastMessageTo(patient.id), `tips:day:${weekday}`);
    await press(t.sim.lastMessageTo(patient.id), `tips:at:${weekday}:${hour}`);
  }

  it("subscribes with day and hour buttons and says when the first tip arrives, in local time", async () => {
    clock = new Date("2026-11-23T15:00:00Z");
    t = await createTestBot({ provider, now });
    await t.send(command(patient, "/start"));
    await subscribe(3, 8);
    const confirmation = t.lastTextTo(patient.id)!;
    expect(confirmation).toContain("You're subscribed");
    expect(confirmation).toContain("Wednesday, November 25, 8:00 a.m.");
    expect(confirmation).toContain(TORONTO);
    const subscription = await t.services.deps.tips.find(patient.id);
    expect(subscription).toMatchObject({ weekday: 3, hour: 8, timeZone: TORONTO, active: true });
    expect(subscription!.nextDueAt.toISOString()).toBe("2026-11-25T13:00:00.000Z");
  });

  it("dates each tip by the bot's clock, so the desk counts it in the week it went out", async () => {
    // Months away from the machine's own date, as in the sandbox once its clock is moved.
    clock = new Date("2027-03-15T15:00:00Z"); // Monday 11:00 in Toronto
    t = await createTestBot({ provider, now });
    await t.send(command(patient, "/start"));
    await subscribe(2, 8);
    clock = new Date("2027-03-16T12:00:30Z"); // Tuesday 08:00 in Toronto: the slot
    expect((await t.services.runTipsTick(clock)).queued).toBe(1);
    await t.send(command(patient, "/tip"));
    const weeks = await tipsByWeek(createDeskRepository(t.database.prisma), TORONTO, clock);
    expect(weeks.at(-1)).toEqual({ week: "2027-03-15", subscribers: 1, tipsSent: 2 });
    expect(weeks.slice(0, -1).every((week) => week.tipsSent === 0)).toBe(true);
  });

  it("delivers one tip at the slot, never two in a week, never the same twice, and none after unsubscribing", async () => {
    clock = new Date("2026-11-23T15:00:00Z");
    t = await createTestBot({ provider, now });
    await t.send(command(patient, "/start"));
    await subscribe(3, 8);
    const before = t.sentTo(patient.id).length;

    // Not yet due.
    expect((await t.services.runTipsTick(clock)).queued).toBe(0);
    // The slot comes; two ticks (or two instances) at the same minute queue one tip.
    clock = new Date("2026-11-25T13:00:30Z");
    const [first, second] = await Promise.all([t.services.runTipsTick(clock), t.services.runTipsTick(clock)]);
    expect(first.queued + second.queued).toBe(1);
    await t.services.engine.drain();
    const tips = t.sentTo(patient.id).slice(before);
    expect(tips).toHaveLength(1);
    expect(tips[0]!.text).toMatch(/not a diagnosis|educational/i);

    // Next week: a different tip.
    clock = new Date("2026-12-02T13:00:10Z");
    await t.services.runTipsTick(clock);
    await t.services.engine.drain();
    const weekly = t.sentTo(patient.id).slice(before);
    expect(weekly).toHaveLength(2);
    expect(weekly[1]!.text).not.toBe(weekly[0]!.text);
    // Two tips in a row come from two articles (the library has several).
    const sent = await t.database.prisma.tipDelivery.findMany({ where: { userId: patient.id }, orderBy: { deliveredAt: "asc" } });
    expect(new Set(sent.map((row) => row.tipId.split("#")[0])).size).toBe(2);

    // Stop: nothing more, even for a tip already queued.
    clock = new Date("2026-12-09T13:00:10Z");
    await t.services.runTipsTick(clock);
    await t.send(command(patient, "/unsubscribe"));
    expect(t.lastTextTo(patient.id)).toContain("won't receive weekly tips");
    await t.services.engine.drain();
    clock = new Date("2026-12-16T13:00:10Z");
    await t.services.runTipsTick(clock);
    await t.services.engine.drain();
    expect(t.sentTo(patient.id).filter((message) => /not a diagnosis|educational/i.test(message.text ?? ""))).toHaveLength(2);
  });

  it("undoes an unsubscribe with one tap, and answers an old undo button once resubscribed", async () => {
    t = await createTestBot({ provider, now });
    await t.send(command(patient, "/start"));
    await subscribe(1, 9);
    await t.send(command(patient, "/unsubscribe"));
    const undo = t.sim.lastMessageTo(patient.id);
    await press(undo, "tips:undo");
    expect(t.sim.message(patient.id, undo!.message_id)!.text).toContain("Welcome back");
    expect((await t.services.deps.tips.find(patient.id))!.active).toBe(true);

    // Stop again, but come back through /subscribe; the undo button of that stop is still on screen.
    await t.send(command(patient, "/unsubscribe"));
    const oldUndo = t.sim.lastMessageTo(patient.id);
    await subscribe(2, 18);
    await press(oldUndo, "tips:undo");
    expect(t.sim.callsTo("answerCallbackQuery").at(-1)!.params.text).toBe("You're already subscribed");
    expect(await t.services.deps.tips.find(patient.id)).toMatchObject({ weekday: 2, hour: 18, active: true });
  });

  it("resubscribes in the time zone chosen with /timezone while stopped, by undo or by /subscribe", async () => {
    t = await createTestBot({ provider, now });
    await t.send(command(patient, "/start"));
    await subscribe(1, 9);
    await t.send(command(patient, "/unsubscribe"));
    const undo = t.sim.lastMessageTo(patient.id);
    await t.send(command(patient, "/timezone", "America/Vancouver"));
    await press(undo, "tips:undo");
    const subscription = (await t.services.deps.tips.find(patient.id))!;
    expect(subscription).toMatchObject({ weekday: 1, hour: 9, timeZone: "America/Vancouver", active: true });
    expect(DateTime.fromJSDate(subscription.nextDueAt, { zone: "America/Vancouver" }).hour).toBe(9);

    await t.send(command(patient, "/unsubscribe"));
    await t.send(command(patient, "/timezone", "America/Halifax"));
    await subscribe(3, 8);
    expect(await t.services.deps.tips.find(patient.id)).toMatchObject({ weekday: 3, hour: 8, timeZone: "America/Halifax", active: true });
  });

  it("changes the time zone from the list or by name, and answers an invalid name with examples", async () => {
    clock = new Date("2026-11-23T15:00:00Z");
    t = await createTestBot({ provider, now });
    await t.send(command(patient, "/start"));
    await subscribe(3, 8);
    await press(t.sim.lastMessageTo(patient.id), "tips:zones");
    await press(t.sim.lastMessageTo(patient.id), "tips:tz:America/Vancouver");
    expect((await t.services.deps.tips.find(patient.id))!.nextDueAt.toISOString()).toBe("2026-11-25T16:00:00.000Z");

    await t.send(command(patient, "/timezone", "Mars/Olympus_Mons"));
    expect(t.lastTextTo(patient.id)).toContain("America/Toronto");
    await t.send(command(patient, "/timezone", "Europe/London"));
    expect(t.lastTextTo(patient.id)).toContain("Europe/London");
    expect((await t.services.deps.tips.find(patient.id))!.nextDueAt.toISOString()).toBe("2026-11-25T08:00:00.000Z");
  });

  it("/tip sends the next tip now and counts it, so the weekly tip is a different one", async () => {
    clock = new Date("2026-11-23T15:00:00Z");
    t = await createTestBot({ provider, now });
    await t.send(command(patient, "/start"));
    await t.send(command(patient, "/tip"));
    const onDemand = t.lastTextTo(patient.id)!;
    expect(onDemand).toMatch(/not a diagnosis|educational/i);
    await subscribe(3, 8);
    clock = new Date("2026-11-25T13:00:30Z");
    await t.services.runTipsTick(clock);
    await t.services.engine.drain();
    expect(t.lastTextTo(patient.id)).not.toBe(onDemand);
  });

  it("skips slots missed beyond the grace window and delivers those within it once", async () => {
    clock = new Date("2026-11-23T15:00:00Z");
    t = await createTestBot({ provider, now });
    await t.send(command(patient, "/start"));
    await subscribe(3, 8);
    const before = t.sentTo(patient.id).length;
    // Down for 3 hours after the slot: still delivered.
    clock = new Date("2026-11-25T16:00:00Z");
    expect((await t.services.runTipsTick(clock)).queued).toBe(1);
    // Down for two days past the next slot: skipped and rescheduled.
    clock = new Date("2026-12-04T13:00:00Z");
    const late = await t.services.runTipsTick(clock);
    expect(late).toMatchObject({ queued: 0, skippedLate: 1 });
    await t.services.engine.drain();
    expect(t.sentTo(patient.id).length - before).toBe(1);
    const next = (await t.services.deps.tips.find(patient.id))!.nextDueAt;
    expect(DateTime.fromJSDate(next, { zone: TORONTO }).toFormat("yyyy-MM-dd HH:mm")).toBe("2026-12-09 08:00");
  });

  it("stops for a patient who blocked the bot, and resumes when they come back", async () => {
    clock = new Date("2026-11-23T15:00:00Z");
    t = await createTestBot({ provider, now });
    await t.send(command(patient, "/start"));
    await subscribe(3, 8);
    await t.send(myChatMember(patient, "kicked"));
    clock = new Date("2026-11-25T13:00:30Z");
    expect(await t.services.runTipsTick(clock)).toMatchObject({ queued: 0, skippedBlocked: 1 });
    await t.send(myChatMember(patient, "member"));
    clock = new Date("2026-12-02T13:00:30Z");
    expect((await t.services.runTipsTick(clock)).queued).toBe(1);
  });

  it("marks a patient blocked when Telegram refuses the tip, without crashing", async () => {
    clock = new Date("2026-11-23T15:00:00Z");
    t = await createTestBot({ provider, now });
    await t.send(command(patient, "/start"));
    await subscribe(3, 8);
    t.sim.options.blockedChats.add(patient.id);
    clock = new Date("2026-11-25T13:00:30Z");
    await t.services.runTipsTick(clock);
    await t.services.engine.drain();
    expect((await t.services.deps.users.findById(patient.id))!.status).toBe("blocked");
  });

  it("answers text it does not understand with a pointer to /help", async () => {
    t = await createTestBot({ provider, now });
    await t.send(textMessage(patient, "hello?"));
    expect(t.lastTextTo(patient.id)).toContain("/help");
  });
});
