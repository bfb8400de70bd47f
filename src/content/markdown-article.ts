import { basename } from "node:path";
import { DateTime } from "luxon";
import { z } from "zod";
import { LANGUAGES } from "../clinic/clinic-profile.js";
import { SLUG_PATTERN, TIP_TEXT_LIMIT, type Article, type ContentProblem, type Section, type Severity } from "./article.js";
import { renderTipText, visibleLength } from "./telegram-html.js";
import { ContentError, parseYamlSource } from "./yaml-file.js";

/**
 * The first source of articles: content/articles/<slug>.<language>.md, in the
 * project's Markdown dialect. Every `## ` heading is either a tip
 * (`{#section-id}`) or article-only text (`{.no-tip}`).
 */

const ID_RULE = "lowercase letters, digits and hyphens";
export const FILE_NAME = /^(?<slug>.+)\.(?<language>[^.]+)\.md$/;

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

export function isHttpUrl(text: string): boolean {
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

export function frontMatterLine(lines: string[], key: string): number {
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
    const length = visibleLength(renderTipText(section.heading, section));
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
