import { HOUR_MS } from "../shared/time.js";
import type { BookingDeps } from "./booking-deps.js";

/**
 * Requests nobody answered within the clinic's limit: staff are reminded once
 * and the patient is told the clinic will call. The messages are queued
 * under keys naming the request before it is marked, so a crash in between,
 * a second tick or a second instance cannot lose or repeat them.
 */
export async function notifyStaleRequests(deps: BookingDeps, now: Date): Promise<number> {
  const before = new Date(now.getTime() - deps.clinic.booking.requestStaleAfterHours * HOUR_MS);
  let reminded = 0;
  for (const request of await deps.appointments.staleRequests(before)) {
    await deps.notices.staleRequest(request, now);
    if (await deps.appointments.markStaleNotified(request.id, now)) reminded++;
  }
  return reminded;
}
