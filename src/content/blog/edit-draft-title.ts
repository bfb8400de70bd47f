import type { BlogArticleRepository } from "./blog-article-repository.js";
import { changeDraft, copyEdits, type DraftOutcome, type DraftTarget } from "./draft-change.js";
import { hashText, TITLE_MAX_LENGTH } from "./draft-edits.js";

/** A staff member's title for an article, on one line; the imported title again removes the edit. */
export async function editDraftTitle(repo: BlogArticleRepository, input: DraftTarget & { title: string }): Promise<DraftOutcome> {
  const title = input.title.replace(/\s+/g, " ").trim();
  return changeDraft(repo, input, (row) => {
    if (title === "") return { refuse: "empty" };
    if (title.length > TITLE_MAX_LENGTH) return { refuse: "too-long", length: title.length, limit: TITLE_MAX_LENGTH };
    const edits = copyEdits(row.edits);
    if (title === row.imported.title) delete edits.title;
    else edits.title = { source: hashText(row.imported.title), text: title };
    return edits;
  });
}
