import type { ClinicProfile } from "../clinic/clinic-profile.js";
import { describeError } from "../shared/errors.js";
import type { NewOutboxMessage, OutboxKind, OutboxStore, OutgoingMessage } from "../delivery/outbox.js";
import type { Logger } from "../logger.js";
import type { Appointment, AppointmentRepository, AppointmentRequest, AppointmentWithRequest, WaitlistEntry } from "./appointment-repository.js";
import { HOUR_MS, toEpochMinutes } from "../shared/time.js";

/**
 * Everything the booking flow tells patients and staff on its own initiative:
 * the staff card of each request, confirmations with their calendar file,
 * reminders, proposals, cancellations. This module decides who gets which
 * notice, with what data, and when; the Telegram layer words each one
 * (`BookingMessenger`, src/features/booking-notices.ts) as it is queued. Each
 * goes through the outbox under a key naming what it is, so it is sent exactly
 * once even when a button is pressed twice or the bot restarts; the staff card
 * is then edited in place.
 */

/** What a notice tells, and with what. */
export type BookingNotice =
  // --- To staff ---
  /** A request's card: every detail, and the buttons its status allows. */
  | { type: "staff-card"; request: AppointmentRequest; appointment: Appointment | null }
  /** The patient withdrew a waiting request, or turned down the time staff proposed. */
  | { type: "request-withdrawn"; request: AppointmentRequest; proposalRefused: boolean }
  /** An appointment was cancelled (by the patient or a staff member) and its time is free. */
  | { type: "appointment-cancelled-staff"; appointment: AppointmentWithRequest }
  /** Nobody answered a request within the clinic's limit. */
  | { type: "request-stale-staff"; request: AppointmentRequest }
  // --- To the patient, in the language of their request ---
  | { type: "appointment-confirmed"; request: AppointmentRequest; appointment: Appointment }
  /**
   * The confirmed appointment's calendar file (a message of its own, so the confirmation arrives where files
   * cannot); `at` stamps the file, as for the calendar cancellations below.
   */
  | { type: "appointment-calendar"; request: AppointmentRequest; appointment: Appointment; at: Date }
  | { type: "reminder"; request: AppointmentRequest; appointment: Appointment; hours: number }
  /** A rescheduled appointment's old time leaves the patient's calendar (a cancellation of its event). */
  | { type: "appointment-moved"; request: AppointmentRequest; replaced: Appointment; at: Date }
  | { type: "request-declined"; request: AppointmentRequest }
  | { type: "time-proposed"; request: AppointmentRequest; proposed: { practitionerId: string; startsAt: Date } }
  /** A calendar cancellation. */
  | { type: "appointment-cancelled"; appointment: AppointmentWithRequest; at: Date }
  /** Nobody answered their request in time: the clinic will call. */
  | { type: "request-stale-patient"; request: AppointmentRequest }
  /** A freed time offered from the waitlist (the offer recorded first: accepting checks the button against it). */
  | { type: "waitlist-offer"; entry: WaitlistEntry; slot: { practitionerId: string; startsAt: Date }; offerId: number };

/** How notices reach people: provided by the Telegram layer. */
export interface BookingMessenger {
  /** The message a notice becomes, in its recipient's language (queued as it is). */
  render(notice: BookingNotice): OutgoingMessage;
  /** Replaces a message already in a chat (a staff card brought up to date). */
  replace(chatId: number, messageId: number, message: OutgoingMessage): Promise<void>;
  /** How staff read who confirmed an appointment taken from the waitlist (no staff member did). */
  readonly waitlistHandler: string;
}

export interface BookingNoticesOptions {
  messenger: BookingMessenger;
  clinic: ClinicProfile;
  outbox: OutboxStore;
  /** Where request cards go: the staff group, or a staff member's private chat when no group is set. */
  staffChatId: number | undefined;
  logger: Logger;
  wake: () => void;
}

export class BookingNotices {
  constructor(private readonly options: BookingNoticesOptions) {}

  get staffChatId(): number | undefined {
    return this.options.staffChatId;
  }

  get waitlistHandler(): string {
    return this.options.messenger.waitlistHandler;
  }

  // --- The staff card ------------------------------------------------------

  async sendStaffCard(request: AppointmentRequest, now: Date): Promise<void> {
    const staffChatId = this.options.staffChatId;
    if (staffChatId === undefined) {
      this.options.logger.error({ requestId: request.id }, "no STAFF_CHAT_ID or STAFF_IDS: nobody can see this appointment request");
      return;
    }
    await this.enqueue({
      key: cardKey(request.id),
      kind: "notice",
      chatId: staffChatId,
      aboutUserId: request.userId,
      message: this.render({ type: "staff-card", request, appointment: null }),
      dueAt: now,
    });
  }

  /** Edits the card to its current state (called when something happens away from the card itself). */
  async refreshStaffCard(request: AppointmentRequest, appointment: Appointment | null): Promise<void> {
    const staffChatId = this.options.staffChatId;
    const messageId = await this.options.outbox.sentMessageId(cardKey(request.id));
    if (staffChatId === undefined || messageId === null) return;
    try {
      await this.options.messenger.replace(staffChatId, messageId, this.render({ type: "staff-card", request, appointment }));
    } catch (error) {
      this.options.logger.warn({ err: describeError(error), requestId: request.id }, "could not update the staff card");
    }
  }

  /**
   * A short line in the staff chat, for events staff must not miss; `aboutUserId`
   * names the patient it is about, so that erasing them clears it too.
   */
  async tellStaff(key: string, text: string, now: Date, aboutUserId: bigint | number | null = null): Promise<void> {
    await this.toStaff(key, { method: "sendMessage", params: { text, parse_mode: "HTML" } }, now, aboutUserId);
  }

  /** Staff see the withdrawal on the card and in the chat. */
  async requestWithdrawn(request: AppointmentRequest, proposalRefused: boolean, now: Date): Promise<void> {
    await this.refreshStaffCard(request, null);
    await this.toStaff(`request-withdrawn:${request.id}`, this.render({ type: "request-withdrawn", request, proposalRefused }), now, request.userId);
  }

  // --- Messages to the patient ---------------------------------------------

  /** The confirmation with its .ics, the reminders, and (for a reschedule) the end of the old appointment's reminders. */
  async appointmentConfirmed(request: AppointmentRequest, appointment: Appointment, replaced: Appointment | null, now: Date): Promise<void> {
    const messages = [
      this.toPatient(request, `appointment-confirmed:${appointment.id}`, { type: "appointment-confirmed", request, appointment }, { dueAt: now }),
      this.toPatient(request, `appointment-calendar:${appointment.id}`, { type: "appointment-calendar", request, appointment, at: now }, { dueAt: now }),
    ];
    for (const hours of this.options.clinic.booking.reminderHoursBefore) {
      const dueAt = new Date(appointment.startsAt.getTime() - hours * HOUR_MS);
      // A reminder whose moment has already passed would arrive too late to be useful.
      if (dueAt <= now) continue;
      // After downtime, a reminder is still worth sending late, but not once the appointment has begun.
      const notAfter = appointment.startsAt.toISOString();
      messages.push(this.toPatient(request, reminderKey(appointment.id, hours), { type: "reminder", request, appointment, hours }, { dueAt, kind: "reminder", notAfter }));
    }
    if (replaced) {
      // The moved appointment leaves the patient's calendar too: a cancellation of its event (same UID).
      messages.push(this.toPatient(request, `appointment-cancelled:${replaced.id}`, { type: "appointment-moved", request, replaced, at: now }, { dueAt: now }));
    }
    await this.enqueue(...messages);
    if (replaced) await this.dropReminders(replaced);
  }

  async requestDeclined(request: AppointmentRequest, now: Date): Promise<void> {
    await this.enqueue(this.toPatient(request, `request-declined:${request.id}`, { type: "request-declined", request }, { dueAt: now }));
  }

  async timeProposed(request: AppointmentRequest, now: Date): Promise<void> {
    if (!request.proposedStartsAt || !request.proposedPractitionerId) return;
    const proposed = { practitionerId: request.proposedPractitionerId, startsAt: request.proposedStartsAt };
    await this.enqueue(this.toPatient(request, `request-proposed:${request.id}`, { type: "time-proposed", request, proposed }, { dueAt: now }));
  }

  /** The patient gets a calendar cancellation and their reminders stop; staff see it on the card and in the chat. */
  async appointmentCancelled(appointment: AppointmentWithRequest, now: Date): Promise<void> {
    await this.dropReminders(appointment);
    await this.enqueue(this.toPatient(appointment, `appointment-cancelled:${appointment.id}`, { type: "appointment-cancelled", appointment, at: now }, { dueAt: now }));
    await this.refreshStaffCard(appointment.request, appointment);
    await this.toStaff(`appointment-cancelled-staff:${appointment.id}`, this.render({ type: "appointment-cancelled-staff", appointment }), now, appointment.userId);
  }

  async staleRequest(request: AppointmentRequest, now: Date): Promise<void> {
    await this.toStaff(`request-stale:${request.id}`, this.render({ type: "request-stale-staff", request }), now, request.userId);
    await this.enqueue(this.toPatient(request, `request-stale-patient:${request.id}`, { type: "request-stale-patient", request }, { dueAt: now }));
  }

  /**
   * Offers a freed time to one waiting patient; the first to accept gets it. The
   * offer is recorded first: accepting checks the button against it.
   */
  async offerFreedSlot(appointments: AppointmentRepository, entry: WaitlistEntry, slot: { practitionerId: string; startsAt: Date }, now: Date): Promise<void> {
    const minutes = toEpochMinutes(slot.startsAt);
    const offer = await appointments.recordOffer(entry.id, slot);
    await this.enqueue(this.toPatient(entry, `waitlist-offer:${entry.id}:${slot.practitionerId}:${minutes}`, { type: "waitlist-offer", entry, slot, offerId: offer.id }, { dueAt: now }));
  }

  private render(notice: BookingNotice): OutgoingMessage {
    return this.options.messenger.render(notice);
  }

  private async toStaff(key: string, message: OutgoingMessage, now: Date, aboutUserId: bigint | number | null): Promise<void> {
    if (this.options.staffChatId === undefined) {
      this.options.logger.error({ key }, "no STAFF_CHAT_ID or STAFF_IDS: nobody can see this staff notice");
      return;
    }
    await this.enqueue({ key, kind: "notice", chatId: this.options.staffChatId, aboutUserId, message, dueAt: now });
  }

  /** A notice to a patient, or null when their details were erased (no chat left to write to). */
  private toPatient(
    recipient: { chatId: bigint | null; userId: bigint | null },
    key: string,
    notice: BookingNotice,
    options: { dueAt: Date; kind?: OutboxKind; notAfter?: string },
  ): NewOutboxMessage | null {
    if (recipient.chatId === null) return null;
    const rendered = this.render(notice);
    const message = options.notAfter === undefined ? rendered : { ...rendered, notAfter: options.notAfter };
    return { key, kind: options.kind ?? "notice", chatId: recipient.chatId, userId: recipient.userId, message, dueAt: options.dueAt };
  }

  private async dropReminders(appointment: Appointment): Promise<void> {
    await this.options.outbox.cancelKeys(this.options.clinic.booking.reminderHoursBefore.map((hours) => reminderKey(appointment.id, hours)));
  }

  private async enqueue(...messages: Array<NewOutboxMessage | null>): Promise<void> {
    await this.options.outbox.enqueue(messages.filter((message) => message !== null));
    this.options.wake();
  }
}

export function cardKey(requestId: number): string {
  return `request-card:${requestId}`;
}

function reminderKey(appointmentId: number, hours: number): string {
  return `reminder:${appointmentId}:${hours}h`;
}
