import { afterEach, describe, expect, it } from "vitest";
import { DateTime, Settings } from "luxon";
import { clinicProfileSchema, type ClinicProfile } from "../clinic/clinic-profile.js";
import { availableSlots, eligiblePractitioners, openDays, overlaps, slotFits, type BusyInterval, type Slot } from "./available-slots.js";

const TORONTO = "America/Toronto";

const localized = (en: string, fr: string) => ({ en, fr });

/** Written the way content/clinic.yml is, and parsed by the real schema so the fixture is a valid profile. */
const clinicYaml = {
  name: localized("Riverside Physio", "Physio Riverside"),
  address: "100 Riverside Dr, Ottawa ON",
  phone: "+1 613 555 0142",
  timeZone: TORONTO,
  openingHours: {
    monday: ["08:00-20:00"],
    tuesday: ["08:00-20:00"],
    wednesday: ["08:00-20:00"],
    thursday: ["08:00-20:00"],
    friday: ["08:00-20:00"],
    saturday: ["09:00-15:00"],
  },
  closures: [
    { date: "2026-05-18", reason: localized("Victoria Day", "Journée nationale des patriotes") },
    { from: "2026-05-27", to: "2026-05-29", reason: localized("Renovations", "Rénovations") },
  ],
  services: [
    { id: "physio-initial", name: localized("Physiotherapy assessment", "Évaluation en physiothérapie"), durationMinutes: 60, directBilling: true },
    { id: "massage-60", name: localized("Massage therapy, 60 min", "Massothérapie, 60 min"), durationMinutes: 60, directBilling: true },
    { id: "osteo-45", name: localized("Osteopathy, 45 min", "Ostéopathie, 45 min"), durationMinutes: 45, directBilling: false },
  ],
  practitioners: [
    {
      id: "anna",
      name: "Anna Tremblay",
      title: localized("Physiotherapist", "Physiothérapeute"),
      services: ["physio-initial", "massage-60"],
      // Starts before the clinic opens; lunch from 12:00 to 13:00.
      workingHours: { monday: ["07:00-12:00", "13:00-18:00"], wednesday: ["07:00-12:00", "13:00-18:00"], friday: ["07:00-12:00", "13:00-18:00"] },
    },
    {
      id: "ben",
      name: "Ben Okafor",
      title: localized("Registered massage therapist", "Massothérapeute agréé"),
      services: ["massage-60"],
      // Stays past closing on Mondays and Tuesdays.
      workingHours: { monday: ["10:00-20:30"], tuesday: ["12:00-21:00"], saturday: ["09:00-15:00"] },
    },
    {
      id: "chloe",
      name: "Chloé Gagnon",
      title: localized("Osteopath", "Ostéopathe"),
      services: ["osteo-45"],
      workingHours: { thursday: ["09:00-12:00"] },
    },
  ],
  booking: {
    minimumNoticeHours: 12,
    horizonDays: 21,
    slotStepMinutes: 30,
    lateCancellationHours: 24,
    maxUpcomingPerPatient: 3,
    requestStaleAfterHours: 24,
  },
  disclaimer: localized("Not medical advice.", "Ceci n'est pas un avis médical."),
};

const clinic: ClinicProfile = clinicProfileSchema.parse(clinicYaml);

/** The same clinic also open on Sunday nights, with Dana working them: lets the tests land on DST change-overs. */
function withSundayNights(opening: string, working = "01:00-05:00"): ClinicProfile {
  return clinicProfileSchema.parse({
    ...clinicYaml,
    openingHours: { ...clinicYaml.openingHours, sunday: [opening] },
    practitioners: [
      ...clinicYaml.practitioners,
      { id: "dana", name: "Dana Roy", title: localized("Massage therapist", "Massothérapeute"), services: ["massage-60"], workingHours: { sunday: [working] } },
    ],
  });
}

/** A Toronto wall-clock time that exists exactly once (not for DST change-over hours; those use UTC literals). */
const at = (localIso: string) => DateTime.fromISO(localIso, { zone: TORONTO }).toJSDate();
const clock = (instant: Date) => DateTime.fromJSDate(instant, { zone: TORONTO }).toFormat("HH:mm");
const clockWithZone = (instant: Date) => DateTime.fromJSDate(instant, { zone: TORONTO }).toFormat("HH:mm ZZZZ");
const starts = (slots: Slot[]) => slots.map((slot) => clock(slot.start));
const minutesLong = (slot: Slot) => (slot.end.getTime() - slot.start.getTime()) / 60_000;

/** Sunday noon before the week of 2026-05-11; with 12 h notice every slot from Monday on is bookable. */
const sundayNoon = at("2026-05-10T12:00");

const query = (serviceId: string, practitionerId: string | null, date: string, options: { now?: Date; busy?: BusyInterval[] } = {}) => ({
  serviceId,
  practitionerId,
  date,
  now: options.now ?? sundayNoon,
  busy: options.busy ?? [],
});

describe("overlaps", () => {
  const range = (from: string, to: string) => ({ start: at(from), end: at(to) });

  it("treats ranges as half-open, so back-to-back appointments do not collide", () => {
    expect(overlaps(range("2026-05-11T09:00", "2026-05-11T10:00"), range("2026-05-11T10:00", "2026-05-11T11:00"))).toBe(false);
    expect(overlaps(range("2026-05-11T10:00", "2026-05-11T11:00"), range("2026-05-11T09:00", "2026-05-11T10:00"))).toBe(false);
  });

  it("detects partial and full overlap", () => {
    expect(overlaps(range("2026-05-11T09:00", "2026-05-11T10:00"), range("2026-05-11T09:59", "2026-05-11T11:00"))).toBe(true);
    expect(overlaps(range("2026-05-11T09:00", "2026-05-11T12:00"), range("2026-05-11T10:00", "2026-05-11T11:00"))).toBe(true);
  });
});

describe("eligiblePractitioners", () => {
  it("lists who offers a service, in profile order", () => {
    expect(eligiblePractitioners(clinic, "massage-60").map((person) => person.id)).toEqual(["anna", "ben"]);
    expect(eligiblePractitioners(clinic, "osteo-45").map((person) => person.id)).toEqual(["chloe"]);
    expect(eligiblePractitioners(clinic, "yoga")).toEqual([]);
  });
});

describe("availableSlots", () => {
  it("steps through the intersection of opening and working hours, restarting after lunch", () => {
    const slots = availableSlots(clinic, query("physio-initial", "anna", "2026-05-11"));
    // Anna starts at 07:00 but the clinic opens at 08:00; an hour-long slot at 11:30 would run into lunch.
    expect(starts(slots)).toEqual([
      "08:00", "08:30", "09:00", "09:30", "10:00", "10:30", "11:00",
      "13:00", "13:30", "14:00", "14:30", "15:00", "15:30", "16:00", "16:30", "17:00",
    ]);
    expect(slots.every((slot) => slot.practitionerId === "anna" && minutesLong(slot) === 60)).toBe(true);
    expect(slots[0]!.start.toISOString()).toBe("2026-05-11T12:00:00.000Z");
    expect(slots[0]!.end.toISOString()).toBe("2026-05-11T13:00:00.000Z");
  });

  it("ends the last slot by closing time even when the practitioner stays later", () => {
    const slots = availableSlots(clinic, query("massage-60", "ben", "2026-05-11"));
    expect(starts(slots).at(0)).toBe("10:00");
    expect(starts(slots).at(-1)).toBe("19:00");
  });

  it("uses the step for start times and the service's own duration for fitting", () => {
    const slots = availableSlots(clinic, query("osteo-45", "chloe", "2026-05-14"));
    expect(starts(slots)).toEqual(["09:00", "09:30", "10:00", "10:30", "11:00"]);
    expect(clock(slots.at(-1)!.end)).toBe("11:45");
  });

  it("keeps the minimum notice, counting a slot exactly at the limit as bookable", () => {
    const nineHoursBefore = availableSlots(clinic, query("physio-initial", "anna", "2026-05-11", { now: at("2026-05-10T21:00") }));
    expect(starts(nineHoursBefore).at(0)).toBe("09:00");
    const midnight = availableSlots(clinic, query("physio-initial", "anna", "2026-05-11", { now: at("2026-05-11T00:00") }));
    expect(starts(midnight).at(0)).toBe("13:00");
  });

  it("offers nothing before today or beyond today + horizonDays", () => {
    expect(availableSlots(clinic, query("massage-60", "ben", "2026-05-09"))).toEqual([]);
    expect(availableSlots(clinic, query("massage-60", "ben", "2026-05-30"))).not.toEqual([]); // today + 20
    expect(availableSlots(clinic, query("massage-60", "ben", "2026-06-01"))).toEqual([]); // today + 22
  });

  it("offers nothing on a closure day or inside a closure range", () => {
    expect(availableSlots(clinic, query("massage-60", null, "2026-05-18"))).toEqual([]);
    for (const date of ["2026-05-27", "2026-05-28", "2026-05-29"]) {
      expect(availableSlots(clinic, query("massage-60", null, date))).toEqual([]);
    }
    expect(availableSlots(clinic, query("massage-60", null, "2026-05-26"))).not.toEqual([]);
    expect(availableSlots(clinic, query("massage-60", null, "2026-05-25"))).not.toEqual([]);
  });

  it("offers nothing on a closed weekday, on a practitioner's day off, or for what they do not offer", () => {
    expect(availableSlots(clinic, query("massage-60", null, "2026-05-17"))).toEqual([]); // Sunday
    expect(availableSlots(clinic, query("physio-initial", "anna", "2026-05-12"))).toEqual([]); // Tuesday
    expect(availableSlots(clinic, query("osteo-45", "anna", "2026-05-11"))).toEqual([]);
    expect(availableSlots(clinic, query("yoga", null, "2026-05-11"))).toEqual([]);
    expect(availableSlots(clinic, query("massage-60", null, "2026-5-11"))).toEqual([]);
  });

  it("skips slots overlapping the practitioner's busy time, but not those touching it", () => {
    const busy = [
      { practitionerId: "anna", start: at("2026-05-11T09:00"), end: at("2026-05-11T10:00") },
      { practitionerId: "ben", start: at("2026-05-11T08:00"), end: at("2026-05-11T18:00") },
    ];
    const slots = availableSlots(clinic, query("physio-initial", "anna", "2026-05-11", { busy }));
    expect(starts(slots).slice(0, 3)).toEqual(["08:00", "10:00", "10:30"]);
  });

  it("with no preference, gives each start time once, to the first free practitioner in profile order", () => {
    const busy = [{ practitionerId: "anna", start: at("2026-05-11T10:00"), end: at("2026-05-11T11:00") }];
    const slots = availableSlots(clinic, query("massage-60", null, "2026-05-11", { busy }));
    const byTime = slots.map((slot) => `${clock(slot.start)} ${slot.practitionerId}`);
    expect(byTime).toEqual([
      "08:00 anna", "08:30 anna", "09:00 anna",
      // 09:30 is gone: Anna is busy at 10:00 and Ben only starts then.
      "10:00 ben", "10:30 ben", "11:00 anna", "11:30 ben", "12:00 ben", "12:30 ben",
      "13:00 anna", "13:30 anna", "14:00 anna", "14:30 anna", "15:00 anna", "15:30 anna", "16:00 anna", "16:30 anna", "17:00 anna",
      "17:30 ben", "18:00 ben", "18:30 ben", "19:00 ben",
    ]);
    expect(new Set(slots.map((slot) => slot.start.getTime())).size).toBe(slots.length);
  });

  describe("on the spring-forward night (2026-03-08, 02:00 EST → 03:00 EDT)", () => {
    const beforeSpring = new Date("2026-03-01T12:00:00Z");

    it("never offers the skipped hour, and a slot across the gap lasts its real 60 minutes", () => {
      const slots = availableSlots(withSundayNights("01:00-05:00"), query("massage-60", null, "2026-03-08", { now: beforeSpring }));
      expect(slots.map((slot) => clockWithZone(slot.start))).toEqual(["01:00 EST", "01:30 EST", "03:00 EDT", "03:30 EDT", "04:00 EDT"]);
      expect(slots.every((slot) => slot.practitionerId === "dana" && minutesLong(slot) === 60)).toBe(true);
      expect(slots[1]!.start.toISOString()).toBe("2026-03-08T06:30:00.000Z");
      expect(clockWithZone(slots[1]!.end)).toBe("03:30 EDT");
      expect(slots.at(-1)!.end.toISOString()).toBe("2026-03-08T09:00:00.000Z"); // 05:00 EDT, closing
    });

    it("closes at the jump when closing time falls in the gap, and opens at it when opening time does", () => {
      const closingAt0230 = availableSlots(withSundayNights("01:00-02:30"), query("massage-60", "dana", "2026-03-08", { now: beforeSpring }));
      expect(closingAt0230.map((slot) => clockWithZone(slot.start))).toEqual(["01:00 EST"]);
      const openingAt0230 = availableSlots(withSundayNights("02:30-05:00"), query("massage-60", "dana", "2026-03-08", { now: beforeSpring }));
      expect(openingAt0230.map((slot) => clockWithZone(slot.start))).toEqual(["03:00 EDT", "03:30 EDT", "04:00 EDT"]);
    });
  });

  describe("on the fall-back night (2026-11-01, 02:00 EDT → 01:00 EST)", () => {
    const beforeFall = new Date("2026-10-25T12:00:00Z");
    const nights = withSundayNights("01:00-05:00");

    afterEach(() => {
      Settings.now = () => Date.now();
    });

    it("offers each wall-clock time once, at its first occurrence, without duplicates", () => {
      const slots = availableSlots(nights, query("massage-60", "dana", "2026-11-01", { now: beforeFall }));
      expect(slots.map((slot) => clockWithZone(slot.start))).toEqual([
        "01:00 EDT", "01:30 EDT", "02:00 EST", "02:30 EST", "03:00 EST", "03:30 EST", "04:00 EST",
      ]);
      expect(slots.map((slot) => slot.start.toISOString().slice(11, 16))).toEqual(["05:00", "05:30", "07:00", "07:30", "08:00", "08:30", "09:00"]);
      expect(slots.every((slot) => minutesLong(slot) === 60)).toBe(true);
      expect(slots.at(-1)!.end.toISOString()).toBe("2026-11-01T10:00:00.000Z"); // 05:00 EST, closing
    });

    it("checks busy time in real instants: the second 01:00–02:00 hour blocks only what really overlaps it", () => {
      const secondOneOClock = { practitionerId: "dana", start: new Date("2026-11-01T06:00:00Z"), end: new Date("2026-11-01T07:00:00Z") };
      const slots = availableSlots(nights, query("massage-60", "dana", "2026-11-01", { now: beforeFall, busy: [secondOneOClock] }));
      expect(slots.map((slot) => clockWithZone(slot.start)).slice(0, 3)).toEqual(["01:00 EDT", "02:00 EST", "02:30 EST"]);
    });

    it("gives the same answer whatever season the code runs in", () => {
      // Luxon guesses ambiguous local times from the offset in force "now"; these slots must not depend on it.
      Settings.now = () => Date.parse("2026-12-01T12:00:00Z");
      const inWinter = availableSlots(nights, query("massage-60", "dana", "2026-11-01", { now: beforeFall }));
      Settings.now = () => Date.parse("2026-07-01T12:00:00Z");
      const inSummer = availableSlots(nights, query("massage-60", "dana", "2026-11-01", { now: beforeFall }));
      expect(inSummer).toEqual(inWinter);
    });
  });

  it("only offers a practitioner on their own weekdays", () => {
    const nights = withSundayNights("01:00-05:00");
    const sunday = availableSlots(nights, query("massage-60", null, "2026-05-17"));
    expect(new Set(sunday.map((slot) => slot.practitionerId))).toEqual(new Set(["dana"]));
    expect(availableSlots(nights, query("massage-60", "dana", "2026-05-16"))).toEqual([]); // Saturday: clinic open, Dana off
  });
});

describe("openDays", () => {
  it("lists bookable days within the horizon, skipping closed weekdays, days off and closures", () => {
    expect(openDays(clinic, { serviceId: "massage-60", practitionerId: null, now: sundayNoon, busy: [] })).toEqual([
      "2026-05-11", "2026-05-12", "2026-05-13", "2026-05-15", "2026-05-16",
      // 05-17 Sunday, 05-18 Victoria Day
      "2026-05-19", "2026-05-20", "2026-05-22", "2026-05-23", "2026-05-25", "2026-05-26",
      // 05-27 to 05-29 renovations, 05-31 Sunday
      "2026-05-30",
    ]);
    expect(openDays(clinic, { serviceId: "osteo-45", practitionerId: "chloe", now: sundayNoon, busy: [] })).toEqual(["2026-05-14", "2026-05-21"]);
  });

  it("skips a fully booked day and today once its last slot is within the notice period", () => {
    const benAllTuesday = { practitionerId: "ben", start: at("2026-05-12T00:00"), end: at("2026-05-13T00:00") };
    const days = openDays(clinic, { serviceId: "massage-60", practitionerId: "ben", now: at("2026-05-11T08:00"), busy: [benAllTuesday] });
    // Monday's last start (19:00) is less than 12 h away; Tuesday is taken.
    expect(days.slice(0, 3)).toEqual(["2026-05-16", "2026-05-19", "2026-05-23"]);
  });
});

describe("slotFits", () => {
  const check = (serviceId: string, practitionerId: string, localStart: string, options: { now?: Date; busy?: BusyInterval[] } = {}) =>
    slotFits(clinic, { serviceId, practitionerId, start: at(localStart), now: options.now ?? sundayNoon, busy: options.busy ?? [] });
  const rejected = (reason: string) => ({ ok: false, reason });

  it("accepts a free slot, including one off the offering grid", () => {
    expect(check("physio-initial", "anna", "2026-05-11T09:00")).toEqual({ ok: true });
    expect(check("physio-initial", "anna", "2026-05-11T09:10")).toEqual({ ok: true });
  });

  it("names what the clinic does not offer", () => {
    expect(check("yoga", "anna", "2026-05-11T09:00")).toEqual(rejected("unknown-service"));
    expect(check("physio-initial", "chloe", "2026-05-11T09:00")).toEqual(rejected("not-offered"));
    expect(check("physio-initial", "nobody", "2026-05-11T09:00")).toEqual(rejected("not-offered"));
  });

  it("names closures, closed hours and the practitioner's time off", () => {
    expect(check("physio-initial", "anna", "2026-05-18T09:00")).toEqual(rejected("closure"));
    expect(check("physio-initial", "anna", "2026-05-17T10:00")).toEqual(rejected("closed")); // Sunday
    expect(check("massage-60", "ben", "2026-05-11T19:30")).toEqual(rejected("closed")); // would end after closing
    expect(check("physio-initial", "anna", "2026-05-12T09:00")).toEqual(rejected("not-working")); // Tuesday
    expect(check("physio-initial", "anna", "2026-05-11T11:30")).toEqual(rejected("not-working")); // into lunch
  });

  it("names the notice period and the horizon", () => {
    expect(check("physio-initial", "anna", "2026-05-11T09:00", { now: at("2026-05-11T00:00") })).toEqual(rejected("notice"));
    expect(check("physio-initial", "anna", "2026-06-01T09:00")).toEqual(rejected("horizon"));
  });

  it("names a slot taken meanwhile, and lets one that only touches another appointment through", () => {
    const busy = [{ practitionerId: "anna", start: at("2026-05-11T08:30"), end: at("2026-05-11T09:30") }];
    expect(check("physio-initial", "anna", "2026-05-11T09:00", { busy })).toEqual(rejected("taken"));
    expect(check("physio-initial", "anna", "2026-05-11T09:30", { busy })).toEqual({ ok: true });
    expect(check("massage-60", "ben", "2026-05-11T10:00", { busy })).toEqual({ ok: true });
  });

  it("accepts every slot availableSlots offers, DST nights included", () => {
    const nights = withSundayNights("01:00-05:00");
    const cases = [
      { now: sundayNoon, dates: openDays(nights, { serviceId: "massage-60", practitionerId: null, now: sundayNoon, busy: [] }) },
      { now: new Date("2026-03-01T12:00:00Z"), dates: ["2026-03-08"] },
      { now: new Date("2026-10-25T12:00:00Z"), dates: ["2026-11-01"] },
    ];
    for (const { now, dates } of cases) {
      for (const date of dates) {
        for (const slot of availableSlots(nights, { serviceId: "massage-60", practitionerId: null, date, now, busy: [] })) {
          expect(slotFits(nights, { serviceId: "massage-60", practitionerId: slot.practitionerId, start: slot.start, now, busy: [] })).toEqual({ ok: true });
        }
      }
    }
  });
});
