import { describe, expect, it } from "vitest";
import { formatReference, parseReference } from "./reference.js";

const SAMPLE_IDS = [1, 7, 42, 123, 999_999, 1_000_000, 20_261_123];

/** The digits of a reference with one of them replaced, for every position and every other digit. */
function singleDigitTypos(reference: string): string[] {
  const typos: string[] = [];
  [...reference].forEach((character, index) => {
    if (!/\d/.test(character)) return;
    for (let digit = 0; digit <= 9; digit++) {
      if (String(digit) !== character) typos.push(reference.slice(0, index) + digit + reference.slice(index + 1));
    }
  });
  return typos;
}

/** Every swap of two different neighbouring digits (the check digit counts: "123-4" → "12-43" is a typo too). */
function neighbourSwaps(reference: string): string[] {
  const digits = reference.replace(/\D/g, "");
  const swaps: string[] = [];
  for (let index = 0; index + 1 < digits.length; index++) {
    if (digits[index] === digits[index + 1]) continue;
    swaps.push(`MS${digits.slice(0, index)}${digits[index + 1]}${digits[index]}${digits.slice(index + 2)}`);
  }
  return swaps;
}

describe("formatReference", () => {
  it("pads to six digits, adds the prefix and a check digit", () => {
    expect(formatReference(123)).toMatch(/^MS-000123-\d$/);
    expect(formatReference(1_000_000)).toMatch(/^MS-1000000-\d$/);
  });

  it("uses the Damm check digit (572 → 4 is the textbook example)", () => {
    expect(formatReference(572)).toBe("MS-000572-4");
  });

  it("refuses ids that are not positive integers", () => {
    for (const id of [0, -5, 1.5, Number.NaN, 2 ** 53]) expect(() => formatReference(id)).toThrow(RangeError);
  });
});

describe("parseReference", () => {
  it("round-trips", () => {
    for (const id of SAMPLE_IDS) expect(parseReference(formatReference(id))).toBe(id);
  });

  it("forgives case, spacing, dashes, a leading # and a missing prefix", () => {
    const reference = formatReference(123); // MS-000123-x
    const check = reference.at(-1)!;
    for (const typed of [
      reference.toLowerCase(),
      ` ${reference} `,
      `#${reference}`,
      `MS 000123 ${check}`,
      `ms0001 23${check}`,
      `000123-${check}`,
      `MS—000123—${check}`,
    ]) {
      expect(parseReference(typed), typed).toBe(123);
    }
  });

  it("reads the letters O, I and L as the digits they look like", () => {
    const reference = formatReference(101); // MS-000101-x
    expect(parseReference(reference.replace("000101", "OOO1O1"))).toBe(101);
    expect(parseReference(reference.replace("000101", "000I0l"))).toBe(101);
  });

  it("detects every single mistyped digit", () => {
    for (const id of SAMPLE_IDS) {
      for (const typo of singleDigitTypos(formatReference(id))) expect(parseReference(typo), typo).toBeNull();
    }
  });

  it("detects every swap of two neighbouring digits", () => {
    for (const id of SAMPLE_IDS) {
      for (const swap of neighbourSwaps(formatReference(id))) expect(parseReference(swap), swap).toBeNull();
    }
  });

  it("detects a dropped or an extra digit", () => {
    const digits = formatReference(123).replace(/\D/g, ""); // 000123x
    expect(parseReference(`MS${digits.slice(1)}`)).toBeNull();
    expect(parseReference(`MS0${digits}`)).toBeNull();
    expect(parseReference(`MS${digits.slice(0, -1)}`)).toBeNull();
  });

  it("rejects what is not a reference", () => {
    for (const text of ["", "MS", "hello", "123", "XX-000123-4", "MS-000000-0", "MS-000123-4-5", `MS-${"9".repeat(20)}-0`]) {
      expect(parseReference(text), text).toBeNull();
    }
  });
});
