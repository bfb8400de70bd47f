import type { BlogArticleRepository } from "./blog-article-repository.js";
import { changeDraft, copyEdits, tipAt, type DraftOutcome, type DraftTarget } from "./draft-change.js";
import { HEADING_MAX_LENGTH, plainTextToHtml, sectionHash, TIP_TEXT_LIMIT, tipLength } from "./draft-edits.js";

/**
 * A staff member's heading and text for one tip of the preview (the text as
 * typed: paragraphs kept, no formatting). A tip made of merged ones becomes
 * this text alone: the tips joined to it are in it now.
 */
export async function editDraftTip(repo: BlogArticleRepository, input: DraftTarget & { tip: number; heading: string; text: string }): Promise<DraftOutcome> {
  const heading = input.heading.replace(/\s+/g, " ").trim();
  const bodyHtml = plainTextToHtml(input.text);
  return changeDraft(repo, input, (row) => {
    const found = tipAt(row, input.tip);
    if (!found) return { refuse: "no-tip" };
    if (heading === "" || bodyHtml === "") return { refuse: "empty" };
    if (heading.length > HEADING_MAX_LENGTH) return { refuse: "too-long", length: heading.length, limit: HEADING_MAX_LENGTH };
    const length = tipLength(heading, bodyHtml);
    if (length > TIP_TEXT_LIMIT) return { refuse: "too-long", length, limit: TIP_TEXT_LIMIT };
    const edits = copyEdits(row.edits);
    const [own, ...joined] = found.tip.sections;
    edits.tips[own!] = { source: sectionHash(sectionOf(row.imported, own!)), heading, bodyHtml };
    for (const id of joined) edits.tips[id] = { source: sectionHash(sectionOf(row.imported, id)), dropped: true };
    return edits;
  });
}

export function sectionOf(article: { sections: Array<{ id: string | null; heading: string; bodyMarkdown: string; bodyHtml?: string }> }, id: string) {
  const section = article.sections.find((candidate) => candidate.id === id);
  if (!section) throw new Error(`no section "${id}" in the imported article`);
  return section;
}
