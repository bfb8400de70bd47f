import type { AppointmentRequest } from "./appointment-repository.js";
import type { BookingDeps } from "./booking-deps.js";

/** A withdrawn request, and whether what the patient turned down was a time staff proposed. */
export interface WithdrawnRequest {
  request: AppointmentRequest;
  proposalRefused: boolean;
}

/** The patient withdraws a waiting request, or turns down the time staff proposed; staff see it on the card and in the chat. */
export async function withdrawRequest(deps: BookingDeps, requestId: number, patientId: number | bigint): Promise<WithdrawnRequest | null> {
  const now = deps.now();
  const before = await deps.appointments.findRequest(requestId);
  const request = await deps.appointments.withdrawRequest(requestId, patientId, now);
  if (!request) return null;
  const proposalRefused = before?.status === "proposed";
  await deps.notices.requestWithdrawn(request, proposalRefused, now);
  return { request, proposalRefused };
}
