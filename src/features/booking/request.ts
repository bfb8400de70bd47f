import { InlineKeyboard } from "grammy";
import { escapeHtml } from "../../shared/html.js";
import { formatShortDate } from "../../clinic/format.js";
import { practitionerName } from "../../clinic/clinic-profile.js";
import { requestAppointment } from "../../booking/request-appointment.js";
import { joinWaitlist } from "../../booking/join-waitlist.js";
import { formatReference } from "../../booking/reference.js";
import { chooseDayAndTime, choosePractitioner, chooseService } from "./choose-slot.js";
import { askBilling, askConsent, askName, askNote, askPhone } from "./patient-details.js";
import type { BookingSession, Draft } from "./session.js";

/** The end of a booking: the appointment being moved, the summary, changes, the request itself, or the waitlist. */

/** Rescheduling: the details of the appointment being moved go into the draft; false (and told) when it is gone. */
export async function loadAppointmentToMove(session: BookingSession, draft: Draft, appointmentId: number): Promise<boolean> {
  const { conversation, ctx, language, booking, t, words, userId } = session;
  const old = await conversation.external(async () => {
    const appointment = await booking.appointments.findAppointment(appointmentId);
    if (!appointment || appointment.userId !== BigInt(userId) || appointment.status !== "confirmed") return null;
    const { request } = appointment;
    return { serviceId: appointment.serviceId, practitionerId: appointment.practitionerId, startsAt: appointment.startsAt.getTime(), name: request.patientName, phone: request.phone, directBilling: request.directBilling, insurer: request.insurer, billingNote: request.billingNote, note: request.note };
  });
  if (!old?.name || !old.phone) {
    await ctx.reply(t("booking-reschedule-gone"));
    return false;
  }
  Object.assign(draft, { serviceId: old.serviceId, practitionerId: old.practitionerId, name: old.name, phone: old.phone, directBilling: old.directBilling, insurer: old.insurer, billingNote: old.billingNote, note: old.note });
  await ctx.reply(t("booking-reschedule-intro", { appointment: words.describe({ serviceId: old.serviceId, practitionerId: old.practitionerId, startsAt: new Date(old.startsAt) }, language) }));
  return true;
}

function summary(session: BookingSession, draft: Draft): string {
  const { language, clinic, words, t } = session;
  const service = clinic.services.find((entry) => entry.id === draft.serviceId)!;
  return t("booking-summary", {
    service: escapeHtml(service.name[language]),
    practitioner: escapeHtml(practitionerName(clinic, draft.slot!.practitionerId)),
    when: words.when(new Date(draft.slot!.start), language),
    zone: clinic.timeZone,
    name: escapeHtml(draft.name!),
    phone: escapeHtml(draft.phone!),
    billing: draft.directBilling ? t("booking-summary-billing-yes", { insurer: escapeHtml(draft.insurer ?? "—") }) : t("booking-summary-billing-no"),
    note: escapeHtml(draft.note ?? "—"),
  });
}

/** Shows the summary; the patient confirms it or asks to change something. */
export async function confirmSummary(session: BookingSession, draft: Draft): Promise<"ok" | "change"> {
  const { ctx, t, button, cancelRow, answer } = session;
  await ctx.reply(summary(session, draft), {
    parse_mode: "HTML",
    reply_markup: InlineKeyboard.from([[button(t("booking-button-confirm-request"), "ok")], [button(t("booking-button-change"), "change")], cancelRow()]),
  });
  const reply = await answer(["ok", "change"]);
  return reply.kind === "button" && reply.action === "change" ? "change" : "ok";
}

/** Sends the request to staff (the use case checks the slot and the patient's limit again). */
export function submitRequest(session: BookingSession, draft: Draft) {
  const { conversation, args, language, booking, userId, chatId } = session;
  return conversation.external(async () => {
    const outcome = await requestAppointment(booking, {
      userId,
      chatId,
      serviceId: draft.serviceId!,
      practitionerId: draft.slot!.practitionerId,
      anyPractitioner: draft.practitionerId === null,
      startsAt: new Date(draft.slot!.start),
      patientName: draft.name!,
      phone: draft.phone!,
      directBilling: draft.directBilling,
      insurer: draft.insurer,
      billingNote: draft.billingNote,
      note: draft.note,
      redFlags: draft.redFlags,
      language,
      replacesAppointmentId: args.reschedule ?? null,
    });
    return outcome.ok ? { ok: true as const, reference: formatReference(outcome.request.id) } : { ok: false as const, reason: outcome.reason };
  });
}

export async function change(session: BookingSession, current: Draft): Promise<void> {
  const { ctx, args, t, button, cancelRow, answer } = session;
  const options = [
    [button(t("booking-change-time"), "ch:time")],
    [button(t("booking-change-name"), "ch:name")],
    [button(t("booking-change-phone"), "ch:phone")],
    [button(t("booking-change-billing"), "ch:billing")],
    [button(t("booking-change-note"), "ch:note")],
    cancelRow(),
  ];
  await ctx.reply(t("booking-change-what"), { reply_markup: InlineKeyboard.from(options) });
  const reply = await answer(["ch"]);
  if (reply.kind !== "button") return;
  if (reply.value === "time") {
    if (args.reschedule === undefined) {
      await chooseService(session, current);
      await choosePractitioner(session, current);
    }
    if (!(await chooseDayAndTime(session, current))) return waitForFreedTime(session, current);
    // Another service may not be billable directly.
    if (args.reschedule === undefined) await askBilling(session, current);
  }
  if (reply.value === "name") await askName(session, current);
  if (reply.value === "phone") await askPhone(session, current);
  if (reply.value === "billing") await askBilling(session, current);
  if (reply.value === "note") await askNote(session, current);
}

/** Nothing suits: the patient leaves a name and number and is offered any time that frees up that day. */
export async function waitForFreedTime(session: BookingSession, current: Draft): Promise<never> {
  const { conversation, ctx, language, clinic, booking, t, userId, chatId } = session;
  if (!current.name) await askName(session, current);
  await askConsent(session);
  if (!current.phone) await askPhone(session, current);
  const joined = await conversation.external(async () =>
    (await joinWaitlist(booking, {
      userId,
      chatId,
      serviceId: current.serviceId!,
      practitionerId: current.practitionerId ?? null,
      date: current.date!,
      patientName: current.name!,
      phone: current.phone!,
      language,
    })).ok,
  );
  if (!joined) {
    await ctx.reply(t("booking-waitlist-limit", { max: String(clinic.booking.maxWaitlistPerPatient), phone: clinic.phone }), { reply_markup: { remove_keyboard: true } });
    return conversation.halt();
  }
  await ctx.reply(t("booking-waitlist-added", { day: formatShortDate(current.date!, language) }), { reply_markup: { remove_keyboard: true } });
  return conversation.halt();
}
