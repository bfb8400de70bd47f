import { readFile } from "node:fs/promises";
import { extname } from "node:path";
import { marked } from "marked";
import { parse as parseYaml } from "yaml";
import type { Article } from "../article.js";
import { articleFromBlocks, type ArticleOptions, type ArticleOutcome } from "./blog-article.js";
import { fetchText, type FetchFn, type FetchLimits, type Validators } from "./fetch-source.js";
import { looksLikeFeed, parseFeed, type FeedEntry } from "./feeds.js";
import { bodyBlocks, parsePage, type PageMetadata } from "./page-blocks.js";
import { ArchivePage, plainTextPosts } from "./plain-text.js";
import { SourceError, declaredEncoding, decodeText } from "./source-error.js";
import { readWordPressPosts } from "./wordpress.js";

/**
 * The one entry of the blog import: a file or an http(s) URL in, the articles
 * it holds out, each with the key that makes it "the same post" on every
 * later import, and what was skipped and why.
 */

export interface ImportedPost {
  /** The post's identity across imports and instances: its guid, else its address, else title and date. */
  key: string;
  article: Article;
}

export interface ImportResult {
  posts: ImportedPost[];
  skipped: { what: string; reason: string }[];
  /** The source answered 304: nothing changed since `validators` were taken. */
  notModified?: boolean;
  validators?: Validators;
}

export interface ImportOptions {
  fetch?: FetchFn;
  limits?: Partial<FetchLimits>;
  /** From the last successful check of the same URL: an unchanged feed costs a 304. */
  validators?: Validators;
  /** The post's title as the operator gives it (`--title`), for a page or file holding one post. */
  title?: string;
  /** The day of the import (YYYY-MM-DD), which dates a post that shows none; today by default. */
  today?: string;
}

export async function importSource(source: string, options: ImportOptions = {}): Promise<ImportResult> {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(source) && !/^https?:\/\//i.test(source)) throw new SourceError(source, "is not a file or an http(s) address");
  const result = /^https?:\/\//i.test(source) ? await importUrl(source, options) : await importFile(source, options);
  if (options.title?.trim() && result.posts.length > 1) {
    throw new SourceError(source, `holds ${result.posts.length} posts; --title names one post (import a single post's page with it)`);
  }
  return result;
}

/** What every article of this import is built with: the operator's title for a single post, the day of the import. */
function articleOptions(options: ImportOptions): ArticleOptions {
  return { ...(options.title?.trim() ? { title: options.title.trim() } : {}), ...(options.today ? { today: options.today } : {}) };
}

async function importFile(file: string, options: ImportOptions): Promise<ImportResult> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new SourceError(file, code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a folder, not a file" : `cannot be read (${code ?? String(error)})`);
  }
  const text = decodeText(file, bytes, declaredEncoding(bytes) ?? "utf-8");
  const extension = extname(file).toLowerCase();
  if ([".xml", ".rss", ".atom"].includes(extension) || looksLikeFeed(text)) return importFeed(file, text, options);
  if ([".html", ".htm"].includes(extension) || /^\s*(<!doctype html|<html)/i.test(text)) return fromPage(text, undefined, file, options);
  if ([".md", ".markdown"].includes(extension)) return single(file, fromMarkdown(text, file, options));
  return fromPlainText(text, file, options);
}

async function importUrl(url: string, options: ImportOptions): Promise<ImportResult> {
  const response = await fetchText(url, options);
  if (response.notModified) return { posts: [], skipped: [], notModified: true, validators: options.validators ?? {} };
  const { text, validators } = response;
  if (/xml|rss|atom/i.test(response.contentType) || looksLikeFeed(text)) return { ...(await importFeed(url, text, options)), validators };
  const page = parsePage(text, response.url);
  const wordpressApi = page.wordpressApi ?? linkHeaderApi(response.headers.get("link"), response.url);
  if (wordpressApi && !page.isSinglePost) {
    // Conditional requests go to the first page of posts, which changes when a post is added.
    const { posts, notModified, validators: postValidators } = await readWordPressPosts(wordpressApi, options);
    if (notModified) return { posts: [], skipped: [], notModified: true, validators: options.validators ?? {} };
    const language = page.metadata.language;
    const outcomes = posts.map((post) => ({
      what: post.link ?? post.title,
      key: post.guid,
      outcome: articleFromBlocks(bodyBlocks(post.contentHtml, post.link), { title: post.title, date: post.date, language, canonicalUrl: post.link }, post.link ?? url, articleOptions({ today: options.today })),
    }));
    return { ...collect(outcomes), validators: postValidators };
  }
  return { ...pageResult(url, page, url, options), validators };
}

async function importFeed(source: string, xml: string, options: ImportOptions): Promise<ImportResult> {
  const feed = parseFeed(source, xml);
  const outcomes: { what: string; key: string; outcome: ArticleOutcome }[] = [];
  for (const raw of feed.entries) {
    const entry = { ...raw, ...(raw.link ? { link: resolveLink(raw.link, source) } : {}) };
    const what = entry.link ?? entry.title ?? source;
    const key = entry.guid ?? entry.link ?? `${entry.title ?? ""}|${entry.date ?? ""}`;
    if (entry.notAPost) {
      outcomes.push({ what, key, outcome: { skipped: entry.notAPost } });
      continue;
    }
    outcomes.push({ what, key, outcome: await entryArticle(entry, feed.language, source, options) });
  }
  return collect(outcomes);
}

/** A feed entry with the whole post, or (a summary only) the post's own page. */
async function entryArticle(entry: FeedEntry, feedLanguage: string | undefined, source: string, options: ImportOptions): Promise<ArticleOutcome> {
  const metadata: PageMetadata = { title: entry.title, date: entry.date, language: entry.language ?? feedLanguage, canonicalUrl: entry.link };
  const built = articleOptions({ today: options.today });
  if (entry.contentHtml) return articleFromBlocks(bodyBlocks(entry.contentHtml, entry.link), metadata, entry.link ?? source, built);
  if (!entry.link) return { skipped: "the feed has only a summary and no link to the post" };
  try {
    const response = await fetchText(entry.link, { ...options, validators: undefined });
    if (response.notModified) return { skipped: "the post's page answered 304 to an unconditional request" };
    const page = parsePage(response.text, response.url);
    // The feed's title and date are the post's; the page knows its own canonical address best.
    const merged = { ...page.metadata, ...definedOnly(metadata), ...(page.metadata.canonicalUrl ? { canonicalUrl: page.metadata.canonicalUrl } : {}) };
    return articleFromBlocks(page.blocks, merged, entry.link, built);
  } catch (error) {
    if (error instanceof SourceError) return { skipped: `the feed has only a summary and ${error.message}` };
    throw error;
  }
}

function fromPage(html: string, url: string | undefined, origin: string, options: ImportOptions): ImportResult {
  return pageResult(origin, parsePage(html, url), origin, options);
}

/** A page: one post, or (a blog's list or tag page) each whole post on it. */
function pageResult(source: string, page: ReturnType<typeof parsePage>, origin: string, options: ImportOptions): ImportResult {
  if (page.archive && page.archive.length >= 2) {
    const whole = page.archive.filter((post) => !post.excerpt);
    if (whole.length === 0) throw new SourceError(source, `is a list of ${page.archive.length} posts with "Read more" links, not one post: import one post's own page (or the blog's feed)`);
    return collect(
      whole.map((post, index) => ({
        what: post.metadata.canonicalUrl ?? post.metadata.title ?? `${source} #${index + 1}`,
        key: post.metadata.canonicalUrl ?? `${post.metadata.title ?? ""}|${post.metadata.date ?? ""}`,
        outcome: articleFromBlocks(post.blocks, { ...post.metadata, language: post.metadata.language ?? page.metadata.language }, origin, articleOptions({ today: options.today })),
      })),
    );
  }
  return single(source, articleFromBlocks(page.blocks, page.metadata, origin, articleOptions(options)));
}

function fromPlainText(text: string, origin: string, options: ImportOptions): ImportResult {
  let posts: ReturnType<typeof plainTextPosts>;
  try {
    posts = plainTextPosts(text);
  } catch (error) {
    if (error instanceof ArchivePage) throw new SourceError(origin, error.message);
    throw error;
  }
  if (posts.length === 1) return single(origin, articleFromBlocks(bodyBlocks(posts[0]!.html), posts[0]!.metadata, origin, articleOptions(options)));
  return collect(
    posts.map(({ html, metadata }, index) => {
      const outcome = articleFromBlocks(bodyBlocks(html), metadata, origin, articleOptions({ today: options.today }));
      const what = metadata.title ?? `${origin} #${index + 1}`;
      return { what, key: "article" in outcome ? postKey(outcome.article) : what, outcome };
    }),
  );
}

/** Markdown, with optional front matter (title, date, language, url) as the clinic's own files have. */
function fromMarkdown(text: string, origin: string, options: ImportOptions): ArticleOutcome {
  const front = /^---\r?\n([\s\S]*?)\r?\n---\r?\n/.exec(text);
  const data = (front ? (parseYaml(front[1]!) as Record<string, unknown> | null) : null) ?? {};
  let body = front ? text.slice(front[0].length) : text;
  let title = typeof data.title === "string" ? data.title : undefined;
  const heading = /^#\s+(.+)$/m.exec(body);
  if (!title && heading) {
    title = heading[1]!.trim();
    body = body.replace(heading[0], "");
  }
  const html = marked.parse(body.replace(/\s*\{[#.][^{}]*\}\s*$/gm, ""), { async: false });
  const metadata: PageMetadata = {
    ...(title ? { title } : {}),
    ...(data.date !== undefined ? { date: String(data.date) } : {}),
    ...(typeof data.language === "string" ? { language: data.language } : {}),
    ...(typeof data.url === "string" ? { canonicalUrl: data.url } : {}),
  };
  return articleFromBlocks(bodyBlocks(html, metadata.canonicalUrl), metadata, origin, articleOptions(options));
}

/** One page or file is one article: none found is an error, not an empty import. */
function single(source: string, outcome: ArticleOutcome): ImportResult {
  if ("skipped" in outcome) throw new SourceError(source, `has no article to import: ${outcome.skipped}`);
  return { posts: [{ key: postKey(outcome.article), article: outcome.article }], skipped: [] };
}

/** A post without an address is known by its title and date; one dated by the import by its title alone, so importing it again tomorrow finds it. */
function postKey(article: Article): string {
  return article.url ?? (article.dateByImport ? article.title : `${article.title}|${article.date}`);
}

function collect(outcomes: { what: string; key: string; outcome: ArticleOutcome }[]): ImportResult {
  const result: ImportResult = { posts: [], skipped: [] };
  for (const { what, key, outcome } of outcomes) {
    if ("skipped" in outcome) result.skipped.push({ what, reason: outcome.skipped });
    else result.posts.push({ key, article: outcome.article });
  }
  return result;
}

function linkHeaderApi(header: string | null, base: string): string | undefined {
  const match = header ? /<([^>]+)>\s*;\s*rel="https:\/\/api\.w\.org\/"/.exec(header) : null;
  return match ? new URL(match[1]!, base).toString() : undefined;
}

/** A feed's links may be relative to the feed's own address. */
function resolveLink(link: string, source: string): string {
  try {
    return new URL(link, /^https?:\/\//i.test(source) ? source : undefined).toString();
  } catch {
    return link;
  }
}

function definedOnly(metadata: PageMetadata): PageMetadata {
  return Object.fromEntries(Object.entries(metadata).filter(([, value]) => value !== undefined)) as PageMetadata;
}
