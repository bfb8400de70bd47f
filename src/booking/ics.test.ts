import { describe, expect, it } from "vitest";
import { DateTime } from "luxon";
import { appointmentIcs, cancellationIcs, type AppointmentIcsInput } from "./ics.js";

const toronto = (localIso: string) => DateTime.fromISO(localIso, { zone: "America/Toronto" }).toJSDate();

const appointment: AppointmentIcsInput = {
  uid: "appointment-42@riverside.example",
  start: toronto("2026-05-11T09:00"),
  end: toronto("2026-05-11T10:00"),
  summary: "Massothérapie, 60 min; avec Chloé",
  description: "Bring your referral\\insurance card.\nArrive 10 minutes early, please.",
  location: "100 Riverside Dr, Ottawa ON",
  organizerName: 'Physio "Riverside"',
  organizerEmail: "frontdesk@riverside.example",
  url: "https://riverside.example/appointments/42",
  now: new Date("2026-05-01T15:30:45.678Z"),
};

/** Just enough of a reader: unfold continuation lines, split name;params:value, unescape TEXT. */
function parse(ics: string): Array<{ name: string; params: string; value: string }> {
  return ics
    .replace(/\r\n[ \t]/g, "")
    .split("\r\n")
    .filter((line) => line !== "")
    .map((line) => {
      const colon = line.search(/:(?=(?:[^"]*"[^"]*")*[^"]*$)/); // first colon outside quotes
      const [name, ...params] = line.slice(0, colon).split(";");
      return { name: name!, params: params.join(";"), value: line.slice(colon + 1) };
    });
}
const unescapeText = (value: string) => value.replace(/\\([\\;,nN])/g, (_, escaped: string) => (escaped.toLowerCase() === "n" ? "\n" : escaped));
/** Values of a property outside the VALARM block (which has a DESCRIPTION of its own). */
function valuesOf(ics: string, name: string): string[] {
  let inAlarm = false;
  return parse(ics).flatMap((line) => {
    if (line.value === "VALARM") inAlarm = line.name === "BEGIN";
    return !inAlarm && line.name === name && line.value !== "VALARM" ? [line.value] : [];
  });
}
const valueOf = (ics: string, name: string) => {
  const values = valuesOf(ics, name);
  expect(values, name).toHaveLength(1);
  return values[0]!;
};

describe("appointmentIcs", () => {
  const ics = appointmentIcs(appointment);

  it("ends every line, the last included, with CRLF and has no bare line breaks", () => {
    expect(ics.endsWith("END:VCALENDAR\r\n")).toBe(true);
    for (const line of ics.split("\r\n")) expect(line).not.toMatch(/[\r\n]/);
  });

  it("is a published, confirmed event with the required properties", () => {
    const names = parse(ics).map((line) => line.name);
    expect(names.slice(0, 6)).toEqual(["BEGIN", "VERSION", "PRODID", "CALSCALE", "METHOD", "BEGIN"]);
    expect(valueOf(ics, "VERSION")).toBe("2.0");
    expect(valueOf(ics, "METHOD")).toBe("PUBLISH");
    expect(valueOf(ics, "PRODID")).toMatch(/^-\/\//);
    expect(valueOf(ics, "UID")).toBe("appointment-42@riverside.example");
    expect(valueOf(ics, "SEQUENCE")).toBe("0");
    expect(valueOf(ics, "STATUS")).toBe("CONFIRMED");
    expect(valueOf(ics, "URL")).toBe("https://riverside.example/appointments/42");
  });

  it("writes times in UTC, DTSTAMP without milliseconds", () => {
    expect(valueOf(ics, "DTSTART")).toBe("20260511T130000Z"); // 09:00 EDT
    expect(valueOf(ics, "DTEND")).toBe("20260511T140000Z");
    expect(valueOf(ics, "DTSTAMP")).toBe("20260501T153045Z");
  });

  it("escapes backslashes, semicolons, commas and line breaks in text", () => {
    expect(ics).toContain("SUMMARY:Massothérapie\\, 60 min\\; avec Chloé\r\n");
    expect(valueOf(ics, "DESCRIPTION")).toBe("Bring your referral\\\\insurance card.\\nArrive 10 minutes early\\, please.");
    expect(unescapeText(valueOf(ics, "DESCRIPTION"))).toBe(appointment.description);
    expect(unescapeText(valueOf(ics, "LOCATION"))).toBe(appointment.location);
  });

  it("keeps hostile text inside its property instead of starting new ones", () => {
    const forged = appointmentIcs({ ...appointment, summary: "Massage\r\nATTENDEE:mailto:someone@else.example\r\nEND:VEVENT" });
    expect(valuesOf(forged, "ATTENDEE")).toEqual([]);
    expect(valuesOf(forged, "END")).toEqual(["VEVENT", "VCALENDAR"]);
    expect(unescapeText(valuesOf(forged, "SUMMARY")[0]!)).toBe("Massage\nATTENDEE:mailto:someone@else.example\nEND:VEVENT");
  });

  it("names the organizer in a quoted parameter, or leaves ORGANIZER out without an address", () => {
    const organizer = parse(ics).find((line) => line.name === "ORGANIZER")!;
    expect(organizer.params).toBe(`CN="Physio 'Riverside'"`);
    expect(organizer.value).toBe("mailto:frontdesk@riverside.example");
    expect(valuesOf(appointmentIcs({ ...appointment, organizerEmail: undefined }), "ORGANIZER")).toEqual([]);
  });

  it("reminds two hours before", () => {
    const lines = parse(ics);
    const alarm = lines.slice(lines.findIndex((line) => line.value === "VALARM"), lines.findIndex((line) => line.name === "END" && line.value === "VALARM") + 1);
    expect(alarm.map((line) => `${line.name}:${line.value}`)).toEqual([
      "BEGIN:VALARM",
      "ACTION:DISPLAY",
      "DESCRIPTION:Massothérapie\\, 60 min\\; avec Chloé",
      "TRIGGER:-PT2H",
      "END:VALARM",
    ]);
  });

  it("folds long lines at 75 octets without splitting a multi-byte character", () => {
    const description = `${"Détente profonde 💆 ".repeat(12)}fin`;
    const folded = appointmentIcs({ ...appointment, description });
    const physical = folded.split("\r\n");
    for (const line of physical) expect(Buffer.byteLength(line, "utf8")).toBeLessThanOrEqual(75);
    expect(physical.filter((line) => line.startsWith(" ")).length).toBeGreaterThan(2);
    // Every piece is whole characters: re-encoding a piece on its own gives back the same text.
    for (const line of physical) expect(Buffer.from(line, "utf8").toString("utf8")).toBe(line);
    expect(unescapeText(valueOf(folded, "DESCRIPTION"))).toBe(description);
  });

  it("moves a 4-octet character that would cross the 75th octet to the next line", () => {
    // "SUMMARY:" is 8 octets; 66 more make 74, and the emoji would need octets 75 to 78.
    const summary = `${"a".repeat(66)}😀b`;
    const physical = appointmentIcs({ ...appointment, summary }).split("\r\n");
    const at = physical.findIndex((line) => line.startsWith("SUMMARY:"));
    expect(physical[at]).toBe(`SUMMARY:${"a".repeat(66)}`);
    expect(physical[at + 1]).toBe(" 😀b");
  });

  it("refuses an event that does not end after it starts, and a malformed address", () => {
    expect(() => appointmentIcs({ ...appointment, end: appointment.start })).toThrow(RangeError);
    expect(() => appointmentIcs({ ...appointment, organizerEmail: "front desk" })).toThrow(RangeError);
    expect(() => appointmentIcs({ ...appointment, url: "not a url" })).toThrow();
  });
});

describe("cancellationIcs", () => {
  it("cancels the same UID with a higher SEQUENCE and no reminder", () => {
    const ics = cancellationIcs({ ...appointment, sequence: 2 });
    expect(valueOf(ics, "METHOD")).toBe("CANCEL");
    expect(valueOf(ics, "STATUS")).toBe("CANCELLED");
    expect(valueOf(ics, "UID")).toBe(appointment.uid);
    expect(valueOf(ics, "SEQUENCE")).toBe("3");
    expect(valueOf(ics, "DTSTART")).toBe("20260511T130000Z");
    expect(ics).not.toContain("VALARM");
    expect(ics.endsWith("END:VCALENDAR\r\n")).toBe(true);
  });

  it("supersedes the first version when given the same input", () => {
    expect(valueOf(cancellationIcs(appointment), "SEQUENCE")).toBe("1");
  });
});
