// The staff desk, a Telegram Mini App. Nothing is loaded from elsewhere: the
// launch parameters come from the URL fragment as Telegram passes them
// (#tgWebAppData=…&tgWebAppVersion=…&tgWebAppThemeParams=…), and every API
// call carries the launch data as "Authorization: tma <initData>" for the
// server to check. Text from the server is only ever set as textContent.

import { articlesView } from "./desk-articles.js";
import { barChart, lineChart } from "./desk-charts.js";
import { formatClock } from "./clock.js";
import { readLaunchParams, safeJson } from "./desk-launch.js";

const launch = readLaunchParams();
const state = { tab: "week", anchor: null, practitioner: "", me: null, announcement: null };
const $ = (id) => document.getElementById(id);

function applyTheme(theme) {
  if (!theme || typeof theme !== "object") return;
  for (const [name, value] of Object.entries(theme)) {
    if (typeof value === "string" && /^#[0-9a-f]{3,8}$/i.test(value)) {
      document.documentElement.style.setProperty(`--tg-theme-${name.replace(/_/g, "-")}`, value);
    }
  }
}

/** Telegram's clients: native ones expose a proxy, the web client listens to postMessage. */
function postEvent(eventType, eventData = {}) {
  const data = JSON.stringify(eventData);
  if (window.TelegramWebviewProxy) window.TelegramWebviewProxy.postEvent(eventType, data);
  else if (window.parent !== window) window.parent.postMessage(JSON.stringify({ eventType, eventData }), "https://web.telegram.org");
}

function onTelegramEvent(eventType, eventData) {
  if (eventType === "theme_changed" && eventData) applyTheme(eventData.theme_params);
}
window.Telegram = window.Telegram ?? {};
window.Telegram.WebView = { receiveEvent: onTelegramEvent };
window.addEventListener("message", (event) => {
  const message = typeof event.data === "string" ? safeJson(event.data) : null;
  if (message && typeof message.eventType === "string") onTelegramEvent(message.eventType, message.eventData);
});

// --- API -------------------------------------------------------------------

class ApiError extends Error {
  constructor(status, body) {
    super(body?.message ?? `HTTP ${status}`);
    this.status = status;
    this.body = body ?? {};
  }
}

async function api(path, body) {
  const response = await fetch(`api/${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { authorization: `tma ${launch.initData}`, ...(body !== undefined && { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, json);
  return json;
}

// --- Text, dates -------------------------------------------------------------

function t(key, values = {}) {
  const text = state.me?.strings?.[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

function clinicDate(instant) {
  return new Intl.DateTimeFormat("en-CA", { timeZone: state.me.clinic.timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(instant);
}

/** The clinic's time of an instant, written as the bot writes it ("9:00 a.m.", "9 h 00"; clock.js). */
function timeOf(iso) {
  const parts = new Intl.DateTimeFormat("en-GB", { timeZone: state.me.clinic.timeZone, hour: "numeric", minute: "numeric", hourCycle: "h23" }).formatToParts(new Date(iso));
  const part = (type) => Number(parts.find((entry) => entry.type === type)?.value ?? 0);
  return formatClock(part("hour"), part("minute"), state.me.language);
}

function dayTitle(isoDate) {
  return new Intl.DateTimeFormat(state.me.language, { timeZone: "UTC", weekday: "long", day: "numeric", month: "long" }).format(new Date(`${isoDate}T00:00:00Z`));
}

function shortDay(isoDate) {
  return new Intl.DateTimeFormat(state.me.language, { timeZone: "UTC", weekday: "short", day: "numeric", month: "short" }).format(new Date(`${isoDate}T00:00:00Z`));
}

function monthDay(isoDate) {
  return new Intl.DateTimeFormat(state.me.language, { timeZone: "UTC", day: "numeric", month: "short" }).format(new Date(`${isoDate}T00:00:00Z`));
}

function addDays(isoDate, days) {
  const date = new Date(`${isoDate}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

function mondayOf(isoDate) {
  const weekday = (new Date(`${isoDate}T00:00:00Z`).getUTCDay() + 6) % 7;
  return addDays(isoDate, -weekday);
}

// --- DOM helpers -------------------------------------------------------------

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else if (name === "class") node.className = value;
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) if (child !== null && child !== undefined && child !== false) node.append(child instanceof Node ? child : String(child));
  return node;
}


function notify(text, isError = false) {
  const notice = $("notice");
  notice.textContent = text;
  notice.className = isError ? "error" : "";
  notice.hidden = false;
}

/** Why an article edit changed nothing (src/content/blog/draft-change.ts), worded as in the staff chat. */
const REFUSALS = ["unknown", "stale", "published", "no-tip", "empty", "too-long", "last-tip", "first-tip"];

function explain(error) {
  if (!(error instanceof ApiError)) return t("desk-error-other", { reason: error.message });
  if (error.status === 401) return t("desk-error-auth");
  if (error.status === 403) return t("desk-error-forbidden");
  if (error.body.error === "already-handled") return t("desk-error-already", { by: error.body.by ?? "—" });
  if (error.body.error === "taken" || error.body.error === "slot-unavailable") return t("desk-error-taken");
  if (error.body.error === "limit") return t("desk-error-limit");
  if (REFUSALS.includes(error.body.error)) return t(`blog-refused-${error.body.error}`, { length: error.body.length ?? "", limit: error.body.limit ?? "" });
  if (error.body.error === "not-started") return t("desk-error-not-started");
  if (error.body.error === "undo-expired") return t("desk-error-undo-expired");
  if (error.body.error === "time-taken") return t("desk-error-time-taken");
  if (error.body.error === "not-marked") return t("desk-error-not-marked");
  return t("desk-error-other", { reason: error.message });
}

/** Runs one action, then shows what it did and refreshes the view. */
async function act(button, call, doneText) {
  button.disabled = true;
  try {
    await call();
    notify(doneText);
  } catch (error) {
    notify(explain(error), true);
  }
  await render();
}

// --- Week and day ------------------------------------------------------------

function practitionerName(id) {
  return state.me.practitioners.find((person) => person.id === id)?.name ?? id;
}

async function renderAgenda(view) {
  const from = state.tab === "week" ? mondayOf(state.anchor) : state.anchor;
  const to = state.tab === "week" ? addDays(from, 6) : from;
  const query = new URLSearchParams({ from, to, ...(state.practitioner && { practitioner: state.practitioner }) });
  const agenda = await api(`appointments?${query}`);
  const byDay = new Map(agenda.days.map((day) => [day.date, []]));
  for (const appointment of agenda.appointments) byDay.get(clinicDate(new Date(appointment.start)))?.push({ kind: "appointment", at: appointment.start, entry: appointment });
  for (const request of agenda.requests) byDay.get(clinicDate(new Date(request.start)))?.push({ kind: "request", at: request.start, entry: request });
  const today = state.me.today;
  // Appointments that have begun with no outcome, outside the days shown (those are in their day below).
  const toMark = agenda.awaitingOutcome.filter((appointment) => !byDay.has(clinicDate(new Date(appointment.start))));
  view.replaceChildren(
    toMark.length === 0
      ? ""
      : el(
          "section",
          { class: "to-mark" },
          el("h2", {}, t("desk-to-mark", { count: toMark.length })),
          el("p", { class: "hint" }, t("desk-to-mark-hint")),
          el("ul", { class: "items" }, toMark.map((appointment) => renderAppointment(appointment, true))),
        ),
    ...agenda.days.map((day) => {
      const items = byDay.get(day.date);
      for (const free of day.free) items.push({ kind: "free", at: free.start, entry: free });
      items.sort((a, b) => a.at.localeCompare(b.at) || (a.kind === "free") - (b.kind === "free"));
      const booked = items.filter((item) => item.kind !== "free");
      return el(
        "section",
        { class: "day", "data-date": day.date },
        el("h2", {}, dayTitle(day.date), day.date === today ? el("span", { class: "date" }, ` · ${t("desk-today")}`) : null),
        day.closure ? el("p", { class: "closure" }, t("desk-closed", { reason: day.closure })) : null,
        booked.length === 0 && !day.closure ? el("p", { class: "hint" }, t("desk-nothing")) : null,
        el("ul", { class: "items" }, items.map(renderItem)),
      );
    }),
  );
}

function renderItem(item) {
  if (item.kind === "free") {
    const free = item.entry;
    return el("li", { class: "item free" }, t("desk-free", { time: `${timeOf(free.start)}–${timeOf(free.end)}` }), " · ", practitionerName(free.practitionerId));
  }
  return item.kind === "appointment" ? renderAppointment(item.entry) : renderRequest(item.entry);
}

function describeLines(entry) {
  return [
    el("span", { class: "when" }, `${timeOf(entry.start)}–${timeOf(entry.end)}`),
    el("span", { class: "who" }, entry.patientName ?? "—"),
    el("div", { class: "what" }, `${entry.service} · ${entry.practitioner} · ${entry.reference}`),
  ];
}

/** Records an outcome; the notice then offers to undo it (the appointment may have left the view). */
async function markOutcome(button, appointment, outcome) {
  await act(button, () => api(`appointments/${appointment.id}/${outcome}`, {}), t("desk-done-marked"));
  const notice = $("notice");
  if (notice.className === "error") return;
  notice.append(" ", el("button", { type: "button", class: "secondary", "data-undo": appointment.id, onclick: (event) => act(event.target, () => api(`appointments/${appointment.id}/undo`, {}), t("desk-done-undone")) }, t("desk-undo")));
}

/**
 * An appointment's outcome is asked for once it has begun, confirmed in a second step (it names the patient and
 * the time), and can be undone for a while after.
 */
function renderAppointment(appointment, withDate = false) {
  const actions = el("div", { class: "actions" });
  const date = shortDay(clinicDate(new Date(appointment.start)));
  const outcomeButtons = () => [
    el("button", { type: "button", onclick: () => ask("completed") }, t("desk-mark-completed")),
    el("button", { type: "button", class: "secondary", onclick: () => ask("no-show") }, t("desk-mark-no-show")),
  ];
  const ask = (outcome) => {
    actions.replaceChildren(
      el("div", { class: "ask" }, t(`desk-mark-ask-${outcome}`, { name: appointment.patientName ?? "—", date, time: timeOf(appointment.start) })),
      el("button", { type: "button", onclick: (event) => markOutcome(event.target, appointment, outcome) }, t("desk-mark-yes")),
      el("button", { type: "button", class: "secondary", onclick: () => actions.replaceChildren(...outcomeButtons()) }, t("desk-cancel")),
    );
  };
  if (appointment.status === "confirmed" && appointment.started) actions.append(...outcomeButtons());
  if (appointment.undoUntil) {
    actions.append(
      el("span", { class: "hint" }, t("desk-undo-until", { by: appointment.outcomeBy ?? "—", time: `${shortDay(clinicDate(new Date(appointment.undoUntil)))} ${timeOf(appointment.undoUntil)}` })),
      el("button", { type: "button", class: "secondary", onclick: (event) => act(event.target, () => api(`appointments/${appointment.id}/undo`, {}), t("desk-done-undone")) }, t("desk-undo")),
    );
  }
  const attendance = appointment.attendance === "attending" ? t("desk-attending") : appointment.attendance === "reschedule" ? t("desk-reschedule") : null;
  return el(
    "li",
    { class: `item appointment status-${appointment.status}`, "data-appointment-id": appointment.id },
    withDate ? el("span", { class: "when" }, date) : null,
    ...describeLines(appointment),
    el("span", { class: "badge" }, t(`desk-status-${appointment.status}`)),
    attendance ? el("span", { class: "badge" }, attendance) : null,
    actions.childElementCount > 0 ? actions : null,
  );
}

function renderRequest(request) {
  const actions = el("div", { class: "actions" });
  const status = request.status === "proposed" ? t("desk-proposed", { time: `${shortDay(clinicDate(new Date(request.proposedStart)))} ${timeOf(request.proposedStart)}` }) : t("desk-waiting");
  const showDecline = () => {
    const reason = el("textarea", { placeholder: t("desk-reason-placeholder"), maxlength: 500 });
    actions.replaceChildren(
      reason,
      el("button", { type: "button", class: "danger", onclick: (event) => reason.value.trim() && act(event.target, () => api(`requests/${request.id}/decline`, { reason: reason.value }), t("desk-done-declined")) }, t("desk-send")),
      el("button", { type: "button", class: "secondary", onclick: () => render() }, t("desk-cancel")),
    );
    reason.focus();
  };
  const showMove = async () => {
    const slots = el("div", { class: "slots" });
    actions.replaceChildren(el("div", {}, t("desk-pick-day")), slots, el("button", { type: "button", class: "secondary", onclick: () => render() }, t("desk-cancel")));
    try {
      const { days } = await api(`requests/${request.id}/free-times`);
      if (days.length === 0) slots.append(el("span", { class: "hint" }, t("desk-no-free-time")));
      for (const day of days) {
        slots.append(el("button", { type: "button", onclick: () => showTimes(day, slots) }, shortDay(day)));
      }
    } catch (error) {
      notify(explain(error), true);
    }
  };
  const showTimes = async (day, slots) => {
    slots.replaceChildren(el("span", { class: "hint" }, t("desk-loading")));
    const { slots: times } = await api(`requests/${request.id}/free-times?date=${day}`);
    slots.replaceChildren(
      el("div", { style: undefined }, `${shortDay(day)} · ${t("desk-pick-time")}`),
      ...times.map((slot) =>
        el("button", { type: "button", onclick: (event) => act(event.target, () => api(`requests/${request.id}/move`, { start: slot.start, practitionerId: slot.practitionerId }), t("desk-done-proposed")) }, `${timeOf(slot.start)} ${slot.practitioner.split(" ")[0]}`),
      ),
    );
  };
  if (request.status === "requested") {
    actions.append(
      el("button", { type: "button", onclick: (event) => act(event.target, () => api(`requests/${request.id}/confirm`, {}), t("desk-done-confirmed")) }, t("desk-confirm")),
      el("button", { type: "button", class: "secondary", onclick: showMove }, t("desk-move")),
    );
  }
  actions.append(el("button", { type: "button", class: "danger", onclick: showDecline }, t("desk-decline")));
  return el(
    "li",
    { class: `item request status-${request.status}`, "data-request-id": request.id },
    ...describeLines(request),
    el("span", { class: "badge" }, status),
    request.note ? el("div", { class: "what" }, request.note) : null,
    actions,
  );
}

// --- Announcements and tips ----------------------------------------------------

async function renderAnnouncements(view) {
  const { announcements } = await api("announcements");
  if (announcements.length === 0) {
    view.replaceChildren(el("p", { class: "hint" }, t("desk-announcements-none")));
    return;
  }
  state.announcement ??= announcements[0].id;
  const chart = el("div");
  view.replaceChildren(
    el("h2", {}, t("desk-chart-delivery")),
    chart,
    ...announcements.map((announcement) => {
      const figures = announcement.figures;
      const undelivered = figures.failed + figures.blocked + figures.unknown;
      return el(
        "div",
        { class: "card", "aria-current": announcement.id === state.announcement, "data-announcement-id": announcement.id, onclick: () => ((state.announcement = announcement.id), render()) },
        el("div", {}, el("strong", {}, `#${announcement.id}`), el("span", { class: "badge" }, announcement.status), " ", announcement.author, announcement.startedAt ? ` · ${shortDay(clinicDate(new Date(announcement.startedAt)))}` : ""),
        el("div", { class: "preview" }, announcement.preview),
        el("div", { class: "what" }, t("desk-announcement-figures", { sent: figures.sent, total: announcement.recipients }), undelivered > 0 ? ` · ${t("desk-announcement-failed", { count: undelivered })}` : ""),
      );
    }),
  );
  const delivery = await api(`announcements/${state.announcement}/delivery`);
  chart.replaceChildren(lineChart(delivery.points.map((point) => ({ label: timeOf(point.at), value: point.sent }))));
}

async function renderTips(view) {
  const { weeks } = await api("tips");
  view.replaceChildren(
    el("h2", {}, t("desk-chart-tips")),
    el("div", { class: "what" }, t("desk-subscribers")),
    barChart(weeks.map((week) => ({ label: monthDay(week.week), title: shortDay(week.week), value: week.subscribers })), false),
    el("div", { class: "what" }, t("desk-tips-sent")),
    barChart(weeks.map((week) => ({ label: monthDay(week.week), title: shortDay(week.week), value: week.tipsSent })), true),
  );
}

// --- Calendar feeds ------------------------------------------------------------

async function renderFeeds(view) {
  const { feeds, patientDetails } = await api("calendar-feeds");
  view.replaceChildren(
    el("p", { class: "hint" }, t("desk-feeds-intro"), " ", patientDetails ? t("desk-feeds-details") : t("desk-feeds-private")),
    ...feeds.map((feed) => {
      const address = el("input", { type: "text", readonly: true, value: feed.url, "aria-label": feed.practitioner });
      return el(
        "div",
        { class: "feed", "data-practitioner-id": feed.practitionerId },
        el("strong", {}, feed.practitioner),
        address,
        el("div", { class: "actions" },
          el("button", { type: "button", onclick: async () => {
            address.select();
            await navigator.clipboard?.writeText(feed.url).catch(() => undefined);
            notify(t("desk-feeds-copied"));
          } }, t("desk-feeds-copy")),
          el("button", { type: "button", class: "danger", onclick: (event) => act(event.target, () => api(`calendar-feeds/${feed.practitionerId}/revoke`, {}), t("desk-feeds-revoked")) }, t("desk-feeds-revoke")),
        ),
      );
    }),
  );
}

// --- Frame -------------------------------------------------------------------

const TABS = ["week", "day", "articles", "announcements", "tips", "feeds"];
const renderArticles = articlesView({ el, t, api, act, render: () => render() });
const RENDERERS = { week: renderAgenda, day: renderAgenda, articles: renderArticles, announcements: renderAnnouncements, tips: renderTips, feeds: renderFeeds };

async function render() {
  for (const button of $("tabs").children) button.setAttribute("aria-selected", String(button.dataset.tab === state.tab));
  $("toolbar").hidden = state.tab !== "week" && state.tab !== "day";
  const view = $("view");
  view.setAttribute("data-view", state.tab);
  // Not ready until this view is drawn: what is on screen meanwhile is the view being replaced.
  view.setAttribute("data-ready", "false");
  try {
    await RENDERERS[state.tab](view);
    view.setAttribute("data-ready", "true");
  } catch (error) {
    view.replaceChildren(el("p", { class: "error hint" }, explain(error)));
  }
}

async function start() {
  applyTheme(launch.theme);
  postEvent("web_app_ready");
  postEvent("web_app_expand");
  try {
    state.me = await api("me");
  } catch (error) {
    state.me = { strings: {}, language: "en" };
    $("view").replaceChildren(el("p", { class: "error" }, error instanceof ApiError && error.status === 403 ? "The desk is for the clinic's staff only." : "Open the desk from the clinic's bot in Telegram."));
    return;
  }
  document.documentElement.lang = state.me.language;
  document.title = `${t("desk-title")} · ${state.me.clinic.name}`;
  $("title").textContent = `${t("desk-title")} · ${state.me.clinic.name}`;
  state.anchor = state.me.today;
  $("tabs").replaceChildren(
    ...TABS.map((tab) => el("button", { type: "button", role: "tab", "data-tab": tab, onclick: () => ((state.tab = tab), ($("notice").hidden = true), render()) }, t(`desk-tab-${tab}`))),
  );
  const step = (direction) => () => ((state.anchor = addDays(state.anchor, direction * (state.tab === "week" ? 7 : 1))), render());
  $("previous").textContent = t("desk-previous");
  $("previous").onclick = step(-1);
  $("next").textContent = t("desk-next");
  $("next").onclick = step(1);
  $("today").textContent = t("desk-today");
  $("today").onclick = () => ((state.anchor = state.me.today), render());
  $("practitioner").replaceChildren(
    el("option", { value: "" }, t("desk-whole-clinic")),
    ...state.me.practitioners.map((person) => el("option", { value: person.id }, person.name)),
  );
  $("practitioner").onchange = (event) => ((state.practitioner = event.target.value), render());
  await render();
}

void start();
