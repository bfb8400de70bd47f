/**
 * Every feature declares its buttons in its own codec (src/features/*-buttons.ts, or inside the feature file).
 * Across all of them: one prefix per codec, every button reads back as exactly what it was built from, and
 * by exactly one codec and action, so no press can reach another feature's handler.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { allCallbackCodecs, type FieldKind } from "../bot/callback-data.js";
import { PROJECT_ROOT } from "../db/schema-files.js";
// Loads every feature, and with it every codec the bot declares.
import "../bot/create-bot.js";

/** The codecs declared in the sources (not tests), found by reading them: a codec no feature loads is caught too. */
function declaredPrefixes(): Array<{ file: string; prefix: string }> {
  const src = join(PROJECT_ROOT, "src");
  return readdirSync(src, { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".ts") && !file.endsWith(".test.ts") && !file.startsWith("generated"))
    .flatMap((file) =>
      [...withoutComments(readFileSync(join(src, file), "utf8")).matchAll(/\bcallbackData\(\s*"([^"]+)"/g)].map((match) => ({ file: relative(PROJECT_ROOT, join(src, file)), prefix: match[1]! })),
    );
}

function withoutComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
}

const SAMPLES: Record<Exclude<FieldKind, readonly string[]>, Array<string | number>> = {
  int: [0, 7, 123_456_789_012],
  slug: ["camille-tremblay"],
  date: ["2026-12-01"],
  token: ["a1_B-2"],
  zone: ["America/Toronto"],
  word: ["", "any text"],
};

describe("the bot's buttons", () => {
  const codecs = allCallbackCodecs().filter((codec) => !codec.prefix.startsWith("zz"));

  it("are declared one codec per prefix, each loaded with the bot", () => {
    const declared = declaredPrefixes();
    const prefixes = declared.map((entry) => entry.prefix);
    expect(prefixes.filter((prefix, index) => prefixes.indexOf(prefix) !== index)).toEqual([]);
    expect(codecs.map((codec) => codec.prefix).sort()).toEqual([...prefixes].sort());
    expect(prefixes).toEqual(expect.arrayContaining(["book", "bk", "ap", "rqp", "pp", "rm", "wl", "tips", "language", "privacy", "rq", "today", "bc", "blog"]));
    // None of them in the Telegram layer's plumbing: each feature owns its buttons.
    expect(declared.filter((entry) => !entry.file.startsWith("src/features/"))).toEqual([]);
  });

  it("of staff features are marked so, and no patient button shares their prefix", () => {
    expect(codecs.filter((codec) => codec.staff).map((codec) => codec.prefix).sort()).toEqual(["bc", "blog", "blogedit", "rq", "today"]);
    expect(codecs.find((codec) => codec.prefix === "ap")?.staff).toBe(false);
  });

  it("read back as exactly what they were built from, by exactly one codec and action", () => {
    let pressed = 0;
    for (const codec of codecs) {
      for (const [action, fields] of Object.entries(codec.actions)) {
        let combinations: Array<Record<string, string | number>> = [{}];
        for (const [name, kind] of Object.entries(fields)) {
          const values = typeof kind === "string" ? SAMPLES[kind as keyof typeof SAMPLES] : [...(kind as readonly string[])];
          combinations = combinations.flatMap((partial) => values.map((value) => ({ ...partial, [name]: value })));
        }
        for (const values of combinations) {
          const data = (codec.data as (action: string, values: object) => string)(action, values);
          expect(codec.parse(action as never, data)).toEqual(values);
          expect(codec.filter(action as never).test(data)).toBe(true);
          const readers = codecs.flatMap((other) =>
            Object.keys(other.actions).filter((name) => other.parse(name as never, data) !== null).map((name) => `${other.prefix}:${name}`),
          );
          expect(readers).toEqual([`${codec.prefix}:${action}`]);
          pressed++;
        }
      }
    }
    expect(pressed).toBeGreaterThan(50);
  });
});
