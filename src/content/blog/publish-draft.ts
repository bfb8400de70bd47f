import type { BlogArticleRepository } from "./blog-article-repository.js";
import { checkDraft, type DraftOutcome, type DraftTarget } from "./draft-change.js";

/**
 * Publishes the revision of the article staff saw, edits included: from then
 * on patients get exactly that, until staff publish it again. A stale press
 * (the article changed since), or one on an article already published with
 * nothing new, changes nothing.
 */
export async function publishDraft(repo: BlogArticleRepository, input: DraftTarget & { staffId: number | null }): Promise<DraftOutcome> {
  const refused = checkDraft(await repo.find(input.articleId), input.revision);
  if (refused) return refused;
  const row = await repo.transition(input.articleId, ["draft", "skipped", "unpublished", "published"], "published", input.staffId, input.revision);
  return row ? { ok: true, row } : { ok: false, reason: "stale", row: await repo.find(input.articleId) };
}
