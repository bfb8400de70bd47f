import { afterEach, describe, expect, it, vi } from "vitest";
import { createTestBot, STAFF_CHAT_ID, STAFF_ID, type TestBot } from "../../test/kit/test-bot.js";
import { testProviders } from "../../test/kit/test-database.js";
import { callbackQuery, command, contactMessage, stickerMessage, textMessage, user } from "../bot-api-peer/updates.js";
import { bookingSteps } from "../../test/kit/booking-steps.js";
import { normalizePhone } from "./booking.js";
import { SENDING_METHODS } from "../bot/outgoing.js";

// Tuesday 1 December 2026, 08:00 in Ottawa: with 12 h notice the first free times are on Wednesday.
const START = new Date("2026-12-01T13:00:00Z");

describe.each(testProviders)("asking for an appointment on %s", (provider) => {
  let t: TestBot;
  let clock = START;
  const now = () => clock;
  afterEach(async () => {
    clock = START;
    await t?.close();
  });

  const patient = user(31_001, { first_name: "Ana", last_name: "Lima", language_code: "en" });
  const staff = user(STAFF_ID, { first_name: "Sam" });

  it("walks a patient from /book to a stored request and a staff card with every detail escaped", async () => {
    t = await createTestBot({ provider, now });
    const steps = bookingSteps(t);
    await t.send(command(patient, "/book"));
    expect(t.lastTextTo(patient.id)).toBe("What would you like to book?");
    await steps.press(patient, "Registered massage therapy — 60 min");
    expect(t.lastTextTo(patient.id)).toBe("With whom?");
    expect(t.sim.buttonsOf(t.sim.lastMessageTo(patient.id)).map((button) => button.text)).toEqual([
      "Camille Tremblay", "Daniel Okafor", "No preference", "✖ Cancel",
    ]);
    await steps.press(patient, "Camille Tremblay");
    // Camille works Mon/Wed/Fri/Sat; Dec 2 is a Wednesday, and Dec 25-31 are closures.
    const days = t.sim.buttonsOf(t.sim.lastMessageTo(patient.id)).map((button) => button.text);
    expect(days[0]).toBe("Wed, Dec 2");
    expect(days.some((label) => label.includes("Dec 25") || label.includes("Dec 30"))).toBe(false);
    await steps.press(patient, "Wed, Dec 2");
    expect(t.lastTextTo(patient.id)).toBe("Free times on Wed, Dec 2, in the clinic's time (America/Toronto):");
    const times = t.sim.buttonsOf(t.sim.lastMessageTo(patient.id)).map((button) => button.text);
    // 08:00-12:00 and 13:00-17:00, 60 minutes on a 15-minute grid: 11:00 is the last morning start, 13:00 the first afternoon one.
    expect(times).toContain("8:00 a.m.");
    expect(times).toContain("11:00 a.m.");
    expect(times).not.toContain("11:15 a.m.");
    expect(times).toContain("1:00 p.m.");
    await steps.press(patient, "10:00 a.m.");
    expect(t.lastTextTo(patient.id)).toContain("Tap to use Ana Lima");
    await steps.say(patient, "Ana <Lima> & Co");
    expect(t.lastTextTo(patient.id)).toContain("Do you agree?");
    await steps.press(patient, "I agree");
    expect(t.lastTextTo(patient.id)).toContain("What phone number");
    expect(t.sim.lastMessageTo(patient.id)!.reply_markup).toBeUndefined(); // a reply keyboard, not inline
    await t.send(contactMessage(patient, "+1 613 555 0199"));
    expect(t.lastTextTo(patient.id)).toContain("bill your insurance directly");
    await steps.press(patient, "Yes");
    await steps.say(patient, "Sun Life");
    await steps.say(patient, "Plan through my employer");
    await steps.say(patient, "Lower back <b>stiff</b> since Monday");
    const summary = t.lastTextTo(patient.id)!;
    expect(summary).toContain("Wednesday, December 2, 10:00 a.m. (clinic time, America/Toronto)");
    expect(summary).toContain("Ana <Lima> & Co");
    expect(summary).toContain("+16135550199");
    await steps.press(patient, "Send my request");
    const confirmation = t.lastTextTo(patient.id)!;
    expect(confirmation).toMatch(/Your request is sent\. Your reference: MS-000001-\d/);
    // The health disclaimer is for tips and health answers, not bookings.
    expect(confirmation).not.toContain("not a diagnosis");

    const stored = await t.services.deps.booking.appointments.findRequest(1);
    expect(stored).toMatchObject({ status: "requested", serviceId: "massage-60", practitionerId: "camille-tremblay", phone: "+16135550199", insurer: "Sun Life", patientName: "Ana <Lima> & Co" });
    expect(stored!.startsAt.toISOString()).toBe("2026-12-02T15:00:00.000Z");
    expect(await t.services.deps.personalData.hasConsent(patient.id, "booking-contact", "2026-11")).toBe(true);

    await t.services.engine.drain();
    const card = t.sim.lastMessageTo(STAFF_CHAT_ID)!;
    expect(card.text).toContain("Request MS-000001");
    expect(card.text).toContain("Ana <Lima> & Co");
    expect(card.text).toContain("Lower back <b>stiff</b> since Monday");
    expect(card.text).toContain("Direct billing: yes, Sun Life · Plan through my employer");
    // Sent as HTML with the patient's text escaped: the tags above arrive as text, not formatting.
    expect(card.entities?.some((entity) => entity.type === "bold" && card.text!.slice(entity.offset, entity.offset + entity.length) === "stiff")).toBe(false);
    expect(t.sim.buttonsOf(card).map((button) => button.callback_data)).toEqual(["rq:ok:1", "rq:no:1", "rq:alt:1"]);
  });

  it("leaves a billing note the patient skipped out of the staff card, instead of a bare dash", async () => {
    t = await createTestBot({ provider, now });
    await bookingSteps(t).bookRequest(patient, { billing: true });
    await t.services.engine.drain();
    const card = t.sim.lastMessageTo(STAFF_CHAT_ID)!.text!;
    expect(card).toMatch(/^Direct billing: yes, Sun Life$/m);
    expect(card).not.toContain("· —");
  });

  it("answers a red flag in the note with urgent-care advice first, and flags the request for staff", async () => {
    t = await createTestBot({ provider, now });
    const steps = bookingSteps(t);
    await steps.upToSummary(patient, { note: "I fell on my back yesterday and now I have numbness in the groin" });
    const texts = t.sentTo(patient.id).map((message) => message.text ?? "");
    const advice = texts.findIndex((text) => text.includes("911"));
    const summary = texts.findIndex((text) => text.includes("Please check your request"));
    expect(advice).toBeGreaterThan(-1);
    expect(advice).toBeLessThan(summary);
    await steps.press(patient, "Send my request");
    await t.services.engine.drain();
    const card = t.sentTo(STAFF_CHAT_ID).find((message) => message.text?.includes("Request MS-"))!;
    expect(card.text).toContain("Red flags in the note: saddle-numbness");
    expect((await t.services.deps.booking.appointments.findRequest(1))!.redFlags).toContain("saddle-numbness");
  });

  it("speaks French to a French-speaking patient, dates included", async () => {
    t = await createTestBot({ provider, now });
    const steps = bookingSteps(t);
    const marie = user(31_050, { first_name: "Marie", language_code: "fr" });
    await t.send(command(marie, "/book"));
    expect(t.lastTextTo(marie.id)).toBe("Que souhaitez-vous réserver?");
    await steps.press(marie, "Massothérapie (RMT) — 60 min");
    await steps.press(marie, "Sans préférence");
    await steps.press(marie, "mer. 2 déc.");
    expect(t.lastTextTo(marie.id)).toBe("Plages libres le mer. 2 déc., à l'heure de la clinique (America/Toronto) :");
    expect(t.sim.buttonsOf(t.sim.lastMessageTo(marie.id)).map((button) => button.text)).toContain("14 h 30");
  });

  it("answers every bad input kindly and keeps the step", async () => {
    t = await createTestBot({ provider, now });
    const steps = bookingSteps(t);
    await t.send(command(patient, "/book"));
    await t.send(stickerMessage(patient));
    expect(t.lastTextTo(patient.id)).toBe("Please choose with the buttons above, or send /cancel to stop.");
    await steps.say(patient, "massage please");
    expect(t.lastTextTo(patient.id)).toBe("Please choose with the buttons above, or send /cancel to stop.");
    await steps.press(patient, "60 min");
    // A button of an earlier step of this same booking.
    const serviceMenu = t.sentTo(patient.id).find((message) => message.text === "What would you like to book?")!;
    await t.send(t.sim.pressButton(patient, serviceMenu, t.sim.buttonsOf(serviceMenu)[0]!.callback_data!));
    expect(t.sim.callsTo("answerCallbackQuery").at(-1)!.params.text).toBe("Please use the buttons of the latest message.");
    await steps.press(patient, "No preference");
    await steps.say(patient, "2026-11-20");
    expect(t.lastTextTo(patient.id)).toBe("That date has already passed. Please choose one of the days above.");
    await steps.say(patient, "2026-12-25");
    expect(t.lastTextTo(patient.id)).toBe("There is no free time on that date. Please choose one of the days above.");
    // A typed date that is open works like the button.
    await steps.say(patient, "2026-12-02");
    expect(t.lastTextTo(patient.id)).toContain("Free times on Wed, Dec 2");
    await steps.say(patient, "3:07 pm");
    expect(t.lastTextTo(patient.id)).toBe("That time is not free. Please choose one of the times above.");
    await steps.say(patient, "14:30");
    expect(t.lastTextTo(patient.id)).toContain("Tap to use");
    await steps.say(patient, "x".repeat(81));
    expect(t.lastTextTo(patient.id)).toBe("That is a bit long: 80 characters at most, please.");
    await steps.say(patient, "12345");
    expect(t.lastTextTo(patient.id)).toBe("Please type a name with letters in it.");
    await steps.press(patient, "Use");
    await steps.press(patient, "I agree");
    await steps.say(patient, "call me maybe");
    expect(t.lastTextTo(patient.id)).toContain("doesn't look like a phone number");
    const someoneElse = contactMessage(patient, "+1 613 555 7777");
    someoneElse.message!.contact!.user_id = 4242;
    await t.send(someoneElse);
    expect(t.lastTextTo(patient.id)).toBe("Please share your own number, or type it.");
    await t.send(contactMessage(patient, "+1 613 555 0000"));
    expect(t.lastTextTo(patient.id)).toContain("bill your insurance");
    await steps.press(patient, "No");
    await steps.say(patient, "n".repeat(501));
    expect(t.lastTextTo(patient.id)).toBe("That is a bit long: 500 characters at most, please.");
    await steps.press(patient, "Skip");
    expect(t.lastTextTo(patient.id)).toContain("Please check your request");
    expect(t.lastTextTo(patient.id)).toContain("2:30 p.m.");

    // /help still answers in the middle of a booking, and the booking keeps waiting.
    await t.send(command(patient, "/help"));
    expect(t.lastTextTo(patient.id)).toContain("What I can do");
    await t.send(command(patient, "/cancel"));
    expect(t.lastTextTo(patient.id)).toBe("No problem, nothing was booked. Send /book whenever you like.");
    // The summary's buttons belong to a finished booking now.
    const summary = [...t.sentTo(patient.id)].reverse().find((message) => message.text?.includes("Please check your request"))!;
    await t.send(t.sim.pressButton(patient, summary, t.sim.buttonsOf(summary)[0]!.callback_data!));
    expect(t.sim.callsTo("answerCallbackQuery").at(-1)!.params.text).toBe("This menu is no longer active. Send /help to see what you can do.");
    expect(await t.database.prisma.appointmentRequest.count()).toBe(0);
  });

  it("starts over on a new /book, and the half-way booking's buttons stop working", async () => {
    t = await createTestBot({ provider, now });
    const steps = bookingSteps(t);
    await t.send(command(patient, "/book"));
    await steps.press(patient, "30 min");
    const people = t.sim.lastMessageTo(patient.id)!;
    await t.send(command(patient, "/book"));
    expect(t.lastTextTo(patient.id)).toBe("What would you like to book?");
    await t.send(t.sim.pressButton(patient, people, t.sim.buttonsOf(people)[0]!.callback_data!));
    expect(t.sim.callsTo("answerCallbackQuery").at(-1)!.params.text).toBe("This menu is no longer active. Send /help to see what you can do.");
    await steps.press(patient, "90 min");
    expect(t.lastTextTo(patient.id)).toBe("With whom?");
  });

  it("/forget in the middle of a booking erases the half-way booking too", async () => {
    t = await createTestBot({ provider, now });
    const steps = bookingSteps(t);
    await t.send(command(patient, "/book"));
    await steps.press(patient, "30 min");
    await steps.press(patient, "No preference");
    await t.send(command(patient, "/forget"));
    await steps.press(patient, /erase|Erase|delete|Delete/);
    expect(await t.database.prisma.session.count({ where: { key: { startsWith: "conversation:" } } })).toBe(0);
    expect(await t.database.prisma.user.count({ where: { id: patient.id } })).toBe(0);
  });

  it("resumes after a restart in the middle, at the same step", async () => {
    t = await createTestBot({ provider, now });
    const steps = bookingSteps(t);
    await t.send(command(patient, "/book"));
    await steps.press(patient, "30 min");
    await steps.press(patient, "No preference");
    // The process stops; a new one on the same database and Telegram carries on.
    await t.services.engine.stop();
    t = await createTestBot({ provider, now, database: t.database, sim: t.sim });
    const again = bookingSteps(t);
    await again.press(patient, /^(?!.*Cancel)/);
    expect(t.lastTextTo(patient.id)).toContain("Free times on");
    await again.press(patient, /^\d/);
    await again.press(patient, "Use");
    await again.press(patient, "I agree");
    await t.send(contactMessage(patient, "+1 613 555 0199"));
    await again.press(patient, "No");
    await again.press(patient, "Skip");
    await again.press(patient, "Send my request");
    expect(t.lastTextTo(patient.id)).toContain("Your request is sent");
    expect(await t.database.prisma.appointmentRequest.count()).toBe(1);
  });

  it("staff confirm once: the patient gets a calendar file and reminders are queued; a second press is told who did it", async () => {
    t = await createTestBot({ provider, now });
    const steps = bookingSteps(t);
    await steps.bookRequest(patient, { note: "Neck" });
    await t.services.engine.drain();
    const card = t.sim.lastMessageTo(STAFF_CHAT_ID)!;

    // A patient forging the staff button is refused.
    await t.send(t.sim.pushUpdate(callbackQuery(patient, "rq:ok:1", card)));
    expect(t.sim.callsTo("answerCallbackQuery").at(-1)!.params.text).toBe("This menu is no longer active. Send /help to see what you can do.");
    expect(await t.database.prisma.appointment.count()).toBe(0);

    await t.send(t.sim.pressButton(staff, card, "rq:ok:1"));
    expect(t.sim.callsTo("answerCallbackQuery").at(-1)!.params.text).toBe("Confirmed; the patient is notified.");
    const other = user(STAFF_ID + 1, { first_name: "Lee" });
    await t.services.engine.stop();
    t = await createTestBot({ provider, now, database: t.database, sim: t.sim, env: { STAFF_IDS: `${STAFF_ID},${other.id}` } });
    await t.send(t.sim.pushUpdate(callbackQuery(other, "rq:ok:1", card)));
    expect(t.sim.callsTo("answerCallbackQuery").at(-1)!.params).toMatchObject({ text: `Already handled by Sam ${staff.last_name}.`, show_alert: true });

    const appointment = await t.database.prisma.appointment.findFirstOrThrow();
    expect(appointment.status).toBe("confirmed");
    const reminders = await t.database.prisma.outboxMessage.findMany({ where: { kind: "reminder" }, orderBy: { dueAt: "asc" } });
    // 24 h and 2 h before; a reminder whose moment has already passed (the 24 h one, for tomorrow 8:00) is not queued.
    const expected = [24, 2].map((hours) => appointment.startsAt.getTime() - hours * 3600_000).filter((due) => due > START.getTime());
    expect(expected.length).toBeGreaterThan(0);
    expect(reminders.map((row) => row.dueAt.getTime())).toEqual(expected);
  });

  it("delivers the confirmation with an .ics and edits the card", async () => {
    t = await createTestBot({ provider, now });
    const steps = bookingSteps(t);
    await steps.bookRequest(patient);
    await t.services.engine.drain();
    const card = t.sim.lastMessageTo(STAFF_CHAT_ID)!;
    await t.send(t.sim.pressButton(staff, card, "rq:ok:1"));
    await t.services.engine.drain();
    const [confirmation, calendar] = t.sentTo(patient.id).slice(-2);
    expect(confirmation!.text).toContain("Your appointment is confirmed");
    expect(confirmation!.text).not.toContain("not a diagnosis");
    expect(calendar!.document?.file_name).toMatch(/^appointment-MS-000001-\d\.ics$/);
    const upload = t.sim.callsTo("sendDocument").at(-1)!;
    expect(String((upload.params.document as { data: Buffer }).data)).toContain("BEGIN:VEVENT");
    expect(t.sim.message(STAFF_CHAT_ID, card.message_id)!.text).toContain(`✅ Confirmed by Sam ${staff.last_name}`);
    expect(t.sim.buttonsOf(t.sim.message(STAFF_CHAT_ID, card.message_id))).toEqual([]);
  });

  it("a staff decline asks for a reason and the patient reads it", async () => {
    t = await createTestBot({ provider, now });
    await bookingSteps(t).bookRequest(patient);
    await t.services.engine.drain();
    const card = t.sim.lastMessageTo(STAFF_CHAT_ID)!;
    await t.send(t.sim.pressButton(staff, card, "rq:no:1"));
    const prompt = t.sim.lastMessageTo(STAFF_CHAT_ID)!;
    expect(prompt.text).toContain("Why is request MS-000001");
    await t.send(textMessage(staff, "Camille is away that week", { chat: card.chat as never, replyTo: prompt } as never));
    expect(t.lastTextTo(STAFF_CHAT_ID)).toContain("declined; the patient has the reason");
    await t.services.engine.drain();
    expect(t.lastTextTo(patient.id)).toContain("could not accept request MS-000001");
    expect(t.lastTextTo(patient.id)).toContain("Camille is away that week");
    expect(t.sim.message(STAFF_CHAT_ID, card.message_id)!.text).toContain(`❌ Declined by Sam ${staff.last_name}: Camille is away that week`);
  });

  it("staff propose another time; the patient accepts and it becomes the appointment", async () => {
    t = await createTestBot({ provider, now });
    await bookingSteps(t).bookRequest(patient);
    await t.services.engine.drain();
    const card = t.sim.lastMessageTo(STAFF_CHAT_ID)!;
    await t.send(t.sim.pressButton(staff, card, "rq:alt:1"));
    const days = t.sim.buttonsOf(t.sim.message(STAFF_CHAT_ID, card.message_id));
    await t.send(t.sim.pressButton(staff, card, days.find((button) => button.text === "Thu, Dec 3")!.callback_data!));
    const times = t.sim.buttonsOf(t.sim.message(STAFF_CHAT_ID, card.message_id));
    const pick = times.find((button) => button.text.startsWith("1:00 p.m."))!;
    await t.send(t.sim.pressButton(staff, card, pick.callback_data!));
    expect(t.sim.callsTo("answerCallbackQuery").at(-1)!.params.text).toBe("Proposed; waiting for the patient's answer.");
    await t.services.engine.drain();
    const proposal = t.sim.lastMessageTo(patient.id)!;
    expect(proposal.text).toContain("the clinic can offer");
    expect(proposal.text).toContain("Thursday, December 3, 1:00 p.m.");
    await t.send(t.sim.pressButton(patient, proposal, "pp:yes:1"));
    expect(t.sim.message(patient.id, proposal.message_id)!.text).toContain("Booked!");
    const appointment = await t.database.prisma.appointment.findFirstOrThrow();
    expect(appointment.startsAt.toISOString()).toBe("2026-12-03T18:00:00.000Z");
    await t.services.engine.drain();
    expect(t.sim.message(STAFF_CHAT_ID, card.message_id)!.text).toContain("Confirmed by Sam");
  });

  it("takes one reply slot per booking message, however often the conversation replays", async () => {
    t = await createTestBot({ provider, now });
    const noted = vi.spyOn(t.services.deps.limiter, "acquire");
    await bookingSteps(t).bookRequest(patient);
    const sends = t.sim.calls.filter((call) => SENDING_METHODS.has(call.method) && Number(call.params.chat_id) === patient.id && call.status === 200);
    // Ten steps: the conversation re-ran its earlier steps many times, each time without sending again.
    expect(sends.length).toBeGreaterThanOrEqual(10);
    expect(noted.mock.calls.filter(([chatId, options]) => chatId === patient.id && options?.priority === "reply")).toHaveLength(sends.length);
  });

  it("waits out Telegram's 429 on a booking message and carries on, once", async () => {
    t = await createTestBot({ provider, now });
    const steps = bookingSteps(t);
    await t.send(command(patient, "/book"));
    await steps.press(patient, "60 min");
    await steps.press(patient, "Camille");
    await steps.press(patient, /^(?!.*Cancel)/);
    await steps.press(patient, /^\d/);
    await steps.press(patient, "Use");
    await steps.press(patient, "I agree");
    // From now on one message a second to this chat: the next step's message comes too soon.
    t.sim.configure({ rateLimits: true, perChatBurst: 1, perChatRatePerSecond: 1, retryAfterSeconds: 1 });
    const started = Date.now();
    await t.send(contactMessage(patient, "+1 613 555 0199"));
    const tooSoon = t.sim.calls.filter((call) => Number(call.params.chat_id) === patient.id && call.status === 429);
    expect(tooSoon.length).toBeGreaterThanOrEqual(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(t.lastTextTo(patient.id)).toContain("bill your insurance");
    // The next step replays the one that waited, without waiting again.
    t.sim.configure({ rateLimits: false });
    const replayed = Date.now();
    await steps.press(patient, "No");
    expect(Date.now() - replayed).toBeLessThan(500);
    expect(t.lastTextTo(patient.id)).toContain("Anything the practitioner should know");
  });

  it("refuses a patient over the limit of upcoming appointments", async () => {
    t = await createTestBot({ provider, now });
    await bookingSteps(t).bookRequest(patient);
    const { appointments } = t.services.deps.booking;
    const first = (await appointments.findRequest(1))!;
    for (let i = 0; i < 2; i++) await appointments.createRequest({ ...first, userId: patient.id, chatId: patient.id, patientName: "Ana", phone: "+16135550199", redFlags: [] });
    await t.send(command(patient, "/book"));
    expect(t.lastTextTo(patient.id)).toContain("You already have 3 appointments or requests coming up");
  });

  it("offers a time taken meanwhile again instead of sending the request", async () => {
    t = await createTestBot({ provider, now });
    const steps = bookingSteps(t);
    const other = user(31_002, { first_name: "Bo", language_code: "en" });
    await steps.upToSummary(patient, { practitioner: "Camille" });
    // Bo books the same first time and staff confirm it while Ana is still on her summary.
    await steps.bookRequest(other, { practitioner: "Camille" });
    const requestOfBo = (await t.database.prisma.appointmentRequest.findFirstOrThrow()).id;
    const { confirmRequest } = await import("../booking/confirm-request.js");
    expect((await confirmRequest(t.services.deps.booking, { requestId: requestOfBo, by: { id: STAFF_ID, name: "Sam" } })).ok).toBe(true);
    await steps.press(patient, "Send my request");
    expect(t.sim.delivered(patient.id).some((message) => message.text === "Sorry, that time was taken a moment ago. Please choose another one.")).toBe(true);
    expect(t.lastTextTo(patient.id)).toContain("Which day?");
  });
});

describe("phone numbers as patients type them", () => {
  it("keeps digits and a leading +, and refuses what is not a number", () => {
    expect(normalizePhone("+1 (613) 555-0142")).toBe("+16135550142");
    expect(normalizePhone("613.555.0142")).toBe("6135550142");
    expect(normalizePhone("555")).toBeNull();
    expect(normalizePhone("call me")).toBeNull();
    expect(normalizePhone("+1234567890123456")).toBeNull();
  });
});
