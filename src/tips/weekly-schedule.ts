import { DateTime } from "luxon";
import { inZone } from "../shared/time.js";

export interface WeeklySlot {
  /** ISO weekday, 1 = Monday … 7 = Sunday. */
  weekday: number;
  /** Local hour, 0–23. */
  hour: number;
  /** IANA zone of the subscriber. */
  timeZone: string;
}

/**
 * The first instant strictly after `after` at which the weekly slot occurs in
 * the subscriber's zone. Luxon resolves local times against the zone's rules:
 * an hour inside the spring-forward gap lands on the first valid minute after
 * it (02:00 → 03:00), and in the repeated fall-back hour the first occurrence
 * is used, so the slot fires once.
 */
export function nextWeeklySlot(slot: WeeklySlot, after: Date): Date {
  const local = inZone(after, slot.timeZone);
  let candidate = atSlot(local, slot);
  if (candidate.toMillis() <= after.getTime()) candidate = atSlot(local.plus({ weeks: 1 }), slot);
  return candidate.toJSDate();
}

function atSlot(localWeek: DateTime, slot: WeeklySlot): DateTime {
  const day = localWeek.set({ weekday: slot.weekday as 1 | 2 | 3 | 4 | 5 | 6 | 7 }).startOf("day");
  const wanted = day.set({ hour: slot.hour, minute: 0, second: 0, millisecond: 0 });
  if (wanted.hour === slot.hour) return wanted;
  // The hour does not exist that day (spring forward): the next valid minute is
  // the start of the hour after the gap.
  return wanted.startOf("hour");
}

/** The ISO week of an instant in the subscriber's zone, e.g. "2026-W48": at most one weekly tip per key. */
export function weekKey(instant: Date, timeZone: string): string {
  const local = inZone(instant, timeZone);
  return `${local.weekYear}-W${String(local.weekNumber).padStart(2, "0")}`;
}
