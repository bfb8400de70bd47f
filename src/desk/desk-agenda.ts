import { DateTime } from "luxon";
import { practitionerName as practitionerNameOf, serviceName, type Language } from "../clinic/clinic-profile.js";
import type { BookingDeps } from "../booking/booking-deps.js";
import { freeTimeOn } from "../booking/available-slots.js";
import { formatReference } from "../booking/reference.js";
import { appointmentsAwaitingOutcome, undoableUntil } from "../booking/mark-outcome.js";
import type { AppointmentWithRequest } from "../booking/appointment-repository.js";

/**
 * The staff desk's view of some days: confirmed (and completed, no-show)
 * appointments, requests waiting, each practitioner's free time, closures
 * and holidays; and, whatever the days, the appointments that have begun
 * with no outcome yet. Dates are the clinic's local dates, inclusive.
 */

/** The longest range one call may ask for: a month view and a bit. */
export const MAX_AGENDA_DAYS = 42;

export interface AgendaQuery {
  from: string;
  to: string;
  /** One practitioner, or the whole clinic when absent. */
  practitionerId?: string;
  language: Language;
}

export type AgendaRange = { ok: true; from: DateTime; to: DateTime } | { ok: false; message: string };

/** Checks a from/to pair of YYYY-MM-DD dates in the clinic's time zone. */
export function parseAgendaRange(from: string | null, to: string | null, timeZone: string): AgendaRange {
  const iso = /^\d{4}-\d{2}-\d{2}$/;
  if (!from || !to || !iso.test(from) || !iso.test(to)) return { ok: false, message: "from and to must be dates like 2026-12-01" };
  const start = DateTime.fromISO(from, { zone: timeZone });
  const end = DateTime.fromISO(to, { zone: timeZone });
  if (!start.isValid || !end.isValid) return { ok: false, message: "from and to must be real calendar dates" };
  if (end < start) return { ok: false, message: "to must not be before from" };
  if (end.diff(start, "days").days + 1 > MAX_AGENDA_DAYS) return { ok: false, message: `at most ${MAX_AGENDA_DAYS} days at a time` };
  return { ok: true, from: start.startOf("day"), to: end.startOf("day") };
}

export async function deskAgenda(deps: BookingDeps, range: { from: DateTime; to: DateTime }, query: AgendaQuery) {
  const { clinic, appointments: repository } = deps;
  const { language } = query;
  const start = range.from.toJSDate();
  const end = range.to.plus({ days: 1 }).startOf("day").toJSDate();
  const now = deps.now();
  const wanted = (practitionerId: string) => query.practitionerId === undefined || practitionerId === query.practitionerId;
  const practitionerName = (id: string) => practitionerNameOf(clinic, id);

  const [appointments, requests, busy, awaiting] = await Promise.all([
    repository.appointmentsBetween(start, end),
    repository.openRequestsBetween(start, end),
    repository.busyBetween(start, end),
    appointmentsAwaitingOutcome(deps, now),
  ]);
  const describe = (appointment: AppointmentWithRequest) => ({
    id: appointment.id,
    requestId: appointment.requestId,
    reference: formatReference(appointment.requestId),
    patientName: appointment.request.patientName,
    phone: appointment.request.phone,
    serviceId: appointment.serviceId,
    service: serviceName(clinic, appointment.serviceId, language),
    practitionerId: appointment.practitionerId,
    practitioner: practitionerName(appointment.practitionerId),
    start: appointment.startsAt.toISOString(),
    end: appointment.endsAt.toISOString(),
    status: appointment.status,
    attendance: appointment.attendance,
    /** An outcome can be recorded once the appointment has begun. */
    started: appointment.startsAt.getTime() <= now.getTime(),
    outcomeBy: appointment.outcomeBy,
    /** Until when a recorded outcome can be undone (null: it cannot). */
    undoUntil: undoableUntil(appointment, now)?.toISOString() ?? null,
  });

  const days = [];
  for (let day = range.from; day <= range.to; day = day.plus({ days: 1 })) {
    const date = day.toISODate()!;
    const closure = clinic.closures.find((entry) => entry.from <= date && date <= entry.to);
    const free = clinic.practitioners
      .filter((person) => wanted(person.id))
      .flatMap((person) =>
        freeTimeOn(clinic, { practitionerId: person.id, date, now, busy }).map((range) => ({
          practitionerId: person.id,
          start: range.start.toISOString(),
          end: range.end.toISOString(),
        })),
      );
    days.push({ date, closure: closure ? closure.reason[language] : null, free });
  }

  return {
    from: range.from.toISODate()!,
    to: range.to.toISODate()!,
    timeZone: clinic.timeZone,
    days,
    appointments: appointments.filter((appointment) => wanted(appointment.practitionerId)).map(describe),
    /** Confirmed appointments that have begun, on any day of the last weeks, with no outcome yet: for staff to mark. */
    awaitingOutcome: awaiting.filter((appointment) => wanted(appointment.practitionerId)).map(describe),
    requests: requests
      .filter((request) => wanted(request.proposedPractitionerId ?? request.practitionerId))
      .map((request) => ({
        id: request.id,
        reference: formatReference(request.id),
        patientName: request.patientName,
        phone: request.phone,
        serviceId: request.serviceId,
        service: serviceName(clinic, request.serviceId, language),
        practitionerId: request.practitionerId,
        practitioner: practitionerName(request.practitionerId),
        anyPractitioner: request.anyPractitioner,
        start: request.startsAt.toISOString(),
        end: request.endsAt.toISOString(),
        status: request.status,
        proposedStart: request.proposedStartsAt?.toISOString() ?? null,
        proposedPractitionerId: request.proposedPractitionerId,
        note: request.note,
        redFlags: request.redFlags,
        createdAt: request.createdAt.toISOString(),
      })),
  };
}

export type DeskAgenda = Awaited<ReturnType<typeof deskAgenda>>;
