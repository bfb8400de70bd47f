/**
 * npm run content:import -- SOURCE [--json] [--publish] [--title "…"]
 *
 * Imports the clinic's blog: SOURCE is a file (text copied from a post, a
 * saved HTML page, Markdown, a WordPress export, an RSS or Atom feed) or an
 * http(s) address (a post, a feed, a WordPress site).
 *
 *   --json     prints what would be imported as JSON and changes nothing
 *   --publish  publishes at once instead of storing drafts for staff review
 *   --title T  the post's title, when the copied text has none (or the wrong one)
 *
 * Without --json the articles are stored in DATABASE_URL (from the
 * environment or .env) and one summary line is printed. A source that cannot
 * be read prints one line naming it and what is wrong, and exits 1.
 */
import { existsSync } from "node:fs";
import { DEFAULT_DATABASE_URL } from "../db/database-url.js";
import { openDatabase } from "../db/database.js";
import { applyPendingMigrations } from "../db/migrations.js";
import { createBlogArticleRepository } from "../content/blog/blog-article-repository.js";
import { importSource, type ImportResult } from "../content/blog/import-source.js";
import { htmlToText } from "../content/blog/page-blocks.js";
import { SourceError } from "../content/blog/source-error.js";
import { storeBlogPosts } from "../content/blog/store-blog-posts.js";

const USAGE = 'usage: npm run content:import -- SOURCE [--json] [--publish] [--title "The post\'s title"]';
const args = process.argv.slice(2);
const flags = new Set<string>();
const sources: string[] = [];
let title: string | undefined;
for (let index = 0; index < args.length; index++) {
  const arg = args[index]!;
  if (arg === "--title" || arg.startsWith("--title=")) {
    title = arg === "--title" ? args[++index] : arg.slice("--title=".length);
    if (!title?.trim()) {
      console.error(`${USAGE} (--title needs the title after it)`);
      process.exit(2);
    }
  } else if (arg.startsWith("--")) flags.add(arg);
  else sources.push(arg);
}
const unknown = [...flags].filter((flag) => flag !== "--json" && flag !== "--publish");
if (sources.length !== 1 || unknown.length > 0) {
  console.error(`${USAGE}${unknown.length > 0 ? ` (unknown option ${unknown.join(", ")})` : ""}`);
  process.exit(2);
}
const source = sources[0]!;

try {
  const result = await importSource(source, title ? { title } : {});
  if (flags.has("--json")) console.log(JSON.stringify(asJson(result), null, 2));
  else await store(result);
} catch (error) {
  if (!(error instanceof SourceError)) throw error;
  console.error(error.message);
  process.exit(1);
}

async function store(result: ImportResult): Promise<void> {
  if (existsSync(".env")) process.loadEnvFile(".env");
  const databaseUrl = process.env.DATABASE_URL?.trim() || DEFAULT_DATABASE_URL;
  await applyPendingMigrations(databaseUrl);
  const database = await openDatabase(databaseUrl);
  try {
    const publish = flags.has("--publish");
    const summary = await storeBlogPosts(createBlogArticleRepository(database.prisma), result, { publish });
    const outcome = [
      summary.added.length > 0 ? `${summary.added.length} new` : "",
      summary.updated > 0 ? `${summary.updated} updated` : "",
      summary.unchanged > 0 ? `${summary.unchanged} unchanged` : "",
    ].filter(Boolean);
    const next = publish
      ? "published: patients get these tips from now on"
      : summary.added.length > 0
        ? "stored as drafts: staff see each preview in the staff chat, with Publish and Skip"
        : "";
    console.log(
      `${source}: ${plural(summary.articles, "article")}, ${plural(summary.tips, "tip")}, ${summary.skipped.length} skipped` +
        (outcome.length > 0 ? ` (${outcome.join(", ")})` : "") +
        (next ? `; ${next}` : ""),
    );
    for (const entry of summary.skipped) console.log(`  skipped ${entry.what}: ${entry.reason}`);
  } finally {
    await database.close();
  }
}

function asJson(result: ImportResult) {
  return result.posts.map(({ article }) => ({
    title: article.title,
    date: article.date,
    // Only for a post that showed no date: the date printed is the day of the import.
    ...(article.dateByImport ? { dated_by: "import" } : {}),
    language: article.language,
    url: article.url ?? null,
    tips: article.sections
      .filter((section) => section.isTip)
      .map((section) => ({ id: `${article.slug}#${section.id}`, heading: section.heading, text: htmlToText(section.bodyHtml ?? "") })),
  }));
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}
