import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DateTime } from "luxon";
import { Sandbox } from "./sandbox.js";
import { servePage, type RunningPage } from "./page-server.js";
import { SandboxPageClient } from "../../test/kit/sandbox-page-client.js";

/**
 * The sandbox's clock controls, through the page's own HTTP API and event
 * stream (what the page's script uses), without a browser: what is due at the
 * new time arrives in the chats as it would in Telegram.
 */
describe("moving the sandbox clock", () => {
  let sandbox: Sandbox;
  let page: RunningPage;
  let client: SandboxPageClient;
  const STAFF = 500_001;

  /** Bo's request waits for staff; Ana's, on the last day offered (more than a day ahead), is confirmed at once. Both are made before the clock moves, side by side. */
  let bo: { chatId: number; reference: string };
  let ana: { chatId: number; reference: string };

  beforeAll(async () => {
    sandbox = await Sandbox.start({ logLevel: "silent" });
    page = await servePage(sandbox, 0);
    client = await SandboxPageClient.connect(page.url);
    const [boId, anaId] = [await client.addPatient("Bo Tran"), await client.addPatient("Ana Lima")];
    const [boReference, anaReference] = await Promise.all([requestAppointment(boId, "first"), requestAppointment(anaId, "last")]);
    bo = { chatId: boId, reference: boReference };
    ana = { chatId: anaId, reference: anaReference };
    await client.press(STAFF, new RegExp(`Request ${ana.reference}`), /Confirm/);
    await client.waitFor(ana.chatId, /Your appointment is confirmed/);
    await client.waitFor(ana.chatId, /Your appointment, to add to your calendar/);
  }, 90_000);

  afterAll(async () => {
    client?.close();
    await page?.close();
    await sandbox?.close();
  });

  /** A patient's request from /book to "sent", on the first or the last day offered, at its first free time; returns its reference. */
  async function requestAppointment(chatId: number, day: "first" | "last"): Promise<string> {
    await client.send(chatId, "/book");
    await client.press(chatId, /What would you like to book/, /60 min/);
    await client.press(chatId, /With whom/, /No preference/);
    const days = await client.waitFor(chatId, /Which day/);
    const dayButtons = days.buttons.flat().filter((button) => button.data !== undefined && !/Cancel/.test(button.text));
    await client.post("/api/press", { chatId, messageId: days.id, data: (day === "first" ? dayButtons[0] : dayButtons.at(-1))!.data });
    await client.press(chatId, /Free times on/, /^\d/);
    await client.press(chatId, /What name should the clinic use/, /Use/);
    await client.press(chatId, /Do you agree/, /I agree/);
    await client.waitFor(chatId, /What phone number/);
    await client.shareContact(chatId);
    await client.press(chatId, /bill your insurance directly/, /^No$/);
    await client.press(chatId, /Anything the practitioner should know/, /Skip/);
    await client.press(chatId, /Please check your request/, /Send my request/);
    const sent = await client.waitFor(chatId, /Your request is sent/);
    return /MS-\d{6}-\d/.exec(sent.text)![0];
  }

  // In this order: the clock only moves forward.
  it("a request nobody answers: after the clinic's limit (four times +1 hour) staff get the stale-request notice and the patient is told", async () => {
    const limitHours = sandbox.clinic.booking.requestStaleAfterHours;
    const { chatId, reference } = bo;
    await client.waitFor(STAFF, new RegExp(`Request ${reference}`));
    const stale = new RegExp(`Request ${reference} from Bo Tran .* has waited more than ${limitHours} hours`);

    const toStaff = () => sandbox.app.database.prisma.outboxMessage.count({ where: { chatId: BigInt(STAFF) } });
    const queuedBefore = await toStaff();
    for (let hour = 1; hour < limitHours; hour++) await client.moveClock("plus-1h");
    // The stale-request job ran at each new time (moveClock waits for it): nothing more was queued for staff, so nothing can arrive.
    expect(await toStaff()).toBe(queuedBefore);
    expect(client.botTexts(STAFF).filter((text) => stale.test(text))).toEqual([]);

    await client.moveClock("plus-1h");
    const notice = await client.waitFor(STAFF, stale);
    expect(notice.text).toContain("The patient was told the clinic will call.");
    const patient = await client.waitFor(chatId, new RegExp(`Your request ${reference} is taking longer than usual`));
    expect(patient.text).toContain(sandbox.clinic.phone);
  }, 90_000);

  it("a confirmed appointment: moving the clock to a day before, then two hours before, brings each reminder", async () => {
    const { chatId } = ana;
    const appointment = await sandbox.app.database.prisma.appointment.findFirstOrThrow({ where: { request: { patientName: "Ana Lima" } } });
    const startsAt = DateTime.fromJSDate(appointment.startsAt);
    // On the last day offered: still more than a day ahead after the stale-request test's hours.
    expect(startsAt.diff(DateTime.fromISO(client.clock), "hours").hours).toBeGreaterThan(24);
    expect(client.botTexts(chatId).filter((text) => text.startsWith("Reminder"))).toEqual([]);

    await client.moveClock(startsAt.minus({ hours: 24 }).toJSDate());
    const dayBefore = await client.waitFor(chatId, /^Reminder: tomorrow you have/);
    expect(dayBefore.text).toContain("Registered massage therapy — 60 min");
    expect(dayBefore.buttons.flat().map((button) => button.text)).toEqual(expect.arrayContaining([expect.stringMatching(/I'll be there/)]));
    expect(client.botTexts(chatId).filter((text) => /in 2 hours/.test(text))).toEqual([]);

    await client.moveClock(startsAt.minus({ hours: 2 }).toJSDate());
    await client.waitFor(chatId, /^Reminder: in 2 hours you have/);
    expect(client.botTexts(chatId).filter((text) => text.startsWith("Reminder"))).toHaveLength(2);
  }, 90_000);
});
