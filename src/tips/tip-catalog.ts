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
  // Rendered cards of the library in use: a tick renders each tip once, not once per patient (a reload brings a new library).
  const rendered = new WeakMap<ContentLibrary, Map<string, OutgoingMessage>>();
  function card(library: ContentLibrary, tipId: string, language: Language): OutgoingMessage | undefined {
    let cards = rendered.get(library);
    if (!cards) rendered.set(library, (cards = new Map()));
    const key = `${language}:${tipId}`;
    const cached = cards.get(key);
    if (cached) return cached;
    const tip = library.tipFor(tipId, language);
    if (!tip) return undefined;
    const message = tipMessage(tip, language, source);
    cards.set(key, message);
    return message;
  }
  return {
    nextTipFor(languageTag, received) {
      const language: Language = languageTag === "fr" ? "fr" : "en";
      const library = source.library();
      // Received in the order they were sent: the next tip comes from another article than the last one, when
      // the library has one left; only then from the same article.
      const lastArticle = articleOf([...received].at(-1));
      let sameArticle: { tipId: string; message: OutgoingMessage } | null = null;
      for (const tipId of library.allTipIds()) {
        if (received.has(tipId)) continue;
        if (sameArticle && articleOf(tipId) === lastArticle) continue;
        const message = card(library, tipId, language);
        if (!message) continue;
        if (lastArticle === undefined || articleOf(tipId) !== lastArticle) return { tipId, message };
        sameArticle = { tipId, message };
      }
      return sameArticle;
    },
  };
}

/** A tip as the message a reader of `language` receives: the same for a patient and for staff previewing it. */
export function tipMessage(tip: Tip, language: Language, source: Pick<TipCatalogSource, "disclaimer" | "readMoreLabel">): OutgoingMessage {
  const text = renderTipCard(tip, language, { disclaimer: source.disclaimer[language], readMoreLabel: source.readMoreLabel(language) });
  return { method: "sendMessage", params: { text, parse_mode: "HTML", link_preview_options: { is_disabled: true } } };
}

/** The article a tip comes from: tip ids are "<article>#<section>". */
function articleOf(tipId: string | undefined): string | undefined {
  return tipId?.split("#")[0];
}
