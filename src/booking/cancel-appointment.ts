import type { ClinicProfile } from "../clinic/clinic-profile.js";
import type { AppointmentWithRequest } from "./appointment-repository.js";
import type { BookingDeps } from "./booking-deps.js";
import { HOUR_MS, localDate } from "../shared/time.js";

/** Less than the clinic's late-cancellation notice before the appointment: patients must phone instead. */
export function insideLateWindow(clinic: ClinicProfile, startsAt: Date, now: Date): boolean {
  return startsAt.getTime() - now.getTime() < clinic.booking.lateCancellationHours * HOUR_MS;
}

export type CancelAppointmentResult = { ok: true; appointment: AppointmentWithRequest } | { ok: false; reason: "not-found" | "late" | "handled" };

/**
 * Cancels an appointment, by the patient (who may not do so inside the
 * late-cancellation window: they are asked to phone) or by staff. The slot
 * frees at once, the reminders stop, the patient gets a calendar cancellation,
 * staff are told, and patients waiting for that day are offered the time.
 */
export async function cancelAppointment(
  deps: BookingDeps,
  input: { appointmentId: number; patientId?: number | bigint; staffName?: string },
): Promise<CancelAppointmentResult> {
  const now = deps.now();
  const appointment = await deps.appointments.findAppointment(input.appointmentId);
  if (!appointment || (input.patientId !== undefined && appointment.userId !== BigInt(input.patientId))) return { ok: false, reason: "not-found" };
  if (input.patientId !== undefined && insideLateWindow(deps.clinic, appointment.startsAt, now)) {
    return { ok: false, reason: appointment.status === "confirmed" ? "late" : "handled" };
  }
  const cancelled = await deps.appointments.cancelAppointment(appointment.id, input.staffName ? `staff: ${input.staffName}` : "patient", now);
  if (!cancelled) return { ok: false, reason: "handled" };

  await deps.notices.appointmentCancelled(cancelled, now);
  await offerToWaitlist(deps, cancelled);
  deps.logger.info({ appointmentId: cancelled.id }, "appointment cancelled");
  return { ok: true, appointment: cancelled };
}

/** Patients waiting for that service on that day hear about the freed time, in the order they asked. */
async function offerToWaitlist(deps: BookingDeps, freed: AppointmentWithRequest): Promise<void> {
  if (freed.startsAt.getTime() <= deps.now().getTime()) return;
  const date = localDate(freed.startsAt, deps.clinic.timeZone);
  const waiting = await deps.appointments.waitingFor(freed.serviceId, date);
  for (const entry of waiting) {
    if (entry.practitionerId !== null && entry.practitionerId !== freed.practitionerId) continue;
    if (freed.userId !== null && entry.userId === freed.userId) continue;
    await deps.notices.offerFreedSlot(deps.appointments, entry, { practitionerId: freed.practitionerId, startsAt: freed.startsAt }, deps.now());
  }
}
