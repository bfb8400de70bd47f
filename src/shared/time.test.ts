import { describe, expect, it } from "vitest";
import { DAY_MS, dayBounds, fromEpochMinutes, HOUR_MS, inZone, isValidTimeZone, localDate, minutesOfDay, toEpochMinutes, weekBounds } from "./time.js";

describe("shared time", () => {
  it("knows IANA time zone names, asked once or many times", () => {
    for (let round = 0; round < 2; round++) {
      expect(isValidTimeZone("America/Toronto")).toBe(true);
      expect(isValidTimeZone("Europe/Paris")).toBe(true);
      expect(isValidTimeZone("Mars/Olympus_Mons")).toBe(false);
      expect(isValidTimeZone("")).toBe(false);
    }
  });

  it("reads an instant on a zone's wall clock and calendar", () => {
    // 03:30 UTC on 2 December is still the evening of 1 December in Ottawa.
    const instant = new Date("2026-12-02T03:30:00Z");
    expect(inZone(instant, "America/Toronto").toFormat("yyyy-MM-dd HH:mm")).toBe("2026-12-01 22:30");
    expect(localDate(instant, "America/Toronto")).toBe("2026-12-01");
    expect(localDate(instant, "Europe/Paris")).toBe("2026-12-02");
  });

  it("bounds a local day and a Monday-to-Sunday week, even across a clock change", () => {
    const wednesday = inZone(new Date("2026-12-02T15:00:00Z"), "America/Toronto");
    expect(dayBounds(wednesday)).toEqual({ start: new Date("2026-12-02T05:00:00Z"), end: new Date("2026-12-03T05:00:00Z") });
    expect(weekBounds(wednesday)).toEqual({ start: new Date("2026-11-30T05:00:00Z"), end: new Date("2026-12-07T05:00:00Z") });
    // Sunday 1 November 2026, clocks fall back: that day lasts 25 hours, its week 169.
    const fallBack = inZone(new Date("2026-11-01T15:00:00Z"), "America/Toronto");
    const day = dayBounds(fallBack);
    expect(day.end.getTime() - day.start.getTime()).toBe(25 * HOUR_MS);
    const week = weekBounds(fallBack);
    expect(week.start).toEqual(new Date("2026-10-26T04:00:00Z"));
    expect(week.end.getTime() - week.start.getTime()).toBe(7 * DAY_MS + HOUR_MS);
  });

  it("carries an instant as whole minutes and back, and reads a time of day as minutes", () => {
    const instant = new Date("2026-12-01T15:30:00Z");
    expect(toEpochMinutes(instant)).toBe(instant.getTime() / 60_000);
    expect(fromEpochMinutes(toEpochMinutes(instant))).toEqual(instant);
    expect(minutesOfDay("09:30")).toBe(570);
    expect(minutesOfDay("24:00")).toBe(1440);
  });
});
