import type { BlogArticleRepository, BlogArticleRow, BlogStatus } from "./blog-article-repository.js";

export type ReviewAction = "publish" | "skip" | "unpublish";

/** What each action may change, and nothing else: a press for any other state changes nothing. */
export const REVIEW_TRANSITIONS: Record<ReviewAction, { from: readonly BlogStatus[]; to: BlogStatus }> = {
  publish: { from: ["draft", "skipped", "unpublished"], to: "published" },
  skip: { from: ["draft"], to: "skipped" },
  unpublish: { from: ["published"], to: "unpublished" },
};

export type ReviewOutcome = { ok: true; row: BlogArticleRow } | { ok: false; row: BlogArticleRow | null };

/**
 * A staff member's Publish, Skip or Unpublish; the first press wins, a repeated or stale one is told where things
 * stand. With `revision`, only that revision of the article (the one staff saw) changes.
 */
export async function reviewBlogArticle(repo: BlogArticleRepository, id: number, action: ReviewAction, staffId: number, revision?: number): Promise<ReviewOutcome> {
  const { from, to } = REVIEW_TRANSITIONS[action];
  const row = await repo.transition(id, from, to, staffId, revision);
  return row ? { ok: true, row } : { ok: false, row: await repo.find(id) };
}
