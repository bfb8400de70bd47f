/**
 * Calendar files (RFC 5545) a patient can add to their own calendar: one for a
 * confirmed appointment, and one that removes it again when it is cancelled.
 * Both carry the same UID, which is how calendar apps match the cancellation to
 * the event they already have.
 */

export interface AppointmentIcsInput {
  /** Stable per appointment and globally unique, e.g. "appointment-42@clinic.example". */
  uid: string;
  start: Date;
  end: Date;
  summary: string;
  description: string;
  location: string;
  organizerName: string;
  /** Without it there is no ORGANIZER line: the property needs an address, and calendar apps import the event fine without one. */
  organizerEmail?: string;
  url?: string;
  /** When the file is generated (DTSTAMP). */
  now: Date;
  /** Revision of this appointment's calendar entry; raise it whenever a changed version is sent. Defaults to 0. */
  sequence?: number;
}

const PRODUCT_ID = "-//Clinic Care Bot//Appointments//EN";
const REMINDER_BEFORE = "-PT2H";

/** A confirmed appointment with a reminder two hours before. */
export function appointmentIcs(input: AppointmentIcsInput): string {
  return calendar("PUBLISH", [
    ...eventLines(input, input.sequence ?? 0, "CONFIRMED"),
    "BEGIN:VALARM",
    "ACTION:DISPLAY",
    `DESCRIPTION:${escapeText(input.summary)}`,
    `TRIGGER:${REMINDER_BEFORE}`,
    "END:VALARM",
  ]);
}

/**
 * Withdraws an appointment sent with appointmentIcs. Pass the same input (with
 * the sequence last sent): calendar apps only apply a cancellation whose
 * SEQUENCE is higher than the version they hold, so it is raised by one here.
 */
export function cancellationIcs(input: AppointmentIcsInput): string {
  return calendar("CANCEL", eventLines(input, (input.sequence ?? 0) + 1, "CANCELLED"));
}

function calendar(method: "PUBLISH" | "CANCEL", event: string[]): string {
  const lines = [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    `PRODID:${PRODUCT_ID}`,
    "CALSCALE:GREGORIAN",
    `METHOD:${method}`,
    "BEGIN:VEVENT",
    ...event,
    "END:VEVENT",
    "END:VCALENDAR",
  ];
  return lines.map(fold).map((line) => `${line}\r\n`).join("");
}

function eventLines(input: AppointmentIcsInput, sequence: number, status: "CONFIRMED" | "CANCELLED"): string[] {
  if (!(input.end.getTime() > input.start.getTime())) throw new RangeError("calendar event must end after it starts");
  if (!Number.isInteger(sequence) || sequence < 0) throw new RangeError("calendar SEQUENCE must be a non-negative integer");
  const lines = [
    `UID:${escapeText(input.uid)}`,
    `DTSTAMP:${utcDateTime(input.now)}`,
    `SEQUENCE:${sequence}`,
    `DTSTART:${utcDateTime(input.start)}`,
    `DTEND:${utcDateTime(input.end)}`,
    `SUMMARY:${escapeText(input.summary)}`,
    `DESCRIPTION:${escapeText(input.description)}`,
    `LOCATION:${escapeText(input.location)}`,
  ];
  if (input.url !== undefined) lines.push(`URL:${new URL(input.url).href}`);
  if (input.organizerEmail !== undefined) {
    lines.push(`ORGANIZER;CN=${quoteParameter(input.organizerName)}:${mailto(input.organizerEmail)}`);
  }
  lines.push(`STATUS:${status}`);
  return lines;
}

/** 20260511T130000Z: UTC, so no VTIMEZONE block is needed and every app shows the same instant. */
function utcDateTime(instant: Date): string {
  if (Number.isNaN(instant.getTime())) throw new RangeError("calendar times must be valid dates");
  return instant.toISOString().replace(/\.\d{3}Z$/, "Z").replace(/[-:]/g, "");
}

/** TEXT values: backslash, semicolon, comma and line breaks are escaped; other control characters are not allowed at all. */
function escapeText(text: string): string {
  return text
    .replace(/\\/g, "\\\\")
    .replace(/;/g, "\\;")
    .replace(/,/g, "\\,")
    .replace(/\r\n|\r|\n/g, "\\n")
    // eslint-disable-next-line no-control-regex -- removing control characters is the point
    .replace(/[\u0000-\u0008\u000a-\u001f\u007f]/g, "");
}

/** A parameter value in double quotes, which may not itself contain a double quote or a control character. */
function quoteParameter(text: string): string {
  // eslint-disable-next-line no-control-regex -- removing control characters is the point
  return `"${text.replace(/"/g, "'").replace(/[\u0000-\u001f\u007f]/g, " ")}"`;
}

function mailto(email: string): string {
  if (!/^[^\s@"<>:;,]+@[^\s@"<>:;,]+$/.test(email)) throw new RangeError(`not an e-mail address: ${JSON.stringify(email)}`);
  return `mailto:${email}`;
}

/**
 * Content lines are at most 75 octets; longer ones continue on lines starting
 * with a space (which counts towards their 75). Splitting is by whole
 * characters, so a multi-byte UTF-8 sequence is never cut in two.
 */
function fold(line: string): string {
  const pieces: string[] = [];
  let piece = "";
  let octets = 0;
  let limit = 75;
  for (const character of line) {
    const size = Buffer.byteLength(character, "utf8");
    if (octets + size > limit) {
      pieces.push(piece);
      piece = "";
      octets = 0;
      limit = 74;
    }
    piece += character;
    octets += size;
  }
  pieces.push(piece);
  return pieces.join("\r\n ");
}
