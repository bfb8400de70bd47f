import type { ClinicProfile } from "../clinic/clinic-profile.js";
import type { Logger } from "../logger.js";
import type { AppointmentRepository } from "./appointment-repository.js";
import type { BookingNotices } from "./booking-notices.js";

/** What the booking use cases work with; handlers pass it from the bot's dependencies. */
export interface BookingDeps {
  appointments: AppointmentRepository;
  notices: BookingNotices;
  clinic: ClinicProfile;
  logger: Logger;
  now: () => Date;
}

const MINUTE_MS = 60_000;

export function serviceDurationMs(clinic: ClinicProfile, serviceId: string): number | null {
  const service = clinic.services.find((entry) => entry.id === serviceId);
  return service ? service.durationMinutes * MINUTE_MS : null;
}
