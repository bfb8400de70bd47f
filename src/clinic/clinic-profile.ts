import { join } from "node:path";
import { DateTime } from "luxon";
import { z } from "zod";
import { readYamlFile } from "../content/yaml-file.js";
import { isValidTimeZone, minutesOfDay } from "../shared/time.js";

/**
 * The clinic's own profile (content/clinic.yml): who it is, when it is open,
 * what it offers and the rules for booking. Validated once at start; an error
 * names the file, the line and the field.
 */

export const LANGUAGES = ["en", "fr"] as const;
export type Language = (typeof LANGUAGES)[number];

export const WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const localized = z.object({ en: z.string().trim().min(1), fr: z.string().trim().min(1) }, {
  error: "must have both an en: and an fr: text",
});
export type Localized = z.output<typeof localized>;

const timeZone = z.string().refine((zone) => isValidTimeZone(zone), {
  message: "must be an IANA time zone name such as America/Toronto",
});

/** "09:00-17:30" → minutes since midnight. */
const interval = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d-(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'must be an interval like "09:00-17:30"')
  .transform((text) => ({ start: minutesOfDay(text.slice(0, 5)), end: minutesOfDay(text.slice(6, 11)) }))
  .refine((range) => range.end > range.start, { message: "must end after it starts" });
export type Interval = z.output<typeof interval>;

const weekHours = z
  .object(Object.fromEntries(WEEKDAYS.map((day) => [day, z.array(interval).optional()])) as Record<Weekday, z.ZodOptional<z.ZodArray<typeof interval>>>)
  .strict()
  .transform((week) => Object.fromEntries(WEEKDAYS.map((day) => [day, week[day] ?? []])) as Record<Weekday, Interval[]>);
export type WeekHours = Record<Weekday, Interval[]>;

const isoDate = z.union([z.date(), z.string()]).transform((value, ctx) => {
  const date = value instanceof Date ? DateTime.fromJSDate(value, { zone: "utc" }) : DateTime.fromISO(value, { zone: "utc" });
  if (!date.isValid) {
    ctx.addIssue({ code: "custom", message: "must be a date like 2026-12-25" });
    return z.NEVER;
  }
  return date.toISODate()!;
});

const closure = z
  .union([
    z.object({ date: isoDate, reason: localized }).strict(),
    z.object({ from: isoDate, to: isoDate, reason: localized }).strict(),
  ], { error: "must be { date, reason } or { from, to, reason }" })
  .transform((entry) => ("date" in entry ? { from: entry.date, to: entry.date, reason: entry.reason } : entry))
  .refine((entry) => entry.from <= entry.to, { message: "from must not be after to" });

const slug = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "must be lowercase letters, digits and hyphens, e.g. massage-60");

const service = z
  .object({
    id: slug,
    name: localized,
    durationMinutes: z.number().int().min(5).max(480),
    directBilling: z.boolean(),
    description: localized.optional(),
  })
  .strict();

const practitioner = z
  .object({
    id: slug,
    name: z.string().trim().min(1),
    title: localized,
    services: z.array(slug).min(1),
    workingHours: weekHours,
  })
  .strict();

const profileSchema = z
  .object({
    name: localized,
    address: z.string().trim().min(1),
    phone: z.string().trim().regex(/^\+?[\d\s().-]{7,20}$/, 'must be a phone number like "+1 613 555 0142"'),
    email: z.email().optional(),
    website: z.url().optional(),
    timeZone,
    languages: z.array(z.enum(LANGUAGES)).min(1).default(["en", "fr"]),
    defaultLanguage: z.enum(LANGUAGES).default("en"),
    openingHours: weekHours,
    closures: z.array(closure).default([]),
    services: z.array(service).min(1),
    practitioners: z.array(practitioner).min(1),
    booking: z
      .object({
        minimumNoticeHours: z.number().min(0),
        horizonDays: z.number().int().min(1).max(365),
        slotStepMinutes: z.number().int().min(5).max(240),
        lateCancellationHours: z.number().min(0),
        maxUpcomingPerPatient: z.number().int().min(1),
        /** Days a patient can wait for at once on the waitlist. */
        maxWaitlistPerPatient: z.number().int().min(1).default(3),
        requestStaleAfterHours: z.number().positive(),
        reminderHoursBefore: z.array(z.number().positive()).default([24, 2]),
      })
      .strict(),
    tips: z
      .object({
        defaultWeekday: z.number().int().min(1).max(7).default(1),
        defaultHour: z.number().int().min(0).max(23).default(9),
        graceHours: z.number().min(0).default(12),
      })
      .strict()
      .default({ defaultWeekday: 1, defaultHour: 9, graceHours: 12 }),
    calendarFeeds: z
      .object({
        /** Whether practitioners' calendar feeds show the patient's name and phone (off: service and time only). */
        patientDetails: z.boolean().default(false),
      })
      .strict()
      .default({ patientDetails: false }),
    disclaimer: localized,
    policies: z.record(z.string(), localized).default({}),
  })
  .strict()
  .superRefine((profile, ctx) => {
    const serviceIds = new Set(profile.services.map((entry) => entry.id));
    profile.services.forEach((entry, index) => {
      if (profile.services.findIndex((other) => other.id === entry.id) !== index) {
        ctx.addIssue({ code: "custom", path: ["services", index, "id"], message: `duplicate service id "${entry.id}"` });
      }
    });
    profile.practitioners.forEach((person, index) => {
      person.services.forEach((serviceId, serviceIndex) => {
        if (!serviceIds.has(serviceId)) {
          ctx.addIssue({
            code: "custom",
            path: ["practitioners", index, "services", serviceIndex],
            message: `unknown service "${serviceId}" (known: ${[...serviceIds].join(", ")})`,
          });
        }
      });
      if (profile.practitioners.findIndex((other) => other.id === person.id) !== index) {
        ctx.addIssue({ code: "custom", path: ["practitioners", index, "id"], message: `duplicate practitioner id "${person.id}"` });
      }
    });
    if (!profile.languages.includes(profile.defaultLanguage)) {
      ctx.addIssue({ code: "custom", path: ["defaultLanguage"], message: "must be one of languages" });
    }
  });

export type ClinicProfile = z.output<typeof profileSchema>;
export type Service = ClinicProfile["services"][number];
export type Practitioner = ClinicProfile["practitioners"][number];
export type Closure = ClinicProfile["closures"][number];

export function clinicProfilePath(contentDir: string): string {
  return join(contentDir, "clinic.yml");
}

/** Loads and validates content/clinic.yml; throws a ContentError naming file, line and field. */
export function loadClinicProfile(contentDir: string): ClinicProfile {
  return readYamlFile(clinicProfilePath(contentDir), profileSchema);
}

export { profileSchema as clinicProfileSchema };

/** The language a stored row names (a request, a waitlist entry), as one the clinic speaks. */
export function asLanguage(language: string): Language {
  return language === "fr" ? "fr" : "en";
}

/** A service's name in a language; its id when the clinic no longer offers it. */
export function serviceName(clinic: ClinicProfile, serviceId: string, language: string): string {
  return clinic.services.find((service) => service.id === serviceId)?.name[asLanguage(language)] ?? serviceId;
}

/** A practitioner's name; their id when they no longer work at the clinic. */
export function practitionerName(clinic: ClinicProfile, practitionerId: string): string {
  return clinic.practitioners.find((person) => person.id === practitionerId)?.name ?? practitionerId;
}
