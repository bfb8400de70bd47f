import { DateTime } from "luxon";
import type { Language, WeekHours, Weekday } from "./clinic-profile.js";
import { WEEKDAYS } from "./clinic-profile.js";
import { inZone } from "../shared/time.js";
import { formatClock as formatClockOf } from "../desk/public/clock.js";

/** Canadian locales: "2:00 p.m." in English, "14 h 00" in French. */
export const LOCALE_OF: Record<Language, string> = { en: "en-CA", fr: "fr-CA" };

/**
 * Names that depend on nothing but their arguments (a time of day, a weekday, a language) are worded once:
 * a keyboard of hours or days words a dozen of them per update, and each costs luxon a DateTime and Intl a
 * formatting. At most 1,440 minutes and 7 days per language.
 */
const wordedOnce = new Map<string, string>();

function once(key: string, word: () => string): string {
  let worded = wordedOnce.get(key);
  if (worded === undefined) {
    worded = word();
    wordedOnce.set(key, worded);
  }
  return worded;
}

export function formatTimeOfDay(minutes: number, language: Language): string {
  if (!Number.isInteger(minutes) || minutes < 0 || minutes >= 24 * 60) return formatClockMinutes(minutes, language);
  return once(`time:${language}:${minutes}`, () => formatClockMinutes(minutes, language));
}

function formatClockMinutes(minutes: number, language: Language): string {
  return formatClock(DateTime.fromObject({ hour: Math.floor(minutes / 60), minute: minutes % 60 }, { zone: "utc" }), language);
}

/** "9:00 a.m." / "9 h 00": the one helper the desk's page uses too (src/desk/public/clock.js). */
function formatClock(local: DateTime, language: Language): string {
  return formatClockOf(local.hour, local.minute, language);
}

/** "Tuesday, December 2, 2:00 p.m." / "mardi 2 décembre, 14 h 00" in the given zone. */
export function formatDateTime(instant: Date, zone: string, language: Language): string {
  const local = inZone(instant, zone).setLocale(LOCALE_OF[language]);
  return `${local.toLocaleString({ weekday: "long", month: "long", day: "numeric" })}, ${formatClock(local, language)}`;
}

export function formatDate(instant: Date, zone: string, language: Language): string {
  return inZone(instant, zone).setLocale(LOCALE_OF[language]).toLocaleString({ weekday: "long", month: "long", day: "numeric" });
}

export function weekdayName(weekday: Weekday | number, language: Language): string {
  const isoWeekday = typeof weekday === "number" ? weekday : WEEKDAYS.indexOf(weekday) + 1;
  const word = () => DateTime.fromObject({ year: 2024, month: 1, day: isoWeekday }, { zone: "utc" }).setLocale(LOCALE_OF[language]).toFormat("cccc");
  // 2024-01-01 was a Monday.
  return Number.isInteger(isoWeekday) && isoWeekday >= 1 && isoWeekday <= 7 ? once(`weekday:${language}:${isoWeekday}`, word) : word();
}

/** One line per weekday: "Monday: 8:00 a.m.–8:00 p.m." or "Sunday: closed" (closedLabel is localized by the caller). */
export function formatWeekHours(week: WeekHours, language: Language, closedLabel: string): string {
  return WEEKDAYS.map((day) => {
    const intervals = week[day];
    const hours = intervals.length === 0
      ? closedLabel
      : intervals.map((range) => `${formatTimeOfDay(range.start, language)}–${formatTimeOfDay(range.end, language)}`).join(", ");
    const name = weekdayName(day, language);
    return `${name.charAt(0).toUpperCase()}${name.slice(1)}: ${hours}`;
  }).join("\n");
}

/** The time of day of an instant in the given zone: "2:15 p.m." / "14 h 15". */
export function formatTime(instant: Date, zone: string, language: Language): string {
  return formatClock(inZone(instant, zone), language);
}

/** A short day label for buttons: "Tue, Dec 1" / "mar. 1 déc.". */
export function formatShortDate(isoDate: string, language: Language): string {
  return DateTime.fromISO(isoDate, { zone: "utc" }).setLocale(LOCALE_OF[language]).toLocaleString({ weekday: "short", month: "short", day: "numeric" });
}
