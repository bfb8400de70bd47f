import type { NewWaitlistEntry, WaitlistEntry } from "./appointment-repository.js";
import type { BookingDeps } from "./booking-deps.js";

export type JoinWaitlistResult = { ok: true; entry: WaitlistEntry } | { ok: false; reason: "limit" };

/**
 * A patient waits for a time to free up on a day. Joins are bounded: asking
 * again for the same service and day keeps the one entry, and a patient waits
 * for at most `booking.maxWaitlistPerPatient` days at once.
 */
export async function joinWaitlist(deps: BookingDeps, input: NewWaitlistEntry): Promise<JoinWaitlistResult> {
  const { appointments } = deps;
  const same = (await appointments.waitingFor(input.serviceId, input.date)).find((entry) => entry.userId === BigInt(input.userId));
  if (same) return { ok: true, entry: same };
  if ((await appointments.countWaiting(input.userId)) >= deps.clinic.booking.maxWaitlistPerPatient) return { ok: false, reason: "limit" };
  return { ok: true, entry: await appointments.addToWaitlist(input) };
}
