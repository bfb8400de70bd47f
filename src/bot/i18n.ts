import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { I18n } from "@grammyjs/i18n";
import type { Context } from "grammy";
import { LANGUAGES, type Language } from "../clinic/clinic-profile.js";
import type { AppFlavor } from "./context.js";

// Next to the code: src/locales from the sources, dist/locales (copied by `npm run build`) from the build.
export const LOCALES_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "locales");

/** The language to speak to someone: their own choice, else Telegram's language_code, else the clinic's default. */
export function languageFor(chosen: string | null | undefined, telegramCode: string | undefined, fallback: Language): Language {
  for (const candidate of [chosen, telegramCode?.slice(0, 2).toLowerCase()]) {
    if (candidate && (LANGUAGES as readonly string[]).includes(candidate)) return candidate as Language;
  }
  return fallback;
}

export function createI18n(defaultLanguage: Language) {
  const i18n = new I18n<Context & Partial<AppFlavor>>({
    defaultLocale: defaultLanguage,
    directory: LOCALES_DIR,
    useSession: false,
    // Telegram's bidi isolation marks around placeables would end up inside
    // HTML attributes and commands; our messages are all left-to-right.
    fluentBundleOptions: { useIsolating: false },
    localeNegotiator: (ctx) => languageFor(ctx.patient?.language, ctx.from?.language_code, defaultLanguage),
  });
  rememberBundleMatches(i18n.fluent);
  return i18n;
}

/** The part of @grammyjs/i18n's Fluent that rememberBundleMatches wraps (both are members of its class). */
export interface BundleMatching {
  matchBundles?: (locales: string[]) => Set<unknown>;
  addBundle?: (...args: unknown[]) => unknown;
}

/**
 * @grammyjs/i18n works out which of its bundles serve a locale on every single translation (a language
 * negotiation, a few arrays and a Set each time: most of what a `t()` costs). The answer for a locale only
 * changes when a bundle is added, so it is remembered until then.
 */
export function rememberBundleMatches(fluent: object): void {
  const target = fluent as BundleMatching;
  const match = target.matchBundles;
  const addBundle = target.addBundle;
  if (typeof match !== "function" || typeof addBundle !== "function") return;
  const known = new Map<string, Set<unknown>>();
  target.matchBundles = (locales) => {
    const key = locales.join("\n");
    let bundles = known.get(key);
    if (bundles === undefined) {
      bundles = match.call(fluent, locales);
      // Locales come from the bot's own languages; a bound keeps anything else from growing it.
      if (known.size < 100) known.set(key, bundles);
    }
    return bundles;
  };
  target.addBundle = (...args) => {
    known.clear();
    return addBundle.apply(fluent, args);
  };
}

export type Translator = ReturnType<typeof createI18n>;

/** The language of an update's sender, usable before (or without) the i18n middleware. */
export function contextLanguage(ctx: Context & Pick<AppFlavor, "patient" | "deps">): Language {
  return languageFor(ctx.patient?.language, ctx.from?.language_code, ctx.deps.clinic.defaultLanguage);
}
