/** What the appointment repository stores and returns: requests, appointments, the waitlist (appointment-repository.ts). */

export type RequestStatus = "requested" | "proposed" | "confirmed" | "declined" | "cancelled";
export type AppointmentStatus = "confirmed" | "cancelled" | "completed" | "no-show";
export type AppointmentOutcome = "completed" | "no-show";
export const OUTCOMES: readonly AppointmentOutcome[] = ["completed", "no-show"];

export interface AppointmentRequest {
  id: number;
  userId: bigint | null;
  chatId: bigint | null;
  serviceId: string;
  practitionerId: string;
  anyPractitioner: boolean;
  startsAt: Date;
  endsAt: Date;
  patientName: string | null;
  phone: string | null;
  directBilling: boolean;
  insurer: string | null;
  billingNote: string | null;
  note: string | null;
  redFlags: string | null;
  language: string;
  status: string;
  proposedStartsAt: Date | null;
  proposedPractitionerId: string | null;
  declineReason: string | null;
  handledById: bigint | null;
  handledByName: string | null;
  handledAt: Date | null;
  replacesAppointmentId: number | null;
  staleNotifiedAt: Date | null;
  createdAt: Date;
}

export interface Appointment {
  id: number;
  requestId: number;
  userId: bigint | null;
  chatId: bigint | null;
  serviceId: string;
  practitionerId: string;
  startsAt: Date;
  endsAt: Date;
  status: string;
  attendance: string | null;
  cancelledAt: Date | null;
  cancelledBy: string | null;
  outcomeAt: Date | null;
  outcomeBy: string | null;
}

export interface AppointmentWithRequest extends Appointment {
  request: AppointmentRequest;
}

export interface NewAppointmentRequest {
  userId: number | bigint;
  chatId: number | bigint;
  serviceId: string;
  practitionerId: string;
  anyPractitioner: boolean;
  startsAt: Date;
  endsAt: Date;
  patientName: string;
  phone: string;
  directBilling: boolean;
  insurer: string | null;
  billingNote: string | null;
  note: string | null;
  redFlags: string[];
  language: string;
  replacesAppointmentId?: number | null;
  /** When the patient asked (the clock of the caller, so staleness follows the same time). */
  createdAt?: Date;
}

export interface StaffMember {
  id: number | bigint;
  name: string;
}

export interface ConfirmInput {
  requestId: number;
  /** The statuses the request may be confirmed from: requested (staff), proposed (the patient accepts). */
  from: RequestStatus[];
  /** The final slot: the requested one, or the time staff proposed. */
  startsAt: Date;
  endsAt: Date;
  practitionerId: string;
  /**
   * Who confirmed: a staff member; the clinic itself (`id: null`) when a patient
   * takes a freed time offered from the waitlist; null when the patient accepts
   * the time staff proposed (staff were recorded with the proposal).
   */
  by: StaffMember | { id: null; name: string } | null;
  now: Date;
  /** The patient's cap of confirmed appointments ahead, checked inside the same transaction. */
  maxUpcoming: number;
}

export type ConfirmResult =
  | { ok: true; appointment: Appointment; request: AppointmentRequest; replaced: Appointment | null }
  | { ok: false; reason: "handled"; request: AppointmentRequest | null }
  | { ok: false; reason: "taken" }
  /** The patient already has as many confirmed appointments ahead as the clinic allows. */
  | { ok: false; reason: "limit" };

export interface NewWaitlistEntry {
  userId: number | bigint;
  chatId: number | bigint;
  serviceId: string;
  practitionerId: string | null;
  date: string;
  patientName: string;
  phone: string;
  language: string;
}

export interface WaitlistEntry extends NewWaitlistEntry {
  id: number;
  userId: bigint;
  chatId: bigint;
  status: string;
  createdAt: Date;
}

export interface WaitlistOffer {
  id: number;
  entryId: number;
  practitionerId: string;
  startsAt: Date;
  status: string;
  createdAt: Date;
}
