import type { Appointment } from "./appointment-repository.js";
import { checkSlot, serviceDurationMs, type BookingDeps } from "./booking-deps.js";

export type TakeWaitlistSlotResult = { ok: true; appointment: Appointment } | { ok: false; reason: "gone" | "taken" };

/**
 * A waiting patient accepts a freed time. The first to accept gets it: the
 * appointment is created through the same overlap-proof confirmation as any
 * other, so a second patient (or a staff confirmation) racing for that time
 * finds it taken. Staff get the card of the new appointment.
 */
export async function takeWaitlistSlot(
  deps: BookingDeps,
  input: { entryId: number; patientId: number | bigint; practitionerId: string; startsAt: Date },
): Promise<TakeWaitlistSlotResult> {
  const now = deps.now();
  const entry = await deps.appointments.findWaitlistEntry(input.entryId);
  const duration = entry ? serviceDurationMs(deps.clinic, entry.serviceId) : null;
  if (!entry || entry.status !== "waiting" || entry.userId !== BigInt(input.patientId) || duration === null) return { ok: false, reason: "gone" };
  if (!(await checkSlot(deps, { serviceId: entry.serviceId, practitionerId: input.practitionerId, start: input.startsAt, now })).ok) {
    return { ok: false, reason: "taken" };
  }

  const request = await deps.appointments.createRequest({
    userId: entry.userId,
    chatId: entry.chatId,
    serviceId: entry.serviceId,
    practitionerId: input.practitionerId,
    anyPractitioner: entry.practitionerId === null,
    startsAt: input.startsAt,
    endsAt: new Date(input.startsAt.getTime() + duration),
    patientName: entry.patientName,
    phone: entry.phone,
    directBilling: false,
    insurer: null,
    billingNote: null,
    note: null,
    redFlags: [],
    language: entry.language,
    createdAt: now,
  });
  const result = await deps.appointments.confirm({
    requestId: request.id,
    from: ["requested"],
    startsAt: request.startsAt,
    endsAt: request.endsAt,
    practitionerId: input.practitionerId,
    // The clinic offered this time to the waitlist; no staff member was involved.
    by: { id: null, name: deps.notices.t(deps.clinic.defaultLanguage, "booking-waitlist-by") },
    now,
  });
  if (!result.ok) {
    await deps.appointments.withdrawRequest(request.id, entry.userId, now);
    return { ok: false, reason: "taken" };
  }
  await deps.appointments.closeWaitlistEntry(entry.id, "booked");
  await deps.notices.appointmentConfirmed(result.request, result.appointment, null, now);
  await deps.notices.sendStaffCard(result.request, now);
  return { ok: true, appointment: result.appointment };
}
