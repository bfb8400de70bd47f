import { Readability } from "@mozilla/readability";
import { parseHTML } from "linkedom";
import sanitizeHtml from "sanitize-html";
import { stripShortcodes } from "./shortcodes.js";

/**
 * An HTML page (or an article body from a feed) as the flat list of blocks the
 * article model is cut from, with the site's chrome taken out: readability
 * finds the article in a themed page, sanitize-html reduces what is kept to
 * Telegram's HTML subset, and what readability lets through of bylines,
 * share and follow calls, comment forms and related posts is dropped here.
 */

export type Block =
  | { kind: "heading"; level: number; text: string }
  | { kind: "paragraph"; html: string; text: string }
  /** A list item; `lead` is its bold lead-in ("<strong>Stretch</strong> every hour…"), `body` what follows it. */
  | { kind: "item"; ordered: boolean; lead: string | null; body: Block[]; html: string; text: string };

export interface PageMetadata {
  title?: string;
  /** As written on the page: ISO, or a date in words from the byline. */
  date?: string;
  language?: string;
  canonicalUrl?: string;
}

export interface PageContent {
  metadata: PageMetadata;
  blocks: Block[];
  /** Whether the page declares itself a single post (WordPress body class, og:type article). */
  isSinglePost: boolean;
  /** The WordPress REST API root the page advertises, if any. */
  wordpressApi?: string;
  /** A blog's list or tag page: each post on it (an excerpt is one cut short with "Read more"). */
  archive?: ArchivePost[];
}

export interface ArchivePost {
  metadata: PageMetadata;
  blocks: Block[];
  excerpt: boolean;
}

type Element = ReturnType<typeof parseHTML>["document"]["body"];

/** Elements that are never the article, removed before readability looks for it. */
const CHROME_SELECTORS = [
  "script", "style", "noscript", "template", "iframe", "nav", "header", "footer", "aside", "form",
  ".screen-reader-text", ".skip-link", "[class*='share']", "[class*='social']", "[class*='related']",
  "[id*='comments']", "[class*='comments']", "#respond", ".comment-respond", ".post-navigation", ".nav-links",
  ".sidebar", ".widget", ".entry-meta", ".byline", ".author-box", ".tags-links", ".cat-links", ".breadcrumbs",
].join(", ");

/** Text blocks that belong to the site around the article, not to it. */
const CHROME_TEXT = [
  /^skip to (main )?content\b/i,
  /^aller au contenu\b/i,
  /\bno comments?\s*$/i,
  /\b(aucun commentaire|\d+ commentaires?)\s*$/i,
  /^\d+ comments?\s*$/i,
  /^(share|partager)\b.{0,60}$/i,
  /^(posted|published|publié) (on|in|le)\b.{0,80}$/i,
  /\b(instagram|facebook|twitter|tiktok|linkedin|youtube|pinterest)\b/i,
  /^(follow|suivez)[- ](us|nous)\b/i,
];

/** A heading after which the rest of the page is comments or other posts. */
/** "Comments" alone (or with a count) ends the article; a French heading that starts with "Comment …" ("how") does not. */
const END_OF_ARTICLE = /^(leave a (reply|comment)|laisser un commentaire|laissez un commentaire|(\d+\s+)?(comments?|commentaires?)\s*(\(\d+\))?\s*$|related (posts|articles)|recent posts|you may also like|articles similaires|articles récents|à lire aussi|post navigation)/i;

/** Tags a tip card can show; everything else keeps its text only. */
const INLINE_HTML: sanitizeHtml.IOptions = {
  allowedTags: ["b", "i", "u", "s", "code", "a"],
  allowedAttributes: { a: ["href"] },
  allowedSchemes: ["http", "https"],
  transformTags: { strong: "b", em: "i", ins: "u", del: "s", strike: "s" },
  exclusiveFilter: (frame) => frame.tag === "a" && !frame.attribs.href,
};

export function parsePage(html: string, baseUrl?: string): PageContent {
  const { document } = parseHTML(stripShortcodes(html));
  const meta = (selector: string) => document.querySelector(selector)?.getAttribute("content")?.trim() || undefined;
  const timeElement = document.querySelector("time[datetime]");
  const metadata: PageMetadata = {
    title: meta('meta[property="og:title"]') ?? text(document.querySelector("h1")) ?? text(document.querySelector("title")),
    date: meta('meta[property="article:published_time"]') ?? timeElement?.getAttribute("datetime") ?? jsonLdDate(document) ?? bylineDate(document.body),
    language: document.documentElement?.getAttribute("lang") ?? meta('meta[property="og:locale"]'),
    canonicalUrl: absolute(document.querySelector('link[rel="canonical"]')?.getAttribute("href") ?? meta('meta[property="og:url"]'), baseUrl) ?? baseUrl,
  };
  const bodyClass = document.body?.getAttribute("class") ?? "";
  const isSinglePost = /\bsingle(-post)?\b/.test(bodyClass) || meta('meta[property="og:type"]') === "article";
  const wordpressApi = absolute(document.querySelector('link[rel="https://api.w.org/"]')?.getAttribute("href") ?? undefined, baseUrl);

  const archive = isSinglePost ? [] : archivePosts(document, baseUrl);
  if (archive.length >= 2) return { metadata, blocks: [], isSinglePost, archive, ...(wordpressApi ? { wordpressApi } : {}) };
  for (const element of document.querySelectorAll(CHROME_SELECTORS)) element.remove();
  const found = new Readability(document as unknown as ConstructorParameters<typeof Readability>[0], { charThreshold: 200 }).parse();
  const blocks = found?.content ? bodyBlocks(found.content, baseUrl) : [];
  if (found?.title && !metadata.title) metadata.title = found.title;
  return { metadata, blocks, isSinglePost, ...(wordpressApi ? { wordpressApi } : {}) };
}

const READ_MORE_LINK = /^(read more|continue reading|keep reading|lire la suite|en savoir plus|lire l['’]article)\b/i;

/** The posts of a list or tag page: several <article> (or .post / .hentry) elements, each with its own heading. */
function archivePosts(document: ReturnType<typeof parseHTML>["document"], baseUrl: string | undefined): ArchivePost[] {
  const elements = [...document.querySelectorAll("article, .post, .hentry")].filter(
    (element, _index, all) => !all.some((other) => other !== element && other.contains(element)) && element.querySelector("h1, h2, h3"),
  );
  if (elements.length < 2) return [];
  return elements.map((element) => {
    const heading = element.querySelector("h1, h2, h3")!;
    const link = heading.querySelector("a[href]")?.getAttribute("href") ?? undefined;
    const time = element.querySelector("time[datetime]")?.getAttribute("datetime") ?? undefined;
    const excerpt =
      [...element.querySelectorAll("a")].some((anchor) => READ_MORE_LINK.test(text(anchor) ?? "")) ||
      element.querySelector(".entry-summary, .excerpt, .post-excerpt") !== null ||
      /(\[(…|\.\.\.)\]|…)\s*$/.test(text(element) ?? "");
    const title = text(heading);
    heading.remove();
    const body = element.querySelector(".entry-content, .post-content, .content") ?? element;
    const canonicalUrl = absolute(link, baseUrl);
    return {
      metadata: { ...(title ? { title } : {}), ...(time ? { date: time } : {}), ...(canonicalUrl ? { canonicalUrl } : {}) },
      blocks: bodyBlocks(body.innerHTML, baseUrl),
      excerpt,
    };
  });
}

/** An article body that is already just the article (a feed's content, a REST post, Markdown). */
export function bodyBlocks(html: string, baseUrl?: string): Block[] {
  const { document } = parseHTML(`<!doctype html><html><body><div id="article-root">${stripShortcodes(html)}</div></body></html>`);
  const root = document.getElementById("article-root");
  if (!root) return [];
  for (const element of root.querySelectorAll(CHROME_SELECTORS)) element.remove();
  const blocks = collect(root, baseUrl);
  const end = blocks.findIndex((block) => block.kind === "heading" && END_OF_ARTICLE.test(block.text));
  return (end === -1 ? blocks : blocks.slice(0, end)).filter((block) => !isChrome(block));
}

function isChrome(block: Block): boolean {
  if (block.text === "") return true;
  if (block.kind === "heading" || block.text.length < 60) {
    if (END_OF_ARTICLE.test(block.text)) return true;
    if (block.kind === "heading") return false;
  }
  return block.text.length < 240 && CHROME_TEXT.some((pattern) => pattern.test(block.text));
}

const BLOCK_TAGS = new Set(["p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "blockquote", "div", "section", "article", "main", "figure", "table", "pre", "hr"]);

function collect(container: Element, baseUrl: string | undefined): Block[] {
  const blocks: Block[] = [];
  let loose = "";
  const flushLoose = () => {
    const paragraph = paragraphBlock(loose, baseUrl);
    if (paragraph) blocks.push(paragraph);
    loose = "";
  };
  for (const node of container.childNodes) {
    const tag = node.nodeType === 1 ? (node as Element).tagName.toLowerCase() : "";
    if (!BLOCK_TAGS.has(tag)) {
      loose += node.nodeType === 1 ? (node as Element).outerHTML : node.nodeType === 3 ? escapeText(node.textContent ?? "") : "";
      continue;
    }
    flushLoose();
    const element = node as Element;
    if (/^h[1-6]$/.test(tag)) blocks.push({ kind: "heading", level: Number(tag[1]), text: text(element) ?? "" });
    else if (tag === "p" || tag === "blockquote" || tag === "pre") {
      const paragraph = paragraphBlock(element.innerHTML, baseUrl);
      if (paragraph) blocks.push(paragraph);
    } else if (tag === "ul" || tag === "ol") {
      for (const item of element.children) if (item.tagName.toLowerCase() === "li") blocks.push(itemBlock(item, tag === "ol", baseUrl));
    } else if (tag !== "hr" && tag !== "table" && tag !== "figure") blocks.push(...collect(element, baseUrl));
  }
  flushLoose();
  return blocks;
}

function itemBlock(item: Element, ordered: boolean, baseUrl: string | undefined): Block & { kind: "item" } {
  const first = [...item.childNodes].find((node) => node.nodeType !== 3 || (node.textContent ?? "").trim() !== "");
  const firstTag = first?.nodeType === 1 ? (first as Element).tagName.toLowerCase() : "";
  let lead: string | null = null;
  if (firstTag === "strong" || firstTag === "b" || /^h[2-6]$/.test(firstTag)) {
    lead = text(first as Element) ?? null;
    (first as Element).remove();
  } else if (firstTag === "p") {
    // <li><p><strong>Lead</strong> text</p>…</li>, as block editors write it.
    const inner = (first as Element).firstElementChild;
    const before = (first as Element).innerHTML.trim();
    if (inner && /^(strong|b)$/i.test(inner.tagName) && before.startsWith(inner.outerHTML)) {
      lead = text(inner) ?? null;
      inner.remove();
    }
  }
  const body = collect(item, baseUrl);
  const html = body.map((block) => ("html" in block ? block.html : "")).filter(Boolean).join("\n\n");
  const plain = body.map((block) => block.text).join("\n\n");
  return { kind: "item", ordered, lead: lead ? stripLeadPunctuation(lead) : null, body, html, text: [lead, plain].filter(Boolean).join(" ") };
}

function paragraphBlock(innerHtml: string, baseUrl: string | undefined): (Block & { kind: "paragraph" }) | null {
  const html = inlineHtml(innerHtml, baseUrl);
  const plain = htmlToText(html);
  return plain === "" ? null : { kind: "paragraph", html, text: plain };
}

/** Telegram HTML of a block's content: allowed tags only, links absolute, whitespace collapsed. */
export function inlineHtml(innerHtml: string, baseUrl?: string): string {
  const clean = sanitizeHtml(innerHtml.replace(/<br\s*\/?>/gi, " "), {
    ...INLINE_HTML,
    transformTags: {
      ...INLINE_HTML.transformTags,
      a: (tagName, attribs): sanitizeHtml.Tag => ({ tagName, attribs: attribs.href ? { href: absolute(attribs.href, baseUrl) ?? "" } : {} }),
    },
  });
  return clean.replace(/\s+/g, " ").trim();
}

/** Plain text of Telegram HTML: tags removed, its four entities decoded. */
export function htmlToText(html: string): string {
  return html
    .replace(/<[^>]*>/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ")
    .trim();
}

function escapeText(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function stripLeadPunctuation(lead: string): string {
  return lead.replace(/[\s:.–—-]+$/u, "").trim();
}

function text(element: { textContent: string | null } | null | undefined): string | undefined {
  const value = element?.textContent?.replace(/\s+/g, " ").trim();
  return value ? value : undefined;
}

function absolute(href: string | undefined, baseUrl: string | undefined): string | undefined {
  if (!href) return undefined;
  try {
    const url = new URL(href, baseUrl);
    return url.protocol === "http:" || url.protocol === "https:" ? url.toString() : undefined;
  } catch {
    return undefined;
  }
}

function jsonLdDate(document: ReturnType<typeof parseHTML>["document"]): string | undefined {
  for (const script of document.querySelectorAll('script[type="application/ld+json"]')) {
    const match = /"datePublished"\s*:\s*"([^"]+)"/.exec(script.textContent ?? "");
    if (match) return match[1];
  }
  return undefined;
}

/** "By November 2, 2023No Comments": the date a theme prints in the byline. */
function bylineDate(body: Element | null): string | undefined {
  const byline = body?.querySelector(".entry-meta, .byline, .posted-on, .post-date, .date");
  return text(byline);
}
