import { franc } from "franc-min";
import { DateTime } from "luxon";
import { escapeHtml } from "../../shared/html.js";
import type { Language } from "../../clinic/clinic-profile.js";
import { TIP_TEXT_LIMIT, type Article, type Section } from "../article.js";
import { renderTipText, visibleLength } from "../telegram-html.js";
import { htmlToText, type Block, type PageMetadata } from "./page-blocks.js";

/**
 * A blog post's blocks as the article model: its tips found in the post's own
 * structure (numbered items with a heading or bold lead-in, else h2/h3
 * sections, else bold lead-in paragraphs), the introduction before them, and
 * the closing call to action after them kept as a closing, never a tip.
 */

export type ArticleOutcome = { article: Article } | { skipped: string };

/** Headings of a closing section, not a tip. */
const CLOSING_HEADING = /^(conclusion|in conclusion|final thoughts|summary|in summary|the bottom line|en conclusion|en résumé|pour conclure|le mot de la fin)\b/i;

export interface ArticleOptions {
  /** A title the operator gave (`--title`): it replaces the one found. */
  title?: string;
  /** The day of the import, for a post that shows no date (tests pass their own). */
  today?: string;
}

export function articleFromBlocks(blocks: Block[], metadata: PageMetadata, origin: string, options: ArticleOptions = {}): ArticleOutcome {
  const title = options.title?.trim() || cleanTitle(metadata.title ?? "") || titleFromBlocks(blocks);
  if (!title) return { skipped: "no title found and no text to take one from (give one with --title)" };
  // The title is usually repeated as the page's first heading; without a title of its own, the heading it was taken from.
  const body = blocks.filter((block, index) => !(block.kind === "heading" && index < 3 && (sameText(block.text, title) || sameText(cleanTitle(block.text), title))));
  const published = parseDate(metadata.date);
  // No date on the page is no reason to refuse the post: it is dated by the import, and the preview says so.
  const date = published ?? options.today ?? DateTime.now().toISODate()!;
  const language = languageOf(metadata.language, body.map((block) => block.text).join(" "));
  if (typeof language === "object") return { skipped: language.unsupported };

  const found = numberedTips(body) ?? headingTips(body) ?? leadInTips(body) ?? listTips(body) ?? wholePostTip(body, title);
  if (!found || found.tips.length === 0) return { skipped: "no text to make a tip of" };

  const url = metadata.canonicalUrl;
  const slug = slugify(url ? lastPathSegment(url) || title : title) || "article";
  const usedIds = new Set<string>();
  const sections: Section[] = [
    ...found.before.map((section) => ({ id: null, heading: section.heading, bodyMarkdown: "", bodyHtml: joinHtml(section.blocks), line: 0, isTip: false })),
    ...found.tips.map((tip) => ({
      id: uniqueId(slugify(stripNumbering(tip.heading)) || "tip", usedIds),
      heading: stripNumbering(tip.heading),
      bodyMarkdown: "",
      bodyHtml: fitTipCard(stripNumbering(tip.heading), joinHtml(tip.blocks)),
      line: 0,
      isTip: true,
    })),
  ];
  const closing = joinHtml(found.after);
  return {
    article: {
      slug,
      title,
      date,
      ...(published ? {} : { dateByImport: true }),
      language,
      tags: [],
      ...(url ? { url } : {}),
      file: url ?? origin,
      imported: true,
      intro: joinHtml(found.intro),
      sections,
      ...(closing ? { closing } : {}),
    },
  };
}

interface Found {
  intro: Block[];
  before: { heading: string; blocks: Block[] }[];
  tips: { heading: string; blocks: Block[] }[];
  after: Block[];
}

/** Intro paragraphs, then non-tip sections, up to the first tip. */
function splitLeading(blocks: Block[]): Pick<Found, "intro" | "before"> {
  const intro: Block[] = [];
  const before: Found["before"] = [];
  for (const block of blocks) {
    if (block.kind === "heading") before.push({ heading: block.text.replace(/:\s*$/, ""), blocks: [] });
    else (before.at(-1)?.blocks ?? intro).push(block);
  }
  return { intro, before: before.filter((section) => section.blocks.length > 0) };
}

/** "1. Muscle Relaxation" items: an ordered list whose items lead with their own heading. */
function numberedTips(blocks: Block[]): Found | null {
  const isTipItem = (block: Block) => block.kind === "item" && block.ordered && block.lead !== null && block.body.length > 0;
  const first = blocks.findIndex(isTipItem);
  if (first === -1 || blocks.filter(isTipItem).length < 2) return null;
  let last = first;
  while (last + 1 < blocks.length && isTipItem(blocks[last + 1]!)) last++;
  const tips = blocks.slice(first, last + 1).map((block) => {
    const item = block as Block & { kind: "item" };
    return { heading: item.lead!, blocks: [...item.body] };
  });
  const after: Block[] = blocks.slice(last + 1).filter((block) => block.kind !== "heading");
  // The call to book written at the end of the last item belongs to the closing.
  const lastTip = tips.at(-1)!;
  while (lastTip.blocks.length > 1 && isPromotion(lastTip.blocks.at(-1)!)) after.unshift(lastTip.blocks.pop()!);
  return { ...splitLeading(blocks.slice(0, first)), tips, after };
}

/** Sections under h2/h3 headings; a "Conclusion" heading and what follows it is the closing. */
function headingTips(blocks: Block[]): Found | null {
  const isSectionHeading = (block: Block) => block.kind === "heading" && (block.level === 2 || block.level === 3);
  const first = blocks.findIndex(isSectionHeading);
  if (first === -1) return null;
  const tips: Found["tips"] = [];
  const after: Block[] = [];
  let closing = false;
  for (const block of blocks.slice(first)) {
    if (closing) {
      if (block.kind !== "heading") after.push(block);
    } else if (block.kind === "heading" && CLOSING_HEADING.test(block.text)) closing = true;
    else if (isSectionHeading(block)) tips.push({ heading: block.text, blocks: [] });
    else if (block.kind !== "heading") tips.at(-1)!.blocks.push(block);
  }
  const withText = tips.filter((tip) => tip.blocks.length > 0);
  // The call to book that ends the post: its own paragraphs after the last section's text, or a last section that is only that call.
  const last = withText.at(-1);
  if (last) {
    while (last.blocks.length > 1 && isPromotion(last.blocks.at(-1)!)) after.unshift(last.blocks.pop()!);
  }
  while (withText.length > 1 && isPromotionSection(withText.at(-1)!)) after.unshift(...withText.pop()!.blocks);
  // A section that only advertises the clinic, wherever it stands, is part of the article but not a tip.
  const before = withText.filter((tip) => isPromotionSection(tip));
  const real = withText.filter((tip) => !isPromotionSection(tip));
  return real.length > 0 ? { intro: splitLeading(blocks.slice(0, first)).intro, before, tips: real, after } : null;
}

/** Paragraphs that open with a bold phrase: "<b>Move every hour.</b> Sitting still…". */
function leadInTips(blocks: Block[]): Found | null {
  const lead = (block: Block) => (block.kind === "paragraph" || block.kind === "item") && /^<b>([^<]{2,100})<\/b>\s*\S/.exec(block.kind === "paragraph" ? block.html : `<b>${block.lead ?? ""}</b> ${block.html}`);
  const tips: Found["tips"] = [];
  const intro: Block[] = [];
  const after: Block[] = [];
  for (const block of blocks) {
    const match = lead(block);
    if (match && block.kind === "paragraph") {
      tips.push({ heading: match[1]!.replace(/[\s:.–—-]+$/u, ""), blocks: [{ ...block, html: block.html.slice(match[0].length - 1).trim() }] });
    } else if (match && block.kind === "item") {
      tips.push({ heading: block.lead!, blocks: block.body });
    } else if (block.kind !== "heading") (tips.length === 0 ? intro : after).push(block);
  }
  return tips.length >= 2 ? { intro, before: [], tips, after } : null;
}

/** "Here is what helps:" followed by a list, as posts without headings are written: the sentence heads the list. */
function listTips(blocks: Block[]): Found | null {
  const tips: Found["tips"] = [];
  const intro: Block[] = [];
  const after: Block[] = [];
  for (let index = 0; index < blocks.length; index++) {
    const block = blocks[index]!;
    const next = blocks[index + 1];
    if (block.kind === "paragraph" && /:$/u.test(block.text) && next?.kind === "item" && !isPromotion(block)) {
      tips.push({ heading: firstSentence(block.text.replace(/\s*:$/u, "")), blocks: [] });
    } else if (block.kind === "item" && tips.length > 0) tips.at(-1)!.blocks.push(block);
    else if (block.kind !== "heading") (tips.length === 0 ? intro : after).push(block);
  }
  const real = tips.filter((tip) => tip.blocks.length > 0);
  return real.length > 0 ? { intro, before: [], tips: real, after } : null;
}

/** A post written as one piece of advice, without sections: one tip under the post's title, its call to book the closing. */
function wholePostTip(blocks: Block[], title: string): Found | null {
  const text = blocks.filter((block) => block.kind !== "heading");
  const after: Block[] = [];
  while (text.length > 1 && isPromotion(text.at(-1)!)) after.unshift(text.pop()!);
  if (text.map((block) => block.text).join(" ").length < 200) return null;
  return { intro: [], before: [], tips: [{ heading: title, blocks: text }], after };
}

/**
 * A call to book or an advertisement for the clinic: it asks the reader to
 * book, call, write or visit (a phone number, an address, "book online",
 * "prenez rendez-vous"), or presents the clinic's team and services, and it is
 * short. Advice that ends with "see a physiotherapist if it persists" is longer
 * than that and stays a tip.
 */
const ASKS_TO_BOOK =
  /\b(book(ing|ed)?|schedule an?|appointments?|assessment|consultation|contact (us|the clinic|our)|call (us|the clinic|our|today|now)|come in|visit us|reach us|get in touch|our (team|clinic|practice|therapists?|physiotherapists?|osteopaths?|chiropractors?)|rendez-vous|rdv|réserv\w*|consultez-nous|contactez|appelez|écrivez-nous|notre (équipe|clinique|cabinet|centre)|nos (thérapeutes|physiothérapeutes|ostéopathes|kinésithérapeutes|massothérapeutes|services)|click here|cliquez ici|read the full article|lire l['’]article complet)\b/i;
const CONTACT_DETAIL = /(\+?\d[\d .()-]{7,}\d)|\b[\w.+-]+@[\w-]+\.[\w.]+\b|https?:\/\/|\bwww\./i;

function isPromotion(block: Block): boolean {
  if (block.kind === "heading") return false;
  const text = block.text;
  if (text.length > 320) return false;
  const asks = ASKS_TO_BOOK.test(text) || CONTACT_DETAIL.test(text);
  // "Book", "call", "contact": addressed to the reader (an imperative, "us", "our", "nous"), not a word in passing.
  const addressed = /\b(us|our|we|nous|notre|nos|today|now|online|aujourd'hui|dès maintenant|en ligne|here|ici)\b|^\s*(book|call|contact|schedule|visit|click|prenez|réservez|contactez|appelez|cliquez)\b/i.test(text) || CONTACT_DETAIL.test(text);
  return asks && addressed;
}

function isPromotionSection(section: { heading: string; blocks: Block[] }): boolean {
  return section.blocks.length > 0 && section.blocks.every(isPromotion);
}

function joinHtml(blocks: Block[]): string {
  return blocks
    .map((block) => (block.kind === "heading" ? `<b>${escapeHtml(block.text)}</b>` : block.kind === "item" ? `• ${block.lead ? `<b>${escapeHtml(block.lead)}</b> ` : ""}${block.html}` : block.html))
    .join("\n\n");
}

/**
 * A section longer than a card allows is cut at the last sentence that fits,
 * as plain text (so no tag is cut in half); the card's "Read the whole
 * article" link leads to the rest.
 */
export function fitTipCard(heading: string, bodyHtml: string): string {
  if (visibleLength(renderTipText(heading, { bodyMarkdown: "", bodyHtml })) <= TIP_TEXT_LIMIT) return bodyHtml;
  const budget = TIP_TEXT_LIMIT - heading.length - 4;
  const plain = bodyHtml
    .split("\n\n")
    .map(htmlToText)
    .join("\n\n");
  let kept = "";
  for (const { segment } of new Intl.Segmenter("en", { granularity: "sentence" }).segment(plain)) {
    if ((kept + segment).trimEnd().length + 2 > budget) break;
    kept += segment;
  }
  if (kept.trim() === "") {
    // One sentence longer than a card: cut between words.
    kept = plain.slice(0, budget - 2).replace(/\s+\S*$/, "");
  }
  return `${escapeHtml(kept.trimEnd())} …`;
}

/**
 * A title as a page or feed gives it, without what is glued to it: a date
 * ("Back pain tips2021-03-04", "Back pain tips – March 4, 2021"), the site's
 * name after a bar ("Back pain tips | Maple Clinic"), a doubled copy.
 */
export function cleanTitle(raw: string): string {
  let title = raw.replace(/\s+/g, " ").trim();
  title = title.replace(/\s*[|•]\s*[^|•]{1,60}$/u, "").trim() || title;
  const date = new RegExp(`\\s*[-–—,|]?\\s*(${DATE_IN_WORDS})\\s*$`, "iu");
  const leading = new RegExp(`^\\s*(${DATE_IN_WORDS})\\s*[-–—,|:]?\\s*`, "iu");
  title = title.replace(date, "").replace(leading, "").trim() || title;
  const half = title.length / 2;
  if (Number.isInteger(half) && title.slice(0, half).trim() === title.slice(half).trim()) title = title.slice(0, half).trim();
  return title;
}

/** A post that shows no title: its first heading, else its first sentence, shortened as a person would. */
function titleFromBlocks(blocks: Block[]): string | undefined {
  const heading = blocks.find((block) => block.kind === "heading" && block.text.length >= 3);
  if (heading) return cleanTitle(heading.text);
  const first = blocks.find((block) => block.text.length >= 20);
  return first ? firstSentence(first.text) : undefined;
}

/** The first sentence of a text, at most about ten words: cut at a comma or a word, never mid-word. */
export function firstSentence(text: string): string {
  const sentence = (/^.+?[.!?](?=\s|$)/u.exec(text)?.[0] ?? text).replace(/[.!]$/u, "").trim();
  if (sentence.length <= 90) return sentence;
  const clauses = sentence.slice(0, 90).split(/[,;:–—](?=\s)/u);
  const clause = clauses[0]!.trim();
  if (clauses.length > 1 && clause.length >= 30) return clause;
  return `${sentence.slice(0, 80).replace(/\s+\S*$/u, "")}…`;
}

function stripNumbering(heading: string): string {
  return heading.replace(/^\s*\d+[.)]\s*/, "").trim();
}

function sameText(a: string, b: string): boolean {
  return slugify(a) === slugify(b);
}

/** Lowercase ASCII words joined by hyphens: "Réduction de l'inflammation" → "reduction-de-l-inflammation". */
export function slugify(text: string): string {
  return text
    .normalize("NFD")
    .replace(/\p{Diacritic}/gu, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 80)
    .replace(/-+$/, "");
}

function uniqueId(base: string, used: Set<string>): string {
  let id = base;
  for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
  used.add(id);
  return id;
}

function lastPathSegment(url: string): string {
  try {
    const segments = new URL(url).pathname.split("/").filter(Boolean);
    const last = segments.at(-1) ?? "";
    return /^(index\.html?|\d+)$/.test(last) ? (segments.at(-2) ?? "") : last.replace(/\.html?$/, "");
  } catch {
    return "";
  }
}

const MONTHS_EN = "January|February|March|April|May|June|July|August|September|October|November|December";
const MONTHS_FR = "janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|novembre|décembre|decembre";
const MONTHS_SHORT = "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec|janv|févr|fevr|avr|juil|déc|dec";
/** A date as pages print it: ISO, "March 4, 2021", "4th March 2021", "4 mars 2021", "04/03/2021". */
export const DATE_IN_WORDS =
  `\\d{4}-\\d{2}-\\d{2}(?:T[\\d:.+-]+Z?)?|(?:${MONTHS_EN}|${MONTHS_SHORT})\\.?\\s+\\d{1,2}(?:st|nd|rd|th)?,?\\s+\\d{4}|\\d{1,2}(?:st|nd|rd|th|er)?\\.?\\s+(?:${MONTHS_EN}|${MONTHS_FR}|${MONTHS_SHORT})\\.?,?\\s+\\d{4}|\\d{1,2}[/.]\\d{1,2}[/.]\\d{4}`;

/** A publication date as YYYY-MM-DD: ISO, RFC 2822 (RSS), or words ("November 2, 2023", "2 novembre 2023"). */
export function parseDate(value: string | undefined): string | null {
  if (!value) return null;
  const text = value.trim();
  const candidates = [
    DateTime.fromISO(text, { setZone: true }),
    DateTime.fromRFC2822(text, { setZone: true }),
    DateTime.fromHTTP(text, { setZone: true }),
  ];
  const english = new RegExp(`(${MONTHS_EN})\\s+(\\d{1,2})(?:st|nd|rd|th)?,?\\s+(\\d{4})`, "i").exec(text);
  if (english) candidates.push(DateTime.fromFormat(`${english[1]} ${english[2]} ${english[3]}`, "MMMM d yyyy", { locale: "en" }));
  // "Oct 13, 2020", "Sept. 4 2019": a month cut to its first letters, as many themes print it.
  const short = /\b(jan|feb|mar|apr|may|jun|jul|aug|sept?|oct|nov|dec)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})/i.exec(text);
  if (short) candidates.push(DateTime.fromFormat(`${short[1]!.slice(0, 3)} ${short[2]} ${short[3]}`, "MMM d yyyy", { locale: "en" }));
  const britishOrder = new RegExp(`(\\d{1,2})(?:st|nd|rd|th)?\\.?\\s+(${MONTHS_EN})\\s+(\\d{4})`, "i").exec(text);
  if (britishOrder) candidates.push(DateTime.fromFormat(`${britishOrder[2]} ${britishOrder[1]} ${britishOrder[3]}`, "MMMM d yyyy", { locale: "en" }));
  const french = new RegExp(`(\\d{1,2})(?:er)?\\s+(${MONTHS_FR})\\s+(\\d{4})`, "i").exec(text);
  if (french) candidates.push(DateTime.fromFormat(`${french[1]} ${french[2]!.toLowerCase()} ${french[3]}`, "d MMMM yyyy", { locale: "fr" }));
  return candidates.find((date) => date.isValid)?.toISODate() ?? null;
}

/** The declared language (en-CA, fr_CA, fr…), else the one the text is written in. */
function languageOf(declared: string | undefined, text: string): Language | { unsupported: string } {
  const primary = declared?.trim().toLowerCase().split(/[-_]/)[0];
  if (primary === "en" || primary === "fr") return primary;
  if (primary) return { unsupported: `is in language "${declared}"; the bot serves en and fr` };
  return franc(text, { only: ["eng", "fra"], minLength: 20 }) === "fra" ? "fr" : "en";
}
