import type { ClinicProfile } from "../clinic/clinic-profile.js";
import type { Logger } from "../logger.js";
import type { AppointmentRepository } from "./appointment-repository.js";
import type { BookingNotices } from "./booking-notices.js";
import { slotFits, type BusyInterval, type SlotCheck } from "./available-slots.js";
import { DAY_MS, MINUTE_MS } from "../shared/time.js";

/** What the booking use cases work with; handlers pass it from the bot's dependencies. */
export interface BookingDeps {
  appointments: AppointmentRepository;
  notices: BookingNotices;
  clinic: ClinicProfile;
  logger: Logger;
  now: () => Date;
}

/**
 * A patient may leave a booking half-way and come back within this time; after
 * it, its buttons stop working and what it holds is deleted (see
 * expire-abandoned-bookings.ts), even if the patient never writes again.
 */
export const BOOKING_WAIT_LIMIT_MS = DAY_MS;

export function serviceDurationMs(clinic: ClinicProfile, serviceId: string): number | null {
  const service = clinic.services.find((entry) => entry.id === serviceId);
  return service ? service.durationMinutes * MINUTE_MS : null;
}

/** Confirmed appointments from now to past the booking horizon: the time offered days and slots must avoid. */
export function busyAhead(deps: Pick<BookingDeps, "appointments" | "clinic">, now: Date): Promise<BusyInterval[]> {
  return deps.appointments.busyBetween(now, new Date(now.getTime() + (deps.clinic.booking.horizonDays + 2) * DAY_MS));
}

/** Checks one chosen slot again, against the clinic's rules and the appointments around it (taken meanwhile?). */
export async function checkSlot(
  deps: Pick<BookingDeps, "appointments" | "clinic">,
  query: { serviceId: string; practitionerId: string; start: Date; now: Date },
): Promise<SlotCheck> {
  const busy = await deps.appointments.busyBetween(new Date(query.start.getTime() - DAY_MS), new Date(query.start.getTime() + DAY_MS));
  return slotFits(deps.clinic, { ...query, busy });
}
