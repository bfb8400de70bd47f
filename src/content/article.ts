import type { Language } from "../clinic/clinic-profile.js";

/**
 * The article model every content source is turned into, and the tips cut
 * from it. The pipeline: a source (content/ Markdown, or the clinic's blog:
 * pasted text, an HTML page, a feed, a WordPress site) is parsed into an
 * Article; its tip sections become tip cards (tip-card.ts); the articles of
 * every source make one library (library.ts). A tip is identified by
 * `<slug>#<section-id>`, so rewording it or translating it never turns it into
 * a "new" tip that subscribers would receive twice.
 */

export type Severity = "error" | "warning";

/** A problem in a content file, at a 1-based line of the whole file (front matter included). */
export interface ContentProblem {
  file: string;
  line: number;
  message: string;
  severity: Severity;
}

export interface Section {
  /** The `{#id}` of a tip; null for an article-only (`{.no-tip}`) section. */
  id: string | null;
  /** The heading as written, numbering included, without its `{...}` attribute. */
  heading: string;
  /** The body in the articles' Markdown subset (content/ files); empty when `bodyHtml` is set. */
  bodyMarkdown: string;
  /** The body already in Telegram's HTML subset, for articles imported from the clinic's blog. */
  bodyHtml?: string;
  /** Line of the heading in the file (0 for an imported article). */
  line: number;
  isTip: boolean;
}

export interface Article {
  slug: string;
  title: string;
  /** ISO date, e.g. 2026-03-14. */
  date: string;
  /** The post showed no date: `date` is the day it was first imported (the staff preview says so). */
  dateByImport?: boolean;
  language: Language;
  tags: string[];
  url?: string;
  /** Where it came from: a content/ file, or the post's address for an imported article. */
  file: string;
  /**
   * Imported from the blog: such an article serves its own language's readers
   * only (content/ articles fall back to English where a translation is missing).
   */
  imported?: boolean;
  intro: string;
  sections: Section[];
  /** An imported article's closing (its call to book, in Telegram HTML): part of the article, never a tip. */
  closing?: string;
}

/** `<slug>#<section-id>`: the same in every language and across wording edits. */
export type TipId = string;

export interface Tip {
  id: TipId;
  slug: string;
  sectionId: string;
  language: Language;
  heading: string;
  bodyMarkdown: string;
  bodyHtml?: string;
  article: Article;
}

export interface ContentLibrary {
  /** Number of distinct tips across languages. */
  readonly size: number;
  /** Articles of one language, oldest first. */
  articles(language: Language): readonly Article[];
  /**
   * The tips written in one language, by article date, then slug, then section
   * order. An article added later, whatever its date, only inserts its own tips:
   * the relative order of the others never changes, so "the first tip the
   * subscriber has not received" neither repeats nor skips one.
   */
  tips(language: Language): readonly Tip[];
  /** The tip in that language, else its English version (content/ articles only); null for an unknown id. */
  tipFor(tipId: TipId, language: Language): Tip | null;
  /**
   * Every tip id in any language, in the same order as `tips`: an article's
   * English date and section order decide, French-only tips follow their
   * article's English ones, French-only articles take their French date.
   */
  allTipIds(): readonly TipId[];
}

export interface LoadedContent {
  library: ContentLibrary;
  problems: ContentProblem[];
}

/** The slice of a pino logger the loader needs, so tests can pass a plain object. */
export interface ContentLogger {
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

/** Tips cards must stay short: a weekly message, not an article. */
export const TIP_TEXT_LIMIT = 1000;
/** Telegram's limit for a message's text after entity parsing. */
export const TELEGRAM_MESSAGE_LIMIT = 4096;
/** The language a tip falls back to when it has no translation. */
export const FALLBACK_LANGUAGE: Language = "en";

/** Slugs and section ids: lowercase letters, digits and hyphens. */
export const SLUG_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/;
