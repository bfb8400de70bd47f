import type { BlogArticleRepository, BlogArticleRow } from "./blog-article-repository.js";
import { draftTips, type DraftEdits, type DraftTip } from "./draft-edits.js";

/**
 * What every staff edit of an article shares: it applies to the revision staff
 * saw and to an article still under review, or changes nothing and says why.
 * The desk and the staff chat call the same use cases (edit-draft-title.ts,
 * edit-draft-tip.ts, drop-draft-tip.ts, merge-draft-tip.ts, publish-draft.ts).
 */

export type DraftRefusal =
  /** No such article. */
  | "unknown"
  /** The article changed since the revision staff saw (another edit, a re-import, a review). */
  | "stale"
  /** Published, and nothing waits for review: edit it after a re-import changes it, or unpublish it. */
  | "published"
  | "no-tip"
  | "empty"
  | "too-long"
  /** Dropping the only tip would leave an article with none: skip the article instead. */
  | "last-tip"
  /** The first tip has none before it to join. */
  | "first-tip";

export type DraftOutcome =
  | { ok: true; row: BlogArticleRow }
  | { ok: false; reason: DraftRefusal; row: BlogArticleRow | null; length?: number; limit?: number };

export interface DraftTarget {
  articleId: number;
  /** The revision staff saw when they asked for the change. */
  revision: number;
}

/** Staff may change an article while it waits for review: any state but published, or published with a re-import's changes pending. */
export function isEditable(row: BlogArticleRow): boolean {
  return row.status !== "published" || row.changes !== null;
}

export type EditDecision = DraftEdits | { refuse: DraftRefusal; length?: number; limit?: number };

/** Checks the article is at the revision staff saw and editable, then saves the edits `decide` returns (if still at that revision). */
export async function changeDraft(repo: BlogArticleRepository, target: DraftTarget, decide: (row: BlogArticleRow) => EditDecision): Promise<DraftOutcome> {
  const row = await repo.find(target.articleId);
  const refused = checkDraft(row, target.revision);
  if (refused) return refused;
  const decision = decide(row!);
  if ("refuse" in decision) {
    const { refuse, ...figures } = decision;
    return { ok: false, reason: refuse, row, ...figures };
  }
  const saved = await repo.saveEdits(target.articleId, target.revision, decision);
  return saved ? { ok: true, row: saved } : { ok: false, reason: "stale", row: await repo.find(target.articleId) };
}

/** Why an edit offered on `revision` may not apply to this article now; null when it may. */
export function checkDraft(row: BlogArticleRow | null, revision: number): Extract<DraftOutcome, { ok: false }> | null {
  if (!row) return { ok: false, reason: "unknown", row: null };
  if (row.revision !== revision) return { ok: false, reason: "stale", row };
  if (!isEditable(row)) return { ok: false, reason: "published", row };
  return null;
}

/** The tip at `index` in the preview of this article. */
export function tipAt(row: BlogArticleRow, index: number): { tips: DraftTip[]; tip: DraftTip } | null {
  const tips = draftTips(row.imported, row.edits);
  const tip = tips[index];
  return tip ? { tips, tip } : null;
}

/** A copy of the edits to change. */
export function copyEdits(edits: DraftEdits): DraftEdits {
  return { ...(edits.title ? { title: { ...edits.title } } : {}), tips: Object.fromEntries(Object.entries(edits.tips).map(([id, edit]) => [id, { ...edit }])) };
}
