import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, testProviders, type TestDatabase } from "../../../test/kit/test-database.js";
import { createContentLibrary } from "../library.js";
import { createTipLibrary } from "../tip-library.js";
import { createBlogArticleRepository } from "./blog-article-repository.js";
import { checkBlogOnce, FAILING_NOTICE_AFTER_MS, type BlogFollowerDeps } from "./follow-blog.js";
import { reviewBlogArticle } from "./review-blog-article.js";

const atom = readFileSync(fileURLToPath(new URL("./fixtures/feed-atom.xml", import.meta.url)), "utf8");
const silent = { info() {}, warn() {}, error() {} };

/** The blog: a feed with an ETag, which can be switched to failing. */
let server: Server;
let feedUrl = "";
let failing = false;
const conditionalHits: string[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    if (failing) {
      response.writeHead(503).end();
      return;
    }
    if (request.headers["if-none-match"] === '"atom-1"') {
      conditionalHits.push("304");
      response.writeHead(304).end();
      return;
    }
    response.writeHead(200, { "content-type": "application/atom+xml", etag: '"atom-1"' }).end(atom);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  feedUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/atom.xml`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe.each(testProviders)("following the blog on %s", (provider) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(provider);
  });
  afterAll(() => database.drop());

  it("imports each post once across two instances, previews it once, then costs a 304; publishing reaches every instance's library", async () => {
    conditionalHits.length = 0;
    const instances = [createBlogArticleRepository(database.prisma), createBlogArticleRepository(database.prisma)];
    const deps = (blog: (typeof instances)[number]): BlogFollowerDeps => ({ url: feedUrl, intervalMs: 60_000, blog, logger: silent, now: () => new Date() });

    const outcomes = await Promise.all(instances.map((blog) => checkBlogOnce(deps(blog))));
    expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
    const added = outcomes.flatMap((outcome) => (outcome.ok ? (outcome.summary?.added ?? []) : []));
    expect(added).toHaveLength(1);
    expect(await database.prisma.blogArticle.count()).toBe(1);

    const previews = await Promise.all(instances.map((blog) => blog.claimPreviews(new Date())));
    expect(previews.flat().map((row) => row.article.title)).toEqual(["Running again after a back injury"]);

    expect(await checkBlogOnce(deps(instances[0]!))).toEqual({ ok: true, notModified: true });
    expect(conditionalHits).toEqual(["304"]);

    // Two instances' libraries: staff publish through one; the other serves it from its next refresh.
    const files = createContentLibrary([]);
    const [first, second] = instances.map((blog) => createTipLibrary({ files: () => files, blog }));
    await Promise.all([first!.refresh(), second!.refresh()]);
    expect(second!.current().tips("en")).toEqual([]);
    const id = added[0]!.id;
    expect((await reviewBlogArticle(instances[0]!, id, "publish", 7)).ok).toBe(true);
    await second!.refresh();
    expect(second!.current().allTipIds()).toEqual(["running-again#walk-before-you-run", "running-again#add-one-minute-a-week"]);
    // The article is English: French readers keep their own tips and get none of these.
    expect(second!.current().tipFor("running-again#walk-before-you-run", "fr")).toBeNull();

    // A forged or stale press changes nothing: Skip only applies to a draft.
    expect(await reviewBlogArticle(instances[1]!, id, "skip", 8)).toMatchObject({ ok: false, row: { status: "published" } });
    expect(await reviewBlogArticle(instances[1]!, 999_999, "unpublish", 8)).toEqual({ ok: false, row: null });
  });

  it("keeps what was imported while the feed fails, and tells staff once when it has failed for a day", async () => {
    const blog = createBlogArticleRepository(database.prisma);
    const notices: string[] = [];
    let clock = new Date("2026-12-01T08:00:00Z");
    const deps: BlogFollowerDeps = {
      url: feedUrl,
      intervalMs: 60_000,
      blog,
      logger: silent,
      now: () => clock,
      onFailingForADay: async (error) => void notices.push(error),
    };
    const before = await database.prisma.blogArticle.findMany();
    failing = true;
    try {
      expect(await checkBlogOnce(deps)).toEqual({ ok: false, error: `${feedUrl}: answered HTTP 503 Service Unavailable` });
      clock = new Date(clock.getTime() + FAILING_NOTICE_AFTER_MS - 60_000);
      await checkBlogOnce(deps);
      expect(notices).toEqual([]);
      clock = new Date(clock.getTime() + 60_000);
      await checkBlogOnce(deps);
      await checkBlogOnce({ ...deps, blog: createBlogArticleRepository(database.prisma) });
      expect(notices).toEqual([`${feedUrl}: answered HTTP 503 Service Unavailable`]);
    } finally {
      failing = false;
    }
    expect(await database.prisma.blogArticle.findMany()).toEqual(before);
    await checkBlogOnce(deps);
    expect(await blog.feedState(feedUrl)).toMatchObject({ failingSince: null, failureNotifiedAt: null, lastError: null });
  });
});
