import type { ContentLibrary, Tip } from "../content/article.js";
import { renderTipCard } from "../content/tip-card.js";
import type { Language, Localized } from "../clinic/clinic-profile.js";
import type { OutgoingMessage } from "../delivery/outbox.js";
import type { TipCatalog } from "./enqueue-due-tips.js";

export interface TipCatalogSource {
  /** The library as currently loaded; content reloads replace it while the bot runs. */
  library: () => ContentLibrary;
  disclaimer: Localized;
  readMoreLabel: (language: Language) => string;
}

/**
 * Picks a patient's next tip: the first tip in the clinic's stable order that
 * they have not received, in their language when translated, else in English.
 * New articles only insert their own tips into the order, so nobody gets a
 * repeat or misses a tip when content is added mid-series.
 */
export function createTipCatalog(source: TipCatalogSource): TipCatalog {
  return {
    nextTipFor(languageTag, received) {
      const language: Language = languageTag === "fr" ? "fr" : "en";
      const library = source.library();
      for (const tipId of library.allTipIds()) {
        if (received.has(tipId)) continue;
        const tip = library.tipFor(tipId, language);
        if (!tip) continue;
        return { tipId, message: tipMessage(tip, language, source) };
      }
      return null;
    },
  };
}

/** A tip as the message a reader of `language` receives: the same for a patient and for staff previewing it. */
export function tipMessage(tip: Tip, language: Language, source: Pick<TipCatalogSource, "disclaimer" | "readMoreLabel">): OutgoingMessage {
  const text = renderTipCard(tip, language, { disclaimer: source.disclaimer[language], readMoreLabel: source.readMoreLabel(language) });
  return { method: "sendMessage", params: { text, parse_mode: "HTML", link_preview_options: { is_disabled: true } } };
}
