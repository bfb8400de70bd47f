import { asLanguage, practitionerName, serviceName, type ClinicProfile } from "../clinic/clinic-profile.js";
import { formatDateTime } from "../clinic/format.js";
import type { Translator } from "../bot/i18n.js";

/** How the booking messages name a slot, in any language (not only the sender's: notices go to others). */
export interface BookingWording {
  t(language: string, key: string, vars?: Record<string, string>): string;
  /** "Tuesday, December 1, 10:00 a.m." in the clinic's time zone. */
  when(instant: Date, language: string): string;
  /** "Registered massage therapy — 60 min with Camille Tremblay (Tuesday, December 1, 10:00 a.m.)" */
  describe(slot: { serviceId: string; practitionerId: string; startsAt: Date }, language: string): string;
}

export function bookingWording(i18n: Translator, clinic: ClinicProfile): BookingWording {
  const t = (language: string, key: string, vars?: Record<string, string>) => i18n.t(asLanguage(language), key, vars);
  const when = (instant: Date, language: string) => formatDateTime(instant, clinic.timeZone, asLanguage(language));
  return {
    t,
    when,
    describe: (slot, language) =>
      t(language, "booking-slot-line", {
        service: serviceName(clinic, slot.serviceId, language),
        practitioner: practitionerName(clinic, slot.practitionerId),
        when: when(slot.startsAt, language),
      }),
  };
}
