import type { BlogArticleRepository, BlogArticleRow } from "./blog-article-repository.js";
import type { ImportResult } from "./import-source.js";

export interface StoreSummary {
  articles: number;
  tips: number;
  /** New drafts (or, with publish, newly published articles). */
  added: BlogArticleRow[];
  updated: number;
  unchanged: number;
  skipped: ImportResult["skipped"];
}

/**
 * Stores what an import found: new posts as drafts for staff to review (or
 * published at once with `publish`), edited posts updated in place, the staff's
 * edits of what did not change kept. Nothing already published is taken away,
 * nor replaced: a changed published post waits for staff to publish it again.
 */
export async function storeBlogPosts(repo: BlogArticleRepository, result: ImportResult, options: { publish?: boolean } = {}): Promise<StoreSummary> {
  const summary: StoreSummary = { articles: result.posts.length, tips: 0, added: [], updated: 0, unchanged: 0, skipped: result.skipped };
  for (const post of result.posts) {
    summary.tips += post.article.sections.filter((section) => section.isTip).length;
    const { row, outcome } = await repo.store(post);
    if (outcome === "new") summary.added.push(row);
    else if (outcome === "updated") summary.updated++;
    else summary.unchanged++;
    if (options.publish && (row.status !== "published" || row.changes !== null)) {
      await repo.transition(row.id, ["draft", "skipped", "unpublished", "published"], "published", null);
    }
  }
  return summary;
}
