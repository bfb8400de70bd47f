import type { MessageEntity } from "grammy/types";
import { escapeHtml } from "../shared/html.js";

/**
 * A message's text and entities as safe HTML for the sandbox page: the text
 * escaped, each entity Telegram renders turned into its tag. Links open only
 * web addresses (and tg://, shown but inert), never javascript: or data:.
 */
const TAGS: Partial<Record<MessageEntity["type"], [string, string]>> = {
  bold: ["<b>", "</b>"],
  italic: ["<i>", "</i>"],
  underline: ["<u>", "</u>"],
  strikethrough: ["<s>", "</s>"],
  code: ["<code>", "</code>"],
  pre: ["<pre>", "</pre>"],
  spoiler: ['<span class="spoiler">', "</span>"],
  blockquote: ["<blockquote>", "</blockquote>"],
  expandable_blockquote: ["<blockquote>", "</blockquote>"],
};

function tagsOf(entity: MessageEntity, text: string): [string, string] | undefined {
  if (entity.type === "text_link") return linkTags(entity.url);
  if (entity.type === "url") return linkTags(text.slice(entity.offset, entity.offset + entity.length));
  return TAGS[entity.type];
}

function linkTags(url: string): [string, string] | undefined {
  if (!/^(https?|tg):\/\//i.test(url)) return undefined;
  return [`<a href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer">`, "</a>"];
}

/** Telegram's entities are properly nested (they come from its own parser), so tags open and close at their boundaries. */
export function renderEntities(text: string, entities: readonly MessageEntity[] = []): string {
  const spans = entities
    .map((entity) => ({ entity, tags: tagsOf(entity, text), end: entity.offset + entity.length }))
    .filter((span): span is { entity: MessageEntity; tags: [string, string]; end: number } => span.tags !== undefined && span.entity.length > 0)
    // Outer first: earlier start, then longer.
    .sort((a, b) => a.entity.offset - b.entity.offset || b.entity.length - a.entity.length);
  let html = "";
  const open: typeof spans = [];
  let next = 0;
  for (let i = 0; i <= text.length; i++) {
    while (open.length > 0 && open[open.length - 1]!.end === i) html += open.pop()!.tags[1];
    while (next < spans.length && spans[next]!.entity.offset === i) {
      const span = spans[next++]!;
      html += span.tags[0];
      open.push(span);
    }
    if (i < text.length) html += text[i] === "\n" ? "<br>" : escapeHtml(text[i]!);
  }
  while (open.length > 0) html += open.pop()!.tags[1];
  return html;
}
