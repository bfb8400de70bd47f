/**
 * The domain sits below the Telegram layer: the use cases, their repositories and the delivery engine
 * import nothing from the bot, its features or the desk, and nothing from grammY, so they can be read, tested
 * and reused without Telegram's types or the i18n plugin. They return data; the Telegram layer words it, and
 * sends the outbox's rows for the delivery engine (src/bot/telegram-sender.ts).
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../src/db/schema-files.js";

const DOMAIN = ["src/delivery", "src/booking", "src/broadcast", "src/content", "src/privacy", "src/tips"];
const TELEGRAM_LAYER = ["src/bot", "src/features", "src/desk"];
const TELEGRAM_PACKAGES = /^(grammy|@grammyjs\/)/;

/** The domain's source files (tests of it may use the test kit and the bot). */
function domainSources(): string[] {
  return DOMAIN.flatMap((folder) =>
    readdirSync(join(PROJECT_ROOT, folder), { recursive: true, encoding: "utf8" })
      .filter((file) => file.endsWith(".ts") && !file.endsWith(".test.ts"))
      .map((file) => join(folder, file)),
  );
}

/** What in a domain file reaches the Telegram layer: every module it imports, re-exports or loads, types included. */
function violations(file: string, source = readFileSync(join(PROJECT_ROOT, file), "utf8")): string[] {
  const specifiers = ts.preProcessFile(source, true, true).importedFiles.map((entry) => entry.fileName);
  return specifiers.flatMap((specifier) => {
    if (specifier.startsWith(".")) {
      const target = relative(PROJECT_ROOT, join(PROJECT_ROOT, dirname(file), specifier));
      return TELEGRAM_LAYER.some((layer) => target === layer || target.startsWith(`${layer}/`)) ? [`${file} imports ${target}`] : [];
    }
    return TELEGRAM_PACKAGES.test(specifier) ? [`${file} imports ${specifier}`] : [];
  });
}

describe("the domain", () => {
  it("imports nothing from the Telegram layer (src/bot, src/features, src/desk) nor grammY", () => {
    const files = domainSources();
    expect(files.length).toBeGreaterThan(40);
    expect(files.flatMap((file) => violations(file))).toEqual([]);
  });

  it("would be caught importing the bot's translator, a feature's buttons or grammY, even for types", () => {
    const source = [
      'import type { Translator } from "../bot/i18n.js";',
      'export { requestCardButtons } from "../features/appointment-requests.js";',
      'import type { InlineKeyboard } from "grammy";',
      'const lazy = () => import("../../src/desk/desk-http.js");',
      'import { formatReference } from "./reference.js";',
    ].join("\n");
    expect(violations("src/booking/probe.ts", source)).toEqual([
      "src/booking/probe.ts imports src/bot/i18n.js",
      "src/booking/probe.ts imports src/features/appointment-requests.js",
      "src/booking/probe.ts imports grammy",
      "src/booking/probe.ts imports src/desk/desk-http.js",
    ]);
  });
});
