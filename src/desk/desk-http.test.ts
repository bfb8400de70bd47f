import { afterAll, beforeAll, describe, expect, it } from "vitest";
import ICAL from "ical.js";
import { createTestBot, STAFF_CHAT_ID, STAFF_ID, TEST_TOKEN, type TestBot } from "../../test/kit/test-bot.js";
import { testProviders } from "../../test/kit/test-database.js";
import { user } from "../bot-api-peer/updates.js";
import { bookingSteps } from "../../test/kit/booking-steps.js";
import { signedLaunchData } from "../../test/kit/launch-data.js";
import { startHttpServer, type RunningHttpServer } from "../http/server.js";
import { confirmRequest } from "../booking/confirm-request.js";
import { cancelAppointment } from "../booking/cancel-appointment.js";
import { loadClinicProfile } from "../clinic/clinic-profile.js";
import { storeBlogPosts } from "../content/blog/store-blog-posts.js";

// Tuesday 1 December 2026, 08:00 in Ottawa.
const START = new Date("2026-12-01T13:00:00Z");
const HOUR = 3600_000;

const ana = user(61_001, { first_name: "Ana", last_name: "Silva", language_code: "en" });
const bo = user(61_002, { first_name: "Bo", language_code: "en" });
const staffUser = { id: STAFF_ID, first_name: "Sam", last_name: "Reyes", language_code: "en" };

describe.each(testProviders)("the staff desk's API on %s", (provider) => {
  let t: TestBot;
  let http: RunningHttpServer;
  const clock = START;
  let booked: { appointmentId: number; requestId: number };
  let waitingId: number;
  const base = () => `http://127.0.0.1:${http.port}`;
  const staffAuth = () => `tma ${signedLaunchData(TEST_TOKEN, staffUser, { authDate: new Date(clock.getTime() - 60_000) })}`;

  async function call(path: string, options: { auth?: string | null; body?: unknown; method?: string } = {}) {
    const auth = options.auth === undefined ? staffAuth() : options.auth;
    const response = await fetch(`${base()}${path}`, {
      method: options.method ?? (options.body === undefined ? "GET" : "POST"),
      headers: { ...(auth !== null && { authorization: auth }), "content-type": "application/json" },
      body: options.body === undefined ? undefined : typeof options.body === "string" ? options.body : JSON.stringify(options.body),
    });
    const text = await response.text();
    // The answers are read as a client reads them: untyped JSON.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return { status: response.status, text, json: text.startsWith("{") ? (JSON.parse(text) as Record<string, any>) : null };
  }

  beforeAll(async () => {
    t = await createTestBot({ provider, now: () => clock, env: { PUBLIC_URL: "https://desk.example.com" } });
    http = await startHttpServer({
      port: 0,
      logger: t.services.deps.logger,
      health: async () => ({ ok: true, checks: {} }),
      mounts: { "/desk": t.services.desk! },
    });
    // Ana books twice through the chat: the first request is confirmed by staff, the second waits.
    const steps = bookingSteps(t);
    await steps.bookRequest(ana, { practitioner: "Camille" });
    const first = await t.database.prisma.appointmentRequest.findFirstOrThrow({ where: { userId: ana.id } });
    const confirmed = await confirmRequest(t.services.deps.booking, { requestId: first.id, by: { id: STAFF_ID, name: "Sam" } });
    if (!confirmed.ok) throw new Error(confirmed.reason);
    booked = { appointmentId: confirmed.appointment.id, requestId: first.id };
    await steps.bookRequest(bo, { practitioner: "Daniel" });
    waitingId = (await t.database.prisma.appointmentRequest.findFirstOrThrow({ where: { userId: bo.id } })).id;
    await t.services.engine.drain();
  }, 60_000);

  afterAll(async () => {
    await http?.close();
    await t?.close();
  });

  describe("the Articles view", () => {
    it("lists a draft with each tip card as patients get it, and applies only staff edits made on the current revision", async () => {
      const url = "https://clinic.example/neck-at-night/";
      const section = (heading: string, bodyHtml: string) => ({ id: heading.toLowerCase().replace(/[^a-z]+/g, "-"), heading, bodyMarkdown: "", bodyHtml, line: 0, isTip: true });
      const { added } = await storeBlogPosts(t.services.deps.blog, {
        posts: [{ key: url, article: {
          slug: "neck-at-night", title: "neck at night", date: "2025-10-01", language: "en", tags: [], url, file: url, imported: true, intro: "",
          sections: [section("One pillow", "One pillow keeps the neck <b>level</b>."), section("Share on Facebook", "Tweet"), section("Side sleeping", "A pillow between the knees.")],
        } }],
        skipped: [],
      });
      const id = added[0]!.id;
      const listed = (await call("/desk/api/articles")).json!.articles.find((article: { id: number }) => article.id === id);
      expect(listed).toMatchObject({ status: "draft", revision: 1, editable: true, title: "neck at night" });
      expect(listed.tips.map((tip: { heading: string }) => tip.heading)).toEqual(["One pillow", "Share on Facebook", "Side sleeping"]);
      expect(listed.tips[0].card).toBe(`<b>One pillow</b>\n\nOne pillow keeps the neck <b>level</b>.\n\n<a href="${url}">Read the whole article</a>\n\n<i>${t.services.deps.clinic.disclaimer.en}</i>`);
      expect(listed.tips[0].text).toBe("One pillow keeps the neck level.");

      // A patient's genuine launch data, a missing signature: refused, nothing changes.
      const patient = `tma ${signedLaunchData(TEST_TOKEN, { id: ana.id, first_name: "Ana" }, { authDate: clock })}`;
      expect((await call(`/desk/api/articles/${id}/tips/1/drop`, { auth: patient, body: { revision: 1 } })).status).toBe(403);
      expect((await call(`/desk/api/articles/${id}/publish`, { auth: null, body: { revision: 1 } })).status).toBe(401);
      expect((await call(`/desk/api/articles/${id}/tips/1/drop`, { body: {} })).status).toBe(400);

      const dropped = await call(`/desk/api/articles/${id}/tips/1/drop`, { body: { revision: 1 } });
      expect(dropped.status).toBe(200);
      expect(dropped.json!.article.tips.map((tip: { heading: string }) => tip.heading)).toEqual(["One pillow", "Side sleeping"]);
      // The same edit again, made on the revision it no longer is: 409, and the second tip stays.
      const stale = await call(`/desk/api/articles/${id}/tips/1/drop`, { body: { revision: 1 } });
      expect(stale.status).toBe(409);
      expect(stale.json).toMatchObject({ error: "stale", revision: 2 });
      const tooLong = await call(`/desk/api/articles/${id}/tips/0/edit`, { body: { revision: 2, heading: "One pillow", text: "x".repeat(1200) } });
      expect(tooLong).toMatchObject({ status: 400, json: { error: "too-long", limit: 1000 } });
      const published = await call(`/desk/api/articles/${id}/publish`, { body: { revision: 2 } });
      expect(published.json!.article).toMatchObject({ status: "published", editable: false });
      expect((await call(`/desk/api/articles/${id}/title`, { body: { revision: published.json!.article.revision, title: "Later" } })).json).toMatchObject({ error: "published" });
      expect((await t.services.deps.blog.find(id))!.published!.sections.map((tip) => tip.heading)).toEqual(["One pillow", "Side sleeping"]);
    });
  });

  describe("who may call it", () => {
    it("answers a staff member's genuine launch data, in their Telegram language", async () => {
      const me = await call("/desk/api/me");
      expect(me.status).toBe(200);
      expect(me.json).toMatchObject({ user: { id: STAFF_ID, name: "Sam Reyes" }, language: "en", clinic: { timeZone: "America/Toronto" } });
      expect(me.json!.strings["desk-confirm"]).toBe("Confirm");
      expect(me.json!.strings["desk-closed"]).toBe("Closed: {reason}");
      const french = await call("/desk/api/me", { auth: `tma ${signedLaunchData(TEST_TOKEN, { ...staffUser, language_code: "fr" }, { authDate: clock })}` });
      expect(french.json).toMatchObject({ language: "fr" });
      expect(french.json!.strings["desk-confirm"]).toBe("Confirmer");
    });

    it("refuses missing, forged and tampered launch data with 401 and no patient data", async () => {
      const genuine = signedLaunchData(TEST_TOKEN, staffUser, { authDate: clock });
      const forged = signedLaunchData("123456789:AAFsomeOtherBotsTokenEntirely00000000", staffUser, { authDate: clock });
      // A patient's genuine data with the user swapped for a staff member's: the signature no longer matches.
      const patients = new URLSearchParams(signedLaunchData(TEST_TOKEN, { id: ana.id, first_name: "Ana" }, { authDate: clock }));
      patients.set("user", JSON.stringify({ id: STAFF_ID, first_name: "Sam" }));
      const cases = [null, "", "tma", `Bearer ${genuine}`, `tma ${forged}`, `tma ${patients.toString()}`, `tma ${genuine.replace(/hash=[0-9a-f]{4}/, "hash=0000")}`, `tma ${genuine.replace(/&hash=.*/, "")}`];
      for (const auth of cases) {
        const response = await call("/desk/api/appointments?from=2026-12-01&to=2026-12-07", { auth });
        expect(response.status, String(auth)).toBe(401);
        expect(response.json).toMatchObject({ error: "unauthorized" });
        expect(response.text).not.toContain("Ana");
      }
    });

    it("refuses launch data more than 24 hours old with 401", async () => {
      const old = `tma ${signedLaunchData(TEST_TOKEN, staffUser, { authDate: new Date(clock.getTime() - 24 * HOUR - 60_000) })}`;
      const response = await call("/desk/api/appointments?from=2026-12-01&to=2026-12-07", { auth: old });
      expect(response.status).toBe(401);
      expect(response.json).toMatchObject({ error: "expired" });
      const fresh = `tma ${signedLaunchData(TEST_TOKEN, staffUser, { authDate: new Date(clock.getTime() - 23 * HOUR) })}`;
      expect((await call("/desk/api/me", { auth: fresh })).status).toBe(200);
    });

    it("refuses a patient's genuine launch data with 403", async () => {
      const patient = `tma ${signedLaunchData(TEST_TOKEN, { id: ana.id, first_name: "Ana" }, { authDate: clock })}`;
      for (const path of ["/desk/api/me", "/desk/api/appointments?from=2026-12-01&to=2026-12-07", "/desk/api/calendar-feeds", "/desk/api/announcements"]) {
        const response = await call(path, { auth: patient });
        expect(response.status, path).toBe(403);
        expect(response.text).not.toContain("Silva");
      }
      const confirm = await call(`/desk/api/requests/${waitingId}/confirm`, { auth: patient, body: {} });
      expect(confirm.status).toBe(403);
      expect((await t.services.deps.booking.appointments.findRequest(waitingId))!.status).toBe("requested");
    });

    it("serves the page itself without patient data, with a policy that loads nothing from elsewhere", async () => {
      const page = await fetch(`${base()}/desk/`);
      expect(page.status).toBe(200);
      expect(page.headers.get("content-security-policy")).toMatch(/default-src 'none'; script-src 'self'/);
      const html = await page.text();
      expect(html).not.toMatch(/https?:\/\//);
      const script = await (await fetch(`${base()}/desk/desk.js`)).text();
      expect(script).toContain("tgWebAppData");
      expect(script).not.toMatch(/(src|href)\s*=\s*["']https?:/);
      expect((await fetch(`${base()}/desk`, { redirect: "manual" })).headers.get("location")).toBe("/desk/");
    });
  });

  describe("the week", () => {
    it("lists the confirmed appointment and the waiting request with patient name, service, practitioner and status", async () => {
      const week = await call("/desk/api/appointments?from=2026-11-30&to=2026-12-06");
      expect(week.status).toBe(200);
      expect(week.json!.appointments).toEqual([
        expect.objectContaining({ id: booked.appointmentId, patientName: "Ana Silva", service: expect.stringContaining("60 min"), practitionerId: "camille-tremblay", practitioner: "Camille Tremblay", status: "confirmed" }),
      ]);
      expect(week.json!.requests).toEqual([
        expect.objectContaining({ id: waitingId, patientName: "Bo User61002", practitionerId: "daniel-okafor", status: "requested" }),
      ]);
      expect(week.json!.days.map((day: { date: string }) => day.date)).toEqual(["2026-11-30", "2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04", "2026-12-05", "2026-12-06"]);
      // Free time: Camille's day has a gap exactly where Ana's appointment is, and none in the past.
      const appointment = week.json!.appointments[0];
      const camilleFree = (week.json!.days as Array<{ free: Array<{ practitionerId: string; start: string; end: string }> }>)
        .flatMap((day) => day.free)
        .filter((free) => free.practitionerId === "camille-tremblay");
      expect(camilleFree.filter((free) => free.start < appointment.end && appointment.start < free.end)).toEqual([]);
      expect(camilleFree.some((free) => free.start === appointment.end)).toBe(true);
      expect(camilleFree.every((free) => new Date(free.start) >= START)).toBe(true);
    });

    it("filters by practitioner, and shows closures and holidays", async () => {
      const daniel = await call("/desk/api/appointments?from=2026-11-30&to=2026-12-06&practitioner=daniel-okafor");
      expect(daniel.json!.appointments).toEqual([]);
      expect(daniel.json!.requests).toHaveLength(1);
      expect(new Set(daniel.json!.days.flatMap((day: { free: Array<{ practitionerId: string }> }) => day.free.map((free) => free.practitionerId)))).toEqual(new Set(["daniel-okafor"]));
      const christmas = await call("/desk/api/appointments?from=2026-12-24&to=2026-12-26");
      expect(christmas.json!.days).toEqual([
        expect.objectContaining({ date: "2026-12-24", closure: null }),
        { date: "2026-12-25", closure: "Christmas Day", free: [] },
        { date: "2026-12-26", closure: "Boxing Day", free: [] },
      ]);
    });

    it.each([
      ["from=2026-12-01", "bad-range"],
      ["from=2026-12-07&to=2026-12-01", "bad-range"],
      ["from=2026-02-30&to=2026-03-02", "bad-range"],
      ["from=2026-12-01&to=2027-03-01", "bad-range"],
      ["from=yesterday&to=today", "bad-range"],
      ["from=2026-12-01&to=2026-12-07&practitioner=nobody", "unknown-practitioner"],
    ])("answers a malformed query (%s) with a clear JSON error", async (query, error) => {
      const response = await call(`/desk/api/appointments?${query}`);
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.json).toMatchObject({ error, message: expect.any(String) });
    });
  });

  describe("actions", () => {
    it("refuses unknown ids and bad bodies with JSON errors, changing nothing", async () => {
      const before = await t.database.prisma.appointmentRequest.findMany({ orderBy: { id: "asc" } });
      expect((await call("/desk/api/requests/999999/confirm", { body: {} })).json).toMatchObject({ error: "unknown-request" });
      expect((await call("/desk/api/requests/999999/decline", { body: { reason: "x" } })).status).toBe(404);
      expect((await call("/desk/api/appointments/999999/completed", { body: {} })).json).toMatchObject({ error: "unknown-appointment" });
      expect((await call(`/desk/api/requests/${waitingId}/decline`, { body: { reason: "   " } })).json).toMatchObject({ error: "bad-reason" });
      expect((await call(`/desk/api/requests/${waitingId}/decline`, { body: "{not json" })).json).toMatchObject({ error: "bad-json" });
      expect((await call(`/desk/api/requests/${waitingId}/move`, { body: { start: "soon", practitionerId: "daniel-okafor" } })).json).toMatchObject({ error: "bad-time" });
      expect((await call(`/desk/api/requests/${waitingId}/move`, { body: { start: "2026-12-25T15:00:00Z", practitionerId: "daniel-okafor" } })).json).toMatchObject({ error: "slot-unavailable", reason: "closure" });
      expect((await call("/desk/api/nothing-here")).status).toBe(404);
      expect(await t.database.prisma.appointmentRequest.findMany({ orderBy: { id: "asc" } })).toEqual(before);
    });

    it("moves a waiting request to another free time: the patient is asked, as from the chat", async () => {
      const request = await t.database.prisma.appointmentRequest.create({
        data: { userId: bo.id, chatId: bo.id, serviceId: "massage-60", practitionerId: "daniel-okafor", startsAt: new Date("2026-12-03T18:00:00Z"), endsAt: new Date("2026-12-03T19:00:00Z"), patientName: "Bo", phone: "+16135550111", language: "en" },
      });
      const { days } = (await call(`/desk/api/requests/${request.id}/free-times`)).json as { days: string[] };
      expect(days.length).toBeGreaterThan(0);
      const { slots } = (await call(`/desk/api/requests/${request.id}/free-times?date=${days[1]}`)).json as { slots: Array<{ start: string; practitionerId: string }> };
      const slot = slots.find((entry) => entry.practitionerId === "daniel-okafor") ?? slots[0]!;
      const moved = await call(`/desk/api/requests/${request.id}/move`, { body: { start: slot.start, practitionerId: slot.practitionerId } });
      expect(moved.json).toEqual({ ok: true });
      await t.services.engine.drain();
      expect(t.lastTextTo(bo.id)).toMatch(/the clinic can offer .* with Daniel Okafor .*Does that suit you/);
      const stored = await t.services.deps.booking.appointments.findRequest(request.id);
      expect(stored).toMatchObject({ status: "proposed", proposedStartsAt: new Date(slot.start), handledByName: "Sam Reyes" });
      // Proposed already: a second move or a confirm is refused, and nothing changes.
      expect((await call(`/desk/api/requests/${request.id}/confirm`, { body: {} })).json).toMatchObject({ error: "already-handled", by: "Sam Reyes" });
      expect((await call(`/desk/api/requests/${request.id}/decline`, { body: { reason: "Sorry" } })).status).toBe(200);
      await t.services.engine.drain();
      expect(t.lastTextTo(bo.id)).toContain("Sorry");
    });

    it("confirms a waiting request once: the patient gets the confirmation, the staff chat's card changes, a second confirm is refused", async () => {
      const confirmed = await call(`/desk/api/requests/${waitingId}/confirm`, { body: {} });
      expect(confirmed.status).toBe(200);
      await t.services.engine.drain();
      expect(t.sentTo(bo.id).some((message) => /Your appointment is confirmed/.test(message.text ?? ""))).toBe(true);
      const card = t.sentTo(STAFF_CHAT_ID).find((message) => message.text?.includes(`Request MS-`) && message.text.includes("Bo"));
      expect(t.sim.message(STAFF_CHAT_ID, card!.message_id)!.text).toContain("Confirmed by Sam Reyes");
      const again = await call(`/desk/api/requests/${waitingId}/confirm`, { body: {} });
      expect(again.status).toBe(409);
      expect(again.json).toMatchObject({ error: "already-handled", by: "Sam Reyes" });
      expect(await t.database.prisma.appointment.count({ where: { requestId: waitingId } })).toBe(1);
    });

    it("records no outcome for an appointment that has not begun (src/features/outcomes.test.ts covers the rest)", async () => {
      const appointment = (await t.services.deps.booking.appointments.findAppointmentOfRequest(waitingId))!;
      expect(appointment.startsAt.getTime()).toBeGreaterThan(clock.getTime());
      const early = await call(`/desk/api/appointments/${appointment.id}/completed`, { body: {} });
      expect(early).toMatchObject({ status: 409, json: { error: "not-started", startsAt: appointment.startsAt.toISOString() } });
      expect((await t.services.deps.booking.appointments.findAppointment(appointment.id))!.status).toBe("confirmed");
    });
  });

  describe("calendar feeds", () => {
    async function feedOf(url: string) {
      const response = await fetch(`${base()}${new URL(url).pathname}`);
      return { status: response.status, type: response.headers.get("content-type"), text: await response.text() };
    }
    function eventsOf(ics: string) {
      const calendar = new ICAL.Component(ICAL.parse(ics));
      return calendar.getAllSubcomponents("vevent").map((vevent) => new ICAL.Event(vevent));
    }

    it("gives each practitioner a private address listing their appointments: service and time, no patient details", async () => {
      const { json } = await call("/desk/api/calendar-feeds");
      const feeds = json!.feeds as Array<{ practitionerId: string; url: string }>;
      expect(feeds.map((feed) => feed.practitionerId)).toEqual(t.services.deps.clinic.practitioners.map((person) => person.id));
      const camille = feeds.find((feed) => feed.practitionerId === "camille-tremblay")!;
      expect(camille.url).toMatch(/^https:\/\/desk\.example\.com\/desk\/feeds\/[A-Za-z0-9_-]{43}\.ics$/);
      // The same address on every visit, different for each practitioner.
      expect((await call("/desk/api/calendar-feeds")).json!.feeds).toEqual(feeds);
      expect(new Set(feeds.map((feed) => feed.url)).size).toBe(feeds.length);

      const feed = await feedOf(camille.url);
      expect(feed.status).toBe(200);
      expect(feed.type).toMatch(/^text\/calendar/);
      const events = eventsOf(feed.text);
      expect(events).toHaveLength(1);
      const appointment = (await t.services.deps.booking.appointments.findAppointment(booked.appointmentId))!;
      expect(events[0]!.summary).toMatch(/massage therapy — 60 min/i);
      expect(events[0]!.startDate.toJSDate()).toEqual(appointment.startsAt);
      expect(events[0]!.endDate.toJSDate()).toEqual(appointment.endsAt);
      expect(events[0]!.uid).toBe(`appointment-${appointment.id}@desk.example.com`);
      expect(feed.text).not.toMatch(/Ana|Silva|613/);
      // Daniel's feed has Bo's appointment, not Camille's.
      const daniel = eventsOf((await feedOf(feeds.find((entry) => entry.practitionerId === "daniel-okafor")!.url)).text);
      expect(daniel.map((event) => event.uid)).not.toContain(events[0]!.uid);
      expect((await feedOf("https://desk.example.com/desk/feeds/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.ics")).status).toBe(404);
    });

    it("shows the patient's name and phone only when clinic.yml turns it on", async () => {
      const clinic = loadClinicProfile("content");
      // A name with a control character in it (pasted from somewhere) stays out of the calendar's syntax.
      await t.database.prisma.appointmentRequest.update({ where: { id: booked.requestId }, data: { patientName: "Ana\u0007 Silva" } });
      const open = await createTestBot({ provider, database: t.database, now: () => clock, sim: t.sim, clinic: { ...clinic, calendarFeeds: { patientDetails: true } }, env: { PUBLIC_URL: "https://desk.example.com" } });
      const server = await startHttpServer({ port: 0, logger: open.services.deps.logger, health: async () => ({ ok: true, checks: {} }), mounts: { "/desk": open.services.desk! } });
      try {
        const response = await fetch(`http://127.0.0.1:${server.port}/desk/api/calendar-feeds`, { headers: { authorization: staffAuth() } });
        const { feeds, patientDetails } = (await response.json()) as { patientDetails: boolean; feeds: Array<{ practitionerId: string; url: string }> };
        expect(patientDetails).toBe(true);
        const url = new URL(feeds.find((feed) => feed.practitionerId === "camille-tremblay")!.url);
        const events = eventsOf(await (await fetch(`http://127.0.0.1:${server.port}${url.pathname}`)).text());
        expect(events[0]!.summary).toContain("Ana Silva");
        expect([...events[0]!.summary].some((character) => character.charCodeAt(0) < 0x20)).toBe(false);
        expect(events[0]!.description).toContain("+16135550199");
      } finally {
        await server.close();
        await open.services.engine.stop();
        await open.services.close();
      }
    });

    it("drops a cancelled appointment, and a replaced address stops working", async () => {
      const { json } = await call("/desk/api/calendar-feeds");
      const camille = (json!.feeds as Array<{ practitionerId: string; url: string }>).find((feed) => feed.practitionerId === "camille-tremblay")!;
      const cancelled = await cancelAppointment(t.services.deps.booking, { appointmentId: booked.appointmentId, patientId: ana.id });
      expect(cancelled.ok).toBe(true);
      expect(eventsOf((await feedOf(camille.url)).text)).toHaveLength(0);

      const replaced = await call("/desk/api/calendar-feeds/camille-tremblay/revoke", { body: {} });
      expect(replaced.status).toBe(200);
      expect(replaced.json!.url).not.toBe(camille.url);
      expect((await feedOf(camille.url)).status).toBe(404);
      expect((await feedOf(replaced.json!.url)).status).toBe(200);
      expect((await call("/desk/api/calendar-feeds/nobody/revoke", { body: {} })).json).toMatchObject({ error: "unknown-practitioner" });
    });
  });

  describe("figures", () => {
    it("lists announcements with delivery figures and their delivery over time", async () => {
      const prisma = t.database.prisma;
      const broadcast = await prisma.broadcast.create({
        data: { authorId: STAFF_ID, authorName: "Sam", authorChatId: STAFF_ID, status: "done", text: "Closed on the 24th", audience: "everyone", recipientCount: 3, startedAt: START, finishedAt: new Date(START.getTime() + 120_000) },
      });
      const rows = [
        { status: "sent", sentAt: new Date(START.getTime() + 1_000) },
        { status: "sent", sentAt: new Date(START.getTime() + 90_000) },
        { status: "failed", lastError: "blocked by the user", sentAt: null },
      ];
      for (const [index, row] of rows.entries()) {
        await prisma.outboxMessage.create({ data: { key: `desk-test-${index}`, kind: "broadcast", priority: 2, chatId: 70_000 + index, broadcastId: broadcast.id, dueAt: START, ...row } });
      }
      const list = await call("/desk/api/announcements");
      expect(list.json!.announcements).toEqual([
        expect.objectContaining({ id: broadcast.id, preview: "Closed on the 24th", recipients: 3, figures: expect.objectContaining({ sent: 2, blocked: 1 }) }),
      ]);
      const delivery = await call(`/desk/api/announcements/${broadcast.id}/delivery`);
      const points = delivery.json!.points as Array<{ at: string; sent: number }>;
      expect(points[0]!.sent).toBe(0);
      expect(points.at(-1)!.sent).toBe(2);
      expect(points.map((point) => point.sent)).toEqual([...points.map((point) => point.sent)].sort((a, b) => a - b));
      expect((await call("/desk/api/announcements/424242/delivery")).json).toMatchObject({ error: "unknown-announcement" });
    });

    it("counts tip subscribers and tips sent per week", async () => {
      const prisma = t.database.prisma;
      await prisma.user.upsert({ where: { id: ana.id }, create: { id: ana.id, chatId: ana.id, firstName: "Ana" }, update: {} });
      await prisma.tipSubscription.create({ data: { userId: ana.id, weekday: 1, hour: 9, timeZone: "America/Toronto", nextDueAt: START, createdAt: new Date(START.getTime() - 10 * 24 * HOUR) } });
      await prisma.tipDelivery.create({ data: { userId: ana.id, tipId: "posture#sit", source: "weekly", deliveredAt: new Date(START.getTime() - 8 * 24 * HOUR) } });
      await prisma.tipDelivery.create({ data: { userId: ana.id, tipId: "posture#stand", source: "weekly", deliveredAt: new Date(START.getTime() - HOUR) } });
      const { json } = await call("/desk/api/tips");
      const weeks = json!.weeks as Array<{ week: string; subscribers: number; tipsSent: number }>;
      expect(weeks).toHaveLength(12);
      expect(weeks.at(-1)).toEqual({ week: "2026-11-30", subscribers: 1, tipsSent: 1 });
      expect(weeks.at(-2)).toEqual({ week: "2026-11-23", subscribers: 1, tipsSent: 1 });
      expect(weeks.at(-3)).toEqual({ week: "2026-11-16", subscribers: 1, tipsSent: 0 });
      expect(weeks.at(-4)).toEqual({ week: "2026-11-09", subscribers: 0, tipsSent: 0 });
    });
  });
});
