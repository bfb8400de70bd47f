import { Composer, InlineKeyboard } from "grammy";
import type { BotContext } from "../bot/context.js";
import { contextLanguage } from "../bot/i18n.js";
import { cancelAppointment, insideLateWindow } from "../booking/cancel-appointment.js";
import { confirmRequest } from "../booking/confirm-request.js";
import { withdrawRequest } from "../booking/withdraw-request.js";
import { takeWaitlistSlot } from "../booking/take-waitlist-slot.js";
import { formatReference } from "../booking/reference.js";
import { startBooking } from "./booking.js";
import { bookingWording } from "./booking-wording.js";
import { appointmentButtons, openRequestButtons, proposalButtons, reminderButtons, waitlistButtons } from "./appointments-buttons.js";
import { bookButtons } from "./booking/buttons.js";

/**
 * The patient's side once a request exists: /appointments lists what is
 * coming with Cancel and Reschedule; answers to a time staff proposed, to
 * reminders ("I'll be there" / "I need to reschedule") and to a freed time
 * offered from the waitlist. Every button re-checks that the appointment is
 * the presser's own.
 */
export const appointmentsFeature = new Composer<BotContext>();
const privateChats = appointmentsFeature.chatType("private");

privateChats.command("appointments", async (ctx) => {
  const { appointments } = ctx.deps.booking;
  const words = bookingWording(ctx.deps.i18n, ctx.deps.clinic);
  const language = contextLanguage(ctx);
  const { requests, appointments: upcoming } = await appointments.upcomingOf(ctx.from.id, ctx.deps.now());
  if (requests.length === 0 && upcoming.length === 0) {
    return ctx.reply(ctx.t("appointments-none"), { reply_markup: new InlineKeyboard().text(ctx.t("booking-button-book"), bookButtons.data("open")) });
  }
  const keyboard = new InlineKeyboard();
  const lines: string[] = [ctx.t("appointments-title")];
  for (const appointment of upcoming) {
    const reference = formatReference(appointment.requestId);
    lines.push(ctx.t("appointments-item", { reference, appointment: words.describe(appointment, language) }));
    keyboard.text(`${ctx.t("appointments-button-cancel")} ${reference}`, appointmentButtons.data("cancel", { appointmentId: appointment.id }))
      .text(`${ctx.t("appointments-button-reschedule")} ${reference}`, appointmentButtons.data("move", { appointmentId: appointment.id }))
      .row();
  }
  for (const request of requests) {
    const reference = formatReference(request.id);
    lines.push(ctx.t(request.status === "proposed" ? "appointments-item-proposed" : "appointments-item-requested", { reference, appointment: words.describe(request, language) }));
    keyboard.text(`${ctx.t("appointments-button-cancel")} ${reference}`, openRequestButtons.data("cancel", { requestId: request.id }))
      .text(`${ctx.t("appointments-button-reschedule")} ${reference}`, openRequestButtons.data("move", { requestId: request.id }))
      .row();
  }
  lines.push("", ctx.t("appointments-policy", { hours: String(ctx.deps.clinic.booking.lateCancellationHours) }));
  await ctx.reply(lines.join("\n"), { reply_markup: keyboard });
});

privateChats.callbackQuery(appointmentButtons.filter("cancel"), async (ctx) => {
  const appointment = await ownAppointment(ctx, appointmentButtons.parse("cancel", ctx.callbackQuery.data)!.appointmentId);
  if (!appointment) return;
  if (tooLate(ctx, appointment.startsAt)) return refuseLate(ctx);
  await ctx.answerCallbackQuery();
  await ctx.reply(ctx.t("appointments-cancel-sure", { appointment: bookingWording(ctx.deps.i18n, ctx.deps.clinic).describe(appointment, contextLanguage(ctx)) }), {
    reply_markup: new InlineKeyboard()
      .text(ctx.t("appointments-button-cancel-yes"), appointmentButtons.data("cancel-yes", { appointmentId: appointment.id }))
      .row()
      .text(ctx.t("appointments-button-keep"), appointmentButtons.data("keep", { appointmentId: appointment.id })),
  });
});

privateChats.callbackQuery(appointmentButtons.filter("cancel-yes"), async (ctx) => {
  const { appointmentId } = appointmentButtons.parse("cancel-yes", ctx.callbackQuery.data)!;
  const result = await cancelAppointment(ctx.deps.booking, { appointmentId, patientId: ctx.from.id });
  if (result.ok) {
    await ctx.answerCallbackQuery();
    return ctx.editMessageText(ctx.t("appointments-cancelled"));
  }
  if (result.reason === "late") return refuseLate(ctx);
  await ctx.answerCallbackQuery({ text: ctx.t("menu-inactive") });
});

privateChats.callbackQuery(appointmentButtons.filter("keep"), async (ctx) => {
  if (!(await ownAppointment(ctx, appointmentButtons.parse("keep", ctx.callbackQuery.data)!.appointmentId))) return;
  await ctx.answerCallbackQuery();
  await ctx.editMessageText(ctx.t("appointments-kept"));
});

privateChats.callbackQuery(appointmentButtons.filter("move"), async (ctx) => {
  const appointment = await ownAppointment(ctx, appointmentButtons.parse("move", ctx.callbackQuery.data)!.appointmentId);
  if (!appointment) return;
  if (tooLate(ctx, appointment.startsAt)) return refuseLate(ctx);
  await ctx.answerCallbackQuery();
  await startBooking(ctx, appointment.id);
});

for (const action of ["cancel", "move"] as const) {
  privateChats.callbackQuery(openRequestButtons.filter(action), async (ctx) => {
    const withdrawn = await withdrawRequest(ctx.deps.booking, openRequestButtons.parse(action, ctx.callbackQuery.data)!.requestId, ctx.from.id);
    if (!withdrawn) return ctx.answerCallbackQuery({ text: ctx.t("menu-inactive") });
    await ctx.answerCallbackQuery();
    await ctx.reply(ctx.t("appointments-request-withdrawn", { reference: formatReference(withdrawn.request.id) }));
    if (action === "move") await startBooking(ctx);
  });
}

// A time staff proposed instead of the one requested.
privateChats.callbackQuery([proposalButtons.filter("yes"), proposalButtons.filter("no")], async (ctx) => {
  const accepted = proposalButtons.parse("yes", ctx.callbackQuery.data);
  const requestId = (accepted ?? proposalButtons.parse("no", ctx.callbackQuery.data)!).requestId;
  const request = await ctx.deps.booking.appointments.findRequest(requestId);
  if (!request || request.userId !== BigInt(ctx.from.id) || request.status !== "proposed") return ctx.answerCallbackQuery({ text: ctx.t("menu-inactive") });
  if (!accepted) {
    await withdrawRequest(ctx.deps.booking, requestId, ctx.from.id);
    await ctx.answerCallbackQuery();
    return ctx.editMessageText(ctx.t("appointments-proposal-refused", { reference: formatReference(requestId) }));
  }
  const result = await confirmRequest(ctx.deps.booking, { requestId, by: null, acceptingProposal: true });
  await ctx.answerCallbackQuery();
  if (result.ok) return ctx.editMessageText(ctx.t("appointments-proposal-accepted", { reference: formatReference(requestId) }));
  if (result.reason === "limit") return ctx.reply(ctx.t("booking-limit", { max: String(ctx.deps.clinic.booking.maxUpcomingPerPatient) }));
  if (result.reason === "taken") {
    // Someone took the proposed time meanwhile: the request is closed, and the patient chooses again.
    await withdrawRequest(ctx.deps.booking, requestId, ctx.from.id);
    return ctx.editMessageText(ctx.t("appointments-proposal-gone"), { reply_markup: new InlineKeyboard().text(ctx.t("booking-button-book"), bookButtons.data("open")) });
  }
  await ctx.editMessageText(ctx.t("menu-inactive"));
});

// Answers to a reminder; staff see them on the request's card.
privateChats.callbackQuery([reminderButtons.filter("yes"), reminderButtons.filter("move")], async (ctx) => {
  const attending = reminderButtons.parse("yes", ctx.callbackQuery.data);
  const appointment = await ownAppointment(ctx, (attending ?? reminderButtons.parse("move", ctx.callbackQuery.data)!).appointmentId);
  if (!appointment) return;
  const attendance = attending ? "attending" : "reschedule";
  const { appointments, notices } = ctx.deps.booking;
  await appointments.setAttendance(appointment.id, attendance);
  await notices.refreshStaffCard(appointment.request, { ...appointment, attendance });
  await ctx.answerCallbackQuery();
  if (attendance === "attending") {
    await ctx.editMessageReplyMarkup({ reply_markup: new InlineKeyboard() });
    return ctx.reply(ctx.t("appointments-see-you"));
  }
  if (tooLate(ctx, appointment.startsAt)) {
    return ctx.reply(ctx.t("appointments-late", { phone: ctx.deps.clinic.phone, hours: String(ctx.deps.clinic.booking.lateCancellationHours) }));
  }
  await startBooking(ctx, appointment.id);
});

// A freed time offered from the waitlist: the first to accept gets it.
privateChats.callbackQuery(waitlistButtons.filter("yes"), async (ctx) => {
  const { offerId } = waitlistButtons.parse("yes", ctx.callbackQuery.data)!;
  const result = await takeWaitlistSlot(ctx.deps.booking, { offerId, patientId: ctx.from.id });
  // An offer that is not this patient's (or no longer open) changes nothing and says so on the button.
  if (!result.ok && result.reason === "gone") return ctx.answerCallbackQuery({ text: ctx.t("menu-inactive") });
  await ctx.answerCallbackQuery();
  if (result.ok) return ctx.editMessageText(ctx.t("booking-waitlist-taken", { reference: formatReference(result.appointment.requestId) }));
  if (result.reason === "limit") return ctx.editMessageText(ctx.t("booking-limit", { max: String(ctx.deps.clinic.booking.maxUpcomingPerPatient) }));
  await ctx.editMessageText(ctx.t("booking-waitlist-too-late"));
});

privateChats.callbackQuery(waitlistButtons.filter("no"), async (ctx) => {
  const entry = await ctx.deps.booking.appointments.findWaitlistEntry(waitlistButtons.parse("no", ctx.callbackQuery.data)!.entryId);
  if (!entry || entry.userId !== BigInt(ctx.from.id) || !(await ctx.deps.booking.appointments.closeWaitlistEntry(entry.id, "cancelled"))) {
    return ctx.answerCallbackQuery({ text: ctx.t("menu-inactive") });
  }
  await ctx.answerCallbackQuery();
  await ctx.editMessageText(ctx.t("booking-waitlist-left"));
});

async function ownAppointment(ctx: BotContext, appointmentId: number) {
  const appointment = await ctx.deps.booking.appointments.findAppointment(appointmentId);
  if (!appointment || appointment.userId !== BigInt(ctx.from!.id) || appointment.status !== "confirmed") {
    await ctx.answerCallbackQuery({ text: ctx.t("menu-inactive") });
    return null;
  }
  return appointment;
}

function tooLate(ctx: BotContext, startsAt: Date): boolean {
  return insideLateWindow(ctx.deps.clinic, startsAt, ctx.deps.now());
}

async function refuseLate(ctx: BotContext): Promise<void> {
  await ctx.answerCallbackQuery();
  await ctx.reply(ctx.t("appointments-late", { phone: ctx.deps.clinic.phone, hours: String(ctx.deps.clinic.booking.lateCancellationHours) }));
}
