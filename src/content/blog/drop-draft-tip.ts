import type { BlogArticleRepository } from "./blog-article-repository.js";
import { changeDraft, copyEdits, tipAt, type DraftOutcome, type DraftTarget } from "./draft-change.js";
import { sectionHash } from "./draft-edits.js";
import { sectionOf } from "./edit-draft-tip.js";

/** Leaves one tip of the preview out of the article (with any tips joined to it); the last one stays. */
export async function dropDraftTip(repo: BlogArticleRepository, input: DraftTarget & { tip: number }): Promise<DraftOutcome> {
  return changeDraft(repo, input, (row) => {
    const found = tipAt(row, input.tip);
    if (!found) return { refuse: "no-tip" };
    if (found.tips.length === 1) return { refuse: "last-tip" };
    const edits = copyEdits(row.edits);
    for (const id of found.tip.sections) edits.tips[id] = { source: sectionHash(sectionOf(row.imported, id)), dropped: true };
    return edits;
  });
}
