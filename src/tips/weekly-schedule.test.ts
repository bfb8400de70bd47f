import { describe, expect, it } from "vitest";
import { DateTime } from "luxon";
import { nextWeeklySlot, weekKey } from "./weekly-schedule.js";

const at = (iso: string, zone: string) => DateTime.fromISO(iso, { zone }).toJSDate();
const local = (instant: Date, zone: string) => DateTime.fromJSDate(instant, { zone }).toFormat("yyyy-MM-dd EEE HH:mm ZZZZ");

describe("nextWeeklySlot", () => {
  it("finds the next occurrence of the weekday and hour in the subscriber's zone", () => {
    const slot = { weekday: 2, hour: 9, timeZone: "America/Vancouver" };
    const next = nextWeeklySlot(slot, at("2026-11-23T12:00", "America/Vancouver"));
    expect(local(next, "America/Vancouver")).toBe("2026-11-24 Tue 09:00 PST");
    expect(next.toISOString()).toBe("2026-11-24T17:00:00.000Z");
  });

  it("is strictly after the given instant, so the slot itself moves a week on", () => {
    const slot = { weekday: 1, hour: 9, timeZone: "America/Toronto" };
    const monday9 = at("2026-11-23T09:00", "America/Toronto");
    expect(local(nextWeeklySlot(slot, monday9), "America/Toronto")).toBe("2026-11-30 Mon 09:00 EST");
  });

  it("gives two subscribers in different zones their own local hour", () => {
    const from = new Date("2026-11-23T00:00:00Z");
    const toronto = nextWeeklySlot({ weekday: 3, hour: 8, timeZone: "America/Toronto" }, from);
    const london = nextWeeklySlot({ weekday: 3, hour: 8, timeZone: "Europe/London" }, from);
    expect(toronto.toISOString()).toBe("2026-11-25T13:00:00.000Z");
    expect(london.toISOString()).toBe("2026-11-25T08:00:00.000Z");
  });

  describe.each([
    // zone, spring-forward Sunday, fall-back Sunday (2026), hour missing in spring, hour repeated in autumn
    ["America/Toronto", "2026-03-08", "2026-11-01", 2, 1],
    ["America/Vancouver", "2026-03-08", "2026-11-01", 2, 1],
    ["Europe/London", "2026-03-29", "2026-10-25", 1, 1],
  ] as const)("across DST in %s", (zone, springDay, fallDay, gapHour, repeatedHour) => {
    it("moves an hour inside the spring-forward gap to the first valid minute after it", () => {
      const slot = { weekday: 7, hour: gapHour, timeZone: zone };
      const next = nextWeeklySlot(slot, at(`${springDay}T00:00`, zone));
      const shown = DateTime.fromJSDate(next, { zone });
      expect(shown.toISODate()).toBe(springDay);
      expect(shown.hour).toBe(gapHour + 1);
      expect(shown.minute).toBe(0);
      // And the week after, the hour exists again.
      expect(DateTime.fromJSDate(nextWeeklySlot(slot, next), { zone }).hour).toBe(gapHour);
    });

    it("fires once in the repeated fall-back hour", () => {
      const slot = { weekday: 7, hour: repeatedHour, timeZone: zone };
      const first = nextWeeklySlot(slot, at(`${fallDay}T00:00`, zone));
      expect(DateTime.fromJSDate(first, { zone }).toISODate()).toBe(fallDay);
      const second = nextWeeklySlot(slot, first);
      // The second occurrence of that local hour (one real hour later) is not a new slot.
      expect(second.getTime() - first.getTime()).toBeGreaterThan(6 * 24 * 3600 * 1000);
      expect(DateTime.fromJSDate(second, { zone }).hour).toBe(repeatedHour);
    });

    it("keeps the local hour on the weeks around both changes", () => {
      const slot = { weekday: 1, hour: 9, timeZone: zone };
      let instant = at(`${springDay}T00:00`, zone);
      for (let week = 0; week < 3; week++) {
        instant = nextWeeklySlot(slot, instant);
        expect(DateTime.fromJSDate(instant, { zone }).toFormat("EEE HH:mm")).toBe("Mon 09:00");
      }
      instant = at(`${fallDay}T00:00`, zone);
      for (let week = 0; week < 3; week++) {
        instant = nextWeeklySlot(slot, instant);
        expect(DateTime.fromJSDate(instant, { zone }).toFormat("EEE HH:mm")).toBe("Mon 09:00");
      }
    });
  });
});

describe("weekKey", () => {
  it("uses the ISO week in the subscriber's zone", () => {
    // Sunday 23:30 in Vancouver is already Monday (next ISO week) in UTC.
    const instant = at("2026-11-29T23:30", "America/Vancouver");
    expect(weekKey(instant, "America/Vancouver")).toBe("2026-W48");
    expect(weekKey(instant, "UTC")).toBe("2026-W49");
  });
});
