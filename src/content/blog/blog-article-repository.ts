import type { Db } from "../../db/database.js";
import { isUniqueViolation } from "../../delivery/outbox-repository.js";
import type { Article } from "../article.js";
import type { ImportedPost } from "./import-source.js";
import { addChanges, applyEdits, compareArticles, editsStillApplying, hasChanges, parseEdits, type DraftChanges, type DraftEdits } from "./draft-edits.js";

/**
 * Imported blog articles and the state of the followed feed, in the database:
 * they survive restarts and images, and every instance sees the same ones.
 * State changes are conditional updates, so a press on two instances, or a
 * forged one, changes at most what the current state allows. Every change
 * bumps the article's revision: an edit or a press made on an older revision
 * changes nothing.
 *
 * An article is kept as imported (`model`) with the staff's edits beside it
 * (`edits`), so a re-import of an unchanged post keeps them; what patients get
 * is the edited article as staff last published it (`published_model`).
 */

export const BLOG_STATUSES = ["draft", "published", "skipped", "unpublished"] as const;
export type BlogStatus = (typeof BLOG_STATUSES)[number];

export interface BlogArticleRow {
  id: number;
  sourceKey: string;
  status: BlogStatus;
  /** The article with the staff's edits: what patients get once it is published. */
  article: Article;
  /** The article as the import found it. */
  imported: Article;
  edits: DraftEdits;
  revision: number;
  /** What patients get while it is published (null before the first Publish). */
  published: Article | null;
  /** What a re-import changed since staff last reviewed it; null when nothing waits. */
  changes: DraftChanges | null;
  previewedAt: Date | null;
  updatedAt: Date;
}

/** A pending edit from the staff chat: the staff member's next message is the new text. */
export interface EditStep {
  chatId: number;
  staffId: number;
  articleId: number;
  revision: number;
  /** "title", or the tip's position in the preview (0-based). */
  target: string;
  expiresAt: Date;
}

export type StoreOutcome = "new" | "updated" | "unchanged";

export interface FeedState {
  url: string;
  etag: string | null;
  lastModified: string | null;
  lastSuccessAt: Date | null;
  failingSince: Date | null;
  lastError: string | null;
  failureNotifiedAt: Date | null;
}

export interface BlogArticleRepository {
  /**
   * A new post becomes a draft; a known one gets its new text (its state and tip ids stay): the staff's edits
   * of what did not change still apply, and what changed waits for review (a published article stays as published).
   */
  store(post: ImportedPost): Promise<{ row: BlogArticleRow; outcome: StoreOutcome }>;
  find(id: number): Promise<BlogArticleRow | null>;
  /** Moves one article from one of `from` to `to` (publishing its edited version); null when it was not in one of them. */
  transition(id: number, from: readonly BlogStatus[], to: BlogStatus, by: number | null, revision?: number): Promise<BlogArticleRow | null>;
  /** Saves the staff's edits if the article is still at `revision`; null when it moved on meanwhile. */
  saveEdits(id: number, revision: number, edits: DraftEdits): Promise<BlogArticleRow | null>;
  saveEditStep(step: EditStep): Promise<void>;
  /** The staff member's pending edit in that chat, taken once (null when none, or expired). */
  takeEditStep(chatId: number, staffId: number, now: Date): Promise<EditStep | null>;
  published(): Promise<Article[]>;
  /** Changes whenever any article is stored or changes state: cheap to ask on every instance. */
  version(): Promise<string>;
  recent(limit: number): Promise<BlogArticleRow[]>;
  /** Drafts whose preview nobody has sent yet, each claimed for this caller only. */
  claimPreviews(now: Date): Promise<BlogArticleRow[]>;
  feedState(url: string): Promise<FeedState | null>;
  saveFeedState(url: string, change: Partial<Omit<FeedState, "url">> & { lastCheckedAt: Date }): Promise<void>;
  /** Claims the one "the feed keeps failing" notice of the current run of failures. */
  claimFailureNotice(url: string, failingSince: Date, now: Date): Promise<boolean>;
}

type Row = {
  id: number;
  sourceKey: string;
  status: string;
  model: string;
  edits: string;
  revision: number;
  publishedModel: string | null;
  changes: string | null;
  previewedAt: Date | null;
  updatedAt: Date;
};

function toRow(row: Row): BlogArticleRow {
  const imported = JSON.parse(row.model) as Article;
  const edits = parseEdits(row.edits);
  return {
    id: row.id,
    sourceKey: row.sourceKey,
    status: row.status as BlogStatus,
    article: applyEdits(imported, edits),
    imported,
    edits,
    revision: row.revision,
    published: row.publishedModel ? (JSON.parse(row.publishedModel) as Article) : null,
    changes: row.changes ? (JSON.parse(row.changes) as DraftChanges) : null,
    previewedAt: row.previewedAt,
    updatedAt: row.updatedAt,
  };
}

/** The columns listing shows, from the article patients would get. */
function columns(article: Article) {
  return { slug: article.slug, language: article.language, title: article.title, date: article.date, url: article.url ?? null };
}

/** A known post imported again with new text: the edits that still apply, and what changed for staff to review. */
function reimported(existing: BlogArticleRow, article: Article) {
  const edits = editsStillApplying(article, existing.edits);
  const after = applyEdits(article, edits);
  // What staff last saw: the published article, else the draft as they left it.
  const before = existing.status === "published" && existing.published ? existing.published : existing.article;
  const seenByStaff = existing.status !== "draft" || existing.previewedAt !== null;
  const found = compareArticles(before, after);
  const changes = seenByStaff && (hasChanges(found) || existing.changes) ? addChanges(existing.changes && existing.status !== "published" ? existing.changes : null, found) : null;
  const waiting = changes !== null && hasChanges(changes) ? changes : null;
  // A draft or a published article is shown to staff again; a skipped or unpublished one waits in the lists.
  const preview = waiting !== null && (existing.status === "draft" || existing.status === "published");
  return {
    ...columns(after),
    model: JSON.stringify(article),
    edits: JSON.stringify(edits),
    changes: waiting ? JSON.stringify(waiting) : null,
    ...(preview ? { previewedAt: null } : {}),
  };
}

export function createBlogArticleRepository(db: Db): BlogArticleRepository {
  const find = async (id: number) => {
    const row = await db.blogArticle.findUnique({ where: { id } });
    return row ? toRow(row) : null;
  };
  return {
    async store(post) {
      // An edit saved meanwhile moves the revision on: read again and apply the post to that.
      for (let attempt = 0; ; attempt++) {
        const found = await db.blogArticle.findUnique({ where: { sourceKey: post.key } });
        if (!found) {
          try {
            const model = JSON.stringify(post.article);
            return { row: toRow(await db.blogArticle.create({ data: { sourceKey: post.key, ...columns(post.article), model } })), outcome: "new" };
          } catch (error) {
            // Another instance stored the same post a moment ago: it is that instance's draft.
            if (!isUniqueViolation(error)) throw error;
            return { row: toRow((await db.blogArticle.findUnique({ where: { sourceKey: post.key } }))!), outcome: "unchanged" };
          }
        }
        // A post that shows no date keeps the day it was first imported: importing it again is not an edit.
        const previous = JSON.parse(found.model) as Article;
        const article = post.article.dateByImport && previous.dateByImport ? { ...post.article, date: previous.date } : post.article;
        if (found.model === JSON.stringify(article)) return { row: toRow(found), outcome: "unchanged" };
        const { count } = await db.blogArticle.updateMany({
          where: { id: found.id, revision: found.revision },
          data: { ...reimported(toRow(found), article), revision: { increment: 1 } },
        });
        if (count === 1) return { row: (await find(found.id))!, outcome: "updated" };
        if (attempt === 4) throw new Error(`blog article ${found.id} kept changing while "${post.key}" was stored`);
      }
    },
    find,
    async transition(id, from, to, by, revision) {
      for (let attempt = 0; attempt < 5; attempt++) {
        const row = await find(id);
        if (!row || !from.includes(row.status) || (revision !== undefined && row.revision !== revision)) return null;
        const { count } = await db.blogArticle.updateMany({
          where: { id, status: row.status, revision: row.revision },
          data: {
            status: to,
            revision: { increment: 1 },
            changes: null,
            ...(to === "published" ? { publishedModel: JSON.stringify(row.article) } : {}),
            reviewedBy: by === null ? null : BigInt(by),
            reviewedAt: new Date(),
          },
        });
        if (count === 1) return find(id);
        if (revision !== undefined) return null;
      }
      return null;
    },
    async saveEdits(id, revision, edits) {
      const row = await find(id);
      if (!row || row.revision !== revision) return null;
      const article = applyEdits(row.imported, edits);
      const { count } = await db.blogArticle.updateMany({
        where: { id, revision },
        data: { edits: JSON.stringify(edits), title: article.title, revision: { increment: 1 } },
      });
      return count === 1 ? find(id) : null;
    },
    async saveEditStep(step) {
      const key = { chatId: BigInt(step.chatId), staffId: BigInt(step.staffId) };
      const data = { articleId: step.articleId, revision: step.revision, target: step.target, expiresAt: step.expiresAt };
      await db.blogEditStep.upsert({ where: { chatId_staffId: key }, create: { ...key, ...data }, update: data });
    },
    async takeEditStep(chatId, staffId, now) {
      const key = { chatId: BigInt(chatId), staffId: BigInt(staffId) };
      const step = await db.blogEditStep.findUnique({ where: { chatId_staffId: key } });
      if (!step) return null;
      // Taken once: of two messages read at the same time on two instances, only one gets it.
      const { count } = await db.blogEditStep.deleteMany({ where: { ...key, articleId: step.articleId, revision: step.revision, target: step.target } });
      if (count !== 1 || step.expiresAt <= now) return null;
      return { chatId, staffId, articleId: step.articleId, revision: step.revision, target: step.target, expiresAt: step.expiresAt };
    },
    async published() {
      const rows = await db.blogArticle.findMany({ where: { status: "published" }, orderBy: { id: "asc" } });
      return rows.map((row) => {
        const article = toRow(row);
        return article.published ?? article.article;
      });
    },
    async version() {
      const figures = await db.blogArticle.aggregate({ _count: { _all: true }, _max: { updatedAt: true } });
      return `${figures._count._all}:${figures._max.updatedAt?.getTime() ?? 0}`;
    },
    async recent(limit) {
      return (await db.blogArticle.findMany({ orderBy: [{ date: "desc" }, { id: "desc" }], take: limit })).map(toRow);
    },
    async claimPreviews(now) {
      // Drafts, and published articles a re-import changed (staff review them again).
      const candidates = await db.blogArticle.findMany({
        where: { previewedAt: null, OR: [{ status: "draft" }, { status: "published", changes: { not: null } }] },
        orderBy: { id: "asc" },
        take: 20,
      });
      const claimed: BlogArticleRow[] = [];
      for (const candidate of candidates) {
        const { count } = await db.blogArticle.updateMany({ where: { id: candidate.id, previewedAt: null }, data: { previewedAt: now } });
        if (count === 1) claimed.push(toRow({ ...candidate, previewedAt: now }));
      }
      return claimed;
    },
    async feedState(url) {
      return db.contentFeedState.findUnique({ where: { url } });
    },
    async saveFeedState(url, change) {
      await db.contentFeedState.upsert({ where: { url }, create: { url, ...change }, update: change });
    },
    async claimFailureNotice(url, failingSince, now) {
      const { count } = await db.contentFeedState.updateMany({ where: { url, failingSince, failureNotifiedAt: null }, data: { failureNotifiedAt: now } });
      return count === 1;
    },
  };
}
