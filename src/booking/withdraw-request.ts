import { escapeHtml } from "../shared/html.js";
import type { AppointmentRequest } from "./appointment-repository.js";
import type { BookingDeps } from "./booking-deps.js";
import { formatReference } from "./reference.js";

/** The patient withdraws a waiting request, or turns down the time staff proposed; staff see it on the card and in the chat. */
export async function withdrawRequest(deps: BookingDeps, requestId: number, patientId: number | bigint): Promise<AppointmentRequest | null> {
  const now = deps.now();
  const before = await deps.appointments.findRequest(requestId);
  const request = await deps.appointments.withdrawRequest(requestId, patientId, now);
  if (!request) return null;
  const { notices } = deps;
  await notices.refreshStaffCard(request, null);
  const language = deps.clinic.defaultLanguage;
  await notices.tellStaff(`request-withdrawn:${request.id}`, notices.t(language, before?.status === "proposed" ? "booking-proposal-refused-staff" : "booking-withdrawn-staff", {
    reference: formatReference(request.id),
    name: escapeHtml(request.patientName ?? "—"),
  }), now, request.userId);
  return request;
}
