import { Composer, InlineKeyboard } from "grammy";
import { DateTime } from "luxon";
import type { BotContext } from "../bot/context.js";
import { dayListButtons, requestCardButtons } from "./appointment-requests-buttons.js";
import { contextLanguage } from "../bot/i18n.js";
import { escapeHtml } from "../shared/html.js";
import { formatShortDate, formatTime } from "../clinic/format.js";
import { availableSlots, openDays } from "../booking/available-slots.js";
import { confirmRequest } from "../booking/confirm-request.js";
import { declineRequest } from "../booking/decline-request.js";
import { proposeTime } from "../booking/propose-time.js";
import { busyAhead } from "../booking/booking-deps.js";
import { formatReference, parseReference } from "../booking/reference.js";
import { practitionerName, serviceName } from "../clinic/clinic-profile.js";
import { bookingWording } from "./booking-wording.js";
import { staffCard } from "./booking-notices.js";
import { dayBounds, fromEpochMinutes, HOUR_MS, inZone, localDate, toEpochMinutes } from "../shared/time.js";
import { appointmentsAwaitingOutcome, markOutcome, undoableUntil } from "../booking/mark-outcome.js";
import { undoOutcome } from "../booking/undo-outcome.js";
import type { AppointmentWithRequest } from "../booking/appointment-repository.js";

/**
 * The staff side of appointments: each request arrives in the staff chat as a
 * card with Confirm, Decline (asks a reason) and Propose another time (staff
 * pick a free slot). It is mounted behind the staff filter (staff-area.ts);
 * the first staff member to act wins and the others are told who did.
 * /requests lists what is waiting; /today (or /today 2026-12-01) lists a day's
 * appointments, and earlier ones still waiting for an outcome, which staff
 * mark completed or no-show once they have begun (src/booking/mark-outcome.ts).
 */
export const appointmentRequestsFeature = new Composer<BotContext>();

/** Decline prompts (booking-decline-ask) start with this mark, so a staff reply to one is recognised without keeping any state. */
const DECLINE_MARK = "✍️";

appointmentRequestsFeature.callbackQuery(requestCardButtons.filter("ok"), async (ctx) => {
  const { requestId } = requestCardButtons.parse("ok", ctx.callbackQuery.data)!;
  const result = await confirmRequest(ctx.deps.booking, { requestId, by: staffMember(ctx) });
  if (result.ok) return ctx.answerCallbackQuery({ text: ctx.t("booking-staff-confirmed") });
  if (result.reason === "taken") return ctx.answerCallbackQuery({ text: ctx.t("booking-staff-taken"), show_alert: true });
  if (result.reason === "limit") return ctx.answerCallbackQuery({ text: ctx.t("booking-staff-limit"), show_alert: true });
  await alreadyHandled(ctx, result.reason === "handled" ? result.request?.handledByName : null);
});

appointmentRequestsFeature.callbackQuery(requestCardButtons.filter("no"), async (ctx) => {
  const { requestId } = requestCardButtons.parse("no", ctx.callbackQuery.data)!;
  const request = await ctx.deps.booking.appointments.findRequest(requestId);
  if (!request || request.status !== "requested") return alreadyHandled(ctx, request?.handledByName);
  await ctx.answerCallbackQuery();
  await ctx.reply(ctx.t("booking-decline-ask", { reference: formatReference(request.id) }), {
    reply_markup: { force_reply: true, input_field_placeholder: ctx.t("booking-decline-placeholder") },
    reply_parameters: ctx.callbackQuery.message ? { message_id: ctx.callbackQuery.message.message_id, allow_sending_without_reply: true } : undefined,
  });
});

// A staff member's reply to a decline prompt is the reason.
appointmentRequestsFeature.on("message:text", async (ctx, next) => {
  const prompt = ctx.message.reply_to_message;
  if (!prompt?.text?.startsWith(DECLINE_MARK) || prompt.from?.id !== ctx.me.id) return next();
  const reference = /MS-\d+-\d/.exec(prompt.text)?.[0];
  const requestId = reference ? parseReference(reference) : null;
  if (requestId === null) return next();
  const reason = ctx.message.text.trim().slice(0, 500);
  const request = await declineRequest(ctx.deps.booking, requestId, reason, staffMember(ctx));
  if (!request) {
    const current = await ctx.deps.booking.appointments.findRequest(requestId);
    return ctx.reply(ctx.t("booking-staff-already", { by: current?.handledByName ?? "—" }));
  }
  await ctx.reply(ctx.t("booking-staff-declined", { reference: formatReference(requestId) }));
});

// Propose another time: the card's buttons become the open days, then the free times of one day.
appointmentRequestsFeature.callbackQuery(requestCardButtons.filter("alt"), async (ctx) => {
  const { requestId } = requestCardButtons.parse("alt", ctx.callbackQuery.data)!;
  const request = await ctx.deps.booking.appointments.findRequest(requestId);
  if (!request || request.status !== "requested") return alreadyHandled(ctx, request?.handledByName);
  const { clinic, now } = ctx.deps;
  const at = now();
  const days = openDays(clinic, { serviceId: request.serviceId, practitionerId: null, now: at, busy: await busyAhead(ctx.deps.booking, at) });
  const keyboard = new InlineKeyboard();
  days.forEach((day, index) => {
    keyboard.text(formatShortDate(day, contextLanguage(ctx)), requestCardButtons.data("pd", { requestId: request.id, date: day }));
    if (index % 3 === 2) keyboard.row();
  });
  keyboard.row().text(ctx.t("button-back"), requestCardButtons.data("back", { requestId: request.id }));
  await ctx.answerCallbackQuery(days.length === 0 ? { text: ctx.t("booking-staff-no-days"), show_alert: true } : {});
  await ctx.editMessageReplyMarkup({ reply_markup: keyboard });
});

appointmentRequestsFeature.callbackQuery(requestCardButtons.filter("pd"), async (ctx) => {
  const { requestId, date } = requestCardButtons.parse("pd", ctx.callbackQuery.data)!;
  const request = await ctx.deps.booking.appointments.findRequest(requestId);
  if (!request || request.status !== "requested") return alreadyHandled(ctx, request?.handledByName);
  const { clinic, now } = ctx.deps;
  const at = now();
  const slots = availableSlots(clinic, { serviceId: request.serviceId, practitionerId: null, now: at, busy: await busyAhead(ctx.deps.booking, at), date });
  const keyboard = new InlineKeyboard();
  slots.forEach((slot, index) => {
    const who = clinic.practitioners.find((person) => person.id === slot.practitionerId)?.name.split(" ")[0] ?? slot.practitionerId;
    keyboard.text(`${formatTime(slot.start, clinic.timeZone, contextLanguage(ctx))} ${who}`, requestCardButtons.data("pt", { requestId: request.id, minutes: toEpochMinutes(slot.start), practitionerId: slot.practitionerId }));
    if (index % 3 === 2) keyboard.row();
  });
  keyboard.row().text(ctx.t("button-back"), requestCardButtons.data("alt", { requestId: request.id }));
  await ctx.answerCallbackQuery();
  await ctx.editMessageReplyMarkup({ reply_markup: keyboard });
});

appointmentRequestsFeature.callbackQuery(requestCardButtons.filter("pt"), async (ctx) => {
  const { requestId, minutes, practitionerId } = requestCardButtons.parse("pt", ctx.callbackQuery.data)!;
  const result = await proposeTime(ctx.deps.booking, {
    requestId,
    startsAt: fromEpochMinutes(minutes),
    practitionerId,
    by: staffMember(ctx),
  });
  if (result.ok) return ctx.answerCallbackQuery({ text: ctx.t("booking-staff-proposed") });
  if (result.reason === "handled") {
    const request = await ctx.deps.booking.appointments.findRequest(requestId);
    return alreadyHandled(ctx, request?.handledByName);
  }
  await ctx.answerCallbackQuery({ text: ctx.t("booking-staff-taken"), show_alert: true });
});

appointmentRequestsFeature.callbackQuery(requestCardButtons.filter("back"), async (ctx) => {
  const card = await currentCard(ctx, requestCardButtons.parse("back", ctx.callbackQuery.data)!.requestId);
  if (!card) return alreadyHandled(ctx, null);
  await ctx.answerCallbackQuery();
  await ctx.editMessageReplyMarkup({ reply_markup: card.reply_markup ?? new InlineKeyboard() });
});

// Shows a request's card again, wherever staff asked for it.
appointmentRequestsFeature.callbackQuery(requestCardButtons.filter("card"), async (ctx) => {
  const card = await currentCard(ctx, requestCardButtons.parse("card", ctx.callbackQuery.data)!.requestId);
  if (!card) return alreadyHandled(ctx, null);
  await ctx.answerCallbackQuery();
  await ctx.reply(card.text, { parse_mode: "HTML", reply_markup: card.reply_markup });
});

appointmentRequestsFeature.command("requests", async (ctx) => {
  const { appointments } = ctx.deps.booking;
  const words = bookingWording(ctx.deps.i18n, ctx.deps.clinic);
  const pending = await appointments.pendingRequests();
  if (pending.length === 0) return ctx.reply(ctx.t("booking-requests-none"));
  const language = contextLanguage(ctx);
  const now = ctx.deps.now().getTime();
  const keyboard = new InlineKeyboard();
  const lines = pending.map((request) => {
    keyboard.text(formatReference(request.id), requestCardButtons.data("card", { requestId: request.id })).row();
    return ctx.t(request.status === "proposed" ? "booking-requests-item-proposed" : "booking-requests-item", {
      reference: formatReference(request.id),
      name: escapeHtml(request.patientName ?? "—"),
      appointment: escapeHtml(words.describe(request, language)),
      hours: String(Math.floor((now - request.createdAt.getTime()) / HOUR_MS)),
    });
  });
  await ctx.reply([ctx.t("booking-requests-title", { count: String(pending.length) }), ...lines].join("\n"), { parse_mode: "HTML", reply_markup: keyboard });
});

/** At most this many earlier appointments awaiting an outcome are listed under /today (the desk lists them all). */
const AWAITING_SHOWN = 10;

appointmentRequestsFeature.command("today", async (ctx) => {
  const zone = ctx.deps.clinic.timeZone;
  const argument = ctx.match.trim();
  const at = ctx.deps.now();
  const day = argument ? DateTime.fromISO(argument, { zone }) : inZone(at, zone);
  if (!day.isValid) return ctx.reply(ctx.t("booking-today-bad-date"));
  const { appointments } = ctx.deps.booking;
  const { clinic } = ctx.deps;
  const language = contextLanguage(ctx);
  const bounds = dayBounds(day);
  const [list, awaiting] = await Promise.all([appointments.appointmentsBetween(bounds.start, bounds.end), appointmentsAwaitingOutcome(ctx.deps.booking, at)]);
  const heading = ctx.t("booking-today-title", { day: formatShortDate(day.toISODate()!, language), count: String(list.length) });
  const keyboard = new InlineKeyboard();
  const lines = list.map((appointment) => {
    const reference = formatReference(appointment.requestId);
    outcomeButtons(ctx, keyboard, appointment, at);
    return ctx.t("booking-today-item", {
      time: formatTime(appointment.startsAt, zone, language),
      practitioner: escapeHtml(practitionerName(clinic, appointment.practitionerId)),
      name: escapeHtml(appointment.request.patientName ?? "—"),
      phone: escapeHtml(appointment.request.phone ?? "—"),
      service: escapeHtml(serviceName(clinic, appointment.serviceId, language)),
      reference,
      status: ctx.t(`booking-status-${appointment.status}`),
    });
  });
  // Appointments of earlier days still waiting for an outcome, so none stays "confirmed" for ever.
  const earlier = awaiting.filter((appointment) => appointment.startsAt < bounds.start || appointment.startsAt >= bounds.end);
  const awaitingLines = earlier.slice(0, AWAITING_SHOWN).map((appointment) => {
    outcomeButtons(ctx, keyboard, appointment, at);
    return ctx.t("booking-today-awaiting-item", {
      day: formatShortDate(localDate(appointment.startsAt, zone), language),
      time: formatTime(appointment.startsAt, zone, language),
      practitioner: escapeHtml(practitionerName(clinic, appointment.practitionerId)),
      name: escapeHtml(appointment.request.patientName ?? "—"),
      phone: escapeHtml(appointment.request.phone ?? "—"),
      reference: formatReference(appointment.requestId),
    });
  });
  if (earlier.length > AWAITING_SHOWN) awaitingLines.push(ctx.t("booking-today-more", { count: String(earlier.length - AWAITING_SHOWN) }));
  const awaitingPart = earlier.length > 0 ? ["", ctx.t("booking-today-awaiting", { count: String(earlier.length) }), ...awaitingLines] : [];
  if (list.length === 0 && earlier.length === 0) return ctx.reply(heading, { parse_mode: "HTML" });
  await ctx.reply([heading, ...lines, ...awaitingPart, "", ctx.t("booking-today-hint")].join("\n"), { parse_mode: "HTML", reply_markup: keyboard });
});

/** ✓ and ✗ for an appointment that has begun with no outcome yet; ↩ for an outcome that can still be undone. */
function outcomeButtons(ctx: BotContext, keyboard: InlineKeyboard, appointment: AppointmentWithRequest, at: Date): void {
  const reference = formatReference(appointment.requestId);
  if (appointment.status === "confirmed" && appointment.startsAt.getTime() <= at.getTime()) {
    keyboard.text(`✓ ${reference}`, dayListButtons.data("done", { appointmentId: appointment.id })).text(`✗ ${reference}`, dayListButtons.data("noshow", { appointmentId: appointment.id })).row();
  } else if (undoableUntil(appointment, at)) {
    keyboard.text(`${ctx.t("booking-outcome-undo-button")} ${reference}`, dayListButtons.data("undo", { appointmentId: appointment.id })).row();
  }
}

for (const [action, outcome] of [["done", "completed"], ["noshow", "no-show"]] as const) {
  appointmentRequestsFeature.callbackQuery(dayListButtons.filter(action), async (ctx) => {
    const { appointmentId } = dayListButtons.parse(action, ctx.callbackQuery.data)!;
    const result = await markOutcome(ctx.deps.booking, { appointmentId, outcome, by: staffMember(ctx) });
    const language = contextLanguage(ctx);
    const zone = ctx.deps.clinic.timeZone;
    if (!result.ok) {
      const appointment = await ctx.deps.booking.appointments.findAppointment(appointmentId);
      const reference = appointment ? formatReference(appointment.requestId) : "—";
      const text = result.reason === "not-found"
        ? ctx.t("booking-outcome-gone")
        : result.reason === "not-started"
          ? ctx.t("booking-outcome-not-started", { reference, day: formatShortDate(localDate(result.startsAt, zone), language), time: formatTime(result.startsAt, zone, language) })
          : ctx.t("booking-outcome-already", { reference, status: ctx.t(`booking-status-${result.status}`), by: result.by ?? "—" });
      return ctx.answerCallbackQuery({ text, show_alert: true });
    }
    const { appointment } = result;
    await ctx.answerCallbackQuery({ text: ctx.t(`booking-marked-${outcome}`) });
    await ctx.reply(
      ctx.t("booking-outcome-done", {
        reference: formatReference(appointment.requestId),
        name: escapeHtml(appointment.request.patientName ?? "—"),
        day: formatShortDate(localDate(appointment.startsAt, zone), language),
        time: formatTime(appointment.startsAt, zone, language),
        status: ctx.t(`booking-status-${outcome}`),
        by: escapeHtml(appointment.outcomeBy ?? "—"),
      }),
      { parse_mode: "HTML", reply_markup: new InlineKeyboard().text(ctx.t("booking-outcome-undo-button"), dayListButtons.data("undo", { appointmentId })) },
    );
  });
}

appointmentRequestsFeature.callbackQuery(dayListButtons.filter("undo"), async (ctx) => {
  const { appointmentId } = dayListButtons.parse("undo", ctx.callbackQuery.data)!;
  const result = await undoOutcome(ctx.deps.booking, { appointmentId, by: staffMember(ctx) });
  if (result.ok) {
    await ctx.answerCallbackQuery({ text: ctx.t("booking-outcome-undone", { reference: formatReference(result.appointment.requestId) }), show_alert: true });
    // The Undo button has done its work; /today shows ✓ and ✗ again.
    await ctx.editMessageReplyMarkup({ reply_markup: new InlineKeyboard() }).catch(() => undefined);
    return;
  }
  if (result.reason === "not-found") return ctx.answerCallbackQuery({ text: ctx.t("booking-outcome-gone"), show_alert: true });
  if (result.reason === "expired") return ctx.answerCallbackQuery({ text: ctx.t("booking-outcome-undo-expired"), show_alert: true });
  if (result.reason === "taken") return ctx.answerCallbackQuery({ text: ctx.t("booking-outcome-undo-taken"), show_alert: true });
  const appointment = await ctx.deps.booking.appointments.findAppointment(appointmentId);
  await ctx.answerCallbackQuery({
    text: ctx.t("booking-outcome-undo-nothing", { reference: appointment ? formatReference(appointment.requestId) : "—", status: ctx.t(`booking-status-${result.status}`) }),
    show_alert: true,
  });
});

/** A request's card as it stands now (null when there is no such request). */
async function currentCard(ctx: BotContext, requestId: number) {
  const { appointments } = ctx.deps.booking;
  const request = await appointments.findRequest(requestId);
  const words = bookingWording(ctx.deps.i18n, ctx.deps.clinic);
  return request ? staffCard(words, ctx.deps.clinic, request, await appointments.findAppointmentOfRequest(request.id)) : null;
}

async function alreadyHandled(ctx: BotContext, by: string | null | undefined): Promise<void> {
  await ctx.answerCallbackQuery({ text: ctx.t("booking-staff-already", { by: by ?? "—" }), show_alert: true });
}

function staffMember(ctx: BotContext): { id: number; name: string } {
  return { id: ctx.from!.id, name: [ctx.from!.first_name, ctx.from!.last_name].filter(Boolean).join(" ") };
}
