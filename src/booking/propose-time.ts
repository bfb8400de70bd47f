import type { SlotRejection } from "./available-slots.js";
import type { AppointmentRequest, StaffMember } from "./appointment-repository.js";
import { checkSlot, type BookingDeps } from "./booking-deps.js";

export type ProposeTimeResult = { ok: true; request: AppointmentRequest } | { ok: false; reason: SlotRejection | "handled" };

/** Staff offer the patient another time; the patient accepts (it becomes the appointment) or declines. */
export async function proposeTime(
  deps: BookingDeps,
  input: { requestId: number; startsAt: Date; practitionerId: string; by: StaffMember },
): Promise<ProposeTimeResult> {
  const now = deps.now();
  const current = await deps.appointments.findRequest(input.requestId);
  if (!current || current.status !== "requested") return { ok: false, reason: "handled" };
  const check = await checkSlot(deps, { serviceId: current.serviceId, practitionerId: input.practitionerId, start: input.startsAt, now });
  if (!check.ok) return check;
  const request = await deps.appointments.propose(input.requestId, input.startsAt, input.practitionerId, input.by, now);
  if (!request) return { ok: false, reason: "handled" };
  await deps.notices.timeProposed(request, now);
  await deps.notices.refreshStaffCard(request, null);
  return { ok: true, request };
}
