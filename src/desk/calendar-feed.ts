import ical, { ICalEventStatus } from "ical-generator";
import type { ClinicProfile } from "../clinic/clinic-profile.js";
import type { AppointmentWithRequest } from "../booking/appointment-repository.js";
import { formatReference } from "../booking/reference.js";
import { DAY_MS } from "../shared/time.js";

/**
 * A practitioner's private calendar feed (an iCalendar subscription): their
 * appointments from 30 days back to the booking horizon. Calendar apps poll
 * it, so a cancelled appointment disappears from it and a moved one moves
 * (a move is a new appointment with its own UID; the old one is cancelled).
 *
 * Written with ical-generator: escaping, folding and date forms are the
 * library's, not ours. Times are in UTC, so no VTIMEZONE is needed and
 * every app shows the same instant.
 */

export const FEED_DAYS_BACK = 30;

/** How often calendar apps are asked to fetch the feed again (REFRESH-INTERVAL / X-PUBLISHED-TTL). */
const REFRESH_SECONDS = 15 * 60;

export function feedWindow(clinic: ClinicProfile, now: Date): { from: Date; to: Date } {
  const day = DAY_MS;
  return { from: new Date(now.getTime() - FEED_DAYS_BACK * day), to: new Date(now.getTime() + (clinic.booking.horizonDays + 1) * day) };
}

export function calendarFeed(input: {
  clinic: ClinicProfile;
  practitionerId: string;
  appointments: AppointmentWithRequest[];
  /** The host part of each event's UID, e.g. bot.example.com. */
  host: string;
  now: Date;
}): string {
  const { clinic } = input;
  const language = clinic.defaultLanguage;
  const practitioner = clinic.practitioners.find((person) => person.id === input.practitionerId);
  const calendar = ical({
    name: `${clinic.name[language]} — ${practitioner?.name ?? input.practitionerId}`,
    prodId: { company: "Clinic Care Bot", product: "Practitioner feed", language: language.toUpperCase() },
    ttl: REFRESH_SECONDS,
  });
  for (const appointment of input.appointments) {
    if (appointment.practitionerId !== input.practitionerId || appointment.status === "cancelled") continue;
    const service = clinic.services.find((entry) => entry.id === appointment.serviceId);
    const reference = formatReference(appointment.requestId);
    const details = clinic.calendarFeeds.patientDetails
      ? [appointment.request.patientName, appointment.request.phone].filter((part): part is string => Boolean(part)).map(withoutControlCharacters)
      : [];
    calendar.createEvent({
      id: `appointment-${appointment.id}@${input.host}`,
      start: appointment.startsAt,
      end: appointment.endsAt,
      stamp: input.now,
      summary: [service?.name[language] ?? appointment.serviceId, ...details.slice(0, 1)].join(" — "),
      description: [reference, ...details].join("\n"),
      location: clinic.address,
      status: ICalEventStatus.CONFIRMED,
    });
  }
  return calendar.toString();
}

/**
 * What patients typed may hold control characters, which RFC 5545 allows in
 * no TEXT value; ical-generator escapes line breaks but passes the rest on.
 */
function withoutControlCharacters(text: string): string {
  // eslint-disable-next-line no-control-regex -- removing control characters is the point
  return text.replace(/[\u0000-\u001f\u007f]/g, " ").replace(/ {2,}/g, " ").trim();
}
