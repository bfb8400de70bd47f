import { InlineKeyboard, type Api } from "grammy";
import type { ClinicProfile } from "../clinic/clinic-profile.js";
import { asLanguage, practitionerName, serviceName } from "../clinic/clinic-profile.js";
import type { Translator } from "../bot/i18n.js";
import { escapeHtml } from "../shared/html.js";
import { attachedTextFile, type OutgoingMessage } from "../delivery/outbox.js";
import type { BookingMessenger, BookingNotice } from "../booking/booking-notices.js";
import type { Appointment, AppointmentRequest } from "../booking/appointment-repository.js";
import { appointmentIcs, cancellationIcs } from "../booking/ics.js";
import { formatReference } from "../booking/reference.js";
import { proposalButtons, reminderButtons, waitlistButtons } from "./appointments-buttons.js";
import { requestCardButtons } from "./appointment-requests-buttons.js";
import { bookingWording, type BookingWording } from "./booking-wording.js";

/**
 * The words and buttons of the booking notices (src/booking/booking-notices.ts
 * decides who gets which, with what): each becomes the message queued in the
 * outbox, in its recipient's language, patient text escaped. `api` edits a
 * staff card already in the chat.
 */
export function bookingMessenger(i18n: Translator, clinic: ClinicProfile, api: Api): BookingMessenger {
  const words = bookingWording(i18n, clinic);
  const staff = clinic.defaultLanguage;
  const text = (text: string, extra: Record<string, unknown> = {}): OutgoingMessage => ({ method: "sendMessage", params: { text, ...extra } });
  const toStaff = (line: string): OutgoingMessage => text(line, { parse_mode: "HTML" });
  const calendarFile = (name: string, appointment: Appointment, language: string, at: Date, cancelled: boolean, caption: string): OutgoingMessage => ({
    method: "sendDocument",
    params: { document: attachedTextFile(name, calendarOf(words, clinic, appointment, language, at, cancelled)), caption },
  });

  const render = (notice: BookingNotice): OutgoingMessage => {
    switch (notice.type) {
      case "staff-card": {
        const card = staffCard(words, clinic, notice.request, notice.appointment);
        return text(card.text, { parse_mode: "HTML", reply_markup: card.reply_markup });
      }
      case "request-withdrawn":
        return toStaff(words.t(staff, notice.proposalRefused ? "booking-proposal-refused-staff" : "booking-withdrawn-staff", {
          reference: formatReference(notice.request.id),
          name: escapeHtml(notice.request.patientName ?? "—"),
        }));
      case "appointment-cancelled-staff":
        return toStaff(words.t(staff, "booking-cancelled-staff", {
          reference: formatReference(notice.appointment.requestId),
          name: escapeHtml(notice.appointment.request.patientName ?? "—"),
          appointment: escapeHtml(words.describe(notice.appointment, staff)),
          by: escapeHtml(notice.appointment.cancelledBy ?? "—"),
        }));
      case "request-stale-staff":
        return toStaff(words.t(staff, "booking-stale-staff", {
          reference: formatReference(notice.request.id),
          name: escapeHtml(notice.request.patientName ?? "—"),
          phone: escapeHtml(notice.request.phone ?? "—"),
          hours: String(clinic.booking.requestStaleAfterHours),
        }));
      case "appointment-confirmed": {
        const { request, appointment } = notice;
        // The health disclaimer belongs to tips and health answers, not to a booking.
        return text(words.t(request.language, "booking-confirmed-patient", {
          reference: formatReference(request.id),
          appointment: words.describe(appointment, request.language),
          address: clinic.address,
        }));
      }
      case "appointment-calendar":
        return calendarFile(`appointment-${formatReference(notice.request.id)}.ics`, notice.appointment, notice.request.language, notice.at, false,
          words.t(notice.request.language, "booking-calendar-caption"));
      case "reminder": {
        const { appointment, hours } = notice;
        const language = notice.request.language;
        return text(words.t(language, hours >= 24 ? "booking-reminder-day" : "booking-reminder-soon", { appointment: words.describe(appointment, language), hours: String(hours) }), {
          reply_markup: new InlineKeyboard()
            .text(words.t(language, "booking-button-attending"), reminderButtons.data("yes", { appointmentId: appointment.id }))
            .row()
            .text(words.t(language, "booking-button-need-reschedule"), reminderButtons.data("move", { appointmentId: appointment.id })),
        });
      }
      case "appointment-moved": {
        const { replaced } = notice;
        const language = notice.request.language;
        return calendarFile(`cancelled-${formatReference(replaced.requestId)}.ics`, replaced, language, notice.at, true,
          words.t(language, "booking-rescheduled-calendar-caption", { appointment: words.describe(replaced, language) }));
      }
      case "request-declined":
        return text(words.t(notice.request.language, "booking-declined-patient", {
          reference: formatReference(notice.request.id),
          reason: notice.request.declineReason ?? "—",
          phone: clinic.phone,
        }));
      case "time-proposed": {
        const { request, proposed } = notice;
        const language = request.language;
        return text(words.t(language, "booking-proposed-patient", {
          reference: formatReference(request.id),
          requested: words.when(request.startsAt, language),
          appointment: words.describe({ serviceId: request.serviceId, ...proposed }, language),
        }), {
          reply_markup: new InlineKeyboard()
            .text(words.t(language, "booking-button-accept"), proposalButtons.data("yes", { requestId: request.id }))
            .text(words.t(language, "booking-button-refuse"), proposalButtons.data("no", { requestId: request.id })),
        });
      }
      case "appointment-cancelled": {
        const { appointment } = notice;
        const language = appointment.request.language;
        return calendarFile(`cancelled-${formatReference(appointment.requestId)}.ics`, appointment, language, notice.at, true,
          words.t(language, "booking-cancelled-patient", { appointment: words.describe(appointment, language) }));
      }
      case "request-stale-patient":
        return text(words.t(notice.request.language, "booking-stale-patient", { reference: formatReference(notice.request.id), phone: clinic.phone }));
      case "waitlist-offer": {
        const { entry, slot, offerId } = notice;
        const language = entry.language;
        return text(words.t(language, "booking-waitlist-offer", { appointment: words.describe({ serviceId: entry.serviceId, ...slot }, language) }), {
          reply_markup: new InlineKeyboard()
            .text(words.t(language, "booking-button-take-slot"), waitlistButtons.data("yes", { offerId }))
            .row()
            .text(words.t(language, "booking-button-leave-waitlist"), waitlistButtons.data("no", { entryId: entry.id })),
        });
      }
    }
  };

  return {
    render,
    async replace(chatId, messageId, message) {
      const { text, parse_mode, reply_markup } = message.params as { text: string; parse_mode?: "HTML"; reply_markup?: InlineKeyboard };
      await api.editMessageText(chatId, messageId, text, { parse_mode, reply_markup: reply_markup ?? new InlineKeyboard() });
    },
    waitlistHandler: words.t(staff, "booking-waitlist-by"),
  };
}

/** The card staff act on: every detail, patient text escaped, and the buttons its status allows. */
export function staffCard(words: BookingWording, clinic: ClinicProfile, request: AppointmentRequest, appointment: Appointment | null): { text: string; reply_markup?: InlineKeyboard } {
  const language = clinic.defaultLanguage;
  const t = (key: string, vars?: Record<string, string>) => words.t(language, key, vars);
  const lines = [
    t("booking-card-title", { reference: formatReference(request.id), status: t(`booking-status-${statusOf(request, appointment)}`) }),
    t("booking-card-patient", {
      name: escapeHtml(request.patientName ?? t("booking-card-erased")),
      userId: request.userId === null ? "—" : String(request.userId),
    }),
    t("booking-card-phone", { phone: escapeHtml(request.phone ?? "—") }),
    t("booking-card-service", { service: escapeHtml(serviceName(clinic, request.serviceId, language)) }),
    t(request.anyPractitioner ? "booking-card-practitioner-any" : "booking-card-practitioner", { practitioner: escapeHtml(practitionerName(clinic, request.practitionerId)) }),
    t("booking-card-when", { when: words.when(request.startsAt, language) }),
    request.directBilling
      ? request.billingNote
        ? t("booking-card-billing-yes-note", { insurer: escapeHtml(request.insurer ?? t("booking-card-insurer-missing")), note: escapeHtml(request.billingNote) })
        : t("booking-card-billing-yes", { insurer: escapeHtml(request.insurer ?? t("booking-card-insurer-missing")) })
      : t("booking-card-billing-no"),
    t("booking-card-note", { note: escapeHtml(request.note ?? "—") }),
  ];
  if (request.redFlags) lines.push(t("booking-card-red-flags", { flags: escapeHtml(request.redFlags) }));
  if (request.replacesAppointmentId !== null) lines.push(t("booking-card-reschedule", { appointment: String(request.replacesAppointmentId) }));
  if (request.status === "proposed" && request.proposedStartsAt && request.proposedPractitionerId) {
    lines.push(t("booking-card-proposed", {
      by: escapeHtml(request.handledByName ?? "—"),
      when: words.when(request.proposedStartsAt, language),
      practitioner: escapeHtml(practitionerName(clinic, request.proposedPractitionerId)),
    }));
  }
  if (request.status === "confirmed") lines.push(t("booking-card-confirmed", { by: escapeHtml(request.handledByName ?? t("booking-card-patient-self")) }));
  if (request.status === "declined") {
    lines.push(t("booking-card-declined", { by: escapeHtml(request.handledByName ?? "—"), reason: escapeHtml(request.declineReason ?? "—") }));
  }
  if (request.status === "cancelled") lines.push(t("booking-card-withdrawn"));
  if (appointment?.status === "cancelled") lines.push(t("booking-card-appointment-cancelled", { by: appointment.cancelledBy ?? "—" }));
  if (appointment?.attendance) lines.push(t(`booking-card-attendance-${appointment.attendance}`));

  if (request.status !== "requested") return { text: lines.join("\n") };
  return {
    text: lines.join("\n"),
    reply_markup: new InlineKeyboard()
      .text(t("booking-button-confirm"), requestCardButtons.data("ok", { requestId: request.id }))
      .text(t("booking-button-decline"), requestCardButtons.data("no", { requestId: request.id }))
      .row()
      .text(t("booking-button-propose"), requestCardButtons.data("alt", { requestId: request.id })),
  };
}

function statusOf(request: AppointmentRequest, appointment: Appointment | null): string {
  if (appointment && appointment.status !== "confirmed") return appointment.status;
  return request.status;
}

/** The appointment's calendar event (or its cancellation, same UID), described in the patient's language. */
function calendarOf(words: BookingWording, clinic: ClinicProfile, appointment: Appointment, language: string, now: Date, cancelled: boolean): string {
  const input = {
    // Globally unique and stable, which calendar apps need to match a cancellation to the event.
    uid: `appointment-${appointment.id}@${clinic.website ? new URL(clinic.website).hostname : "clinic.invalid"}`,
    start: appointment.startsAt,
    end: appointment.endsAt,
    summary: `${serviceName(clinic, appointment.serviceId, language)} — ${clinic.name[asLanguage(language)]}`,
    description: words.t(language, "booking-ics-description", { practitioner: practitionerName(clinic, appointment.practitionerId), phone: clinic.phone }),
    location: clinic.address,
    organizerName: clinic.name[asLanguage(language)],
    organizerEmail: clinic.email,
    url: clinic.website,
    now,
  };
  return cancelled ? cancellationIcs(input) : appointmentIcs(input);
}
