import { escapeHtml } from "../shared/html.js";

/** Telegram's HTML subset: the articles' Markdown converted to it, and its length as Telegram counts it. */

const BULLET_ITEM = /^[-*]\s+(.*)$/;
const NUMBERED_ITEM = /^(\d+[.)])\s+(.*)$/;

/**
 * Converts the articles' Markdown subset to Telegram HTML: paragraphs (soft
 * line breaks joined with a space), "- " bullets, numbered items, **bold**,
 * *italic* / _italic_ and `code`. Only b, i and code tags are produced, always
 * balanced, so Telegram never rejects the message.
 */
export function markdownToTelegramHtml(markdown: string): string {
  return splitParagraphs(markdown).map(renderParagraph).join("\n\n");
}

function splitParagraphs(markdown: string): string[][] {
  const paragraphs: string[][] = [[]];
  for (const line of markdown.split("\n").map((text) => text.trim())) {
    if (line === "") paragraphs.push([]);
    else paragraphs.at(-1)!.push(line);
  }
  return paragraphs.filter((paragraph) => paragraph.length > 0);
}

/** List items keep a line each; any other line continues the text before it, as in Markdown. */
function renderParagraph(lines: string[]): string {
  const pieces: { prefix: string; words: string[] }[] = [];
  for (const line of lines) {
    const bullet = BULLET_ITEM.exec(line);
    const numbered = NUMBERED_ITEM.exec(line);
    if (bullet) pieces.push({ prefix: "• ", words: [bullet[1]!] });
    else if (numbered) pieces.push({ prefix: `${numbered[1]} `, words: [numbered[2]!] });
    else if (pieces.length > 0) pieces.at(-1)!.words.push(line);
    else pieces.push({ prefix: "", words: [line] });
  }
  return pieces.map((piece) => piece.prefix + renderInline(piece.words.join(" "))).join("\n");
}

const INLINE_TOKEN = /(`[^`]+`)|(\*+|_+)/g;
const WHITESPACE = /\s/;
const WORD_CHARACTER = /[\p{L}\p{N}]/u;

/**
 * Emphasis with a stack of open markers: a marker only ever closes the
 * innermost open one, and markers left open stay as the characters the writer
 * typed, so the tags are balanced whatever the input. As in Markdown, a marker
 * must touch the text it emphasises ("2 * 3" stays as is) and an underscore
 * inside a word is not emphasis.
 */
function renderInline(text: string): string {
  const output: string[] = [];
  const open: { marker: string; index: number }[] = [];
  let copiedUpTo = 0;
  for (const match of text.matchAll(INLINE_TOKEN)) {
    output.push(escapeHtml(text.slice(copiedUpTo, match.index)));
    copiedUpTo = match.index + match[0].length;
    if (match[1]) {
      output.push(`<code>${escapeHtml(match[1].slice(1, -1))}</code>`);
      continue;
    }
    const run = match[0];
    const character = run[0]!;
    const before = text[match.index - 1];
    const after = text[copiedUpTo];
    const intraword = character === "_";
    const canOpen = after !== undefined && !WHITESPACE.test(after) && !(intraword && before !== undefined && WORD_CHARACTER.test(before));
    const canClose = before !== undefined && !WHITESPACE.test(before) && !(intraword && after !== undefined && WORD_CHARACTER.test(after));
    let remaining = run.length;
    while (remaining > 0) {
      const innermost = open.at(-1);
      if (canClose && innermost && innermost.marker[0] === character && innermost.marker.length <= remaining) {
        const tag = innermost.marker.length === 2 ? "b" : "i";
        output[innermost.index] = `<${tag}>`;
        output.push(`</${tag}>`);
        open.pop();
        remaining -= innermost.marker.length;
      } else if (canOpen) {
        const marker = character.repeat(Math.min(remaining, 2));
        open.push({ marker, index: output.length });
        output.push(marker);
        remaining -= marker.length;
      } else {
        output.push(character.repeat(remaining));
        remaining = 0;
      }
    }
  }
  output.push(escapeHtml(text.slice(copiedUpTo)));
  return output.join("");
}

/** Length of a Telegram HTML text as Telegram counts it: tags removed, entities as one character. */
export function visibleLength(html: string): number {
  return html.replace(/<[^>]*>/g, "").replace(/&(?:amp|lt|gt|quot);/g, "_").length;
}

/**
 * Heading and body of a card. The article's numbering ("3. Stretch…") is left
 * out: a weekly tip stands alone, and "3." would suggest two missed tips.
 */
export function renderTipText(heading: string, body: { bodyMarkdown: string; bodyHtml?: string }): string {
  const title = heading.replace(/^\d+[.)]\s+/, "");
  // An imported heading is plain text: its asterisks are the writer's, not emphasis.
  if (body.bodyHtml !== undefined) return `<b>${escapeHtml(title)}</b>\n\n${body.bodyHtml}`;
  return `<b>${renderInline(title)}</b>\n\n${markdownToTelegramHtml(body.bodyMarkdown)}`;
}
