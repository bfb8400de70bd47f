import type { BlogArticleRepository } from "./blog-article-repository.js";
import { changeDraft, copyEdits, tipAt, type DraftOutcome, type DraftTarget } from "./draft-change.js";
import { draftTips, sectionHash, TIP_TEXT_LIMIT, tipLength } from "./draft-edits.js";
import { sectionOf } from "./edit-draft-tip.js";

/**
 * Joins one tip of the preview to the end of the tip before it (its heading in
 * bold, then its text): one card, as long as a card may be.
 */
export async function mergeDraftTip(repo: BlogArticleRepository, input: DraftTarget & { tip: number }): Promise<DraftOutcome> {
  return changeDraft(repo, input, (row) => {
    const found = tipAt(row, input.tip);
    if (!found) return { refuse: "no-tip" };
    if (input.tip === 0) return { refuse: "first-tip" };
    const edits = copyEdits(row.edits);
    const id = found.tip.sections[0]!;
    const source = sectionHash(sectionOf(row.imported, id));
    const current = edits.tips[id]?.source === source ? edits.tips[id] : undefined;
    edits.tips[id] = { ...current, source, mergedUp: true };
    const joined = draftTips(row.imported, edits)[input.tip - 1]!;
    const length = tipLength(joined.heading, joined.bodyHtml);
    if (length > TIP_TEXT_LIMIT) return { refuse: "too-long", length, limit: TIP_TEXT_LIMIT };
    return edits;
  });
}
