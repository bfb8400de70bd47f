import { InlineKeyboard, type Api } from "grammy";
import type { ClinicProfile, Language } from "../clinic/clinic-profile.js";
import { formatDateTime } from "../clinic/format.js";
import { escapeHtml } from "../shared/html.js";
import type { Translator } from "../bot/i18n.js";
import { describeError } from "../shared/errors.js";
import { attachedTextFile, type NewOutboxMessage, type OutboxKind, type OutboxStore, type OutgoingMessage } from "../delivery/outbox.js";
import type { Logger } from "../logger.js";
import type { Appointment, AppointmentRepository, AppointmentRequest, AppointmentWithRequest, WaitlistEntry } from "./appointment-repository.js";
import { appointmentIcs, cancellationIcs } from "./ics.js";
import { formatReference } from "./reference.js";
import { proposalButtons, reminderButtons, requestCardButtons, waitlistButtons } from "../bot/buttons.js";

/**
 * Everything the booking flow tells patients and staff on its own initiative:
 * the staff card of each request, confirmations with their calendar file,
 * reminders, proposals, cancellations. Each goes through the outbox under a
 * key naming what it is, so it is sent exactly once even when a button is
 * pressed twice or the bot restarts; the staff card is then edited in place.
 */

/** What a notice tells, and with what; the Telegram layer words it when it is queued (`render`). */
export type BookingNotice =
  /** Staff: the patient withdrew a waiting request, or turned down the time staff proposed. */
  | { type: "request-withdrawn"; request: AppointmentRequest; proposalRefused: boolean }
  /** Staff: an appointment was cancelled (by the patient or a staff member) and its time is free. */
  | { type: "appointment-cancelled-staff"; appointment: AppointmentWithRequest };

export interface BookingNoticesOptions {
  i18n: Translator;
  /** The message a notice becomes, in its recipient's language. */
  render: (notice: BookingNotice, now: Date) => OutgoingMessage;
  clinic: ClinicProfile;
  outbox: OutboxStore;
  /** Where request cards go: the staff group, or a staff member's private chat when no group is set. */
  staffChatId: number | undefined;
  /** An Api for editing staff cards (best effort: the outcome is also in the database and /requests). */
  api: Api;
  logger: Logger;
  wake: () => void;
}

const HOUR_MS = 3600_000;

export class BookingNotices {
  constructor(private readonly options: BookingNoticesOptions) {}

  get staffChatId(): number | undefined {
    return this.options.staffChatId;
  }

  private get staffLanguage(): Language {
    return this.options.clinic.defaultLanguage;
  }

  t(language: string, key: string, vars?: Record<string, string>): string {
    return this.options.i18n.t(asLanguage(language), key, vars);
  }

  serviceName(serviceId: string, language: string): string {
    return this.options.clinic.services.find((service) => service.id === serviceId)?.name[asLanguage(language)] ?? serviceId;
  }

  practitionerName(practitionerId: string): string {
    return this.options.clinic.practitioners.find((person) => person.id === practitionerId)?.name ?? practitionerId;
  }

  when(instant: Date, language: string): string {
    return formatDateTime(instant, this.options.clinic.timeZone, asLanguage(language));
  }

  /** "Registered massage therapy — 60 min with Camille Tremblay, Tuesday, December 1, 10:00 a.m." */
  describe(slot: { serviceId: string; practitionerId: string; startsAt: Date }, language: string): string {
    return this.t(language, "booking-slot-line", {
      service: this.serviceName(slot.serviceId, language),
      practitioner: this.practitionerName(slot.practitionerId),
      when: this.when(slot.startsAt, language),
    });
  }

  // --- The staff card ------------------------------------------------------

  /** The card staff act on: every detail, patient text escaped, and the buttons its status allows. */
  staffCard(request: AppointmentRequest, appointment: Appointment | null): { text: string; reply_markup?: InlineKeyboard } {
    const language = this.staffLanguage;
    const t = (key: string, vars?: Record<string, string>) => this.t(language, key, vars);
    const lines = [
      t("booking-card-title", { reference: formatReference(request.id), status: t(`booking-status-${statusOf(request, appointment)}`) }),
      t("booking-card-patient", {
        name: escapeHtml(request.patientName ?? t("booking-card-erased")),
        userId: request.userId === null ? "—" : String(request.userId),
      }),
      t("booking-card-phone", { phone: escapeHtml(request.phone ?? "—") }),
      t("booking-card-service", { service: escapeHtml(this.serviceName(request.serviceId, language)) }),
      t(request.anyPractitioner ? "booking-card-practitioner-any" : "booking-card-practitioner", { practitioner: escapeHtml(this.practitionerName(request.practitionerId)) }),
      t("booking-card-when", { when: this.when(request.startsAt, language) }),
      request.directBilling
        ? t("booking-card-billing-yes", { insurer: escapeHtml(request.insurer ?? "—"), note: escapeHtml(request.billingNote ?? "—") })
        : t("booking-card-billing-no"),
      t("booking-card-note", { note: escapeHtml(request.note ?? "—") }),
    ];
    if (request.redFlags) lines.push(t("booking-card-red-flags", { flags: escapeHtml(request.redFlags) }));
    if (request.replacesAppointmentId !== null) lines.push(t("booking-card-reschedule", { appointment: String(request.replacesAppointmentId) }));
    if (request.status === "proposed" && request.proposedStartsAt && request.proposedPractitionerId) {
      lines.push(t("booking-card-proposed", {
        by: escapeHtml(request.handledByName ?? "—"),
        when: this.when(request.proposedStartsAt, language),
        practitioner: escapeHtml(this.practitionerName(request.proposedPractitionerId)),
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

  async sendStaffCard(request: AppointmentRequest, now: Date): Promise<void> {
    const staffChatId = this.options.staffChatId;
    if (staffChatId === undefined) {
      this.options.logger.error({ requestId: request.id }, "no STAFF_CHAT_ID or STAFF_IDS: nobody can see this appointment request");
      return;
    }
    const card = this.staffCard(request, null);
    await this.enqueue({
      key: cardKey(request.id),
      kind: "notice",
      chatId: staffChatId,
      aboutUserId: request.userId,
      message: { method: "sendMessage", params: { text: card.text, parse_mode: "HTML", reply_markup: card.reply_markup } },
      dueAt: now,
    });
  }

  /** Edits the card to its current state (called when something happens away from the card itself). */
  async refreshStaffCard(request: AppointmentRequest, appointment: Appointment | null): Promise<void> {
    const staffChatId = this.options.staffChatId;
    const messageId = await this.options.outbox.sentMessageId(cardKey(request.id));
    if (staffChatId === undefined || messageId === null) return;
    const card = this.staffCard(request, appointment);
    try {
      await this.options.api.editMessageText(staffChatId, messageId, card.text, { parse_mode: "HTML", reply_markup: card.reply_markup ?? new InlineKeyboard() });
    } catch (error) {
      this.options.logger.warn({ err: describeError(error), requestId: request.id }, "could not update the staff card");
    }
  }

  /**
   * A short line in the staff chat, for events staff must not miss; `aboutUserId`
   * names the patient it is about, so that erasing them clears it too.
   */
  async tellStaff(key: string, text: string, now: Date, aboutUserId: bigint | number | null = null): Promise<void> {
    if (this.options.staffChatId === undefined) {
      this.options.logger.error({ key }, "no STAFF_CHAT_ID or STAFF_IDS: nobody can see this staff notice");
      return;
    }
    await this.enqueue({ key, kind: "notice", chatId: this.options.staffChatId, aboutUserId, message: { method: "sendMessage", params: { text, parse_mode: "HTML" } }, dueAt: now });
  }

  /** Staff see the withdrawal on the card and in the chat. */
  async requestWithdrawn(request: AppointmentRequest, proposalRefused: boolean, now: Date): Promise<void> {
    await this.refreshStaffCard(request, null);
    await this.noticeToStaff(`request-withdrawn:${request.id}`, { type: "request-withdrawn", request, proposalRefused }, now, request.userId);
  }

  private async noticeToStaff(key: string, notice: BookingNotice, now: Date, aboutUserId: bigint | null): Promise<void> {
    if (this.options.staffChatId === undefined) {
      this.options.logger.error({ key }, "no STAFF_CHAT_ID or STAFF_IDS: nobody can see this staff notice");
      return;
    }
    await this.enqueue({ key, kind: "notice", chatId: this.options.staffChatId, aboutUserId, message: this.options.render(notice, now), dueAt: now });
  }

  // --- Messages to the patient ---------------------------------------------

  /** The confirmation with its .ics, the reminders, and (for a reschedule) the end of the old appointment's reminders. */
  async appointmentConfirmed(request: AppointmentRequest, appointment: Appointment, replaced: Appointment | null, now: Date): Promise<void> {
    const language = request.language;
    const text = [
      this.t(language, "booking-confirmed-patient", {
        reference: formatReference(request.id),
        appointment: this.describe(appointment, language),
        address: this.options.clinic.address,
      }),
      this.options.clinic.disclaimer[asLanguage(language)],
    ].join("\n\n");
    // The confirmation and its calendar file are two messages, so the confirmation arrives even where files cannot.
    const messages = [
      toPatient(request, `appointment-confirmed:${appointment.id}`, { method: "sendMessage", params: { text } }, now),
      toPatient(request, `appointment-calendar:${appointment.id}`, {
        method: "sendDocument",
        params: {
          document: attachedTextFile(`appointment-${formatReference(request.id)}.ics`, this.ics(appointment, language, now)),
          caption: this.t(language, "booking-calendar-caption"),
        },
      }, now),
    ];
    for (const hours of this.options.clinic.booking.reminderHoursBefore) {
      const dueAt = new Date(appointment.startsAt.getTime() - hours * HOUR_MS);
      // A reminder whose moment has already passed would arrive too late to be useful.
      if (dueAt <= now) continue;
      const text = this.t(language, hours >= 24 ? "booking-reminder-day" : "booking-reminder-soon", { appointment: this.describe(appointment, language), hours: String(hours) });
      const reply_markup = new InlineKeyboard()
        .text(this.t(language, "booking-button-attending"), reminderButtons.data("yes", { appointmentId: appointment.id }))
        .row()
        .text(this.t(language, "booking-button-need-reschedule"), reminderButtons.data("move", { appointmentId: appointment.id }));
      // After downtime, a reminder is still worth sending late, but not once the appointment has begun.
      const notAfter = appointment.startsAt.toISOString();
      messages.push(toPatient(request, reminderKey(appointment.id, hours), { method: "sendMessage", params: { text, reply_markup }, notAfter }, dueAt, "reminder"));
    }
    if (replaced) {
      // The moved appointment leaves the patient's calendar too: a cancellation of its event (same UID).
      messages.push(toPatient(request, `appointment-cancelled:${replaced.id}`, {
        method: "sendDocument",
        params: {
          document: attachedTextFile(`cancelled-${formatReference(replaced.requestId)}.ics`, this.ics(replaced, language, now, true)),
          caption: this.t(language, "booking-rescheduled-calendar-caption", { appointment: this.describe(replaced, language) }),
        },
      }, now));
    }
    await this.enqueue(...messages);
    if (replaced) await this.dropReminders(replaced);
  }

  async requestDeclined(request: AppointmentRequest, now: Date): Promise<void> {
    const text = this.t(request.language, "booking-declined-patient", {
      reference: formatReference(request.id),
      reason: request.declineReason ?? "—",
      phone: this.options.clinic.phone,
    });
    await this.enqueue(toPatient(request, `request-declined:${request.id}`, { method: "sendMessage", params: { text } }, now));
  }

  async timeProposed(request: AppointmentRequest, now: Date): Promise<void> {
    if (!request.proposedStartsAt || !request.proposedPractitionerId) return;
    const language = request.language;
    const text = this.t(language, "booking-proposed-patient", {
      reference: formatReference(request.id),
      requested: this.when(request.startsAt, language),
      appointment: this.describe({ serviceId: request.serviceId, practitionerId: request.proposedPractitionerId, startsAt: request.proposedStartsAt }, language),
    });
    const reply_markup = new InlineKeyboard()
      .text(this.t(language, "booking-button-accept"), proposalButtons.data("yes", { requestId: request.id }))
      .text(this.t(language, "booking-button-refuse"), proposalButtons.data("no", { requestId: request.id }));
    await this.enqueue(toPatient(request, `request-proposed:${request.id}`, { method: "sendMessage", params: { text, reply_markup } }, now));
  }

  /** The patient gets a calendar cancellation and their reminders stop; staff see it on the card and in the chat. */
  async appointmentCancelled(appointment: AppointmentWithRequest, now: Date): Promise<void> {
    await this.dropReminders(appointment);
    const language = appointment.request.language;
    await this.enqueue(toPatient(appointment, `appointment-cancelled:${appointment.id}`, {
      method: "sendDocument",
      params: {
        document: attachedTextFile(`cancelled-${formatReference(appointment.requestId)}.ics`, this.ics(appointment, language, now, true)),
        caption: this.t(language, "booking-cancelled-patient", { appointment: this.describe(appointment, language) }),
      },
    }, now));
    await this.refreshStaffCard(appointment.request, appointment);
    await this.noticeToStaff(`appointment-cancelled-staff:${appointment.id}`, { type: "appointment-cancelled-staff", appointment }, now, appointment.userId);
  }

  async staleRequest(request: AppointmentRequest, now: Date): Promise<void> {
    await this.tellStaff(`request-stale:${request.id}`, this.t(this.staffLanguage, "booking-stale-staff", {
      reference: formatReference(request.id),
      name: escapeHtml(request.patientName ?? "—"),
      phone: escapeHtml(request.phone ?? "—"),
      hours: String(this.options.clinic.booking.requestStaleAfterHours),
    }), now, request.userId);
    const text = this.t(request.language, "booking-stale-patient", { reference: formatReference(request.id), phone: this.options.clinic.phone });
    await this.enqueue(toPatient(request, `request-stale-patient:${request.id}`, { method: "sendMessage", params: { text } }, now));
  }

  /**
   * Offers a freed time to one waiting patient; the first to accept gets it. The
   * offer is recorded first: accepting checks the button against it.
   */
  async offerFreedSlot(appointments: AppointmentRepository, entry: WaitlistEntry, slot: { practitionerId: string; startsAt: Date }, now: Date): Promise<void> {
    const language = entry.language;
    const minutes = Math.round(slot.startsAt.getTime() / 60_000);
    const offer = await appointments.recordOffer(entry.id, slot);
    const text = this.t(language, "booking-waitlist-offer", { appointment: this.describe({ serviceId: entry.serviceId, ...slot }, language) });
    const reply_markup = new InlineKeyboard()
      .text(this.t(language, "booking-button-take-slot"), waitlistButtons.data("yes", { offerId: offer.id }))
      .row()
      .text(this.t(language, "booking-button-leave-waitlist"), waitlistButtons.data("no", { entryId: entry.id }));
    await this.enqueue(toPatient(entry, `waitlist-offer:${entry.id}:${slot.practitionerId}:${minutes}`, { method: "sendMessage", params: { text, reply_markup } }, now));
  }

  private ics(appointment: Appointment, language: string, now: Date, cancelled = false): string {
    const clinic = this.options.clinic;
    const input = {
      // Globally unique and stable, which calendar apps need to match a cancellation to the event.
      uid: `appointment-${appointment.id}@${clinic.website ? new URL(clinic.website).hostname : "clinic.invalid"}`,
      start: appointment.startsAt,
      end: appointment.endsAt,
      summary: `${this.serviceName(appointment.serviceId, language)} — ${clinic.name[asLanguage(language)]}`,
      description: this.t(language, "booking-ics-description", { practitioner: this.practitionerName(appointment.practitionerId), phone: clinic.phone }),
      location: clinic.address,
      organizerName: clinic.name[asLanguage(language)],
      organizerEmail: clinic.email,
      url: clinic.website,
      now,
    };
    return cancelled ? cancellationIcs(input) : appointmentIcs(input);
  }

  private async dropReminders(appointment: Appointment): Promise<void> {
    await this.options.outbox.cancelKeys(this.options.clinic.booking.reminderHoursBefore.map((hours) => reminderKey(appointment.id, hours)));
  }

  private async enqueue(...messages: Array<NewOutboxMessage | null>): Promise<void> {
    await this.options.outbox.enqueue(messages.filter((message) => message !== null));
    this.options.wake();
  }
}

/** A message to a patient, or null when their details were erased (no chat left to write to). */
function toPatient(
  recipient: { chatId: bigint | null; userId: bigint | null },
  key: string,
  message: OutgoingMessage,
  dueAt: Date,
  kind: OutboxKind = "notice",
): NewOutboxMessage | null {
  if (recipient.chatId === null) return null;
  return { key, kind, chatId: recipient.chatId, userId: recipient.userId, message, dueAt };
}

export function cardKey(requestId: number): string {
  return `request-card:${requestId}`;
}

function reminderKey(appointmentId: number, hours: number): string {
  return `reminder:${appointmentId}:${hours}h`;
}

function statusOf(request: AppointmentRequest, appointment: Appointment | null): string {
  if (appointment && appointment.status !== "confirmed") return appointment.status;
  return request.status;
}

function asLanguage(language: string): Language {
  return language === "fr" ? "fr" : "en";
}
