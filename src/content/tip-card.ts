import { escapeHtml } from "../shared/html.js";
import type { Language } from "../clinic/clinic-profile.js";
import { FALLBACK_LANGUAGE, TELEGRAM_MESSAGE_LIMIT, type Tip } from "./article.js";
import { renderTipText, visibleLength } from "./telegram-html.js";

/** A tip as the message a patient receives. */

export interface TipCardOptions {
  /** Plain text, shown once in italics at the end. */
  disclaimer: string;
  /** Plain text of the link to the article (shown only when the article has a url). */
  readMoreLabel: string;
  /** Plain text above the heading, e.g. "Tip 3 of 40". */
  counterLabel?: string;
}

/**
 * The tip as a Telegram HTML message for a reader of `language`. The labels
 * are plain text in the reader's language and are escaped here.
 */
export function renderTipCard(tip: Tip, language: Language, options: TipCardOptions): string {
  if (tip.language !== language && (tip.language !== FALLBACK_LANGUAGE || tip.article.imported)) {
    throw new Error(`tip ${tip.id} is in ${tip.language}; a ${language} reader gets the ${language} tip or the ${FALLBACK_LANGUAGE} one`);
  }
  const parts = [renderTipText(tip.heading, tip)];
  if (tip.article.url) parts.push(`<a href="${escapeHtml(tip.article.url)}">${escapeHtml(options.readMoreLabel)}</a>`);
  parts.push(`<i>${escapeHtml(options.disclaimer)}</i>`);
  const counter = options.counterLabel ? `<i>${escapeHtml(options.counterLabel)}</i>\n` : "";
  const card = counter + parts.join("\n\n");
  // Loaded tips are far below the limit, so only an oversized label or disclaimer can get here.
  const length = visibleLength(card);
  if (length > TELEGRAM_MESSAGE_LIMIT) {
    throw new RangeError(`tip card ${tip.id} is ${length} characters; Telegram accepts ${TELEGRAM_MESSAGE_LIMIT}`);
  }
  return card;
}
