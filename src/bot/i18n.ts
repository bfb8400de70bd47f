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
  return new I18n<Context & Partial<AppFlavor>>({
    defaultLocale: defaultLanguage,
    directory: LOCALES_DIR,
    useSession: false,
    // Telegram's bidi isolation marks around placeables would end up inside
    // HTML attributes and commands; our messages are all left-to-right.
    fluentBundleOptions: { useIsolating: false },
    localeNegotiator: (ctx) => languageFor(ctx.patient?.language, ctx.from?.language_code, defaultLanguage),
  });
}

export type Translator = ReturnType<typeof createI18n>;

/** The language of an update's sender, usable before (or without) the i18n middleware. */
export function contextLanguage(ctx: Context & Pick<AppFlavor, "patient" | "deps">): Language {
  return languageFor(ctx.patient?.language, ctx.from?.language_code, ctx.deps.clinic.defaultLanguage);
}
