import type { AppointmentRequest, StaffMember } from "./appointment-repository.js";
import type { BookingDeps } from "./booking-deps.js";

/** Staff decline a request with a reason, which the patient receives. Null when someone already handled it. */
export async function declineRequest(deps: BookingDeps, requestId: number, reason: string, by: StaffMember): Promise<AppointmentRequest | null> {
  const now = deps.now();
  const request = await deps.appointments.decline(requestId, reason, by, now);
  if (!request) return null;
  await deps.notices.requestDeclined(request, now);
  await deps.notices.refreshStaffCard(request, null);
  deps.logger.info({ requestId }, "appointment request declined");
  return request;
}
