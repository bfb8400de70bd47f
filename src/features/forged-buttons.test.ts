import { afterEach, describe, expect, it } from "vitest";
import { createTestBot, STAFF_CHAT_ID, STAFF_ID, type TestBot } from "../../test/kit/test-bot.js";
import { testProviders } from "../../test/kit/test-database.js";
import { bookingSteps } from "../../test/kit/booking-steps.js";
import { databaseContents } from "../../test/kit/database-contents.js";
import { callbackQuery, command, user } from "../bot-api-peer/updates.js";
import { allCallbackCodecs, type FieldKind } from "../bot/callback-data.js";
import { confirmRequest } from "../booking/confirm-request.js";
import { proposeTime } from "../booking/propose-time.js";

// Tuesday 1 December 2026, 08:00 in Ottawa.
const START = new Date("2026-12-01T13:00:00Z");

/** Buttons that act only on the presser's own data, whatever they carry (their own menus, settings, erasure). */
const OWN_STATE_PREFIXES = ["book", "bk", "tips", "language", "privacy"];

describe.each(testProviders)("forged buttons on %s", (provider) => {
  let t: TestBot;
  afterEach(async () => {
    await t?.close();
  });

  const bo = user(41_001, { first_name: "Bo", last_name: "Victim" });
  const mallory = user(41_666, { first_name: "Mallory", last_name: "Forger" });
  const staff = user(STAFF_ID, { first_name: "Sam" });

  it("change nothing: a patient presses every button shape the bot knows with other patients' ids, staff cards' ids and offers never made", async () => {
    t = await createTestBot({ provider, now: () => START, floodLimit: 10_000 });
    const { booking, broadcasts } = t.services.deps;
    const steps = bookingSteps(t);

    // Bo: a confirmed appointment, a request waiting for staff, a request with a proposed time, a waitlist entry with an offer.
    await steps.bookRequest(bo);
    const confirmed = await confirmRequest(booking, { requestId: 1, by: { id: STAFF_ID, name: "Sam" } });
    if (!confirmed.ok) throw new Error(`not confirmed: ${confirmed.reason}`);
    await steps.bookRequest(bo);
    await steps.bookRequest(bo);
    const third = (await booking.appointments.findRequest(3))!;
    const proposed = await proposeTime(booking, { requestId: 3, startsAt: third.startsAt, practitionerId: third.practitionerId, by: { id: STAFF_ID, name: "Sam" } });
    expect(proposed.ok).toBe(true);
    const boEntry = await booking.appointments.addToWaitlist({ userId: bo.id, chatId: bo.id, serviceId: "massage-60", practitionerId: null, date: "2026-12-02", patientName: "Bo Victim", phone: "+16135550111", language: "en" });
    const boOffer = await booking.appointments.recordOffer(boEntry.id, { practitionerId: third.practitionerId, startsAt: third.startsAt });
    // A staff announcement in draft.
    const draft = await broadcasts.startComposing({ id: STAFF_ID, name: "Sam", chatId: STAFF_ID });
    await broadcasts.saveMessage(draft.id, { text: "Closed on Friday", entities: null, photoFileId: null });
    await t.send(command(staff, "/requests"));

    // Mallory: a patient with a waitlist entry of her own, to whom nothing was ever offered.
    await t.send(command(mallory, "/start"));
    const malloryEntry = await booking.appointments.addToWaitlist({ userId: mallory.id, chatId: mallory.id, serviceId: "massage-60", practitionerId: null, date: "2026-12-02", patientName: "Mallory", phone: "+16135550666", language: "en" });
    await t.services.engine.drain();

    const minutes = Math.round(third.startsAt.getTime() / 60_000);
    const never = 999_999;
    const candidates: Record<string, Array<string | number>> = {
      appointmentId: [confirmed.appointment.id, never],
      requestId: [1, 2, 3, never],
      entryId: [boEntry.id, never],
      offerId: [boOffer.id, boOffer.id + 1, never],
      broadcastId: [draft.id, never],
      articleId: [1, never],
      revision: [1, 2, never],
      tip: [0, 1, never],
      minutes: [minutes],
    };
    const valuesOf = (name: string, kind: FieldKind): Array<string | number> => {
      if (typeof kind !== "string") return [...kind];
      if (kind === "int") {
        const values = candidates[name];
        if (!values) throw new Error(`no forged values for the field ${name}: add them here`);
        return values;
      }
      return { slug: [third.practitionerId], date: ["2026-12-02"], zone: ["America/Vancouver"], token: ["x"], word: ["x"] }[kind];
    };

    const shapes: string[] = [];
    const codecs = allCallbackCodecs().filter((codec) => !codec.prefix.startsWith("zz"));
    for (const codec of codecs) {
      if (OWN_STATE_PREFIXES.includes(codec.prefix)) continue;
      for (const [action, fields] of Object.entries(codec.actions)) {
        let combinations: Array<Record<string, string | number>> = [{}];
        for (const [name, kind] of Object.entries(fields)) {
          combinations = combinations.flatMap((partial) => valuesOf(name, kind).map((value) => ({ ...partial, [name]: value })));
        }
        for (const values of combinations) shapes.push((codec.data as (action: string, values: object) => string)(action, values));
      }
    }
    // Every feature's buttons are either pressed here or listed as acting on the presser's own data only.
    expect(codecs.map((codec) => codec.prefix).sort()).toEqual(expect.arrayContaining([...OWN_STATE_PREFIXES, "ap", "rqp", "pp", "rm", "wl", "rq", "today", "bc"].sort()));
    // The shape of the waitlist button before offers were recorded: a free time of the patient's choosing.
    shapes.push(`wl:yes:${malloryEntry.id}:${third.practitionerId}:${minutes}`, `wl:yes:${malloryEntry.id}`);
    expect(shapes.length).toBeGreaterThan(60);

    const before = await databaseContents(t.database);
    const answersBefore = t.sim.callsTo("answerCallbackQuery").length;
    // On a message of the bot in Mallory's chat.
    const inHerChat = t.sim.lastMessageTo(mallory.id)!;
    for (const data of shapes) await t.send(t.sim.pushUpdate(callbackQuery(mallory, data, inHerChat)));
    await t.services.engine.drain();

    expect(await databaseContents(t.database)).toEqual(before);
    // Each press was answered once (not dropped unseen, no error), and nothing reached the staff chat or Bo.
    expect(t.sim.callsTo("answerCallbackQuery").length - answersBefore).toBe(shapes.length);
    expect(t.sentTo(mallory.id).map((message) => message.text)).not.toContain(expect.stringMatching(/Sorry, something went wrong/));
    const bos = t.sentTo(bo.id).length;
    const staffs = t.sentTo(STAFF_CHAT_ID).length;
    await t.services.engine.drain();
    expect(t.sentTo(bo.id).length).toBe(bos);
    expect(t.sentTo(STAFF_CHAT_ID).length).toBe(staffs);
  }, 120_000);

  it("a waitlist acceptance takes only the time offered to that entry, while free, and within the patient's cap", async () => {
    t = await createTestBot({ provider, now: () => START, floodLimit: 10_000 });
    const { booking } = t.services.deps;
    const steps = bookingSteps(t);
    await t.send(command(mallory, "/start"));
    const entry = await booking.appointments.addToWaitlist({ userId: mallory.id, chatId: mallory.id, serviceId: "massage-60", practitionerId: null, date: "2026-12-02", patientName: "Mallory", phone: "+16135550666", language: "en" });
    // Three requests: Mallory is at the cap of upcoming appointments and requests.
    for (let i = 0; i < 3; i++) await steps.bookRequest(mallory);
    const request = (await booking.appointments.findRequest(1))!;
    const offer = await booking.appointments.recordOffer(entry.id, { practitionerId: request.practitionerId, startsAt: new Date(request.startsAt.getTime() + 3 * 3600_000) });
    await t.send(t.sim.pushUpdate(callbackQuery(mallory, `wl:yes:${offer.id}`, t.sim.lastMessageTo(mallory.id))));
    expect(await t.database.prisma.appointment.count()).toBe(0);
    expect(t.lastTextTo(mallory.id)).toMatch(/already have 3 appointments or requests/);
    // Under the cap (one request withdrawn), the offered time is hers; a second press finds the offer taken.
    await t.send(t.sim.pushUpdate(callbackQuery(mallory, "rqp:cancel:2", t.sim.lastMessageTo(mallory.id))));
    await t.send(t.sim.pushUpdate(callbackQuery(mallory, `wl:yes:${offer.id}`, t.sim.lastMessageTo(mallory.id))));
    expect(t.lastTextTo(mallory.id)).toMatch(/It.s yours/);
    expect(await t.database.prisma.appointment.count({ where: { userId: mallory.id, status: "confirmed" } })).toBe(1);
    expect((await t.database.prisma.waitlistOffer.findUniqueOrThrow({ where: { id: offer.id } })).status).toBe("taken");
    await t.send(t.sim.pushUpdate(callbackQuery(mallory, `wl:yes:${offer.id}`, t.sim.lastMessageTo(mallory.id))));
    expect(await t.database.prisma.appointment.count()).toBe(1);
  });
});
