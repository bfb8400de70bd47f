import { describe, expect, it } from "vitest";
import { allCallbackCodecs, callbackData, isStaffButton } from "./callback-data.js";

describe("callback data codecs", () => {
  const codec = callbackData("zztest", { pick: { id: "int", day: "date", who: "slug" }, plain: {}, aud: { audience: ["lang:en", "everyone"] } });

  it("builds and parses one shape per action", () => {
    const data = codec.data("pick", { id: 12, day: "2026-12-02", who: "camille-tremblay" });
    expect(data).toBe("zztest:pick:12:2026-12-02:camille-tremblay");
    expect(codec.parse("pick", data)).toEqual({ id: 12, day: "2026-12-02", who: "camille-tremblay" });
    expect(codec.data("plain")).toBe("zztest:plain");
    expect(codec.parse("aud", codec.data("aud", { audience: "lang:en" }))).toEqual({ audience: "lang:en" });
    expect(codec.filter("pick").test(data)).toBe(true);
  });

  it("refuses anything that is not exactly a declared shape", () => {
    for (const forged of ["zztest:pick:12:2026-12-02", "zztest:pick:-1:2026-12-02:x", "zztest:pick:12:2026-12-02:X", "zztest:pick:12:2026-12-02:x:extra", "zztest:plain:", "zztest:aud:lang:de", "zztest:pick:1e3:2026-12-02:x"]) {
      expect(codec.parse("pick", forged) ?? codec.parse("plain", forged) ?? codec.parse("aud", forged)).toBeNull();
    }
    expect(codec.parse("pick", undefined)).toBeNull();
  });

  it("refuses to build data that would not parse back, or that Telegram would refuse", () => {
    expect(() => codec.data("pick", { id: 1, day: "tomorrow", who: "x" })).toThrow(/does not fit/);
    expect(() => callbackData("zzlong", { a: { text: "word" } }).data("a", { text: "x".repeat(60) })).toThrow();
  });

  it("gives every prefix to one codec only, and knows a staff codec's buttons", () => {
    expect(() => callbackData("zztest", {})).toThrow(/already used/);
    expect(allCallbackCodecs()).toContain(codec);
    const staff = callbackData("zzstaff", { act: { id: "int" } }, { staff: true });
    expect([staff.staff, codec.staff]).toEqual([true, false]);
    expect(isStaffButton(staff.data("act", { id: 1 }))).toBe(true);
    expect(isStaffButton("zzstaffer:act:1")).toBe(false);
    expect(isStaffButton(codec.data("plain"))).toBe(false);
    expect(isStaffButton(undefined)).toBe(false);
  });
});
