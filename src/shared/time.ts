import { DateTime, IANAZone } from "luxon";

/**
 * Time as every layer counts it: durations in milliseconds, instants on a
 * zone's wall clock, local calendar days and weeks (Monday to Sunday), and
 * the whole minutes buttons carry a time in.
 */

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** Zone names found valid: luxon checks one by building an Intl formatter each time it is asked. */
const validZones = new Set<string>();

/** Whether Intl knows this IANA time zone name (valid names remembered: there are a few hundred). */
export function isValidTimeZone(name: string): boolean {
  if (validZones.has(name)) return true;
  if (!IANAZone.isValidZone(name)) return false;
  validZones.add(name);
  return true;
}

/** An instant on a zone's wall clock. */
export function inZone(instant: Date, zone: string): DateTime {
  return DateTime.fromJSDate(instant, { zone });
}

/** The local calendar date of an instant: "2026-12-01". */
export function localDate(instant: Date, zone: string): string {
  return inZone(instant, zone).toISODate()!;
}

/** The instants a local day runs between, start included, end excluded. */
export function dayBounds(day: DateTime): { start: Date; end: Date } {
  const start = day.startOf("day");
  return { start: start.toJSDate(), end: start.plus({ days: 1 }).toJSDate() };
}

/** The instants a local week (Monday to Sunday) runs between, start included, end excluded. */
export function weekBounds(day: DateTime): { start: Date; end: Date } {
  const start = day.startOf("week");
  return { start: start.toJSDate(), end: start.plus({ weeks: 1 }).toJSDate() };
}

/** An instant as whole minutes since 1970, how buttons carry a time (shorter than milliseconds), and back. */
export function toEpochMinutes(instant: Date): number {
  return Math.round(instant.getTime() / MINUTE_MS);
}

export function fromEpochMinutes(minutes: number): Date {
  return new Date(minutes * MINUTE_MS);
}

/** "09:30" → 570, minutes after midnight. */
export function minutesOfDay(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}
