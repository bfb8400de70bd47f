import type { SlotRejection } from "./available-slots.js";
import type { AppointmentRequest, NewAppointmentRequest } from "./appointment-repository.js";
import { checkSlot, serviceDurationMs, type BookingDeps } from "./booking-deps.js";

export type RequestAppointmentResult =
  | { ok: true; request: AppointmentRequest }
  | { ok: false; reason: SlotRejection | "limit" };

/**
 * A patient confirms their request: the slot is checked once more (someone may
 * have taken it while they typed), the per-patient limit too, then the request
 * is stored and its card queued for the staff chat.
 */
export async function requestAppointment(deps: BookingDeps, input: Omit<NewAppointmentRequest, "endsAt">): Promise<RequestAppointmentResult> {
  const now = deps.now();
  const rules = deps.clinic.booking;
  // A reschedule replaces an appointment the patient already has, so it does not count twice.
  if (!input.replacesAppointmentId && (await deps.appointments.countUpcoming(input.userId, now)) >= rules.maxUpcomingPerPatient) {
    return { ok: false, reason: "limit" };
  }
  const check = await checkSlot(deps, { serviceId: input.serviceId, practitionerId: input.practitionerId, start: input.startsAt, now });
  if (!check.ok) return check;

  // checkSlot has refused unknown services.
  const duration = serviceDurationMs(deps.clinic, input.serviceId)!;
  const request = await deps.appointments.createRequest({ ...input, createdAt: now, endsAt: new Date(input.startsAt.getTime() + duration) });
  await deps.notices.sendStaffCard(request, now);
  deps.logger.info({ requestId: request.id, redFlags: input.redFlags.length > 0 }, "appointment requested");
  return { ok: true, request };
}
