/** Telegram's HTML parse mode: the text as Telegram stores it, and its entities. */
import type { MessageEntity } from "grammy/types";
import { badRequest } from "./errors.js";

/** Tags that stand for one entity type. */
const STYLE_TAGS: Record<string, "bold" | "italic" | "underline" | "strikethrough" | "spoiler" | "code"> = {
  b: "bold",
  strong: "bold",
  i: "italic",
  em: "italic",
  u: "underline",
  ins: "underline",
  s: "strikethrough",
  strike: "strikethrough",
  del: "strikethrough",
  "tg-spoiler": "spoiler",
  code: "code",
};
/** Tags whose attributes decide their entity (see closeTag). */
const ATTRIBUTE_TAGS = new Set(["a", "pre", "span", "blockquote"]);

const NAMED_CHARACTERS: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"' };

/** The text as Telegram stores it (markup parsed away) and its entities. */
export function formatText(raw: unknown, parseMode: unknown, entities: unknown): { text: string; entities: MessageEntity[] } {
  // Telegram takes numbers for text too; anything else counts as no text.
  const source = typeof raw === "string" ? raw : typeof raw === "number" ? String(raw) : "";
  if (parseMode === undefined || parseMode === null || parseMode === "") {
    return { text: source, entities: Array.isArray(entities) ? (entities as MessageEntity[]) : [] };
  }
  if (parseMode === "HTML") return parseHtml(source);
  // Markdown is not parsed: the text is kept as sent.
  if (parseMode === "MarkdownV2" || parseMode === "Markdown") return { text: source, entities: [] };
  throw badRequest("unsupported parse_mode");
}

interface OpenTag {
  name: string;
  offset: number;
  attributes: Record<string, string>;
  /** For <pre>: the language of a <code class="language-x"> inside it. */
  language?: string;
}

function parseHtml(source: string): { text: string; entities: MessageEntity[] } {
  const fail = (detail: string): never => {
    throw badRequest(`can't parse entities: ${detail}`);
  };
  const byteOffset = (index: number): number => Buffer.byteLength(source.slice(0, index));
  let text = "";
  const entities: MessageEntity[] = [];
  const open: OpenTag[] = [];
  let i = 0;
  while (i < source.length) {
    const char = source[i] ?? "";
    if (char === "&") {
      const entity = /^&(#\d{1,7}|#x[0-9a-f]{1,6}|[a-z]+);/i.exec(source.slice(i, i + 12));
      const name = entity?.[1];
      const decoded =
        name === undefined ? undefined : name.startsWith("#") ? decodeCodePoint(name) : NAMED_CHARACTERS[name.toLowerCase()];
      text += decoded ?? "&";
      i += decoded === undefined ? 1 : (entity?.[0].length ?? 1);
      continue;
    }
    if (char !== "<") {
      text += char;
      i += 1;
      continue;
    }
    const end = source.indexOf(">", i);
    if (end === -1) fail(`Unclosed start tag at byte offset ${byteOffset(i)}`);
    const inner = source.slice(i + 1, end);
    if (inner.startsWith("/")) {
      const name = inner.slice(1).trim().toLowerCase();
      const tag = open.pop();
      if (!tag) fail(`Unexpected end tag at byte offset ${byteOffset(i)}`);
      else if (tag.name !== name) fail(`Unmatched end tag at byte offset ${byteOffset(i)}, expected "</${tag.name}>", found "</${name}>"`);
      else closeTag(tag, text.length, open, entities);
    } else {
      const match = /^([a-z][a-z0-9-]*)([\s\S]*)$/i.exec(inner);
      const name = match?.[1]?.toLowerCase() ?? "";
      if (!(name in STYLE_TAGS) && !ATTRIBUTE_TAGS.has(name)) fail(`Unsupported start tag "${name}" at byte offset ${byteOffset(i)}`);
      open.push({ name, offset: text.length, attributes: parseAttributes(match?.[2] ?? "") });
    }
    i = end + 1;
  }
  const unclosed = open.pop();
  if (unclosed) fail(`Can't find end tag corresponding to start tag "${unclosed.name}"`);
  entities.sort((a, b) => a.offset - b.offset);
  return { text, entities };
}

function closeTag(tag: OpenTag, end: number, open: OpenTag[], entities: MessageEntity[]): void {
  const offset = tag.offset;
  const length = end - offset;
  const parent = open[open.length - 1];
  // <pre><code class="language-x"> is one pre entity with a language.
  if (tag.name === "code" && parent?.name === "pre") {
    const language = /^language-(.+)$/.exec(tag.attributes.class ?? "")?.[1];
    if (language !== undefined) parent.language = language;
    return;
  }
  if (length === 0) return;
  switch (tag.name) {
    case "a":
      if (tag.attributes.href !== undefined) entities.push({ type: "text_link", offset, length, url: tag.attributes.href });
      return;
    case "pre":
      entities.push({ type: "pre", offset, length, ...(tag.language !== undefined && { language: tag.language }) });
      return;
    case "span":
      if (tag.attributes.class === "tg-spoiler") entities.push({ type: "spoiler", offset, length });
      return;
    case "blockquote":
      entities.push({ type: "expandable" in tag.attributes ? "expandable_blockquote" : "blockquote", offset, length });
      return;
    default: {
      const type = STYLE_TAGS[tag.name];
      if (type !== undefined) entities.push({ type, offset, length });
    }
  }
}

function parseAttributes(source: string): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const match of source.matchAll(/([a-z-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/gi)) {
    const name = (match[1] ?? "").toLowerCase();
    attributes[name] = decodeAttribute(match[2] ?? match[3] ?? match[4] ?? "");
  }
  return attributes;
}

function decodeAttribute(value: string): string {
  return value.replace(/&(lt|gt|amp|quot);/g, (_, name: string) => NAMED_CHARACTERS[name] ?? "");
}

function decodeCodePoint(reference: string): string | undefined {
  const codePoint = reference.startsWith("#x") || reference.startsWith("#X") ? parseInt(reference.slice(2), 16) : parseInt(reference.slice(1), 10);
  return codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : undefined;
}

