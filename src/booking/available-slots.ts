import { DateTime, IANAZone } from "luxon";
import { WEEKDAYS } from "../clinic/clinic-profile.js";
import type { ClinicProfile, Interval, Practitioner, Service, Weekday } from "../clinic/clinic-profile.js";
import { DAY_MS, inZone, MINUTE_MS } from "../shared/time.js";

/**
 * Which appointment times can be offered to a patient, from the clinic profile
 * alone: opening hours, each practitioner's working hours, closures and the
 * booking rules. Time that is already spoken for comes in as `busy` intervals,
 * so this module needs no database.
 *
 * Hours in the profile are wall-clock minutes in the clinic's zone; everything
 * offered is a real instant. Slots start on a wall-clock grid (every
 * slotStepMinutes from the start of each bookable interval) and last the
 * service's duration in real minutes, so across a DST change a slot is never
 * longer or shorter than the service. A time the clocks skip in spring is
 * never offered; a time repeated in the fall is offered once, at its first
 * occurrence.
 */

export interface TimeRange {
  start: Date;
  end: Date;
}

/** Time a practitioner is not available: a confirmed appointment or a slot held while a patient decides. */
export interface BusyInterval extends TimeRange {
  practitionerId: string;
}

export interface Slot extends TimeRange {
  practitionerId: string;
}

export interface SlotQuery {
  serviceId: string;
  /** null: "no preference", any practitioner who offers the service. */
  practitionerId: string | null;
  now: Date;
  busy: BusyInterval[];
}

export type SlotRejection = "closed" | "closure" | "not-working" | "notice" | "horizon" | "taken" | "unknown-service" | "not-offered";
export type SlotCheck = { ok: true } | { ok: false; reason: SlotRejection };


/** Half-open ranges: an appointment ending at 10:00 leaves a slot starting at 10:00 free. */
export function overlaps(a: TimeRange, b: TimeRange): boolean {
  return a.start.getTime() < b.end.getTime() && b.start.getTime() < a.end.getTime();
}

/** Practitioners offering the service, in profile order (the order "no preference" tries them in). */
export function eligiblePractitioners(profile: ClinicProfile, serviceId: string): Practitioner[] {
  return profile.practitioners.filter((person) => person.services.includes(serviceId));
}

/**
 * The clinic's local dates, today through today + horizonDays, on which at
 * least one slot is still free for this service and practitioner choice.
 */
export function openDays(profile: ClinicProfile, query: SlotQuery): string[] {
  const today = clinicToday(profile, query.now);
  const days: string[] = [];
  for (let offset = 0; offset <= profile.booking.horizonDays; offset++) {
    const date = today.plus({ days: offset }).toISODate()!;
    // One free slot is enough, so stop at the first rather than listing the day.
    if (!freeSlots(profile, { ...query, date }).next().done) days.push(date);
  }
  return days;
}

/**
 * Free slots on one local date (YYYY-MM-DD in the clinic's zone), in
 * chronological order. With no preference, each start time appears once, with
 * the first practitioner in profile order who is free then. An unknown service
 * or practitioner, or a malformed date, simply has no slots.
 */
export function availableSlots(profile: ClinicProfile, query: SlotQuery & { date: string }): Slot[] {
  // Keyed by start instant: practitioners come in profile order, and the first to claim a start keeps it.
  const byStart = new Map<number, Slot>();
  for (const slot of freeSlots(profile, query)) {
    if (!byStart.has(slot.start.getTime())) byStart.set(slot.start.getTime(), slot);
  }
  return [...byStart.values()].sort((a, b) => a.start.getTime() - b.start.getTime());
}

/** Every free slot of every matching practitioner, practitioner by practitioner in profile order; lazily, so a caller can stop early. */
function* freeSlots(profile: ClinicProfile, query: SlotQuery & { date: string }): Generator<Slot> {
  const service = profile.services.find((entry) => entry.id === query.serviceId);
  const date = parseCalendarDate(query.date);
  if (!service || !date) return;
  if (!withinHorizon(profile, date, query.now) || closureOn(profile, date)) return;

  const zone = IANAZone.create(profile.timeZone);
  const earliestStart = query.now.getTime() + profile.booking.minimumNoticeHours * 60 * MINUTE_MS;
  const practitioners = eligiblePractitioners(profile, service.id)
    .filter((person) => query.practitionerId === null || person.id === query.practitionerId);
  for (const practitioner of practitioners) {
    const theirBusy = query.busy.filter((busy) => busy.practitionerId === practitioner.id);
    for (const window of bookableWindows(profile, practitioner, date)) {
      for (const slot of windowSlots(zone, date, window, service, profile.booking.slotStepMinutes, practitioner.id)) {
        if (slot.start.getTime() >= earliestStart && !theirBusy.some((busy) => overlaps(slot, busy))) yield slot;
      }
    }
  }
}

/**
 * A practitioner's free time on one local date, for the staff desk: their
 * bookable hours that day (working hours within opening hours, none on a
 * closure) minus the time taken by `busy`, from `now` on. Unlike the slots
 * offered to patients it ignores the notice period and the horizon: staff see
 * the day as it stands.
 */
export function freeTimeOn(profile: ClinicProfile, query: { practitionerId: string; date: string; now: Date; busy: BusyInterval[] }): TimeRange[] {
  const practitioner = profile.practitioners.find((person) => person.id === query.practitionerId);
  const date = parseCalendarDate(query.date);
  if (!practitioner || !date || closureOn(profile, date)) return [];
  const zone = IANAZone.create(profile.timeZone);
  const taken = query.busy.filter((busy) => busy.practitionerId === practitioner.id).sort((a, b) => a.start.getTime() - b.start.getTime());
  const free: TimeRange[] = [];
  for (const window of bookableWindows(profile, practitioner, date)) {
    const bounds = windowBounds(zone, date, window);
    // From now on, rounded up to five minutes: "free from 17:15", not "from 17:11".
    let cursor = Math.max(bounds.start, Math.ceil(query.now.getTime() / (5 * MINUTE_MS)) * 5 * MINUTE_MS);
    for (const busy of taken) {
      if (busy.end.getTime() <= cursor || busy.start.getTime() >= bounds.end) continue;
      if (busy.start.getTime() > cursor) free.push({ start: new Date(cursor), end: new Date(busy.start.getTime()) });
      cursor = Math.max(cursor, busy.end.getTime());
    }
    if (cursor < bounds.end) free.push({ start: new Date(cursor), end: new Date(bounds.end) });
  }
  return free;
}

/**
 * Re-checks a chosen slot, typically when the patient confirms: the clinic may
 * have closed the day, the notice period may have run out, or someone else may
 * have taken the time meanwhile. The slot need not lie on the offering grid;
 * it only has to fit. Reasons are checked from the most permanent (what the
 * clinic offers at all) to the most fleeting (who is booked when).
 */
export function slotFits(
  profile: ClinicProfile,
  query: { serviceId: string; practitionerId: string; start: Date; now: Date; busy: BusyInterval[] },
): SlotCheck {
  if (Number.isNaN(query.start.getTime())) throw new RangeError("slotFits: start is not a valid date");
  const service = profile.services.find((entry) => entry.id === query.serviceId);
  if (!service) return { ok: false, reason: "unknown-service" };
  const practitioner = eligiblePractitioners(profile, service.id).find((person) => person.id === query.practitionerId);
  if (!practitioner) return { ok: false, reason: "not-offered" };

  const slot = { start: query.start, end: new Date(query.start.getTime() + service.durationMinutes * MINUTE_MS) };
  const zone = IANAZone.create(profile.timeZone);
  const date = calendarDateOf(query.start, profile.timeZone);
  const fitsIn = (window: Interval) => {
    const bounds = windowBounds(zone, date, window);
    return bounds.start <= slot.start.getTime() && slot.end.getTime() <= bounds.end;
  };

  if (closureOn(profile, date)) return { ok: false, reason: "closure" };
  if (!profile.openingHours[weekdayOf(date)].some(fitsIn)) return { ok: false, reason: "closed" };
  if (!bookableWindows(profile, practitioner, date).some(fitsIn)) return { ok: false, reason: "not-working" };
  if (slot.start.getTime() < query.now.getTime() + profile.booking.minimumNoticeHours * 60 * MINUTE_MS) {
    return { ok: false, reason: "notice" };
  }
  if (!withinHorizon(profile, date, query.now)) return { ok: false, reason: "horizon" };
  const taken = query.busy.some((busy) => busy.practitionerId === practitioner.id && overlaps(slot, busy));
  return taken ? { ok: false, reason: "taken" } : { ok: true };
}

// --- Calendar dates -------------------------------------------------------
// A local calendar date is carried as midnight UTC of that date, so that
// stepping from day to day never meets a DST transition.

function parseCalendarDate(text: string): DateTime | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return null;
  const date = DateTime.fromISO(text, { zone: "utc" });
  return date.isValid ? date : null;
}

function calendarDateOf(instant: Date, timeZone: string): DateTime {
  const local = inZone(instant, timeZone);
  return DateTime.utc(local.year, local.month, local.day);
}

function clinicToday(profile: ClinicProfile, now: Date): DateTime {
  return calendarDateOf(now, profile.timeZone);
}

/** The horizon is counted in whole local days: today through today + horizonDays. */
function withinHorizon(profile: ClinicProfile, date: DateTime, now: Date): boolean {
  const today = clinicToday(profile, now);
  return date >= today && date <= today.plus({ days: profile.booking.horizonDays });
}

function closureOn(profile: ClinicProfile, date: DateTime): boolean {
  const iso = date.toISODate()!;
  return profile.closures.some((closure) => closure.from <= iso && iso <= closure.to);
}

function weekdayOf(date: DateTime): Weekday {
  return WEEKDAYS[date.weekday - 1]!;
}

// --- Hours ----------------------------------------------------------------

/** When the practitioner can see patients that day: their working hours intersected with the clinic's opening hours. */
function bookableWindows(profile: ClinicProfile, practitioner: Practitioner, date: DateTime): Interval[] {
  const weekday = weekdayOf(date);
  return profile.openingHours[weekday].flatMap((open) =>
    practitioner.workingHours[weekday]
      .map((work) => ({ start: Math.max(open.start, work.start), end: Math.min(open.end, work.end) }))
      .filter((window) => window.end > window.start),
  );
}

/** Candidate slots on the wall-clock grid of one window, in order; times the clocks skip are never offered. */
function* windowSlots(zone: IANAZone, date: DateTime, window: Interval, service: Service, stepMinutes: number, practitionerId: string): Generator<Slot> {
  const windowEnd = firstInstantReading(zone, wallClock(date, window.end));
  for (let minutes = window.start; minutes < window.end; minutes += stepMinutes) {
    const start = instantsReading(zone, wallClock(date, minutes))[0];
    if (start === undefined) continue;
    const end = start + service.durationMinutes * MINUTE_MS;
    if (end > windowEnd) return;
    yield { start: new Date(start), end: new Date(end), practitionerId };
  }
}

/** A window's real extent: from the first moment the clock reads its start to the first moment it reads its end. */
function windowBounds(zone: IANAZone, date: DateTime, window: Interval): { start: number; end: number } {
  return { start: firstInstantReading(zone, wallClock(date, window.start)), end: firstInstantReading(zone, wallClock(date, window.end)) };
}

// --- Wall clock to instants -----------------------------------------------
// Luxon resolves a local time using the offset in force at the moment the code
// runs as its first guess, so a repeated fall-back time would land on either
// occurrence depending on the season. These helpers ask the zone directly and
// always give the same answer.

/** A wall-clock reading as if it were a UTC timestamp; minutes past 24:00 roll into the next day. */
function wallClock(date: DateTime, minutes: number): number {
  return date.toMillis() + minutes * MINUTE_MS;
}

/** Every instant at which the zone's clocks show this reading, earliest first: none in a spring-forward gap, two in a fall-back hour. */
function instantsReading(zone: IANAZone, wall: number): number[] {
  // A transition near this reading is bracketed by the offsets a day either side.
  const offsets = new Set([zone.offset(wall - DAY_MS), zone.offset(wall), zone.offset(wall + DAY_MS)]);
  return [...offsets]
    .map((offset) => wall - offset * MINUTE_MS)
    .filter((instant) => readingAt(zone, instant) === wall)
    .sort((a, b) => a - b);
}

/**
 * The first instant at which the clocks show this reading or later. For a
 * reading skipped by spring-forward, that is the moment the clocks jump: a
 * clinic "closing at 02:30" that night closes at 03:00, not at 03:30.
 */
function firstInstantReading(zone: IANAZone, wall: number): number {
  const exact = instantsReading(zone, wall)[0];
  if (exact !== undefined) return exact;
  // The jump lies between the reading taken with the offset after it (still
  // before the jump) and with the offset before it (already past). Transitions
  // fall on whole minutes, so a binary search by minutes finds it exactly.
  let before = wall - zone.offset(wall + DAY_MS) * MINUTE_MS;
  let after = wall - zone.offset(wall - DAY_MS) * MINUTE_MS;
  while (after - before > MINUTE_MS) {
    const middle = before + Math.floor((after - before) / MINUTE_MS / 2) * MINUTE_MS;
    if (readingAt(zone, middle) >= wall) after = middle;
    else before = middle;
  }
  return after;
}

function readingAt(zone: IANAZone, instant: number): number {
  return instant + zone.offset(instant) * MINUTE_MS;
}
