/**
 * Reference numbers patients and staff can read out over the phone or type
 * back into the chat: "MS-000123-4" for request 123. Digits only, so there is
 * no O/0 or I/1 confusion to begin with, and a final Damm check digit, which
 * catches every single mistyped digit and every swap of two neighbouring
 * digits.
 */

const PREFIX = "MS";
/** Short ids are zero-padded so references look alike; larger ones simply grow. */
const MIN_DIGITS = 6;

/** Damm's totally anti-symmetric quasigroup of order 10. */
const DAMM_TABLE: readonly (readonly number[])[] = [
  [0, 3, 1, 7, 5, 9, 8, 6, 4, 2],
  [7, 0, 9, 2, 1, 5, 4, 8, 6, 3],
  [4, 2, 0, 6, 8, 7, 1, 3, 5, 9],
  [1, 7, 5, 0, 9, 8, 3, 4, 2, 6],
  [6, 1, 2, 3, 0, 4, 5, 9, 7, 8],
  [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
  [5, 8, 6, 9, 7, 2, 0, 1, 3, 4],
  [8, 9, 4, 5, 3, 6, 2, 0, 1, 7],
  [9, 4, 3, 8, 6, 1, 7, 2, 0, 5],
  [2, 5, 8, 1, 4, 3, 6, 7, 9, 0],
];

/** "MS-000123-4" for id 123. */
export function formatReference(id: number): string {
  if (!Number.isSafeInteger(id) || id < 1) throw new RangeError(`reference ids are positive integers, got ${id}`);
  const digits = String(id).padStart(MIN_DIGITS, "0");
  return `${PREFIX}-${digits}-${dammDigit(digits)}`;
}

/**
 * The id in a reference as a person typed it, or null if it is not one of
 * ours or has a typo. Forgiving about what does not matter: case, spaces,
 * dashes (including the long ones phones substitute), a leading "#", a
 * missing prefix, and the letters O, I and L typed for 0 and 1.
 */
export function parseReference(text: string): number | null {
  const compact = text.toUpperCase().replace(/[\s#._\-\u2010-\u2015\u2212]/g, "");
  const digits = compact.replace(new RegExp(`^${PREFIX}`), "").replace(/O/g, "0").replace(/[IL]/g, "1");
  if (!/^\d+$/.test(digits) || digits.length < MIN_DIGITS + 1) return null;
  if (dammDigit(digits) !== 0) return null;

  const body = digits.slice(0, -1);
  const id = Number(body);
  // Only the exact form formatReference writes: a dropped or extra digit changes the length and is refused here.
  if (!Number.isSafeInteger(id) || id < 1 || body !== String(id).padStart(MIN_DIGITS, "0")) return null;
  return id;
}

/** The check digit for these digits; over digits that end in their own check digit it is 0. */
function dammDigit(digits: string): number {
  let interim = 0;
  for (const digit of digits) interim = DAMM_TABLE[interim]![Number(digit)]!;
  return interim;
}
