import { afterEach, describe, expect, it } from "vitest";
import { createTestBot, STAFF_CHAT_ID, STAFF_ID, type TestBot } from "../../test/kit/test-bot.js";
import { testProviders } from "../../test/kit/test-database.js";
import type { Message } from "grammy/types";
import { callbackQuery, command, groupChat, user } from "../bot-api-peer/updates.js";
import { bookingSteps } from "../../test/kit/booking-steps.js";
import { confirmRequest } from "../booking/confirm-request.js";

// Tuesday 1 December 2026, 08:00 in Ottawa.
const START = new Date("2026-12-01T13:00:00Z");
const HOUR = 3600_000;

describe.each(testProviders)("an appointment's life on %s", (provider) => {
  let t: TestBot;
  let clock = START;
  const now = () => clock;
  afterEach(async () => {
    clock = START;
    await t?.close();
  });

  const ana = user(32_001, { first_name: "Ana", language_code: "en" });
  const bo = user(32_002, { first_name: "Bo", language_code: "en" });
  const cy = user(32_003, { first_name: "Cy", language_code: "fr" });
  const staff = user(STAFF_ID, { first_name: "Sam" });
  const sam = { id: STAFF_ID, name: "Sam" };

  /** A request by `who` for the first free time with Camille, confirmed by staff. */
  async function confirmedAppointment(who = ana) {
    const steps = bookingSteps(t);
    await steps.bookRequest(who, { practitioner: "Camille" });
    const request = await t.database.prisma.appointmentRequest.findFirstOrThrow({ where: { userId: who.id }, orderBy: { id: "desc" } });
    const result = await confirmRequest(t.services.deps.booking, { requestId: request.id, by: sam });
    if (!result.ok) throw new Error(`not confirmed: ${result.reason}`);
    await t.services.engine.drain();
    return result.appointment;
  }

  it("lets exactly one of many concurrent confirmations of one slot win", async () => {
    t = await createTestBot({ provider, now });
    const { appointments } = t.services.deps.booking;
    const base = {
      serviceId: "massage-60", practitionerId: "camille-tremblay", anyPractitioner: false,
      startsAt: new Date("2026-12-02T15:00:00Z"), endsAt: new Date("2026-12-02T16:00:00Z"),
      patientName: "P", phone: "+16135550100", directBilling: false, insurer: null, billingNote: null, note: null, redFlags: [], language: "en",
    };
    // Same practitioner, overlapping but not identical times: 10:00-11:00, 10:30-11:30, 10:45-11:15 (a 30-min service).
    const requests = await Promise.all([0, 30, 45, 0, 15].map((offset, index) =>
      appointments.createRequest({ ...base, userId: 40_000 + index, chatId: 40_000 + index, startsAt: new Date(base.startsAt.getTime() + offset * 60_000), endsAt: new Date(base.endsAt.getTime() + offset * 60_000) }),
    ));
    const results = await Promise.all(requests.map((request) => confirmRequest(t.services.deps.booking, { requestId: request.id, by: sam })));
    expect(results.filter((result) => result.ok)).toHaveLength(1);
    expect(results.filter((result) => !result.ok && result.reason === "taken")).toHaveLength(4);
    expect(await t.database.prisma.appointment.count()).toBe(1);
    // The losers are still waiting for staff, who can propose another time.
    expect(await appointments.countPending()).toBe(4);
    // Another practitioner at the same time is fine.
    const daniel = await appointments.createRequest({ ...base, userId: 40_100, chatId: 40_100, practitionerId: "daniel-okafor" });
    expect((await confirmRequest(t.services.deps.booking, { requestId: daniel.id, by: sam })).ok).toBe(true);
  });

  it("cancels from /appointments: the slot frees, staff are told, the patient gets a calendar cancellation, and the waitlist is offered the time", async () => {
    t = await createTestBot({ provider, now });
    const appointment = await confirmedAppointment(ana);
    // Bo wanted that day with Camille, but nothing suited: he joins the waitlist.
    const steps = bookingSteps(t);
    await t.send(command(bo, "/book"));
    await steps.press(bo, "60 min");
    await steps.press(bo, "Camille");
    await steps.press(bo, "Wed, Dec 2");
    await steps.press(bo, "waitlist");
    await steps.press(bo, "Use");
    await steps.press(bo, "I agree");
    await steps.say(bo, "613 555 0111");
    expect(t.lastTextTo(bo.id)).toContain("You are on the waitlist for Wed, Dec 2");
    // Cy too (in French), later: both are offered, in the order they asked; the first to accept gets it.
    await t.database.prisma.user.create({ data: { id: cy.id, chatId: cy.id, firstName: "Cy", languageCode: "fr" } });
    await t.services.deps.booking.appointments.addToWaitlist({ userId: cy.id, chatId: cy.id, serviceId: "massage-60", practitionerId: null, date: "2026-12-02", patientName: "Cy", phone: "+16135550122", language: "fr" });

    await t.send(command(ana, "/appointments"));
    const list = t.sim.lastMessageTo(ana.id)!;
    expect(list.text).toContain("Wednesday, December 2, 8:00 a.m.");
    await t.send(t.sim.pressButton(ana, list, `ap:cancel:${appointment.id}`));
    const sure = t.sim.lastMessageTo(ana.id)!;
    await t.send(t.sim.pressButton(ana, sure, `ap:cancel-yes:${appointment.id}`));
    expect(t.sim.message(ana.id, sure.message_id)!.text).toContain("Your appointment is cancelled");
    await t.services.engine.drain();

    expect(t.sim.lastMessageTo(ana.id)!.document?.file_name).toMatch(/^cancelled-MS-/);
    expect(String((t.sim.callsTo("sendDocument").at(-1)!.params.document as { data: Buffer }).data)).toContain("METHOD:CANCEL");
    expect(t.sentTo(STAFF_CHAT_ID).some((message) => message.text?.includes("cancelled") && message.text.includes("The time is free again"))).toBe(true);
    expect((await t.database.prisma.appointment.findUniqueOrThrow({ where: { id: appointment.id } })).status).toBe("cancelled");
    expect(await t.database.prisma.appointmentSlot.count()).toBe(0);
    // Reminders of a cancelled appointment never go out.
    expect(await t.database.prisma.outboxMessage.count({ where: { kind: "reminder", status: "pending" } })).toBe(0);

    const offerToBo = t.sim.lastMessageTo(bo.id)!;
    const offerToCy = t.sim.lastMessageTo(cy.id)!;
    expect(offerToBo.text).toContain("A time has freed up");
    expect(offerToCy.text).toContain("Une plage s'est libérée");
    await t.send(t.sim.pressButton(bo, offerToBo, t.sim.buttonsOf(offerToBo)[0]!.callback_data!));
    expect(t.sim.message(bo.id, offerToBo.message_id)!.text).toContain("It's yours!");
    await t.send(t.sim.pressButton(cy, offerToCy, t.sim.buttonsOf(offerToCy)[0]!.callback_data!));
    expect(t.sim.message(cy.id, offerToCy.message_id)!.text).toContain("quelqu'un a pris cette plage");
    const live = await t.database.prisma.appointment.findMany({ where: { status: "confirmed" }, include: { request: true } });
    expect(live.map((entry) => entry.userId)).toEqual([BigInt(bo.id)]);
    // Confirmed by the waitlist, not by a staff member.
    expect(live[0]!.request).toMatchObject({ handledById: null, handledByName: "the waitlist" });
    await t.services.engine.drain();
    expect(t.sentTo(STAFF_CHAT_ID).at(-1)!.text).toContain("the waitlist");
  });

  it("refuses a late cancellation with the clinic's phone number", async () => {
    t = await createTestBot({ provider, now });
    const appointment = await confirmedAppointment(ana);
    clock = new Date(appointment.startsAt.getTime() - 5 * HOUR);
    await t.send(command(ana, "/appointments"));
    await t.send(t.sim.pressButton(ana, t.sim.lastMessageTo(ana.id)!, `ap:cancel:${appointment.id}`));
    expect(t.lastTextTo(ana.id)).toContain("less than 24 hours before your appointment");
    expect(t.lastTextTo(ana.id)).toContain("+1 613 555 0142");
    // A forged confirmation is refused the same way.
    await t.send(t.sim.pushUpdate(callbackQuery(ana, `ap:cancel-yes:${appointment.id}`)));
    expect((await t.database.prisma.appointment.findUniqueOrThrow({ where: { id: appointment.id } })).status).toBe("confirmed");
    // Someone else's appointment is not theirs to cancel.
    clock = START;
    await t.send(t.sim.pushUpdate(callbackQuery(bo, `ap:cancel-yes:${appointment.id}`)));
    expect((await t.database.prisma.appointment.findUniqueOrThrow({ where: { id: appointment.id } })).status).toBe("confirmed");
  });

  it("sends each reminder once when due; the patient's answer shows on the staff card", async () => {
    t = await createTestBot({ provider, now });
    await t.send(command(ana, "/book"));
    const steps = bookingSteps(t);
    await steps.press(ana, "60 min");
    await steps.press(ana, "Camille");
    await steps.press(ana, "Fri, Dec 4");
    await steps.press(ana, "10:00 a.m.");
    await steps.press(ana, "Use");
    await steps.press(ana, "I agree");
    await steps.say(ana, "613 555 0199");
    await steps.press(ana, "No");
    await steps.press(ana, "Skip");
    await steps.press(ana, "Send my request");
    await t.services.engine.drain();
    const card = t.sim.lastMessageTo(STAFF_CHAT_ID)!;
    await t.send(t.sim.pressButton(staff, card, "rq:ok:1"));
    await t.services.engine.drain();

    clock = new Date("2026-12-03T15:00:00Z"); // 24 h before
    await t.services.engine.drain();
    await t.services.engine.drain();
    const reminder = t.sim.lastMessageTo(ana.id)!;
    expect(reminder.text).toBe("Reminder: tomorrow you have Registered massage therapy — 60 min with Camille Tremblay (Friday, December 4, 10:00 a.m.).");
    await t.send(t.sim.pressButton(ana, reminder, t.sim.buttonsOf(reminder)[0]!.callback_data!));
    expect(t.lastTextTo(ana.id)).toBe("Thank you, see you then!");
    expect(t.sim.message(STAFF_CHAT_ID, card.message_id)!.text).toContain("will be there");

    clock = new Date("2026-12-04T13:00:00Z"); // 2 h before
    await t.services.engine.drain();
    expect(t.lastTextTo(ana.id)).toContain("Reminder: in 2 hours");
    await t.services.engine.drain();
    expect(t.sentTo(ana.id).filter((message) => message.text?.startsWith("Reminder:"))).toHaveLength(2);
  });

  it("drops a reminder that comes due only after the appointment has begun (the bot was down)", async () => {
    t = await createTestBot({ provider, now });
    const appointment = await confirmedAppointment(ana);
    clock = new Date(appointment.startsAt.getTime() + 10 * 60_000);
    await t.services.engine.drain();
    expect(t.sentTo(ana.id).filter((message) => message.text?.startsWith("Reminder:"))).toHaveLength(0);
    const reminders = await t.database.prisma.outboxMessage.findMany({ where: { kind: "reminder" } });
    expect(reminders.length).toBeGreaterThan(0);
    expect(reminders.every((row) => row.status === "failed" && row.lastError?.includes("expired"))).toBe(true);
  });

  it("moves an appointment: the new time goes to staff, and confirming it cancels the old one", async () => {
    t = await createTestBot({ provider, now });
    const old = await confirmedAppointment(ana);
    await t.send(command(ana, "/appointments"));
    await t.send(t.sim.pressButton(ana, t.sim.lastMessageTo(ana.id)!, `ap:move:${old.id}`));
    expect(t.lastTextTo(ana.id)).toContain("Which day?");
    const steps = bookingSteps(t);
    await steps.press(ana, "Fri, Dec 4");
    await steps.press(ana, "9:00 a.m.");
    expect(t.lastTextTo(ana.id)).toContain("Please check your request");
    await steps.press(ana, "Send my request");
    await t.services.engine.drain();
    const card = t.sim.lastMessageTo(STAFF_CHAT_ID)!;
    expect(card.text).toContain(`Moves appointment #${old.id}`);
    await t.send(t.sim.pressButton(staff, card, t.sim.buttonsOf(card)[0]!.callback_data!));
    const appointments = await t.database.prisma.appointment.findMany({ orderBy: { id: "asc" } });
    expect(appointments.map((entry) => entry.status)).toEqual(["cancelled", "confirmed"]);
    expect(appointments[1]!.startsAt.toISOString()).toBe("2026-12-04T14:00:00.000Z");
    // The patient's calendar: the old event is cancelled (same UID), the new one added.
    await t.services.engine.drain();
    const files = t.sim.callsTo("sendDocument").filter((call) => call.params.chat_id === ana.id).map((call) => String((call.params.document as { data: Buffer }).data));
    const cancellation = files.find((ics) => ics.includes("METHOD:CANCEL"));
    expect(cancellation).toContain(`UID:appointment-${old.id}@`);
    expect(files.some((ics) => !ics.includes("METHOD:CANCEL") && ics.includes(`UID:appointment-${appointments[1]!.id}@`))).toBe(true);
    expect(t.sentTo(ana.id).some((message) => message.caption?.includes("removes your previous appointment"))).toBe(true);
  });

  it("reminds staff once of a request nobody answered, and tells the patient the clinic will call", async () => {
    t = await createTestBot({ provider, now });
    await bookingSteps(t).bookRequest(ana);
    const tickAt = async (hours: number) => {
      clock = new Date(START.getTime() + hours * HOUR);
      return t.services.runStaleRequests(clock);
    };
    expect(await tickAt(3)).toBe(0);
    expect(await tickAt(5)).toBe(1);
    expect(await tickAt(6)).toBe(0);
    await t.services.engine.drain();
    expect(t.sentTo(STAFF_CHAT_ID).filter((message) => message.text?.includes("has waited more than 4 hours"))).toHaveLength(1);
    expect(t.sentTo(ana.id).filter((message) => message.text?.includes("The clinic will call you"))).toHaveLength(1);
  });

  it("/requests and /today for staff only; completed and no-show are marked", async () => {
    t = await createTestBot({ provider, now });
    const appointment = await confirmedAppointment(ana);
    await bookingSteps(t).bookRequest(bo);
    await t.send(command(staff, "/requests"));
    expect(t.lastTextTo(staff.id)).toContain("Requests waiting: 1");
    expect(t.lastTextTo(staff.id)).toContain("Bo");
    await t.send(command(staff, "/today", "2026-12-02"));
    const today = t.sim.lastMessageTo(staff.id)!;
    expect(today.text).toContain("Appointments on Wed, Dec 2: 1");
    expect(today.text).toContain("8:00 a.m. · Camille Tremblay · Ana");
    // Its outcome is asked for once it has begun.
    expect(t.sim.buttonsOf(today).map((button) => button.callback_data)).not.toContain(`today:done:${appointment.id}`);
    clock = new Date(appointment.startsAt.getTime() + 30 * 60_000);
    await t.send(command(staff, "/today", "2026-12-02"));
    await t.send(t.sim.pressButton(staff, t.sim.lastMessageTo(staff.id)!, `today:done:${appointment.id}`));
    expect(t.sim.callsTo("answerCallbackQuery").at(-1)!.params.text).toBe("Marked completed.");
    expect((await t.database.prisma.appointment.findUniqueOrThrow({ where: { id: appointment.id } })).status).toBe("completed");
    await t.send(command(staff, "/today", "not-a-date"));
    expect(t.lastTextTo(staff.id)).toContain("YYYY-MM-DD");
    await t.send(command(staff, "/stats"));
    expect(t.lastTextTo(staff.id)).toContain("Appointment requests waiting: 1");

    // Patients: unknown commands; forged staff buttons of every shape do nothing.
    await t.send(command(ana, "/requests"));
    expect(t.lastTextTo(ana.id)).toContain("I don't know that command");
    await t.send(command(ana, "/today"));
    expect(t.lastTextTo(ana.id)).toContain("I don't know that command");
    for (const data of ["rq:ok:2", "rq:no:2", "rq:alt:2", "rq:pt:2:29420000:camille-tremblay", "today:noshow:1", "rq:ok:-1", "rq:ok:2:extra"]) {
      await t.send(t.sim.pushUpdate(callbackQuery(ana, data)));
    }
    expect(await t.database.prisma.appointmentRequest.count({ where: { status: "requested" } })).toBe(1);
    expect((await t.database.prisma.appointment.findUniqueOrThrow({ where: { id: appointment.id } })).status).toBe("completed");

    // Staff commands answer in the staff chat and staff members' own chats, nowhere else: a group the
    // staff member also writes in never sees patient names and phones.
    const otherGroup = groupChat(-100_123_456, "Running club");
    const before = t.sim.callsTo("sendMessage").length;
    await t.send(command(staff, "/requests", undefined, { chat: otherGroup }));
    await t.send(command(staff, "/today", "2026-12-02", { chat: otherGroup }));
    expect(t.sentTo(otherGroup.id)).toHaveLength(0);
    expect(t.sim.callsTo("sendMessage").length).toBe(before);
    const staffGroup = groupChat(STAFF_CHAT_ID, "Clinic staff");
    await t.send(command(staff, "/requests", undefined, { chat: staffGroup }));
    expect(t.lastTextTo(STAFF_CHAT_ID)).toContain("Requests waiting: 1");
    // A card's button pressed by a staff member in another group does nothing either.
    const cardElsewhere = { message_id: 1, date: 0, chat: otherGroup, text: "a copy of a card" } as Message;
    await t.send(t.sim.pushUpdate(callbackQuery(staff, "rq:ok:2", cardElsewhere)));
    expect(await t.database.prisma.appointmentRequest.count({ where: { status: "requested" } })).toBe(1);
  });

  it("'patients with an upcoming appointment' is an announcement audience", async () => {
    t = await createTestBot({ provider, now });
    await confirmedAppointment(ana);
    await bookingSteps(t).bookRequest(bo); // only requested: not in the audience
    const { broadcasts } = t.services.deps;
    expect(await broadcasts.countAudience("appointments")).toBe(1);
    expect(await broadcasts.countAudience("everyone")).toBe(2);
    // Once the appointment is past, the patient is no longer in it.
    clock = new Date("2026-12-03T00:00:00Z");
    expect(await broadcasts.countAudience("appointments")).toBe(0);
  });

  it("/forget keeps the appointment for the clinic's records without the patient's details; /mydata includes it", async () => {
    t = await createTestBot({ provider, now });
    const confirmed = await confirmedAppointment(ana);
    const exported = await t.services.deps.personalData.export(ana.id);
    expect(JSON.stringify(exported, (_key, value: unknown) => (typeof value === "bigint" ? String(value) : value))).toContain("+16135550199");
    expect((exported as { appointments: unknown[] }).appointments).toHaveLength(1);
    expect(await t.services.deps.personalData.erase(ana.id)).toEqual({ requestIds: [confirmed.requestId] });
    const request = await t.database.prisma.appointmentRequest.findFirstOrThrow();
    expect(request).toMatchObject({ userId: null, phone: null, patientName: null, note: null });
    const appointment = await t.database.prisma.appointment.findFirstOrThrow();
    expect(appointment).toMatchObject({ userId: null, status: "confirmed", practitionerId: "camille-tremblay" });
  });
});
