import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Config } from "../config.js";
import type { BotDeps } from "../bot/deps.js";
import { languageFor } from "../bot/i18n.js";
import { practitionerName, type Language } from "../clinic/clinic-profile.js";
import { availableSlots, openDays } from "../booking/available-slots.js";
import { busyAhead } from "../booking/booking-deps.js";
import { confirmRequest } from "../booking/confirm-request.js";
import { declineRequest } from "../booking/decline-request.js";
import { proposeTime } from "../booking/propose-time.js";
import { markOutcome } from "../booking/mark-outcome.js";
import { undoOutcome } from "../booking/undo-outcome.js";
import type { AppointmentOutcome } from "../booking/appointment-repository.js";
import type { DeskRepository } from "./desk-repository.js";
import { verifyLaunchData, type LaunchUser } from "./launch-data.js";
import { deskAgenda, parseAgendaRange } from "./desk-agenda.js";
import { announcementDelivery, announcementList, tipsByWeek } from "./desk-figures.js";
import { calendarFeed, feedWindow } from "./calendar-feed.js";
import { DESK_STRINGS } from "./desk-strings.js";
import { deskArticle, deskArticleAction, deskArticles, type DeskArticleAction } from "./desk-articles.js";
import type { DraftRefusal } from "../content/blog/draft-change.js";
import { localDate } from "../shared/time.js";

/**
 * The staff desk over HTTP, under /desk/: the page itself (static, no patient
 * data), its JSON API, and practitioners' calendar feeds.
 *
 * Every API call carries the Mini App's launch data as `Authorization: tma
 * <initData>`; it is checked on every call (an HMAC, cheaper than keeping
 * sessions): a bad, missing or day-old signature is 401, a genuine one from
 * anyone not in STAFF_IDS is 403. Actions go through the same use cases as
 * the staff chat's buttons, so the first action wins and patients and the
 * staff chat are told exactly as from the chat. Errors are JSON
 * `{ error, message }`, and nothing changes when one is returned.
 */

export const DESK_PATH = "/desk";
// Next to the code: src/desk/public from the sources, dist/desk/public (copied by `npm run build`) from the build.
const PUBLIC_DIR = join(dirname(fileURLToPath(import.meta.url)), "public");
const MAX_BODY_BYTES = 8 * 1024;

const STATIC_FILES: Record<string, { file: string; type: string }> = {
  "/desk/": { file: "index.html", type: "text/html; charset=utf-8" },
  "/desk/desk.js": { file: "desk.js", type: "text/javascript; charset=utf-8" },
  "/desk/desk-articles.js": { file: "desk-articles.js", type: "text/javascript; charset=utf-8" },
  "/desk/desk-charts.js": { file: "desk-charts.js", type: "text/javascript; charset=utf-8" },
  "/desk/desk-launch.js": { file: "desk-launch.js", type: "text/javascript; charset=utf-8" },
  "/desk/clock.js": { file: "clock.js", type: "text/javascript; charset=utf-8" },
  "/desk/desk.css": { file: "desk.css", type: "text/css; charset=utf-8" },
};

// Nothing from elsewhere: scripts, styles and calls stay on this origin. Telegram's web
// clients show a Mini App in a frame, so they may embed it.
// A desk tried on this machine (PUBLIC_URL on localhost) may also be framed by local pages, such as the sandbox's chat page.
function contentSecurityPolicy(publicUrl: string | undefined): string {
  const local = publicUrl !== undefined && /^https?:\/\/(localhost|127\.0\.0\.1)(:\d+)?$/.test(publicUrl) ? " http://127.0.0.1:* http://localhost:*" : "";
  return (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; " +
    `frame-ancestors 'self' https://web.telegram.org https://*.telegram.org${local}`
  );
}

export interface DeskHandlerOptions {
  config: Config;
  deps: BotDeps;
  desk: DeskRepository;
}

export type DeskHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

interface Staff extends LaunchUser {
  name: string;
  language: Language;
}

class HttpError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly extra: Record<string, unknown> = {}) {
    super(message);
  }
}

export function createDeskHandler(options: DeskHandlerOptions): DeskHandler {
  const { config, deps, desk } = options;
  const { clinic } = deps;
  const booking = deps.booking;
  const staticFiles = new Map(Object.entries(STATIC_FILES).map(([path, entry]) => [path, { body: readFileSync(join(PUBLIC_DIR, entry.file)), type: entry.type }]));
  const feedBase = `${config.publicUrl ?? ""}${DESK_PATH}/feeds/`;
  const feedHost = config.publicUrl ? new URL(config.publicUrl).hostname : "clinic-bot";
  const policy = contentSecurityPolicy(config.publicUrl);

  async function authenticate(req: IncomingMessage): Promise<Staff> {
    const header = req.headers.authorization ?? "";
    const raw = /^tma\s+(.+)$/i.exec(header)?.[1];
    const check = verifyLaunchData(raw, config.botToken, deps.now());
    if (!check.ok) {
      throw new HttpError(401, check.reason === "expired" ? "expired" : "unauthorized", check.reason === "expired"
        ? "the launch data is more than 24 hours old: close the desk and open it again from Telegram"
        : "send the Mini App's launch data as Authorization: tma <initData>");
    }
    if (!config.staffIds.includes(check.user.id)) throw new HttpError(403, "forbidden", "the desk is for the clinic's staff only");
    const record = await deps.users.findById(check.user.id);
    const name = [check.user.firstName, check.user.lastName].filter(Boolean).join(" ");
    return { ...check.user, name, language: languageFor(record?.language, check.user.languageCode, clinic.defaultLanguage) };
  }

  async function api(req: IncomingMessage, url: URL, staff: Staff): Promise<unknown> {
    const path = url.pathname.slice(`${DESK_PATH}/api`.length);
    const method = req.method ?? "GET";
    const by = { id: staff.id, name: staff.name };
    let match: RegExpExecArray | null;

    if (method === "GET" && path === "/me") {
      return {
        user: { id: staff.id, name: staff.name },
        language: staff.language,
        strings: Object.fromEntries(DESK_STRINGS.map((key) => [key, deps.i18n.t(staff.language, key, placeholders)])),
        // The clinic's date by the bot's clock, which the page starts from (the sandbox's clock can be moved).
        today: localDate(deps.now(), clinic.timeZone),
        clinic: { name: clinic.name[staff.language], timeZone: clinic.timeZone, horizonDays: clinic.booking.horizonDays },
        practitioners: clinic.practitioners.map((person) => ({ id: person.id, name: person.name, title: person.title[staff.language] })),
        services: clinic.services.map((service) => ({ id: service.id, name: service.name[staff.language], durationMinutes: service.durationMinutes })),
      };
    }

    if (method === "GET" && path === "/appointments") {
      const range = parseAgendaRange(url.searchParams.get("from"), url.searchParams.get("to"), clinic.timeZone);
      if (!range.ok) throw new HttpError(400, "bad-range", range.message);
      const practitionerId = url.searchParams.get("practitioner") || undefined;
      if (practitionerId && !clinic.practitioners.some((person) => person.id === practitionerId)) {
        throw new HttpError(404, "unknown-practitioner", `no practitioner "${practitionerId}" in clinic.yml`);
      }
      return deskAgenda(booking, range, { from: range.from.toISODate()!, to: range.to.toISODate()!, practitionerId, language: staff.language });
    }

    if ((match = /^\/requests\/(\d{1,9})\/free-times$/.exec(path)) && method === "GET") {
      const request = await openRequest(Number(match[1]));
      const at = deps.now();
      const busy = await busyAhead(booking, at);
      const date = url.searchParams.get("date");
      if (!date) return { days: openDays(clinic, { serviceId: request.serviceId, practitionerId: null, now: at, busy }) };
      if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new HttpError(400, "bad-date", "date must be like 2026-12-01");
      const slots = clinic.practitioners.flatMap((person) =>
        availableSlots(clinic, { serviceId: request.serviceId, practitionerId: person.id, now: at, busy, date }),
      );
      slots.sort((a, b) => a.start.getTime() - b.start.getTime() || a.practitionerId.localeCompare(b.practitionerId));
      return {
        date,
        slots: slots.map((slot) => ({ start: slot.start.toISOString(), end: slot.end.toISOString(), practitionerId: slot.practitionerId, practitioner: practitionerName(clinic, slot.practitionerId) })),
      };
    }

    if ((match = /^\/requests\/(\d{1,9})\/(confirm|decline|move)$/.exec(path)) && method === "POST") {
      const requestId = Number(match[1]);
      const body = await readJson(req);
      if (match[2] === "confirm") {
        const result = await confirmRequest(booking, { requestId, by });
        if (result.ok) return { ok: true, appointmentId: result.appointment.id };
        if (result.reason === "missing") throw unknownRequest(requestId);
        if (result.reason === "taken") throw new HttpError(409, "taken", "that time was booked by someone else meanwhile; propose another time");
        if (result.reason === "limit") throw new HttpError(409, "limit", "the patient already has as many appointments coming up as the clinic allows");
        throw handled(result.request?.handledByName);
      }
      if (match[2] === "decline") {
        const reason = typeof body.reason === "string" ? body.reason.trim() : "";
        if (reason.length === 0 || reason.length > 500) throw new HttpError(400, "bad-reason", "reason must be 1 to 500 characters; the patient reads it");
        await openRequest(requestId, ["requested", "proposed"]);
        const request = await declineRequest(booking, requestId, reason, by);
        if (!request) throw handled((await booking.appointments.findRequest(requestId))?.handledByName);
        return { ok: true };
      }
      const start = typeof body.start === "string" ? new Date(body.start) : new Date(Number.NaN);
      const practitionerId = typeof body.practitionerId === "string" ? body.practitionerId : "";
      if (Number.isNaN(start.getTime()) || !clinic.practitioners.some((person) => person.id === practitionerId)) {
        throw new HttpError(400, "bad-time", "start must be an ISO time and practitionerId one of clinic.yml's practitioners");
      }
      await openRequest(requestId);
      const result = await proposeTime(booking, { requestId, startsAt: start, practitionerId, by });
      if (result.ok) return { ok: true };
      if (result.reason === "handled") throw handled((await booking.appointments.findRequest(requestId))?.handledByName);
      throw new HttpError(409, "slot-unavailable", `that time cannot be offered (${result.reason})`, { reason: result.reason });
    }

    if ((match = /^\/appointments\/(\d{1,9})\/(completed|no-show)$/.exec(path)) && method === "POST") {
      const appointmentId = Number(match[1]);
      const result = await markOutcome(booking, { appointmentId, outcome: match[2] as AppointmentOutcome, by });
      if (result.ok) return { ok: true, status: result.appointment.status, undoUntil: result.undoUntil.toISOString() };
      if (result.reason === "not-found") throw unknownAppointment(appointmentId);
      if (result.reason === "not-started") {
        throw new HttpError(409, "not-started", "the appointment has not begun: its outcome can be recorded once it has", { startsAt: result.startsAt.toISOString() });
      }
      throw new HttpError(409, "already-handled", `the appointment is already ${result.status}`, { status: result.status, by: result.by });
    }

    if ((match = /^\/appointments\/(\d{1,9})\/undo$/.exec(path)) && method === "POST") {
      const appointmentId = Number(match[1]);
      const result = await undoOutcome(booking, { appointmentId, by });
      if (result.ok) return { ok: true, status: result.appointment.status };
      if (result.reason === "not-found") throw unknownAppointment(appointmentId);
      if (result.reason === "expired") throw new HttpError(409, "undo-expired", "an outcome can be undone for 24 hours after it was recorded");
      if (result.reason === "taken") throw new HttpError(409, "time-taken", "its time was booked for someone else meanwhile; the outcome stays");
      throw new HttpError(409, "not-marked", `no outcome to undo: the appointment is ${result.status}`, { status: result.status });
    }

    if (method === "GET" && path === "/announcements") return { announcements: await announcementList(deps.broadcasts) };
    if ((match = /^\/announcements\/(\d{1,9})\/delivery$/.exec(path)) && method === "GET") {
      const id = Number(match[1]);
      if (!(await deps.broadcasts.find(id))) throw new HttpError(404, "unknown-announcement", `no announcement ${id}`);
      return announcementDelivery(desk, id);
    }
    if (method === "GET" && path === "/tips") {
      return { weeks: await tipsByWeek(desk, clinic.timeZone, deps.now()), activeSubscribers: await deps.tips.countActive() };
    }

    if (method === "GET" && path === "/articles") return { articles: await deskArticles(deps) };
    if ((match = /^\/articles\/(\d{1,9})\/(?:(title|publish)|tips\/(\d{1,4})\/(edit|drop|merge))$/.exec(path)) && method === "POST") {
      const articleId = Number(match[1]);
      const body = await readJson(req);
      const revision = body.revision;
      if (typeof revision !== "number" || !Number.isInteger(revision)) throw new HttpError(400, "bad-revision", "revision must be the article's revision the page shows");
      const text = (name: string) => {
        const value = body[name];
        if (typeof value !== "string") throw new HttpError(400, "bad-text", `${name} must be a string`);
        return value;
      };
      const tip = Number(match[3]);
      const kind = (match[2] ?? match[4]) as DeskArticleAction["kind"];
      const action: DeskArticleAction =
        kind === "title" ? { kind, title: text("title") }
        : kind === "publish" ? { kind }
        : kind === "edit" ? { kind, tip, heading: text("heading"), text: text("text") }
        : { kind, tip };
      const outcome = await deskArticleAction(deps, { articleId, revision, staffId: staff.id }, action);
      if (!outcome.ok) {
        deps.logger.info({ articleId, action: kind, reason: outcome.reason, by: staff.id }, "desk article edit changed nothing");
        throw new HttpError(REFUSAL_STATUS[outcome.reason], outcome.reason, REFUSAL_MESSAGE[outcome.reason], {
          ...(outcome.length !== undefined ? { length: outcome.length, limit: outcome.limit } : {}),
          ...(outcome.row ? { revision: outcome.row.revision, status: outcome.row.status } : {}),
        });
      }
      deps.logger.info({ articleId, action: kind, revision: outcome.row.revision, by: staff.id }, "desk article edited");
      return { ok: true, article: deskArticle(outcome.row, deps) };
    }

    if (method === "GET" && path === "/calendar-feeds") {
      const tokens = await desk.feedTokens(clinic.practitioners.map((person) => person.id));
      return {
        patientDetails: clinic.calendarFeeds.patientDetails,
        feeds: clinic.practitioners.map((person) => ({ practitionerId: person.id, practitioner: person.name, url: `${feedBase}${tokens.get(person.id)}.ics` })),
      };
    }
    if ((match = /^\/calendar-feeds\/([a-z0-9-]{1,64})\/revoke$/.exec(path)) && method === "POST") {
      const person = clinic.practitioners.find((entry) => entry.id === match![1]);
      if (!person) throw new HttpError(404, "unknown-practitioner", `no practitioner "${match[1]}" in clinic.yml`);
      const token = await desk.replaceFeedToken(person.id);
      deps.logger.info({ practitionerId: person.id, by: staff.id }, "calendar feed address replaced");
      return { practitionerId: person.id, practitioner: person.name, url: `${feedBase}${token}.ics` };
    }

    throw new HttpError(404, "not-found", `no ${method} ${url.pathname}`);
  }

  async function openRequest(requestId: number, statuses: string[] = ["requested"]) {
    const request = await booking.appointments.findRequest(requestId);
    if (!request) throw unknownRequest(requestId);
    if (!statuses.includes(request.status)) throw handled(request.handledByName);
    return request;
  }

  async function feed(res: ServerResponse, token: string): Promise<void> {
    const practitionerId = await desk.practitionerOfFeed(token);
    if (!practitionerId) {
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("no such calendar feed (it may have been replaced on the staff desk)");
      return;
    }
    const now = deps.now();
    const window = feedWindow(clinic, now);
    const appointments = await booking.appointments.appointmentsBetween(window.from, window.to);
    const body = calendarFeed({ clinic, practitionerId, appointments, host: feedHost, now });
    res.writeHead(200, { "content-type": "text/calendar; charset=utf-8", "cache-control": "private, no-store", "x-robots-tag": "noindex" });
    res.end(body);
  }

  return async (req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const path = url.pathname;
    if (path === DESK_PATH) {
      res.writeHead(308, { location: `${DESK_PATH}/` }).end();
      return;
    }
    const page = req.method === "GET" ? staticFiles.get(path) : undefined;
    if (page) {
      res.writeHead(200, {
        "content-type": page.type,
        "content-security-policy": policy,
        "x-content-type-options": "nosniff",
        "referrer-policy": "no-referrer",
        "cache-control": "no-cache",
      });
      res.end(page.body);
      return;
    }
    const feedToken = /^\/desk\/feeds\/([A-Za-z0-9_-]{20,100})\.ics$/.exec(path)?.[1];
    if (feedToken && req.method === "GET") return feed(res, feedToken);
    if (path.startsWith(`${DESK_PATH}/api/`)) {
      try {
        const staff = await authenticate(req);
        sendJson(res, 200, await api(req, url, staff));
      } catch (error) {
        if (!(error instanceof HttpError)) throw error;
        sendJson(res, error.status, { error: error.code, message: error.message, ...error.extra });
      }
      return;
    }
    res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("not found");
  };
}

const REFUSAL_STATUS: Record<DraftRefusal, number> = {
  unknown: 404, stale: 409, published: 409, "no-tip": 409, empty: 400, "too-long": 400, "last-tip": 409, "first-tip": 409,
};
const REFUSAL_MESSAGE: Record<DraftRefusal, string> = {
  unknown: "no such article",
  stale: "the article changed since the page showed it: reload the articles",
  published: "the article is published and nothing waits for review",
  "no-tip": "no such tip in this revision of the article",
  empty: "the text is empty",
  "too-long": "the text is longer than a tip card or title may be",
  "last-tip": "the article's only tip cannot be dropped: skip the article instead",
  "first-tip": "the first tip has no tip before it",
};

/** Page strings keep their placeables as {name}, which the page fills in. */
const placeables = ["count", "name", "by", "date", "time", "practitioner", "service", "reason", "sent", "total", "tips", "language", "heading", "length", "limit", "number", "title"];
const placeholders = Object.fromEntries(placeables.map((name) => [name, `{${name}}`]));

function unknownAppointment(appointmentId: number): HttpError {
  return new HttpError(404, "unknown-appointment", `no appointment ${appointmentId}`);
}

function unknownRequest(requestId: number): HttpError {
  return new HttpError(404, "unknown-request", `no appointment request ${requestId}`);
}

function handled(by: string | null | undefined): HttpError {
  return new HttpError(409, "already-handled", `someone already handled this request${by ? ` (${by})` : ""}`, { by: by ?? null });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
  res.end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, "too-large", `the body must be under ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString("utf8").trim();
  if (text === "") return {};
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw new HttpError(400, "bad-json", "the body must be a JSON object");
}
