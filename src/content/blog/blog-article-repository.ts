import type { Db } from "../../db/database.js";
import { isUniqueViolation } from "../../delivery/outbox-repository.js";
import type { Article } from "../article.js";
import type { ImportedPost } from "./import-source.js";

/**
 * Imported blog articles and the state of the followed feed, in the database:
 * they survive restarts and images, and every instance sees the same ones.
 * State changes are conditional updates, so a press on two instances, or a
 * forged one, changes at most what the current state allows.
 */

export const BLOG_STATUSES = ["draft", "published", "skipped", "unpublished"] as const;
export type BlogStatus = (typeof BLOG_STATUSES)[number];

export interface BlogArticleRow {
  id: number;
  sourceKey: string;
  status: BlogStatus;
  article: Article;
  previewedAt: Date | null;
  updatedAt: Date;
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
  /** A new post becomes a draft; a known one gets its edited text (its state and tip ids stay). */
  store(post: ImportedPost): Promise<{ row: BlogArticleRow; outcome: StoreOutcome }>;
  find(id: number): Promise<BlogArticleRow | null>;
  /** Moves one article from one of `from` to `to`; null when it was not in one of them. */
  transition(id: number, from: readonly BlogStatus[], to: BlogStatus, by: number | null): Promise<BlogArticleRow | null>;
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

type Row = { id: number; sourceKey: string; status: string; model: string; previewedAt: Date | null; updatedAt: Date };

function toRow(row: Row): BlogArticleRow {
  return { id: row.id, sourceKey: row.sourceKey, status: row.status as BlogStatus, article: JSON.parse(row.model) as Article, previewedAt: row.previewedAt, updatedAt: row.updatedAt };
}

function columns(post: ImportedPost) {
  const { article } = post;
  return { slug: article.slug, language: article.language, title: article.title, date: article.date, url: article.url ?? null, model: JSON.stringify(article) };
}

export function createBlogArticleRepository(db: Db): BlogArticleRepository {
  const find = async (id: number) => {
    const row = await db.blogArticle.findUnique({ where: { id } });
    return row ? toRow(row) : null;
  };
  return {
    async store(post) {
      const existing = await db.blogArticle.findUnique({ where: { sourceKey: post.key } });
      if (!existing) {
        try {
          return { row: toRow(await db.blogArticle.create({ data: { sourceKey: post.key, ...columns(post) } })), outcome: "new" };
        } catch (error) {
          // Another instance stored the same post a moment ago: it is that instance's draft.
          if (!isUniqueViolation(error)) throw error;
          return { row: toRow((await db.blogArticle.findUnique({ where: { sourceKey: post.key } }))!), outcome: "unchanged" };
        }
      }
      // A post that shows no date keeps the day it was first imported: importing it again is not an edit.
      const previous = JSON.parse(existing.model) as Article;
      const data = columns(post.article.dateByImport && previous.dateByImport ? { ...post, article: { ...post.article, date: previous.date } } : post);
      if (existing.model === data.model) return { row: toRow(existing), outcome: "unchanged" };
      return { row: toRow(await db.blogArticle.update({ where: { id: existing.id }, data })), outcome: "updated" };
    },
    find,
    async transition(id, from, to, by) {
      const { count } = await db.blogArticle.updateMany({
        where: { id, status: { in: [...from] } },
        data: { status: to, reviewedBy: by === null ? null : BigInt(by), reviewedAt: new Date() },
      });
      return count === 1 ? find(id) : null;
    },
    async published() {
      const rows = await db.blogArticle.findMany({ where: { status: "published" }, orderBy: { id: "asc" } });
      return rows.map((row) => toRow(row).article);
    },
    async version() {
      const figures = await db.blogArticle.aggregate({ _count: { _all: true }, _max: { updatedAt: true } });
      return `${figures._count._all}:${figures._max.updatedAt?.getTime() ?? 0}`;
    },
    async recent(limit) {
      return (await db.blogArticle.findMany({ orderBy: [{ date: "desc" }, { id: "desc" }], take: limit })).map(toRow);
    },
    async claimPreviews(now) {
      const candidates = await db.blogArticle.findMany({ where: { status: "draft", previewedAt: null }, orderBy: { id: "asc" }, take: 20 });
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
