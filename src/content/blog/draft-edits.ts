import { createHash } from "node:crypto";
import { escapeHtml } from "../../shared/html.js";
import { TIP_TEXT_LIMIT, type Article, type Section } from "../article.js";
import { renderTipText, visibleLength } from "../telegram-html.js";

/**
 * Staff edits of an imported article, kept apart from what the import found
 * so that importing the post again never loses them. Each edit names the
 * imported text it changes by a hash of it: while the post keeps that text the
 * edit applies; once the post changes it, the edit no longer applies and the
 * change is shown to staff for review.
 */

export interface TipEdit {
  /** Hash of the imported section (heading and text) this edit was made on. */
  source: string;
  heading?: string;
  /** Telegram HTML, as a tip card's body. */
  bodyHtml?: string;
  dropped?: true;
  /** Joined to the end of the tip before it. */
  mergedUp?: true;
}

export interface DraftEdits {
  title?: { source: string; text: string };
  tips: Record<string, TipEdit>;
}

export type ChangeKind = "new" | "changed" | "removed";

/** What a re-import changed in the article patients would get, tip by tip. */
export interface DraftChanges {
  title: boolean;
  tips: { id: string; heading: string; kind: ChangeKind }[];
}

/** A tip as staff see it in the preview: one card, made of one imported section or more (merged). */
export interface DraftTip {
  id: string;
  heading: string;
  bodyHtml: string;
  /** The imported sections it is made of, its own first. */
  sections: string[];
}

export const NO_EDITS: DraftEdits = { tips: {} };
export const TITLE_MAX_LENGTH = 200;
export const HEADING_MAX_LENGTH = 200;

export function hashText(...parts: string[]): string {
  return createHash("sha256").update(parts.join("\u0000")).digest("hex").slice(0, 16);
}

export function sectionHash(section: Pick<Section, "heading" | "bodyHtml" | "bodyMarkdown">): string {
  return hashText(section.heading, section.bodyHtml ?? section.bodyMarkdown);
}

export function parseEdits(json: string | null | undefined): DraftEdits {
  try {
    const value = JSON.parse(json ?? "{}") as Partial<DraftEdits>;
    return { ...(value.title ? { title: value.title } : {}), tips: value.tips && typeof value.tips === "object" ? value.tips : {} };
  } catch {
    return { tips: {} };
  }
}

/** The tips patients would get with these edits, in order, with the sections each is made of. */
export function draftTips(imported: Article, edits: DraftEdits): DraftTip[] {
  const tips: DraftTip[] = [];
  for (const section of imported.sections) {
    if (!section.isTip || section.id === null) continue;
    const edit = edits.tips[section.id];
    const current = edit && edit.source === sectionHash(section) ? edit : undefined;
    if (current?.dropped) continue;
    const heading = current?.heading ?? section.heading;
    const bodyHtml = current?.bodyHtml ?? section.bodyHtml ?? "";
    const previous = tips.at(-1);
    if (current?.mergedUp && previous) {
      previous.bodyHtml = `${previous.bodyHtml}\n\n<b>${escapeHtml(heading)}</b>\n\n${bodyHtml}`;
      previous.sections.push(section.id);
    } else tips.push({ id: section.id, heading, bodyHtml, sections: [section.id] });
  }
  return tips;
}

/** The article patients would get: the imported one with the edits that still apply. */
export function applyEdits(imported: Article, edits: DraftEdits): Article {
  const tips = new Map(draftTips(imported, edits).map((tip) => [tip.id, tip]));
  const title = edits.title && edits.title.source === hashText(imported.title) ? edits.title.text : imported.title;
  const sections = imported.sections.flatMap((section): Section[] => {
    if (!section.isTip || section.id === null) return [section];
    const tip = tips.get(section.id);
    return tip ? [{ ...section, heading: tip.heading, bodyMarkdown: "", bodyHtml: tip.bodyHtml }] : [];
  });
  return { ...imported, title, sections };
}

/** Only the edits whose imported text is still there: the others no longer apply to anything. */
export function editsStillApplying(imported: Article, edits: DraftEdits): DraftEdits {
  const hashes = new Map(imported.sections.filter((section) => section.id !== null).map((section) => [section.id!, sectionHash(section)]));
  const tips = Object.fromEntries(Object.entries(edits.tips).filter(([id, edit]) => hashes.get(id) === edit.source));
  const title = edits.title && edits.title.source === hashText(imported.title) ? edits.title : undefined;
  return { ...(title ? { title } : {}), tips };
}

/** Tip by tip, what is new, changed or removed in `after` compared with `before` (both as patients would get them). */
export function compareArticles(before: Article, after: Article): DraftChanges {
  const tipsOf = (article: Article) => new Map(article.sections.filter((section) => section.isTip && section.id !== null).map((section) => [section.id!, section]));
  const old = tipsOf(before);
  const fresh = tipsOf(after);
  const tips: DraftChanges["tips"] = [];
  for (const [id, section] of fresh) {
    const was = old.get(id);
    if (!was) tips.push({ id, heading: section.heading, kind: "new" });
    else if (was.heading !== section.heading || (was.bodyHtml ?? was.bodyMarkdown) !== (section.bodyHtml ?? section.bodyMarkdown)) tips.push({ id, heading: section.heading, kind: "changed" });
  }
  for (const [id, section] of old) if (!fresh.has(id)) tips.push({ id, heading: section.heading, kind: "removed" });
  return { title: before.title !== after.title, tips };
}

/** Changes still waiting for review, with newer ones, both against what staff last reviewed. */
export function addChanges(pending: DraftChanges | null, newer: DraftChanges): DraftChanges {
  if (!pending) return newer;
  const tips = new Map(pending.tips.map((tip) => [tip.id, tip]));
  for (const tip of newer.tips) {
    const earlier = tips.get(tip.id);
    if (!earlier) tips.set(tip.id, tip);
    // New since the review and gone again: nothing to review.
    else if (earlier.kind === "new" && tip.kind === "removed") tips.delete(tip.id);
    else if (earlier.kind === "removed" && tip.kind === "new") tips.set(tip.id, { ...tip, kind: "changed" });
    else tips.set(tip.id, { ...tip, kind: earlier.kind === "new" ? "new" : tip.kind });
  }
  return { title: pending.title || newer.title, tips: [...tips.values()] };
}

export function hasChanges(changes: DraftChanges): boolean {
  return changes.title || changes.tips.length > 0;
}

/** Text staff typed, as a card's body: escaped, paragraphs kept, blank lines tidied. */
export function plainTextToHtml(text: string): string {
  return escapeHtml(
    text
      .replace(/\r\n?/g, "\n")
      .split("\n")
      .map((line) => line.trim())
      .join("\n")
      .replace(/\n{3,}/g, "\n\n")
      .trim(),
  );
}

/** A card's body as text staff can edit (formatting is not kept). */
export function htmlToPlainText(html: string): string {
  return html
    .replace(/<[^>]*>/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&")
    .trim();
}

/** The visible length of a card's heading and body, as the limit on tip cards counts it. */
export function tipLength(heading: string, bodyHtml: string): number {
  return visibleLength(renderTipText(heading, { bodyMarkdown: "", bodyHtml }));
}

export { TIP_TEXT_LIMIT };
