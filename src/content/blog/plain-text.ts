import { escapeHtml } from "../../shared/html.js";
import type { PageMetadata } from "./page-blocks.js";

/**
 * Text copied from a blog page has no markup, only the shape the page had:
 * the site's name and a skip link above the title, a byline with the date
 * under it, short heading lines, numbered items with their text indented
 * below. This reads that shape as the equivalent HTML, so pasted text goes
 * through the same article model as a page, a feed or a WordPress post.
 */

interface Paragraph {
  lines: string[];
  indent: number;
}

const NUMBERED = /^(\d{1,2})[.)]\s+(\S.{0,100})$/;
const BYLINE = /^(by|par)\b.{0,80}$|^(posted|published|publié)\b.{0,80}$/i;

export function plainTextToHtml(text: string): { html: string; metadata: PageMetadata } {
  const paragraphs = splitParagraphs(text);
  const bylineIndex = paragraphs.findIndex((paragraph) => paragraph.lines.length === 1 && BYLINE.test(paragraph.lines[0]!) && /\d{4}/.test(paragraph.lines[0]!));
  const titleIndex = bylineIndex > 0 ? bylineIndex - 1 : paragraphs.findIndex((paragraph) => isHeadingLike(paragraph));
  const title = titleIndex >= 0 ? paragraphs[titleIndex]!.lines.join(" ") : undefined;
  const metadata: PageMetadata = { ...(title ? { title } : {}), ...(bylineIndex > 0 ? { date: paragraphs[bylineIndex]!.lines[0]! } : {}) };

  let rest = paragraphs.slice(Math.max(titleIndex, bylineIndex) + 1);
  // Category and tag lines between the byline and the first sentence of the post.
  const firstProse = rest.findIndex((paragraph) => isProse(paragraph));
  if (firstProse > 0 && rest.slice(0, firstProse).every((paragraph) => isHeadingLike(paragraph))) rest = rest.slice(firstProse);

  const html: string[] = [];
  for (let index = 0; index < rest.length; index++) {
    const paragraph = rest[index]!;
    const numbered = paragraph.lines.length === 1 ? NUMBERED.exec(paragraph.lines[0]!) : null;
    if (numbered && !isProse(paragraph)) {
      const items: string[] = [];
      while (index < rest.length) {
        const item = rest[index]!.lines.length === 1 ? NUMBERED.exec(rest[index]!.lines[0]!) : null;
        if (!item || isProse(rest[index]!)) break;
        const itemIndent = rest[index]!.indent;
        const body: string[] = [];
        index++;
        // The item's text: what is indented under it, or (flush-left text) the paragraphs up to the next item.
        while (index < rest.length && !NUMBERED.test(rest[index]!.lines[0]!)) {
          const next = rest[index]!;
          const isLastItem = !rest.slice(index).some((later) => NUMBERED.test(later.lines[0]!));
          if (isLastItem && next.indent <= itemIndent && body.length > 0) break;
          body.push(`<p>${escapeHtml(next.lines.join(" "))}</p>`);
          index++;
        }
        items.push(`<li><strong>${escapeHtml(item[2]!)}</strong>${body.join("")}</li>`);
      }
      index--;
      html.push(`<ol>${items.join("")}</ol>`);
    } else if (isHeadingLike(paragraph) && index + 1 < rest.length) {
      html.push(`<h2>${escapeHtml(paragraph.lines.join(" "))}</h2>`);
    } else {
      html.push(`<p>${escapeHtml(paragraph.lines.join(" "))}</p>`);
    }
  }
  return { html: html.join("\n"), metadata };
}

function splitParagraphs(text: string): Paragraph[] {
  const paragraphs: Paragraph[] = [];
  let current: Paragraph | null = null;
  for (const raw of text.replace(/\r\n?/g, "\n").split("\n")) {
    const line = raw.replace(/\t/g, "    ");
    if (line.trim() === "") {
      current = null;
      continue;
    }
    if (!current) {
      current = { lines: [], indent: line.length - line.trimStart().length };
      paragraphs.push(current);
    }
    current.lines.push(line.trim());
  }
  return paragraphs;
}

/** A short line of its own without a sentence's ending: a title, a heading, a category. */
function isHeadingLike(paragraph: Paragraph): boolean {
  const line = paragraph.lines.join(" ");
  return paragraph.lines.length === 1 && line.length <= 100 && !/[.!]$/.test(line);
}

function isProse(paragraph: Paragraph): boolean {
  const line = paragraph.lines.join(" ");
  return line.length > 100 || /[.!]["”’)]?$/.test(line);
}
