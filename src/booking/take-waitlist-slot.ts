import type { Appointment } from "./appointment-repository.js";
import { checkSlot, serviceDurationMs, type BookingDeps } from "./booking-deps.js";

export type TakeWaitlistSlotResult = { ok: true; appointment: Appointment } | { ok: false; reason: "gone" | "taken" | "limit" };

/**
 * A waiting patient accepts a freed time. Only a time the clinic recorded as
 * offered to this patient's entry can be taken (button data is untrusted), and
 * only while it is still free and the patient is under the clinic's cap. The
 * first to accept gets it: the appointment is created through the same
 * overlap-proof confirmation as any other, so a second patient (or a staff
 * confirmation) racing for that time finds it taken. Staff get the card.
 */
export async function takeWaitlistSlot(deps: BookingDeps, input: { offerId: number; patientId: number | bigint }): Promise<TakeWaitlistSlotResult> {
  const now = deps.now();
  const offer = await deps.appointments.findOffer(input.offerId);
  const entry = offer?.entry;
  const duration = entry ? serviceDurationMs(deps.clinic, entry.serviceId) : null;
  if (!offer || !entry || offer.status !== "offered" || entry.status !== "waiting" || entry.userId !== BigInt(input.patientId) || duration === null) {
    return { ok: false, reason: "gone" };
  }
  const { practitionerId, startsAt } = offer;
  if (!(await checkSlot(deps, { serviceId: entry.serviceId, practitionerId, start: startsAt, now })).ok) return { ok: false, reason: "taken" };
  const max = deps.clinic.booking.maxUpcomingPerPatient;
  if ((await deps.appointments.countUpcoming(entry.userId, now)) >= max) return { ok: false, reason: "limit" };

  const request = await deps.appointments.createRequest({
    userId: entry.userId,
    chatId: entry.chatId,
    serviceId: entry.serviceId,
    practitionerId,
    anyPractitioner: entry.practitionerId === null,
    startsAt,
    endsAt: new Date(startsAt.getTime() + duration),
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
    practitionerId,
    // The clinic offered this time to the waitlist; no staff member was involved.
    by: { id: null, name: deps.notices.waitlistHandler },
    now,
    maxUpcoming: max,
  });
  if (!result.ok) {
    await deps.appointments.withdrawRequest(request.id, entry.userId, now);
    return { ok: false, reason: result.reason === "limit" ? "limit" : "taken" };
  }
  await deps.appointments.markOfferTaken(offer.id);
  await deps.appointments.closeWaitlistEntry(entry.id, "booked");
  await deps.notices.appointmentConfirmed(result.request, result.appointment, null, now);
  await deps.notices.sendStaffCard(result.request, now);
  return { ok: true, appointment: result.appointment };
}
