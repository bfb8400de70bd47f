import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FluentBundle, FluentResource } from "@fluent/bundle";
import { createI18n, LOCALES_DIR, type BundleMatching } from "./i18n.js";

const SOURCE_DIR = join(LOCALES_DIR, "..");

function messagesOf(language: string): Map<string, string> {
  const messages = new Map<string, string>();
  for (const file of readdirSync(join(LOCALES_DIR, language)).filter((name) => name.endsWith(".ftl"))) {
    const resource = new FluentResource(readFileSync(join(LOCALES_DIR, language, file), "utf8"));
    for (const entry of resource.body) messages.set(entry.id, file);
  }
  return messages;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    // The Bot API peer plays Telegram's side (its texts are Telegram's, not the bot's).
    if (entry.isDirectory()) return ["testing", "scripts", "bench", "locales", "bot-api-peer"].includes(entry.name) ? [] : sourceFiles(path);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") ? [path] : [];
  });
}

describe("locales", () => {
  it("English and French have exactly the same keys", () => {
    const english = [...messagesOf("en").keys()].sort();
    const french = [...messagesOf("fr").keys()].sort();
    expect(french).toEqual(english);
  });

  it("every locale file parses without errors", () => {
    for (const language of ["en", "fr"]) {
      for (const file of readdirSync(join(LOCALES_DIR, language))) {
        const bundle = new FluentBundle(language);
        const errors = bundle.addResource(new FluentResource(readFileSync(join(LOCALES_DIR, language, file), "utf8")));
        expect(errors, `${language}/${file}`).toEqual([]);
      }
    }
  });

  it("every key used in the code exists", () => {
    const known = messagesOf("en");
    const missing: string[] = [];
    for (const file of sourceFiles(SOURCE_DIR)) {
      const source = readFileSync(file, "utf8");
      for (const match of source.matchAll(/\bt\(\s*(?:[\w.]+,\s*)?"([a-z0-9-]+)"/g)) {
        if (!known.has(match[1]!)) missing.push(`${file}: ${match[1]}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it("no handler sends a literal string to a patient", () => {
    const offenders: string[] = [];
    const sendsLiteral = /\b(?:reply|sendMessage|editMessageText|answerCallbackQuery)\(\s*(?:[\w.]+,\s*)?(["'`])(?!\s*\1)/g;
    const answersLiteral = /\btext:\s*["'`][^"'`]/g;
    for (const file of sourceFiles(SOURCE_DIR)) {
      const source = readFileSync(file, "utf8");
      for (const pattern of [sendsLiteral, answersLiteral]) {
        for (const match of source.matchAll(pattern)) {
          const line = source.slice(0, match.index).split("\n").length;
          offenders.push(`${file}:${line}: ${match[0]}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });
});

describe("translations with the bundle matches remembered", () => {
  it("speak each language, again and again, and hook into the plugin's own matching", () => {
    const i18n = createI18n("en");
    const fluent = i18n.fluent as unknown as BundleMatching;
    // A plugin upgrade that renames these would silently lose the saving: say so here.
    expect(typeof fluent.matchBundles).toBe("function");
    expect(typeof fluent.addBundle).toBe("function");
    const english = i18n.t("en", "menu-inactive");
    const french = i18n.t("fr", "menu-inactive");
    expect(english).not.toBe(french);
    for (let round = 0; round < 3; round++) {
      expect(i18n.t("en", "menu-inactive")).toBe(english);
      expect(i18n.t("fr", "menu-inactive")).toBe(french);
    }
    // Not a language of the bot: the default one, as the plugin does.
    expect(i18n.t("de" as never, "menu-inactive")).toBe(english);
  });

  it("finds a bundle added later", () => {
    const i18n = createI18n("en");
    expect(i18n.t("en", "test-only-message")).toBe("{test-only-message}");
    i18n.loadLocaleSync("es", { source: "test-only-message = hola" });
    expect(i18n.t("es" as never, "test-only-message")).toBe("hola");
  });
});
