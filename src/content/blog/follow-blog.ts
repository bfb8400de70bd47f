import type { ContentLogger } from "../article.js";
import type { BlogArticleRepository } from "./blog-article-repository.js";
import type { FetchFn, FetchLimits } from "./fetch-source.js";
import { SourceError } from "./source-error.js";
import { storeBlogPosts, type StoreSummary } from "./store-blog-posts.js";
import { DAY_MS } from "../../shared/time.js";

/**
 * Follows the clinic's blog (CONTENT_FEED_URL): checked at start, then every
 * interval, with the validators of the last answer so an unchanged feed costs
 * a 304. A post not seen before becomes a draft; the database's unique key on
 * the post makes that happen once however many instances check. A failing feed
 * is retried sooner (1, 2, 4… minutes, up to the interval); what was imported
 * stays as it was, and staff are told once when it has kept failing for a day.
 */

export interface BlogFollowerDeps {
  url: string;
  intervalMs: number;
  blog: BlogArticleRepository;
  logger: ContentLogger & { info(details: object, message: string): void };
  now: () => Date;
  fetch?: FetchFn;
  limits?: Partial<FetchLimits>;
  /** New drafts were stored (their previews are due). */
  onDrafts?: (summary: StoreSummary) => void;
  /** The feed has failed for a day: tell staff (called once per run of failures, across instances). */
  onFailingForADay?: (error: string, since: Date) => Promise<void>;
}

export const FAILING_NOTICE_AFTER_MS = DAY_MS;
const FIRST_RETRY_MS = 60_000;

export type CheckOutcome = { ok: true; notModified: boolean; summary?: StoreSummary } | { ok: false; error: string };

export async function checkBlogOnce(deps: BlogFollowerDeps): Promise<CheckOutcome> {
  const { url, blog, logger } = deps;
  const state = await blog.feedState(url);
  const validators = state ? { ...(state.etag ? { etag: state.etag } : {}), ...(state.lastModified ? { lastModified: state.lastModified } : {}) } : undefined;
  try {
    // Loaded on the first check, not at start: the HTML and feed parsers it brings (linkedom, Readability,
    // sanitize-html) hold about 20 MB, and a clinic that follows no blog never needs them.
    const { importSource } = await import("./import-source.js");
    const result = await importSource(url, { fetch: deps.fetch, limits: deps.limits, validators });
    const now = deps.now();
    if (result.notModified) {
      await blog.saveFeedState(url, { lastCheckedAt: now, lastSuccessAt: now, failingSince: null, lastError: null, failureNotifiedAt: null });
      return { ok: true, notModified: true };
    }
    const summary = await storeBlogPosts(blog, result);
    await blog.saveFeedState(url, {
      lastCheckedAt: now,
      lastSuccessAt: now,
      etag: result.validators?.etag ?? null,
      lastModified: result.validators?.lastModified ?? null,
      failingSince: null,
      lastError: null,
      failureNotifiedAt: null,
    });
    if (summary.added.length > 0 || summary.updated > 0) {
      logger.info({ url, added: summary.added.length, updated: summary.updated, skipped: summary.skipped.length }, "blog checked: new or edited posts stored");
    }
    if (summary.added.length > 0) deps.onDrafts?.(summary);
    return { ok: true, notModified: false, summary };
  } catch (error) {
    const message = error instanceof SourceError ? error.message : `${url}: ${(error as Error).message}`;
    const now = deps.now();
    const failingSince = state?.failingSince ?? now;
    await blog.saveFeedState(url, { lastCheckedAt: now, failingSince, lastError: message });
    logger.warn({ url, error: message, failingSince }, "blog check failed; keeping what was imported");
    if (now.getTime() - failingSince.getTime() >= FAILING_NOTICE_AFTER_MS && (await blog.claimFailureNotice(url, failingSince, now))) {
      await deps.onFailingForADay?.(message, failingSince);
    }
    return { ok: false, error: message };
  }
}

/**
 * Checks now and then on a timer; returns a function that stops it, with `checkSoon()`: after the database
 * was away, the failures it caused (and their growing delay) are forgotten and the next check comes at once.
 */
export function followBlog(deps: BlogFollowerDeps): (() => void) & { checkSoon(): void } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let failures = 0;
  /** A check is under way (checkSoon then leaves it be: it schedules the next one itself). */
  let checking = false;
  const schedule = (delayMs: number) => {
    if (stopped) return;
    timer = setTimeout(() => void tick(), delayMs);
    // Following the blog alone must not keep the process alive at shutdown.
    timer.unref();
  };
  const tick = async () => {
    checking = true;
    let outcome: CheckOutcome;
    try {
      outcome = await checkBlogOnce(deps);
    } catch (error) {
      // The database itself failed: log it and try again later.
      deps.logger.error({ err: error, url: deps.url }, "blog check could not record its result");
      outcome = { ok: false, error: String(error) };
    }
    checking = false;
    failures = outcome.ok ? 0 : failures + 1;
    schedule(outcome.ok ? deps.intervalMs : Math.min(deps.intervalMs, FIRST_RETRY_MS * 2 ** (failures - 1)));
  };
  schedule(0);
  const stop = () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
  return Object.assign(stop, {
    checkSoon() {
      if (stopped || checking) return;
      clearTimeout(timer);
      failures = 0;
      schedule(0);
    },
  });
}
