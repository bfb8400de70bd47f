import { afterEach, describe, expect, it } from "vitest";
import { createTestBot, STAFF_CHAT_ID, STAFF_ID, type TestBot } from "../../test/kit/test-bot.js";
import { testProviders } from "../../test/kit/test-database.js";
import { bookingSteps } from "../../test/kit/booking-steps.js";
import { whereStored } from "../../test/kit/database-contents.js";
import type { UploadedFile } from "../bot-api-peer/index.js";
import { command, contactMessage, user } from "../bot-api-peer/updates.js";
import { confirmRequest } from "../booking/confirm-request.js";
import { cancelAppointment } from "../booking/cancel-appointment.js";
import { CONSENT_PURPOSE, CONSENT_VERSION } from "./booking.js";

// Tuesday 1 December 2026, 08:00 in Ottawa.
const START = new Date("2026-12-01T13:00:00Z");
const HOUR = 3600_000;

describe.each(testProviders)("an erasure that leaves nothing behind on %s", (provider) => {
  let t: TestBot;
  let clock = START;
  afterEach(async () => {
    clock = START;
    await t?.close();
  });
  const zora = user(51_001, { first_name: "Zora", last_name: "Quill", username: "zoraq" });
  const staff = user(STAFF_ID, { first_name: "Sam" });
  /** What identifies Zora and her health: name, phone, insurer, note, red flags. */
  const HER_DETAILS = ["Zora", "Quill", "zoraq", "6135550199", "Sun Life", "since the move", "saddle-numbness"];

  it("after /forget her name, phone, insurer, note and red flags are in no column of any table, staff notices included; announcements held for her are cancelled", async () => {
    t = await createTestBot({ provider, now: () => clock, floodLimit: 10_000 });
    const { booking, broadcasts, broadcastService } = t.services.deps;
    const steps = bookingSteps(t);
    // A request with direct billing and a note that is a red flag (an alert goes to staff), and one that is confirmed, then cancelled by staff.
    await steps.bookRequest(zora, { billing: true, note: "Saddle numbness since the move" });
    await steps.bookRequest(zora);
    const confirmed = await confirmRequest(booking, { requestId: 2, by: { id: STAFF_ID, name: "Sam" } });
    expect(confirmed.ok).toBe(true);
    if (!confirmed.ok) return;
    await cancelAppointment(booking, { appointmentId: confirmed.appointment.id, staffName: "Sam" });
    // Nobody answered the first request in time: staff are reminded, with her name and phone.
    clock = new Date(START.getTime() + 5 * HOUR);
    expect(await t.services.runStaleRequests(clock)).toBe(1);
    await t.services.engine.drain();
    expect(t.sentTo(STAFF_CHAT_ID).map((message) => message.text).join("\n")).toMatch(/Zora Quill[\s\S]*red flag[\s\S]*cancelled[\s\S]*6135550199/i);

    // An announcement to everyone, paused while her message is still waiting.
    const draft = await broadcasts.startComposing({ id: STAFF_ID, name: "Sam", chatId: STAFF_ID });
    await broadcasts.saveMessage(draft.id, { text: "Closed Friday", entities: null, photoFileId: null });
    await broadcasts.setAudience(draft.id, "everyone");
    await broadcastService.start(draft.id, ["draft"]);
    await broadcasts.transition(draft.id, ["sending"], "paused");
    await broadcasts.holdPending(draft.id);

    await t.send(command(zora, "/forget"));
    await t.send(t.sim.pressButton(zora, t.sim.lastMessageTo(zora.id)!, "privacy:forget"));
    expect(t.lastTextTo(zora.id)).toContain("your personal data has been erased");

    expect(await whereStored(t.database, HER_DETAILS)).toEqual([]);
    const toHer = await t.database.prisma.outboxMessage.findFirstOrThrow({ where: { key: `broadcast:${draft.id}:${zora.id}` } });
    expect(toHer.status).toBe("cancelled");
    // Staff still learn of the erasure, and the card in their chat no longer shows her details.
    await t.services.engine.drain();
    expect(t.lastTextTo(STAFF_CHAT_ID)).toContain(`Telegram id ${zora.id}`);
    const card = t.sim.message(STAFF_CHAT_ID, t.sentTo(STAFF_CHAT_ID).find((message) => message.text?.includes("Request MS-000001"))!.message_id)!;
    expect(card.text).not.toContain("Zora");
    expect(card.text).not.toContain("6135550199");
  }, 60_000);

  it("a booking left half-way shows in /mydata, and is deleted once its wait limit passes even if she never writes again", async () => {
    t = await createTestBot({ provider, now: () => clock });
    const steps = bookingSteps(t);
    await steps.upToConsent(zora);
    await steps.press(zora, "I agree");
    await t.send(contactMessage(zora, "+1 613 555 0199"));
    await steps.say(zora, "Sun Life");

    await t.send(command(zora, "/mydata"));
    const file = t.sim.callsTo("sendDocument").at(-1)!.params.document as UploadedFile;
    const data = JSON.parse(file.data.toString("utf8")) as { bookingInProgress: { youSent: string[]; youChose: string[] } | null };
    expect(data.bookingInProgress?.youSent).toEqual(expect.arrayContaining(["+1 613 555 0199", "Sun Life"]));
    expect(data.bookingInProgress?.youChose).toEqual(expect.arrayContaining(["Registered massage therapy — 60 min", "No preference", "Use “Zora Quill”", "I agree"]));

    // Within the wait limit it stays (she may come back); past it, the housekeeping job deletes it.
    expect(await t.services.runAbandonedBookings(new Date(clock.getTime() + 23 * HOUR))).toBe(0);
    expect(await whereStored(t.database, ["6135550199"])).not.toEqual([]);
    expect(await t.services.runAbandonedBookings(new Date(Date.now() + 25 * HOUR))).toBe(1);
    expect(await whereStored(t.database, ["6135550199", "Sun Life"])).toEqual([]);
  });

  it("asks for consent again when its wording changed since she agreed, before the next phone number is stored", async () => {
    t = await createTestBot({ provider, now: () => clock });
    const steps = bookingSteps(t);
    await t.send(command(zora, "/start"));
    await t.services.deps.personalData.recordConsent(zora.id, CONSENT_PURPOSE, "2025-01");
    await steps.upToConsent(zora);
    expect(t.lastTextTo(zora.id)).toContain("Do you agree?");
    await steps.press(zora, "I agree");
    expect(t.lastTextTo(zora.id)).toContain("What phone number");
    expect(await t.database.prisma.consent.findFirstOrThrow({ where: { userId: zora.id, purpose: CONSENT_PURPOSE } })).toMatchObject({ textVersion: CONSENT_VERSION });
    // Agreed to the current wording: the next booking does not ask again.
    await t.send(command(zora, "/cancel"));
    await steps.upToConsent(zora);
    expect(t.lastTextTo(zora.id)).toContain("What phone number");
  });

  it("without STAFF_CHAT_ID, red-flag alerts and erasure notices go where request cards go: the first staff member", async () => {
    t = await createTestBot({ provider, now: () => clock, env: { STAFF_CHAT_ID: "" } });
    await t.send(command(zora, "/start"));
    await bookingSteps(t).say(zora, "I have saddle numbness since this morning");
    await t.services.engine.drain();
    await t.send(command(zora, "/forget"));
    await t.send(t.sim.pressButton(zora, t.sim.lastMessageTo(zora.id)!, "privacy:forget"));
    await t.services.engine.drain();
    const toStaff = t.sentTo(staff.id).map((message) => message.text ?? "");
    expect(toStaff.some((text) => text.includes("red flag"))).toBe(true);
    expect(toStaff.some((text) => text.includes(`Telegram id ${zora.id}`))).toBe(true);
    // The alert named her; erased with her.
    expect(await whereStored(t.database, ["Zora", "Quill"])).toEqual([]);
  });
});
