import { readFileSync, readdirSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { FALLBACK_LANGUAGE, type Article, type ContentLogger, type ContentProblem, type LoadedContent } from "./article.js";
import { createContentLibrary } from "./library.js";
import { FILE_NAME, frontMatterLine, parseArticle } from "./markdown-article.js";
import { ContentError } from "./yaml-file.js";

/** The content/articles folder: loading every file, and reloading it when it changes. */

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
