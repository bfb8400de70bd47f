import { readFileSync, readdirSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { DateTime } from "luxon";
import { z } from "zod";
import { escapeHtml } from "../bot/html.js";
import { LANGUAGES, type Language } from "../clinic/clinic-profile.js";
import { ContentError, parseYamlSource } from "./yaml-file.js";

/**
 * The clinic's blog articles (content/articles/<slug>.<language>.md) and the
 * weekly tips cut from them. Every `## ` heading of an article is either a tip
 * (`{#section-id}`) or article-only text (`{.no-tip}`); a tip is identified by
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
  bodyMarkdown: string;
  /** Line of the heading in the file. */
  line: number;
  isTip: boolean;
}

export interface Article {
  slug: string;
  title: string;
  /** ISO date, e.g. 2026-03-14. */
  date: string;
  language: Language;
  tags: string[];
  url?: string;
  file: string;
  intro: string;
  sections: Section[];
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
  /** The tip in that language, else its English version; null for an unknown id. */
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

const SLUG_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const ID_RULE = "lowercase letters, digits and hyphens";
const FILE_NAME = /^(?<slug>.+)\.(?<language>[^.]+)\.md$/;

// ---------------------------------------------------------------------------
// Parsing one article
// ---------------------------------------------------------------------------

/** zod's message for a key that is present but wrong, and a plain one when it is missing. */
const requiredKey = (whenWrong: string) => ({
  error: (issue: { input?: unknown }) => (issue.input === undefined ? "is required" : whenWrong),
});

const FRONT_MATTER_KEYS = ["title", "slug", "date", "language", "tags", "url"];

const frontMatterSchema = z
  .object(
    {
      title: z.string(requiredKey("must be text")).trim().min(1, "must not be empty"),
      slug: z.string(requiredKey("must be text")).regex(SLUG_PATTERN, `must be ${ID_RULE}, e.g. massage-low-back-pain`),
      // YAML 1.2 (the yaml package's default) reads 2026-03-14 as a string, never as a Date.
      date: z
        .string(requiredKey("must be a date like 2026-03-14"))
        .refine((text) => /^\d{4}-\d{2}-\d{2}$/.test(text) && DateTime.fromISO(text).isValid, "must be a date like 2026-03-14"),
      language: z.enum(LANGUAGES, {
        error: (issue) =>
          issue.input === undefined ? "is required" : `unknown language ${JSON.stringify(issue.input)}: must be ${LANGUAGES.join(" or ")}`,
      }),
      tags: z.array(z.string().trim().min(1), { error: "must be a list like [massage, low-back-pain]" }).default([]),
      url: z.string({ error: "must be an http(s) address" }).refine(isHttpUrl, "must be an http(s) address").optional(),
    },
    {
      error: (issue) =>
        issue.code === "unrecognized_keys"
          ? `unknown key ${issue.keys.map((key) => JSON.stringify(key)).join(", ")} (known: ${FRONT_MATTER_KEYS.join(", ")})`
          : `must be key: value lines (${FRONT_MATTER_KEYS.join(", ")})`,
    },
  )
  // A misspelt optional key (`ulr:`) would otherwise be dropped without a word.
  .strict();

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

type FrontMatter = z.output<typeof frontMatterSchema>;
type Report = (line: number, message: string, severity?: Severity) => void;

/** Checks one article file. `article` is set only when there is no error (warnings allowed). */
export function parseArticle(file: string, source: string): { article?: Article; problems: ContentProblem[] } {
  const problems: ContentProblem[] = [];
  const report: Report = (line, message, severity = "error") => problems.push({ file, line, message, severity });
  const lines = source.replace(/^\uFEFF/, "").split(/\r?\n/);

  const frontMatter = readFrontMatter(file, lines, report);
  if (frontMatter.bodyStart === undefined) return { problems };
  if (frontMatter.data) checkFileName(file, frontMatter.data, lines, report);
  const { intro, sections } = readBody(lines, frontMatter.bodyStart, report);

  problems.sort((a, b) => a.line - b.line);
  if (!frontMatter.data || problems.some((problem) => problem.severity === "error")) return { problems };
  const { title, slug, date, language, tags, url } = frontMatter.data;
  return { article: { slug, title, date, language, tags, ...(url ? { url } : {}), file, intro, sections }, problems };
}

/** `bodyStart` is the index of the first body line, undefined when the body cannot be located. */
function readFrontMatter(file: string, lines: string[], report: Report): { data?: FrontMatter; bodyStart?: number } {
  if (lines[0]?.trim() !== "---") {
    report(1, "the file must start with front matter: a --- line, title/slug/date/language/tags, and a closing --- line");
    return { bodyStart: 0 };
  }
  const closing = lines.findIndex((line, index) => index > 0 && line.trim() === "---");
  if (closing === -1) {
    report(1, "the front matter is never closed by a --- line");
    return {};
  }
  try {
    return { data: parseYamlSource(file, lines.slice(1, closing).join("\n"), frontMatterSchema, 2), bodyStart: closing + 1 };
  } catch (error) {
    if (!(error instanceof ContentError)) throw error;
    report(error.line ?? 1, `front matter: ${error.detail}`);
    return { bodyStart: closing + 1 };
  }
}

/** The file name repeats the slug and the language so a writer can find an article without opening it. */
function checkFileName(file: string, data: FrontMatter, lines: string[], report: Report): void {
  const name = FILE_NAME.exec(basename(file))?.groups;
  if (!name) {
    report(1, `the file name must be <slug>.<language>.md, e.g. ${data.slug}.${data.language}.md`);
    return;
  }
  if (name.language !== data.language) {
    // Which of the two is right cannot be guessed, so the article is not used.
    report(frontMatterLine(lines, "language"), `language ${data.language} does not match the file name's .${name.language}.md`);
  }
  if (name.slug !== data.slug) {
    // The front matter's slug is what tip ids are made of, so the article stays usable.
    report(frontMatterLine(lines, "slug"), `slug ${data.slug} does not match the file name (${name.slug})`, "warning");
  }
}

function frontMatterLine(lines: string[], key: string): number {
  const index = lines.findIndex((line, position) => position > 0 && new RegExp(`^${key}\\s*:`).test(line));
  return index === -1 ? 1 : index + 1;
}

const ATX_HEADING = /^(#{1,6})(?:\s+(.*?))?\s*$/;
const HEADING_ATTRIBUTE = /^(.*?)\s*\{([^{}]*)\}$/;

function readBody(lines: string[], bodyStart: number, report: Report): { intro: string; sections: Section[] } {
  const introLines: string[] = [];
  const drafts: { section: Omit<Section, "bodyMarkdown">; bodyLines: string[] }[] = [];
  const idLines = new Map<string, number>();

  for (let index = bodyStart; index < lines.length; index++) {
    const text = lines[index]!;
    const line = index + 1;
    const heading = ATX_HEADING.exec(text);
    const bodyLines = drafts.at(-1)?.bodyLines ?? introLines;
    if (!heading || heading[1]!.length !== 2) {
      if (heading) report(line, misplacedHeadingMessage(heading[1]!.length));
      bodyLines.push(text);
      continue;
    }
    const section = readHeading(heading[2] ?? "", line, report);
    if (section.id !== null) {
      const firstLine = idLines.get(section.id);
      if (firstLine !== undefined) report(line, `section id #${section.id} is already used on line ${firstLine}`);
      else idLines.set(section.id, line);
    }
    drafts.push({ section, bodyLines: [] });
  }

  const sections = drafts.map(({ section, bodyLines }) => ({ ...section, bodyMarkdown: trimBlankLines(bodyLines) }));
  for (const section of sections.filter((entry) => entry.isTip)) {
    if (section.bodyMarkdown === "") {
      report(section.line, `tip #${section.id} has no text under its heading`);
      continue;
    }
    const length = visibleLength(renderTipText(section.heading, section.bodyMarkdown));
    if (length > TIP_TEXT_LIMIT) {
      report(section.line, `tip #${section.id} is ${length} characters long; a tip card must stay within ${TIP_TEXT_LIMIT} (shorten it or split it in two)`);
    }
  }
  if (!sections.some((section) => section.isTip)) {
    report(1, "the article has no tip: mark at least one ## heading with {#section-id}");
  }
  return { intro: trimBlankLines(introLines), sections };
}

function misplacedHeadingMessage(level: number): string {
  return level === 1
    ? "a # heading is not allowed in the body: the title comes from the front matter; use ## for sections"
    : `a ${"#".repeat(level)} heading is not allowed: a tip card has no room for subsections; use ## or **bold** text`;
}

function readHeading(text: string, line: number, report: Report): Omit<Section, "bodyMarkdown"> {
  const attribute = HEADING_ATTRIBUTE.exec(text);
  const heading = (attribute ? attribute[1]! : text).trim();
  if (heading === "") report(line, "the heading has no text");
  if (!attribute) {
    report(line, "a ## heading must end with {#section-id} (a tip) or {.no-tip} (article only)");
    return { id: null, heading, line, isTip: false };
  }
  const value = attribute[2]!.trim();
  if (value === ".no-tip") return { id: null, heading, line, isTip: false };
  if (!value.startsWith("#")) {
    report(line, `the heading attribute {${value}} must be {#section-id} or {.no-tip}`);
    return { id: null, heading, line, isTip: false };
  }
  const id = value.slice(1);
  if (!SLUG_PATTERN.test(id)) report(line, `section id #${id} must be ${ID_RULE}`);
  return { id, heading, line, isTip: true };
}

function trimBlankLines(lines: string[]): string {
  const first = lines.findIndex((line) => line.trim() !== "");
  if (first === -1) return "";
  const last = lines.findLastIndex((line) => line.trim() !== "");
  return lines.slice(first, last + 1).join("\n");
}

// ---------------------------------------------------------------------------
// Markdown subset → Telegram HTML
// ---------------------------------------------------------------------------

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
function renderTipText(heading: string, bodyMarkdown: string): string {
  return `<b>${renderInline(heading.replace(/^\d+[.)]\s+/, ""))}</b>\n\n${markdownToTelegramHtml(bodyMarkdown)}`;
}

export interface TipCardOptions {
  /** Plain text, shown once in italics at the end. */
  disclaimer: string;
  /** Plain text of the link to the article (shown only when the article has a url). */
  readMoreLabel: string;
  /** Plain text above the heading, e.g. "Tip 3 of 40". */
  counterLabel?: string;
}

/**
 * The tip as a Telegram HTML message for a reader of `language`. The labels
 * are plain text in the reader's language and are escaped here.
 */
export function renderTipCard(tip: Tip, language: Language, options: TipCardOptions): string {
  if (tip.language !== language && tip.language !== FALLBACK_LANGUAGE) {
    throw new Error(`tip ${tip.id} is in ${tip.language}; a ${language} reader gets the ${language} tip or the ${FALLBACK_LANGUAGE} one`);
  }
  const parts = [renderTipText(tip.heading, tip.bodyMarkdown)];
  if (tip.article.url) parts.push(`<a href="${escapeHtml(tip.article.url)}">${escapeHtml(options.readMoreLabel)}</a>`);
  parts.push(`<i>${escapeHtml(options.disclaimer)}</i>`);
  const counter = options.counterLabel ? `<i>${escapeHtml(options.counterLabel)}</i>\n` : "";
  const card = counter + parts.join("\n\n");
  // Loaded tips are far below the limit, so only an oversized label or disclaimer can get here.
  const length = visibleLength(card);
  if (length > TELEGRAM_MESSAGE_LIMIT) {
    throw new RangeError(`tip card ${tip.id} is ${length} characters; Telegram accepts ${TELEGRAM_MESSAGE_LIMIT}`);
  }
  return card;
}

// ---------------------------------------------------------------------------
// The library
// ---------------------------------------------------------------------------

function byDateThenSlug(a: { date: string; slug: string }, b: { date: string; slug: string }): number {
  // ISO dates sort as strings.
  return a.date === b.date ? (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0) : a.date < b.date ? -1 : 1;
}

function tipsOf(article: Article): Tip[] {
  return article.sections.flatMap((section) =>
    section.isTip && section.id !== null
      ? [{
          id: `${article.slug}#${section.id}`,
          slug: article.slug,
          sectionId: section.id,
          language: article.language,
          heading: section.heading,
          bodyMarkdown: section.bodyMarkdown,
          article,
        }]
      : [],
  );
}

/** A library of valid articles, at most one per slug and language (as `loadContentLibrary` guarantees). */
export function createContentLibrary(articles: readonly Article[]): ContentLibrary {
  const articlesOf = perLanguage((language) => articles.filter((article) => article.language === language).sort(byDateThenSlug));
  const tipsIn = perLanguage((language) => articlesOf[language].flatMap(tipsOf));
  const tipById = perLanguage((language) => new Map(tipsIn[language].map((tip) => [tip.id, tip])));

  const idsBySlug = new Map<string, { date: string; slug: string; ids: TipId[] }>();
  for (const language of [FALLBACK_LANGUAGE, ...LANGUAGES.filter((other) => other !== FALLBACK_LANGUAGE)]) {
    for (const article of articlesOf[language]) {
      const entry = idsBySlug.get(article.slug) ?? { date: article.date, slug: article.slug, ids: [] };
      idsBySlug.set(article.slug, entry);
      for (const tip of tipsOf(article)) if (!entry.ids.includes(tip.id)) entry.ids.push(tip.id);
    }
  }
  const allIds = [...idsBySlug.values()].sort(byDateThenSlug).flatMap((entry) => entry.ids);

  return {
    size: allIds.length,
    articles: (language) => articlesOf[language],
    tips: (language) => tipsIn[language],
    tipFor: (tipId, language) => tipById[language].get(tipId) ?? tipById[FALLBACK_LANGUAGE].get(tipId) ?? null,
    allTipIds: () => allIds,
  };
}

function perLanguage<Value>(build: (language: Language) => Value): Record<Language, Value> {
  return Object.fromEntries(LANGUAGES.map((language) => [language, build(language)])) as Record<Language, Value>;
}

function articlesDirectory(contentDir: string): string {
  return join(contentDir, "articles");
}

/** Sorted, so that problems, logs and "which duplicate came second" do not depend on the file system. */
function listArticleFiles(articlesDir: string): string[] {
  try {
    return readdirSync(articlesDir, { withFileTypes: true })
      .filter((entry) => entry.isFile() && entry.name.endsWith(".md"))
      .map((entry) => join(articlesDir, entry.name))
      .sort();
  } catch (error) {
    throw new ContentError(articlesDir, undefined, `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}

/**
 * Loads every `<contentDir>/articles/*.md`. Articles with errors are left out
 * (and logged) so one bad file never takes the others down; throws a
 * ContentError only when the folder or a file cannot be read at all.
 */
export function loadContentLibrary(contentDir: string, logger?: ContentLogger): LoadedContent {
  const problems: ContentProblem[] = [];
  const candidates: { article: Article; source: string }[] = [];
  for (const file of listArticleFiles(articlesDirectory(contentDir))) {
    const source = readSource(file);
    const parsed = parseArticle(file, source);
    problems.push(...parsed.problems);
    if (parsed.article) candidates.push({ article: parsed.article, source });
    else logger?.warn({ file, errors: parsed.problems.filter((problem) => problem.severity === "error").length }, "article skipped: it has errors");
  }

  // A copy of an article whose slug was not changed yet must not push the original out.
  const matchesFileName = (article: Article) => FILE_NAME.exec(basename(article.file))?.groups?.slug === article.slug;
  candidates.sort((a, b) => Number(matchesFileName(b.article)) - Number(matchesFileName(a.article)));

  const kept = new Map<string, Article>();
  for (const { article, source } of candidates) {
    const key = `${article.language}:${article.slug}`;
    const first = kept.get(key);
    if (!first) {
      kept.set(key, article);
      continue;
    }
    problems.push({
      file: article.file,
      line: frontMatterLine(source.split(/\r?\n/), "slug"),
      message: `slug ${article.slug} (${article.language}) is already used by ${first.file}; this file is skipped`,
      severity: "error",
    });
    logger?.warn({ file: article.file, duplicateOf: first.file }, "article skipped: duplicate slug");
  }

  const articles = [...kept.values()];
  for (const article of articles.filter((entry) => entry.language !== FALLBACK_LANGUAGE)) {
    const original = kept.get(`${FALLBACK_LANGUAGE}:${article.slug}`);
    const mismatch = original && describeSectionMismatch(original, article);
    if (mismatch) problems.push({ file: article.file, line: 1, message: mismatch, severity: "warning" });
  }
  return { library: createContentLibrary(articles), problems };
}

function readSource(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    throw new ContentError(file, undefined, `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}

/** Translations must keep the section ids, or the translated tips become different tips. */
function describeSectionMismatch(original: Article, translation: Article): string | undefined {
  const ids = (article: Article) => article.sections.flatMap((section) => (section.isTip && section.id !== null ? [section.id] : []));
  const originalIds = ids(original);
  const translatedIds = ids(translation);
  const missing = originalIds.filter((id) => !translatedIds.includes(id));
  const extra = translatedIds.filter((id) => !originalIds.includes(id));
  const details = [
    missing.length > 0 ? `missing #${missing.join(", #")}` : "",
    extra.length > 0 ? `not in the original: #${extra.join(", #")}` : "",
  ].filter(Boolean);
  if (details.length === 0 && originalIds.join() !== translatedIds.join()) details.push("same tips in a different order");
  return details.length > 0 ? `tip sections differ from ${original.file}: ${details.join("; ")}` : undefined;
}

// ---------------------------------------------------------------------------
// Reloading without a restart
// ---------------------------------------------------------------------------

/** Names, modification times and sizes: cheap to take, and reliable on Docker volumes where fs.watch is not. */
function fingerprint(contentDir: string): string {
  try {
    return listArticleFiles(articlesDirectory(contentDir))
      .map((file) => {
        const stats = statSync(file);
        return `${file}:${stats.mtimeMs}:${stats.size}`;
      })
      .join("\n");
  } catch (error) {
    return `unreadable: ${String(error)}`;
  }
}

/**
 * Polls the articles folder and reloads it when a file is added, removed or
 * changed, then calls `onChange`. A reload that throws keeps the previous
 * library (the caller simply hears nothing) and is retried on the next change.
 * Returns a function that stops watching.
 */
export function watchContent(
  contentDir: string,
  onChange: (content: LoadedContent) => void,
  options: { intervalMs: number; logger?: ContentLogger },
): () => void {
  let seen = fingerprint(contentDir);
  const timer = setInterval(() => {
    const current = fingerprint(contentDir);
    if (current === seen) return;
    // Taken before loading: if a file changes during the load, the next poll sees it.
    seen = current;
    let content: LoadedContent;
    try {
      content = loadContentLibrary(contentDir, options.logger);
    } catch (error) {
      options.logger?.error({ err: error, contentDir }, "content reload failed; keeping the previous articles");
      return;
    }
    onChange(content);
  }, options.intervalMs);
  // Watching alone must not keep the process alive at shutdown.
  timer.unref();
  return () => clearInterval(timer);
}
