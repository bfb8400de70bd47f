import { slotFits, type SlotRejection } from "./available-slots.js";
import type { AppointmentRequest, NewAppointmentRequest } from "./appointment-repository.js";
import type { BookingDeps } from "./booking-deps.js";

const DAY_MS = 24 * 3600_000;

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
  const busy = await deps.appointments.busyBetween(new Date(input.startsAt.getTime() - DAY_MS), new Date(input.startsAt.getTime() + DAY_MS));
  const check = slotFits(deps.clinic, { serviceId: input.serviceId, practitionerId: input.practitionerId, start: input.startsAt, now, busy });
  if (!check.ok) return check;

  const duration = deps.clinic.services.find((service) => service.id === input.serviceId)!.durationMinutes * 60_000;
  const request = await deps.appointments.createRequest({ ...input, createdAt: now, endsAt: new Date(input.startsAt.getTime() + duration) });
  await deps.notices.sendStaffCard(request, now);
  deps.logger.info({ requestId: request.id, redFlags: input.redFlags.length > 0 }, "appointment requested");
  return { ok: true, request };
}
