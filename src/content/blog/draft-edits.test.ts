import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, testProviders, type TestDatabase } from "../../../test/kit/test-database.js";
import type { Article, Section } from "../article.js";
import { createBlogArticleRepository, type BlogArticleRepository, type BlogArticleRow } from "./blog-article-repository.js";
import { dropDraftTip } from "./drop-draft-tip.js";
import { editDraftTip } from "./edit-draft-tip.js";
import { editDraftTitle } from "./edit-draft-title.js";
import type { ImportedPost } from "./import-source.js";
import { mergeDraftTip } from "./merge-draft-tip.js";
import { publishDraft } from "./publish-draft.js";
import { reviewBlogArticle } from "./review-blog-article.js";
import { storeBlogPosts } from "./store-blog-posts.js";

/** A post as the importer makes it: an intro, four tips, a closing call to book. */
function post(key: string, tips: Array<[string, string]>, title = "sitting well at work"): ImportedPost {
  const sections: Section[] = tips.map(([heading, body]) => ({
    id: heading.toLowerCase().replace(/[^a-z]+/g, "-"),
    heading,
    bodyMarkdown: "",
    bodyHtml: body,
    line: 0,
    isTip: true,
  }));
  const article: Article = {
    slug: key,
    title,
    date: "2026-11-20",
    language: "en",
    tags: [],
    url: `https://clinic.example/${key}/`,
    file: `https://clinic.example/${key}/`,
    imported: true,
    intro: "Desk work asks a lot of a back.",
    sections,
    closing: "Book an assessment with us.",
  };
  return { key: `https://clinic.example/${key}/`, article };
}

const FOUR: Array<[string, string]> = [
  ["Feet flat", "Keep both feet flat on the floor, knees level with the hips."],
  ["Screen at eye level", "Raise the screen so your eyes meet its top third."],
  ["Home Office Photo 2", "home-office-setup-1024x683.jpg"],
  ["Stand every half hour", "Stand up and walk for a minute every thirty minutes."],
];

const headings = (row: BlogArticleRow) => row.article.sections.filter((section) => section.isTip).map((section) => section.heading);
const bodies = (row: BlogArticleRow) => row.article.sections.filter((section) => section.isTip).map((section) => section.bodyHtml);

describe.each(testProviders)("staff edits of an imported article on %s", (provider) => {
  let db: TestDatabase;
  let repo: BlogArticleRepository;
  beforeAll(async () => {
    db = await createTestDatabase(provider);
    repo = createBlogArticleRepository(db.prisma);
  }, 60_000);
  afterAll(() => db?.drop());

  async function draft(key: string): Promise<BlogArticleRow> {
    const { added } = await storeBlogPosts(repo, { posts: [post(key, FOUR)], skipped: [] });
    return added[0]!;
  }

  it("edits the title and a tip, drops a tip, merges one into the one before, and publishes exactly that", async () => {
    let row = await draft("desk-posture");
    const titled = await editDraftTitle(repo, { articleId: row.id, revision: row.revision, title: "  Sitting well   at work  " });
    expect(titled.ok).toBe(true);
    row = (titled as { row: BlogArticleRow }).row;
    expect(row.article.title).toBe("Sitting well at work");

    const edited = await editDraftTip(repo, { articleId: row.id, revision: row.revision, tip: 1, heading: "Screen at eye level", text: "Raise the screen so your eyes meet its top.\n\nA stack of books <will> do." });
    expect(edited.ok).toBe(true);
    row = (edited as { row: BlogArticleRow }).row;
    expect(bodies(row)[1]).toBe("Raise the screen so your eyes meet its top.\n\nA stack of books &lt;will&gt; do.");

    const dropped = await dropDraftTip(repo, { articleId: row.id, revision: row.revision, tip: 2 });
    expect(dropped.ok).toBe(true);
    row = (dropped as { row: BlogArticleRow }).row;
    expect(headings(row)).toEqual(["Feet flat", "Screen at eye level", "Stand every half hour"]);

    const merged = await mergeDraftTip(repo, { articleId: row.id, revision: row.revision, tip: 2 });
    expect(merged.ok).toBe(true);
    row = (merged as { row: BlogArticleRow }).row;
    expect(headings(row)).toEqual(["Feet flat", "Screen at eye level"]);
    expect(bodies(row)[1]).toBe("Raise the screen so your eyes meet its top.\n\nA stack of books &lt;will&gt; do.\n\n<b>Stand every half hour</b>\n\nStand up and walk for a minute every thirty minutes.");

    // Nothing reaches patients before Publish.
    expect(await repo.published()).toEqual([]);
    const published = await publishDraft(repo, { articleId: row.id, revision: row.revision, staffId: 7 });
    expect(published.ok).toBe(true);
    const article = (await repo.published()).find((candidate) => candidate.slug === "desk-posture");
    expect(article!.title).toBe("Sitting well at work");
    expect(article!.sections.filter((section) => section.isTip).map((section) => section.id)).toEqual(["feet-flat", "screen-at-eye-level"]);
    expect(article!.sections[1]!.bodyHtml).toContain("<b>Stand every half hour</b>");
  });

  it("refuses an edit made on an older revision, one on a published article, and edits that make no sense", async () => {
    const row = await draft("stale-edits");
    const first = await dropDraftTip(repo, { articleId: row.id, revision: row.revision, tip: 2 });
    expect(first.ok).toBe(true);
    // The same revision again (a second press, a stale desk page, a forged call): changes nothing.
    const again = await editDraftTitle(repo, { articleId: row.id, revision: row.revision, title: "Another title" });
    expect(again).toMatchObject({ ok: false, reason: "stale" });
    const current = (await repo.find(row.id))!;
    expect(current.article.title).toBe("sitting well at work");
    expect(headings(current)).toHaveLength(3);

    expect(await mergeDraftTip(repo, { articleId: row.id, revision: current.revision, tip: 0 })).toMatchObject({ ok: false, reason: "first-tip" });
    expect(await dropDraftTip(repo, { articleId: row.id, revision: current.revision, tip: 9 })).toMatchObject({ ok: false, reason: "no-tip" });
    expect(await editDraftTip(repo, { articleId: row.id, revision: current.revision, tip: 0, heading: "Feet", text: "  \n " })).toMatchObject({ ok: false, reason: "empty" });
    expect(await editDraftTip(repo, { articleId: row.id, revision: current.revision, tip: 0, heading: "Feet", text: "word ".repeat(300) })).toMatchObject({ ok: false, reason: "too-long", limit: 1000 });
    expect(await editDraftTitle(repo, { articleId: 999_999, revision: 1, title: "x" })).toMatchObject({ ok: false, reason: "unknown" });
    expect((await repo.find(row.id))!.revision).toBe(current.revision);

    // Down to one tip: that one cannot be dropped.
    let last = current;
    for (const tip of [2, 1]) last = ((await dropDraftTip(repo, { articleId: row.id, revision: last.revision, tip })) as { row: BlogArticleRow }).row;
    expect(await dropDraftTip(repo, { articleId: row.id, revision: last.revision, tip: 0 })).toMatchObject({ ok: false, reason: "last-tip" });

    const published = (await publishDraft(repo, { articleId: row.id, revision: last.revision, staffId: 7 })) as { ok: true; row: BlogArticleRow };
    expect(published.ok).toBe(true);
    expect(await editDraftTitle(repo, { articleId: row.id, revision: published.row.revision, title: "Too late" })).toMatchObject({ ok: false, reason: "published" });
    expect(await publishDraft(repo, { articleId: row.id, revision: published.row.revision, staffId: 7 })).toMatchObject({ ok: false, reason: "published" });
    // A Skip pressed on the preview staff saw before publishing changes nothing either.
    expect(await reviewBlogArticle(repo, row.id, "skip", 7, row.revision)).toMatchObject({ ok: false });
    expect((await repo.find(row.id))!.status).toBe("published");
  });

  it("keeps the edits when the same post is imported again, and shows what changed when the post changed", async () => {
    let row = await draft("reimported");
    row = ((await dropDraftTip(repo, { articleId: row.id, revision: row.revision, tip: 2 })) as { row: BlogArticleRow }).row;
    row = ((await editDraftTip(repo, { articleId: row.id, revision: row.revision, tip: 0, heading: "Feet flat on the floor", text: "Both feet flat, knees at hip height." })) as { row: BlogArticleRow }).row;
    row = ((await editDraftTitle(repo, { articleId: row.id, revision: row.revision, title: "Sitting well at work" })) as { row: BlogArticleRow }).row;
    await repo.claimPreviews(new Date());

    // The follower reads the feed again: the same post changes nothing, edits included.
    const same = await storeBlogPosts(repo, { posts: [post("reimported", FOUR)], skipped: [] });
    expect(same.unchanged).toBe(1);
    const kept = (await repo.find(row.id))!;
    expect(kept.revision).toBe(row.revision);
    expect(kept.article.title).toBe("Sitting well at work");
    expect(headings(kept)).toEqual(["Feet flat on the floor", "Screen at eye level", "Stand every half hour"]);

    // Published, then the post changes: one tip reworded, one removed, one added.
    const published = (await publishDraft(repo, { articleId: row.id, revision: kept.revision, staffId: 7 })) as { ok: true; row: BlogArticleRow };
    expect(published.ok).toBe(true);
    const changedPost = post("reimported", [
      FOUR[0]!,
      ["Screen at eye level", "Raise the screen until your eyes meet its top edge."],
      FOUR[2]!,
      ["Breathe out slowly", "Three slow breaths loosen the shoulders."],
    ]);
    const changed = await storeBlogPosts(repo, { posts: [changedPost], skipped: [] });
    expect(changed.updated).toBe(1);
    const review = (await repo.find(row.id))!;
    // The edits of unchanged text still apply.
    expect(review.article.title).toBe("Sitting well at work");
    expect(headings(review)).toEqual(["Feet flat on the floor", "Screen at eye level", "Breathe out slowly"]);
    expect(review.changes).toEqual({
      title: false,
      tips: [
        { id: "screen-at-eye-level", heading: "Screen at eye level", kind: "changed" },
        { id: "breathe-out-slowly", heading: "Breathe out slowly", kind: "new" },
        { id: "stand-every-half-hour", heading: "Stand every half hour", kind: "removed" },
      ],
    });
    // Patients keep the published text until staff publish again; the changed article goes to staff again.
    const stillPublished = (await repo.published()).find((article) => article.slug === "reimported");
    expect(stillPublished!.sections.find((section) => section.id === "screen-at-eye-level")!.bodyHtml).toBe(FOUR[1]![1]);
    expect(stillPublished!.sections.map((section) => section.id)).toContain("stand-every-half-hour");
    expect((await repo.claimPreviews(new Date())).map((claimed) => claimed.id)).toEqual([row.id]);

    // Under review again, it may be edited, then published.
    const dropNew = await dropDraftTip(repo, { articleId: row.id, revision: review.revision, tip: 2 });
    expect(dropNew.ok).toBe(true);
    const republished = await publishDraft(repo, { articleId: row.id, revision: (dropNew as { row: BlogArticleRow }).row.revision, staffId: 7 });
    expect(republished.ok).toBe(true);
    const now = (await repo.published()).find((article) => article.slug === "reimported");
    expect(now!.sections.filter((section) => section.isTip).map((section) => section.heading)).toEqual(["Feet flat on the floor", "Screen at eye level"]);
    expect(now!.sections[1]!.bodyHtml).toBe("Raise the screen until your eyes meet its top edge.");
    expect((await repo.find(row.id))!.changes).toBeNull();
  });
});
