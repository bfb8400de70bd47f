import { describe, expect, it } from "vitest";
import { formatTimeOfDay, weekdayName } from "./format.js";

/** Intl puts a narrow no-break space before "a.m." (depending on its version). */
const spaced = (text: string) => text.replace(/\s/g, " ");

describe("names worded once", () => {
  it("times of day read the same the first time and after, in both languages", () => {
    for (let round = 0; round < 2; round++) {
      expect(spaced(formatTimeOfDay(9 * 60, "en"))).toBe("9:00 a.m.");
      expect(spaced(formatTimeOfDay(14 * 60 + 30, "en"))).toBe("2:30 p.m.");
      expect(spaced(formatTimeOfDay(9 * 60, "fr"))).toBe("9 h 00");
      expect(spaced(formatTimeOfDay(14 * 60 + 30, "fr"))).toBe("14 h 30");
    }
  });

  it("weekdays by number or by name, in both languages", () => {
    for (let round = 0; round < 2; round++) {
      expect(weekdayName(1, "en")).toBe("Monday");
      expect(weekdayName("sunday", "en")).toBe("Sunday");
      expect(weekdayName(3, "fr")).toBe("mercredi");
      expect(weekdayName(7, "fr")).toBe("dimanche");
    }
  });
});
