import type { AppointmentOutcome, AppointmentWithRequest, StaffMember } from "./appointment-repository.js";
import type { BookingDeps } from "./booking-deps.js";
import { DAY_MS, HOUR_MS } from "../shared/time.js";

/** How long after recording an outcome staff may take it back (a wrong button, the wrong patient). */
export const OUTCOME_UNDO_MS = 24 * HOUR_MS;

/** How far back confirmed appointments with no outcome are listed for staff to mark. */
export const AWAITING_OUTCOME_DAYS = 30;

export type MarkOutcomeResult =
  | { ok: true; appointment: AppointmentWithRequest; undoUntil: Date }
  | { ok: false; reason: "not-found" }
  /** The appointment has not begun: nothing can be said yet of how it went. */
  | { ok: false; reason: "not-started"; startsAt: Date }
  /** Not confirmed any more: cancelled, or an outcome already recorded (by whom, when known). */
  | { ok: false; reason: "handled"; status: string; by: string | null };

/**
 * Staff record how an appointment went: completed or no-show. The one rule for
 * the desk and the staff chat's /today alike: only once the appointment has
 * begun (a future appointment keeps its time and stays in the patient's
 * /appointments), only once, and the outcome can be undone for
 * OUTCOME_UNDO_MS (see undo-outcome.ts). What is left of its time is freed.
 */
export async function markOutcome(
  deps: BookingDeps,
  input: { appointmentId: number; outcome: AppointmentOutcome; by: StaffMember },
): Promise<MarkOutcomeResult> {
  const now = deps.now();
  const appointment = await deps.appointments.findAppointment(input.appointmentId);
  if (!appointment) return { ok: false, reason: "not-found" };
  if (appointment.status !== "confirmed") return { ok: false, reason: "handled", status: appointment.status, by: appointment.outcomeBy };
  if (appointment.startsAt.getTime() > now.getTime()) return { ok: false, reason: "not-started", startsAt: appointment.startsAt };
  // The same conditions again in the update itself: a double press or two staff members at once, one wins.
  const marked = await deps.appointments.recordOutcome(appointment.id, input.outcome, input.by.name, now);
  if (!marked) {
    const current = await deps.appointments.findAppointment(appointment.id);
    return { ok: false, reason: "handled", status: current?.status ?? appointment.status, by: current?.outcomeBy ?? null };
  }
  await deps.notices.refreshStaffCard(marked.request, marked);
  deps.logger.info({ appointmentId: marked.id, outcome: input.outcome, by: input.by.id }, "appointment outcome recorded");
  return { ok: true, appointment: marked, undoUntil: new Date(now.getTime() + OUTCOME_UNDO_MS) };
}

/** Until when a recorded outcome can still be undone; null when it cannot (none recorded, or too long ago). */
export function undoableUntil(appointment: { status: string; outcomeAt: Date | null }, now: Date): Date | null {
  if (appointment.status === "confirmed" || appointment.status === "cancelled" || !appointment.outcomeAt) return null;
  const until = new Date(appointment.outcomeAt.getTime() + OUTCOME_UNDO_MS);
  return until.getTime() > now.getTime() ? until : null;
}

/** Confirmed appointments that have begun with no outcome yet (the last AWAITING_OUTCOME_DAYS days), for staff to mark. */
export function appointmentsAwaitingOutcome(deps: Pick<BookingDeps, "appointments">, now: Date): Promise<AppointmentWithRequest[]> {
  return deps.appointments.awaitingOutcome(new Date(now.getTime() - AWAITING_OUTCOME_DAYS * DAY_MS), now);
}
