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

export function articleFromBlocks(blocks: Block[], metadata: PageMetadata, origin: string): ArticleOutcome {
  const title = metadata.title?.trim();
  if (!title) return { skipped: "no title found" };
  // The title is usually repeated as the page's first heading.
  const body = blocks.filter((block, index) => !(block.kind === "heading" && index < 3 && sameText(block.text, title)));
  const date = parseDate(metadata.date);
  if (!date) return { skipped: "no publication date found" };
  const language = languageOf(metadata.language, body.map((block) => block.text).join(" "));
  if (typeof language === "object") return { skipped: language.unsupported };

  const found = numberedTips(body) ?? headingTips(body) ?? leadInTips(body);
  if (!found || found.tips.length === 0) return { skipped: "no tip sections found (numbered items, h2/h3 headings or bold lead-ins)" };

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
    return { heading: item.lead!, blocks: item.body };
  });
  return { ...splitLeading(blocks.slice(0, first)), tips, after: blocks.slice(last + 1).filter((block) => block.kind !== "heading") };
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
  // A last section that only asks to book is the closing, not a tip.
  while (withText.length > 1 && isCallToAction(withText.at(-1)!)) after.unshift(...withText.pop()!.blocks);
  return withText.length > 0 ? { intro: splitLeading(blocks.slice(0, first)).intro, before: [], tips: withText, after } : null;
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

function isCallToAction(section: { heading: string; blocks: Block[] }): boolean {
  const words = `${section.heading} ${section.blocks.map((block) => block.text).join(" ")}`;
  return /\b(book(ing)?|appointments?|contact us|call us|rendez-vous|réserv\w*|contactez)\b/i.test(words) && words.length < 400;
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

/** A publication date as YYYY-MM-DD: ISO, RFC 2822 (RSS), or words ("November 2, 2023", "2 novembre 2023"). */
export function parseDate(value: string | undefined): string | null {
  if (!value) return null;
  const text = value.trim();
  const candidates = [
    DateTime.fromISO(text, { setZone: true }),
    DateTime.fromRFC2822(text, { setZone: true }),
    DateTime.fromHTTP(text, { setZone: true }),
  ];
  const english = new RegExp(`(${MONTHS_EN})\\s+(\\d{1,2}),?\\s+(\\d{4})`, "i").exec(text);
  if (english) candidates.push(DateTime.fromFormat(`${english[1]} ${english[2]} ${english[3]}`, "MMMM d yyyy", { locale: "en" }));
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
