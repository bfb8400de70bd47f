import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DateTime } from "luxon";
import type { Browser, Page } from "playwright-core";
import { openDatabase, type Database } from "../../src/db/database.js";
import { createAppointmentRepository } from "../../src/booking/appointment-repository.js";
import { loadClinicProfile } from "../../src/clinic/clinic-profile.js";
import { deskLaunchUrl, signedLaunchData } from "../kit/launch-data.js";
import { chromiumAvailable, CHROMIUM_PATH, launchChromium } from "../kit/browser.js";
import { chatClient, E2E_TOKEN, freePort, usePeerAndDatabase } from "./harness.js";

/**
 * The desk in a real browser (Debian's chromium, headless), opened as
 * Telegram opens a Mini App: the page's URL with the launch data in its
 * fragment, served by the real bot process.
 */
const STAFF = 73_900;
const ANA = 73_001;
const BO = 73_002;
const CY = 73_003;
const DEE = 73_004;
const staffUser = { id: STAFF, first_name: "Sam", last_name: "Reyes", language_code: "en" };

describe("the staff desk in Chromium", () => {
  const e2e = usePeerAndDatabase("sqlite");
  let browser: Browser;
  let database: Database;
  let deskUrl: string;
  let waitingId: number;
  let secondWaitingId: number;
  let pastId: number;
  let tomorrowId: number;
  let announcementId: number;

  beforeAll(async () => {
    if (!chromiumAvailable()) throw new Error(`no browser at ${CHROMIUM_PATH}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
    const port = await freePort();
    deskUrl = `http://127.0.0.1:${port}/desk/`;
    const [launched] = await Promise.all([
      launchChromium(),
      e2e.start({ PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, STAFF_IDS: String(STAFF), STAFF_CHAT_ID: String(STAFF) }),
    ]);
    browser = launched;
    // Ana has an appointment today; Bo's request for later today waits for staff.
    database = await openDatabase(e2e.location.url);
    const clinic = loadClinicProfile("content");
    const today = DateTime.now().setZone(clinic.timeZone).startOf("day");
    const appointments = createAppointmentRepository(database.prisma);
    const request = (userId: number, name: string, hour: number, practitionerId: string) =>
      appointments.createRequest({
        userId, chatId: userId, serviceId: "massage-60", practitionerId, anyPractitioner: false,
        startsAt: today.set({ hour }).toJSDate(), endsAt: today.set({ hour: hour + 1 }).toJSDate(),
        patientName: name, phone: "+16135550142", directBilling: false, insurer: null, billingNote: null, note: null, redFlags: [], language: "en",
      });
    const booked = await request(ANA, "Ana Silva", 10, "camille-tremblay");
    const confirmed = await appointments.confirm({
      requestId: booked.id, from: ["requested"], startsAt: booked.startsAt, endsAt: booked.endsAt, practitionerId: booked.practitionerId, by: { id: STAFF, name: "Sam" }, now: new Date(), maxUpcoming: clinic.booking.maxUpcomingPerPatient,
    });
    if (!confirmed.ok) throw new Error("could not seed the appointment");
    // Dee's appointment two days ago has no outcome yet; her next one is tomorrow.
    const confirmAt = async (startsAt: DateTime, practitionerId: string) => {
      const asked = await appointments.createRequest({
        userId: DEE, chatId: DEE, serviceId: "massage-60", practitionerId, anyPractitioner: false, startsAt: startsAt.toJSDate(), endsAt: startsAt.plus({ hours: 1 }).toJSDate(),
        patientName: "Dee Park", phone: "+16135550143", directBilling: false, insurer: null, billingNote: null, note: null, redFlags: [], language: "en",
      });
      const result = await appointments.confirm({
        requestId: asked.id, from: ["requested"], startsAt: asked.startsAt, endsAt: asked.endsAt, practitionerId, by: { id: STAFF, name: "Sam" }, now: new Date(), maxUpcoming: clinic.booking.maxUpcomingPerPatient,
      });
      if (!result.ok) throw new Error("could not seed Dee's appointment");
      return result.appointment.id;
    };
    pastId = await confirmAt(today.minus({ days: 2 }).set({ hour: 9 }), "sarah-chen");
    tomorrowId = await confirmAt(today.plus({ days: 1 }).set({ hour: 9 }), "sarah-chen");
    waitingId = (await request(BO, "Bo Tran", 14, "daniel-okafor")).id;
    // An announcement longer than its card's preview.
    announcementId = (await database.prisma.broadcast.create({
      data: {
        authorId: STAFF, authorName: "Sam", authorChatId: STAFF, status: "done", audience: "everyone", recipientCount: 21, startedAt: new Date(), finishedAt: new Date(),
        text: "The clinic closes early on Thursday for a staff training afternoon.\nEvening appointments move to Friday; we will call each of you.\nThe front desk answers the phone until noon.\nThank you for your patience!",
      },
    })).id;
    secondWaitingId = (await request(CY, "Cy Roy", 16, "camille-tremblay")).id;
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await database?.close();
  });

  /** Every request a page made that was not to the desk itself: there should be none. */
  const outside: string[] = [];

  async function openDesk(user: typeof staffUser, theme?: Record<string, string>): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 420, height: 900 } });
    page.on("request", (request) => {
      if (!request.url().startsWith(deskUrl)) outside.push(request.url());
    });
    await page.goto(deskLaunchUrl(deskUrl, signedLaunchData(E2E_TOKEN, user), theme));
    return page;
  }

  it("shows today's booked appointment and confirms a waiting request: the patient is told", async () => {
    const bo = chatClient(e2e.peer, BO, "Bo");
    const page = await openDesk(staffUser, { bg_color: "#102030", text_color: "#f0f0f0", button_color: "#50a0e0", button_text_color: "#000000" });
    await page.locator('#view[data-ready="true"]').waitFor();
    const appointment = page.locator("li.appointment", { hasText: "Ana Silva" });
    await expect.poll(() => appointment.count()).toBe(1);
    expect(await appointment.innerText()).toMatch(/10:00 a\.m\.–11:00 a\.m\.[\s\S]*Registered massage therapy — 60 min · Camille Tremblay/);
    expect(await appointment.innerText()).toContain("Confirmed");
    // Telegram's theme colours are followed.
    expect(await page.evaluate("getComputedStyle(document.body).backgroundColor")).toBe("rgb(16, 32, 48)");

    const request = page.locator(`li.request[data-request-id="${waitingId}"]`);
    expect(await request.innerText()).toMatch(/Bo Tran[\s\S]*Waiting for confirmation/);
    await request.getByRole("button", { name: "Confirm" }).click();
    await expect.poll(() => page.locator("#notice").innerText(), { timeout: 10_000 }).toContain("Confirmed. The patient and the staff chat are told.");
    // The request is now an appointment on the page, and the patient got the confirmation through Telegram.
    await expect.poll(() => page.locator("li.appointment", { hasText: "Bo Tran" }).count()).toBe(1);
    const confirmation = await bo.waitFor(/Your appointment is confirmed/, 20_000);
    expect(confirmation.text).toContain("MS-");
    const stored = await database.prisma.appointmentRequest.findUniqueOrThrow({ where: { id: waitingId } });
    expect(stored).toMatchObject({ status: "confirmed", handledByName: "Sam Reyes" });
    await page.close();
  }, 60_000);

  it("shows one day in the day view, and declines a request with the reason staff typed: the patient gets it", async () => {
    const cy = chatClient(e2e.peer, CY, "Cy");
    const page = await openDesk(staffUser);
    await page.locator('#view[data-ready="true"]').waitFor();
    await page.getByRole("tab", { name: "Day" }).click();
    await expect.poll(() => page.locator('#view[data-view="day"] section.day').count()).toBe(1);
    const request = page.locator(`li.request[data-request-id="${secondWaitingId}"]`);
    await request.getByRole("button", { name: "Decline" }).click();
    await request.locator("textarea").fill("Camille is away that afternoon, sorry.");
    await request.getByRole("button", { name: "Send" }).click();
    await expect.poll(() => page.locator("#notice").innerText(), { timeout: 10_000 }).toContain("Declined. The patient gets the reason.");
    await expect.poll(() => page.locator(`li.request[data-request-id="${secondWaitingId}"]`).count()).toBe(0);
    const answer = await cy.waitFor(/Camille is away that afternoon, sorry\./, 20_000);
    expect(answer.text).toContain("MS-");
    await page.close();
  }, 60_000);

  it("lists a past appointment with no outcome, asks before recording one, undoes it, and offers none before an appointment begins", async () => {
    const page = await openDesk(staffUser);
    await page.locator('#view[data-ready="true"]').waitFor();
    await page.getByRole("tab", { name: "Day" }).click();
    await page.locator('#view[data-view="day"][data-ready="true"]').waitFor();
    const past = page.locator(`section.to-mark li[data-appointment-id="${pastId}"]`);
    await expect.poll(() => past.count(), { timeout: 10_000 }).toBe(1);
    expect(await page.locator("section.to-mark h2").innerText()).toMatch(/Past appointments with no outcome yet \(\d+\)/);
    expect(await past.innerText()).toContain("Dee Park");

    // A first tap only asks, naming the patient and the time; Cancel records nothing.
    await past.getByRole("button", { name: "Completed" }).click();
    expect(await past.locator(".ask").innerText()).toMatch(/Mark Dee Park's appointment of .+ at .+ as completed\?/);
    // Times read as in the chat: "9:00 a.m.", not "09:00 AM".
    expect(await past.locator(".ask").innerText()).toMatch(/ at 9:00 a\.m\. as completed\?$/);
    await past.getByRole("button", { name: "Cancel" }).click();
    expect(await past.getByRole("button", { name: "No-show" }).count()).toBe(1);
    expect((await database.prisma.appointment.findUniqueOrThrow({ where: { id: pastId } })).status).toBe("confirmed");

    await past.getByRole("button", { name: "No-show" }).click();
    await past.getByRole("button", { name: "Yes, mark it" }).click();
    await expect.poll(() => page.locator("#notice").innerText(), { timeout: 10_000 }).toContain("Saved.");
    expect((await database.prisma.appointment.findUniqueOrThrow({ where: { id: pastId } })).status).toBe("no-show");
    await expect.poll(() => past.count(), { timeout: 10_000 }).toBe(0);

    // Undone from the notice: confirmed again, and back in the list to mark.
    await page.locator(`#notice button[data-undo="${pastId}"]`).click();
    await expect.poll(() => page.locator("#notice").innerText(), { timeout: 10_000 }).toContain("Undone: the appointment is confirmed again");
    expect((await database.prisma.appointment.findUniqueOrThrow({ where: { id: pastId } })).status).toBe("confirmed");
    await expect.poll(() => past.count(), { timeout: 10_000 }).toBe(1);

    // Tomorrow's appointment shows no outcome buttons.
    await page.locator("#next").click();
    const tomorrow = page.locator(`li.appointment[data-appointment-id="${tomorrowId}"]`);
    await expect.poll(() => tomorrow.count(), { timeout: 10_000 }).toBe(1);
    expect(await tomorrow.getByRole("button").count()).toBe(0);
    expect((await database.prisma.appointment.findUniqueOrThrow({ where: { id: tomorrowId } })).status).toBe("confirmed");
    await page.close();
  }, 60_000);

  it("shows an announcement's preview in whole lines above its figures, and each week's label under its own bar", async () => {
    const page = await openDesk(staffUser);
    await page.locator('#view[data-ready="true"]').waitFor();
    await page.getByRole("tab", { name: "Announcements" }).click();
    const card = page.locator(`.card[data-announcement-id="${announcementId}"]`);
    await expect.poll(() => card.count(), { timeout: 10_000 }).toBe(1);
    // Measured in the page (a string: the tests are not compiled against the DOM's types).
    const layout = (await page.evaluate(`(() => {
      const node = document.querySelector('.card[data-announcement-id="${announcementId}"]');
      const preview = node.querySelector(".preview");
      const figures = [...node.querySelectorAll(".what")].at(-1);
      return {
        lines: preview.clientHeight / parseFloat(getComputedStyle(preview).lineHeight),
        clipped: preview.scrollHeight > preview.clientHeight,
        gap: figures.getBoundingClientRect().top - preview.getBoundingClientRect().bottom,
        figures: figures.textContent,
      };
    })()`)) as { lines: number; clipped: boolean; gap: number; figures: string };
    expect(layout.figures).toContain("0 sent of 21");
    expect(layout.clipped).toBe(true);
    // Whole lines only: no sliver of a cut line sits on top of the figures.
    expect(Math.abs(layout.lines - Math.round(layout.lines))).toBeLessThan(0.05);
    expect(layout.gap).toBeGreaterThanOrEqual(0);

    await page.getByRole("tab", { name: "Tips" }).click();
    await expect.poll(() => page.locator("svg.chart").count(), { timeout: 10_000 }).toBe(2);
    // How far each week's label is from the middle of the nearest bar.
    const offsets = (await page.evaluate(`(() => {
      const chart = document.querySelector("svg.chart");
      const bars = [...chart.querySelectorAll("rect.bar")].map((bar) => { const box = bar.getBBox(); return box.x + box.width / 2; });
      const labels = [...chart.querySelectorAll("text")].filter((text) => /[A-Za-z]/.test(text.textContent));
      return labels.map((label) => {
        const box = label.getBBox();
        return Math.min(...bars.map((bar) => Math.abs(bar - (box.x + box.width / 2))));
      });
    })()`)) as number[];
    expect(offsets.length).toBeGreaterThan(2);
    for (const offset of offsets) expect(offset).toBeLessThan(1.5);
    await page.close();
  }, 60_000);

  it("without launch data (opened outside Telegram) shows only how to open it", async () => {
    const page = await browser.newPage();
    await page.goto(deskUrl);
    await expect.poll(() => page.locator("#view").innerText()).toContain("Open the desk from the clinic's bot in Telegram.");
    await page.close();
  }, 30_000);

  it("speaks French to a French-speaking staff member, and shows patients nothing", async () => {
    const french = await openDesk({ ...staffUser, language_code: "fr" });
    await french.locator('#view[data-ready="true"]').waitFor();
    expect(await french.locator("#tabs").innerText()).toMatch(/Semaine[\s\S]*Jour[\s\S]*Annonces[\s\S]*Conseils[\s\S]*Agendas/);
    // The same time format as the bot's French messages.
    expect(await french.locator("li.appointment", { hasText: "Ana Silva" }).innerText()).toContain("10 h 00–11 h 00");
    await french.close();

    const patient = await openDesk({ id: ANA, first_name: "Ana", last_name: "Silva", language_code: "en" });
    await expect.poll(() => patient.locator("#view").innerText()).toContain("The desk is for the clinic's staff only.");
    expect(await patient.content()).not.toContain("Bo Tran");
    await patient.close();
    expect(outside).toEqual([]);
  }, 60_000);
});
