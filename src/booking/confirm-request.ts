import type { ConfirmResult, StaffMember } from "./appointment-repository.js";
import type { BookingDeps } from "./booking-deps.js";
import { serviceDurationMs } from "./booking-deps.js";

export type ConfirmRequestResult = ConfirmResult | { ok: false; reason: "missing" };

/**
 * Turns a request into an appointment: staff confirm the requested time, or
 * the patient accepts the time staff proposed. The repository makes this
 * atomic and refuses an overlap; the patient then gets the confirmation with
 * its calendar file, and reminders are queued.
 */
export async function confirmRequest(
  deps: BookingDeps,
  input: { requestId: number; by: StaffMember | null; acceptingProposal?: boolean },
): Promise<ConfirmRequestResult> {
  const request = await deps.appointments.findRequest(input.requestId);
  if (!request) return { ok: false, reason: "missing" };
  const proposal = input.acceptingProposal === true;
  const practitionerId = proposal ? request.proposedPractitionerId : request.practitionerId;
  const startsAt = proposal ? request.proposedStartsAt : request.startsAt;
  const duration = serviceDurationMs(deps.clinic, request.serviceId);
  if (!practitionerId || !startsAt || duration === null) return { ok: false, reason: "handled", request };

  const now = deps.now();
  const result = await deps.appointments.confirm({
    requestId: request.id,
    from: proposal ? ["proposed"] : ["requested"],
    startsAt,
    endsAt: new Date(startsAt.getTime() + duration),
    practitionerId,
    // When the patient accepts a proposal, the staff member who proposed it stays on record.
    by: proposal ? null : input.by,
    now,
    maxUpcoming: deps.clinic.booking.maxUpcomingPerPatient,
  });
  if (!result.ok) return result;
  await deps.notices.appointmentConfirmed(result.request, result.appointment, result.replaced, now);
  await deps.notices.refreshStaffCard(result.request, result.appointment);
  deps.logger.info({ requestId: request.id, appointmentId: result.appointment.id }, "appointment confirmed");
  return result;
}
