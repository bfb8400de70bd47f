import type { AppointmentWithRequest, StaffMember } from "./appointment-repository.js";
import type { BookingDeps } from "./booking-deps.js";
import { OUTCOME_UNDO_MS } from "./mark-outcome.js";

export type UndoOutcomeResult =
  | { ok: true; appointment: AppointmentWithRequest }
  | { ok: false; reason: "not-found" }
  /** No outcome to undo (still confirmed, cancelled, or undone already). */
  | { ok: false; reason: "not-marked"; status: string }
  /** Recorded more than OUTCOME_UNDO_MS ago: it stays. */
  | { ok: false; reason: "expired" }
  /** Its time was booked by someone else meanwhile: the outcome stays. */
  | { ok: false; reason: "taken" };

/**
 * Staff take back an outcome recorded by mistake, within OUTCOME_UNDO_MS: the
 * appointment is confirmed again and holds its time again, but only if that
 * time is still free; otherwise nothing changes and staff are told why.
 */
export async function undoOutcome(deps: BookingDeps, input: { appointmentId: number; by: StaffMember }): Promise<UndoOutcomeResult> {
  const now = deps.now();
  const appointment = await deps.appointments.findAppointment(input.appointmentId);
  if (!appointment) return { ok: false, reason: "not-found" };
  if (appointment.status !== "completed" && appointment.status !== "no-show") return { ok: false, reason: "not-marked", status: appointment.status };
  const since = new Date(now.getTime() - OUTCOME_UNDO_MS);
  if (!appointment.outcomeAt || appointment.outcomeAt.getTime() < since.getTime()) return { ok: false, reason: "expired" };
  const result = await deps.appointments.undoOutcome(appointment.id, since);
  if (result === "taken") return { ok: false, reason: "taken" };
  const current = (await deps.appointments.findAppointment(appointment.id))!;
  if (result === "not-marked") return { ok: false, reason: "not-marked", status: current.status };
  await deps.notices.refreshStaffCard(current.request, current);
  deps.logger.info({ appointmentId: current.id, undone: appointment.status, by: input.by.id }, "appointment outcome undone");
  return { ok: true, appointment: current };
}
