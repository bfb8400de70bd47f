import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  createContentLibrary,
  loadContentLibrary,
  markdownToTelegramHtml,
  parseArticle,
  renderTipCard,
  TELEGRAM_MESSAGE_LIMIT,
  visibleLength,
  watchContent,
  type Article,
  type ContentProblem,
} from "./articles.js";
import { ContentError } from "./yaml-file.js";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const fixtures = fileURLToPath(new URL("./fixtures", import.meta.url));
const validArticles = join(fixtures, "valid", "articles");

function fixtureArticle(name: string): Article {
  const file = join(validArticles, name);
  const { article, problems } = parseArticle(file, readFileSync(file, "utf8"));
  expect(problems).toEqual([]);
  return article!;
}

/** An article source; the defaults make a valid article, so each test changes only what it checks. */
function articleSource({
  front = ["title: Sample", "slug: sample", "date: 2026-03-14", "language: en"],
  body = ["## A tip {#tip}", "", "Text."],
}: { front?: string[]; body?: string[] } = {}): string {
  return ["---", ...front, "---", "", ...body].join("\n");
}

/** The 1-based line of the only line equal to `text`, so expectations read as "the line with ...". */
function lineWith(source: string, text: string): number {
  const lines = source.split("\n");
  expect(lines.filter((line) => line === text)).toHaveLength(1);
  return lines.indexOf(text) + 1;
}

function problemsOf(source: string, file = "content/articles/sample.en.md"): ContentProblem[] {
  return parseArticle(file, source).problems;
}

describe("parseArticle", () => {
  it("reads the front matter, the intro and the sections of a valid article", () => {
    const file = join(validArticles, "massage-low-back-pain.en.md");
    const source = readFileSync(file, "utf8");
    const { article, problems } = parseArticle(file, source);

    expect(problems).toEqual([]);
    expect(article).toMatchObject({
      slug: "massage-low-back-pain",
      title: "Can massage therapy help with lower back pain?",
      date: "2026-03-14",
      language: "en",
      tags: ["massage", "low-back-pain"],
      url: "https://maplespine.example/blog/massage-low-back-pain",
      file,
      intro: "Lower back pain is one of the most common reasons people visit our clinic.\nHere is what massage can and cannot do.",
    });
    expect(article!.sections.map(({ id, heading, line, isTip }) => ({ id, heading, line, isTip }))).toEqual([
      { id: "muscle-relaxation", heading: "1. Relaxing tight muscles", line: lineWith(source, "## 1. Relaxing tight muscles {#muscle-relaxation}"), isTip: true },
      { id: "gentle-movement", heading: "2. Moving again", line: lineWith(source, "## 2. Moving again {#gentle-movement}"), isTip: true },
      { id: null, heading: "Before you book", line: lineWith(source, "## Before you book {.no-tip}"), isTip: false },
    ]);
    expect(article!.sections[0]!.bodyMarkdown).toBe(
      "When the muscles around the spine stay **tense**, they *tire* and ache.\nMassage helps them let go.\n\n" +
        "- Slow, deep strokes calm the nervous system.\n- Warmth improves blood flow.",
    );
  });

  it("accepts Windows line endings and a byte-order mark", () => {
    const { article, problems } = parseArticle("content/articles/sample.en.md", `\uFEFF${articleSource().replace(/\n/g, "\r\n")}`);
    expect(problems).toEqual([]);
    expect(article!.sections[0]!.bodyMarkdown).toBe("Text.");
  });

  describe("reports each problem at its line", () => {
    const cases: { name: string; source: string; file?: string; at: string | 1; message: RegExp; severity?: "warning" }[] = [
      { name: "no front matter", source: "## A tip {#tip}\n\nText.", at: 1, message: /must start with front matter/ },
      { name: "front matter never closed", source: "---\ntitle: Sample\n\nText.", at: 1, message: /never closed/ },
      {
        name: "a missing key",
        source: articleSource({ front: ["slug: sample", "date: 2026-03-14", "language: en"] }),
        at: "slug: sample",
        message: /^front matter: title: is required$/,
      },
      {
        name: "a date that does not exist",
        source: articleSource({ front: ["title: Sample", "slug: sample", "date: 2026-02-30", "language: en"] }),
        at: "date: 2026-02-30",
        message: /date: must be a date like 2026-03-14/,
      },
      {
        name: "an unknown language",
        source: articleSource({ front: ["title: Sample", "slug: sample", "date: 2026-03-14", "language: de"] }),
        at: "language: de",
        message: /unknown language "de": must be en or fr/,
      },
      {
        name: "a slug that is not lowercase-with-hyphens",
        source: articleSource({ front: ["title: Sample", "slug: Sample_Article", "date: 2026-03-14", "language: en"] }),
        at: "slug: Sample_Article",
        message: /slug: must be lowercase letters, digits and hyphens/,
      },
      {
        name: "a url that is not http(s)",
        source: articleSource({ front: ["title: Sample", "slug: sample", "date: 2026-03-14", "language: en", "url: ftp://example.com/a"] }),
        at: "url: ftp://example.com/a",
        message: /url: must be an http\(s\) address/,
      },
      {
        name: "a slug that differs from the file name",
        source: articleSource({ front: ["title: Sample", "slug: other", "date: 2026-03-14", "language: en"] }),
        at: "slug: other",
        message: /slug other does not match the file name \(sample\)/,
        severity: "warning",
      },
      {
        name: "a language that differs from the file name",
        file: "content/articles/sample.fr.md",
        source: articleSource(),
        at: "language: en",
        message: /language en does not match the file name's \.fr\.md/,
      },
      { name: "a file name without language", file: "content/articles/sample.md", source: articleSource(), at: 1, message: /<slug>\.<language>\.md/ },
      {
        name: "a heading without {#id} or {.no-tip}",
        source: articleSource({ body: ["## A tip {#tip}", "", "Text.", "", "## Stretch gently", "", "More."] }),
        at: "## Stretch gently",
        message: /must end with \{#section-id\} \(a tip\) or \{\.no-tip\}/,
      },
      {
        name: "an unknown heading attribute",
        source: articleSource({ body: ["## A tip {#tip}", "", "Text.", "", "## Other {.tip}", "", "More."] }),
        at: "## Other {.tip}",
        message: /attribute \{\.tip\} must be/,
      },
      {
        name: "a malformed section id",
        source: articleSource({ body: ["## A tip {#Tip_One}", "", "Text."] }),
        at: "## A tip {#Tip_One}",
        message: /section id #Tip_One must be lowercase/,
      },
      {
        name: "a duplicate section id",
        source: articleSource({ body: ["## A tip {#tip}", "", "Text.", "", "## Same id {#tip}", "", "More."] }),
        at: "## Same id {#tip}",
        message: /#tip is already used on line 8/,
      },
      {
        name: "a tip with no text",
        source: articleSource({ body: ["## Empty {#empty}", "", "", "## A tip {#tip}", "", "Text."] }),
        at: "## Empty {#empty}",
        message: /tip #empty has no text/,
      },
      {
        name: "a tip too long for a card",
        source: articleSource({ body: ["## Long {#long}", "", "word ".repeat(220).trim()] }),
        at: "## Long {#long}",
        message: /tip #long is 1105 characters long; a tip card must stay within 1000/,
      },
      {
        name: "a level-1 heading",
        source: articleSource({ body: ["# Title again", "", "## A tip {#tip}", "", "Text."] }),
        at: "# Title again",
        message: /a # heading is not allowed/,
      },
      {
        name: "a ### subheading",
        source: articleSource({ body: ["## A tip {#tip}", "", "### Detail", "", "Text."] }),
        at: "### Detail",
        message: /a ### heading is not allowed/,
      },
      { name: "an article with no tip", source: articleSource({ body: ["## Closing {.no-tip}", "", "Text."] }), at: 1, message: /has no tip/ },
      {
        name: "an unknown front matter key",
        source: articleSource({ front: ["title: Sample", "slug: sample", "date: 2026-03-14", "language: en", "ulr: https://a.example"] }),
        at: "title: Sample",
        message: /unknown key "ulr" \(known: title, slug, date, language, tags, url\)/,
      },
    ];

    it.each(cases)("$name", ({ source, file, at, message, severity = "error" }) => {
      const problems = problemsOf(source, file);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toEqual({
        file: file ?? "content/articles/sample.en.md",
        line: at === 1 ? 1 : lineWith(source, at),
        message: expect.stringMatching(message),
        severity,
      });
    });
  });

  it("reports invalid YAML at its line", () => {
    const source = articleSource({ front: ["title: Sample", "slug: sample", "date: [2026", "language: en"] });
    expect(problemsOf(source)).toEqual([
      { file: "content/articles/sample.en.md", line: lineWith(source, "language: en"), message: expect.stringMatching(/invalid YAML/), severity: "error" },
    ]);
  });

  it("keeps an article whose only problems are warnings, and drops one with an error", () => {
    const renamed = articleSource({ front: ["title: Sample", "slug: other", "date: 2026-03-14", "language: en"] });
    expect(parseArticle("content/articles/sample.en.md", renamed).article?.slug).toBe("other");
    expect(parseArticle("content/articles/sample.fr.md", articleSource()).article).toBeUndefined();
  });

  it("does not mistake a #hashtag or a word with # for a heading", () => {
    const source = articleSource({ body: ["## A tip {#tip}", "", "#backpain is common.", "Use C# at work."] });
    expect(problemsOf(source)).toEqual([]);
  });
});

describe("tip identity and order", () => {
  const desk = fixtureArticle("desk-posture.en.md");
  const massage = fixtureArticle("massage-low-back-pain.en.md");
  const massageFr = fixtureArticle("massage-low-back-pain.fr.md");

  function withDate(article: Article, slug: string, date: string): Article {
    return { ...article, slug, date, file: `content/articles/${slug}.${article.language}.md` };
  }

  it("names a tip <slug>#<section-id>, unchanged when its heading and text are reworded", () => {
    const file = join(validArticles, "massage-low-back-pain.en.md");
    const original = readFileSync(file, "utf8");
    const reworded = original
      .replace("## 1. Relaxing tight muscles {#muscle-relaxation}", "## 1. Let tight muscles go {#muscle-relaxation}")
      .replace("Massage helps them let go.", "A massage helps them release.");
    const before = createContentLibrary([parseArticle(file, original).article!]);
    const after = createContentLibrary([parseArticle(file, reworded).article!]);

    expect(after.tips("en").map((tip) => tip.heading)).not.toEqual(before.tips("en").map((tip) => tip.heading));
    expect(after.allTipIds()).toEqual(before.allTipIds());
    expect(after.allTipIds()).toEqual(["massage-low-back-pain#muscle-relaxation", "massage-low-back-pain#gentle-movement"]);
  });

  it("orders tips by article date, then slug, then section order, whatever the input order", () => {
    const sameDayAsMassage = withDate(desk, "aaa-same-day", massage.date);
    const library = createContentLibrary([massage, sameDayAsMassage, desk]);
    expect(library.tips("en").map((tip) => tip.id)).toEqual([
      "desk-posture#screen-height",
      "desk-posture#hourly-break",
      "aaa-same-day#screen-height",
      "aaa-same-day#hourly-break",
      "massage-low-back-pain#muscle-relaxation",
      "massage-low-back-pain#gentle-movement",
    ]);
    expect(createContentLibrary([desk, sameDayAsMassage, massage]).allTipIds()).toEqual(library.allTipIds());
  });

  it("inserts a new article's tips without changing the order of the existing ones", () => {
    const existing = createContentLibrary([desk, massage]).allTipIds();
    const older = withDate(desk, "older-article", "2025-12-01");
    const newer = withDate(desk, "newer-article", "2026-09-01");
    const grown = createContentLibrary([desk, massage, older, newer]).allTipIds();

    expect(grown.filter((id) => existing.includes(id))).toEqual(existing);
    expect(grown.slice(0, 2)).toEqual(["older-article#screen-height", "older-article#hourly-break"]);
    expect(grown.slice(-2)).toEqual(["newer-article#screen-height", "newer-article#hourly-break"]);
  });

  it("keeps the English order for all tip ids, adding French-only tips after their article's English ones", () => {
    const frenchOnlySection: Article = {
      ...massageFr,
      sections: [...massageFr.sections, { id: "french-extra", heading: "En plus", bodyMarkdown: "Texte.", line: 30, isTip: true }],
    };
    const frenchOnlyArticle = withDate(massageFr, "aaa-french-only", "2026-02-01");
    const library = createContentLibrary([frenchOnlySection, frenchOnlyArticle, massage, desk]);

    expect(library.allTipIds()).toEqual([
      "desk-posture#screen-height",
      "desk-posture#hourly-break",
      "aaa-french-only#muscle-relaxation",
      "aaa-french-only#gentle-movement",
      "massage-low-back-pain#muscle-relaxation",
      "massage-low-back-pain#gentle-movement",
      "massage-low-back-pain#french-extra",
    ]);
    expect(library.size).toBe(7);
  });

  it("gives the tip in the reader's language, else the English one, else null", () => {
    const library = createContentLibrary([desk, massage, massageFr]);
    expect(library.tipFor("massage-low-back-pain#muscle-relaxation", "fr")).toMatchObject({ language: "fr", heading: "1. Détendre les muscles tendus" });
    expect(library.tipFor("desk-posture#screen-height", "fr")).toMatchObject({ language: "en", heading: "Screen at eye level" });
    expect(library.tipFor("desk-posture#nope", "fr")).toBeNull();
    expect(library.tips("fr").map((tip) => tip.id)).toEqual(["massage-low-back-pain#muscle-relaxation", "massage-low-back-pain#gentle-movement"]);
    expect(library.articles("en").map((article) => article.slug)).toEqual(["desk-posture", "massage-low-back-pain"]);
  });
});

describe("tip cards", () => {
  const library = createContentLibrary([fixtureArticle("desk-posture.en.md"), fixtureArticle("massage-low-back-pain.en.md")]);
  const options = { disclaimer: "General information, not a diagnosis.", readMoreLabel: "Read the article" };

  it("renders heading, body, link and disclaimer as Telegram HTML", () => {
    const card = renderTipCard(library.tipFor("massage-low-back-pain#muscle-relaxation", "en")!, "en", options);
    expect(card).toBe(
      "<b>Relaxing tight muscles</b>\n\n" +
        "When the muscles around the spine stay <b>tense</b>, they <i>tire</i> and ache. Massage helps them let go.\n\n" +
        "• Slow, deep strokes calm the nervous system.\n• Warmth improves blood flow.\n\n" +
        '<a href="https://maplespine.example/blog/massage-low-back-pain">Read the article</a>\n\n' +
        "<i>General information, not a diagnosis.</i>",
    );
  });

  it("escapes < and &, has no link without a url, shows the disclaimer once and an optional counter", () => {
    const tip = library.tipFor("desk-posture#hourly-break", "en")!;
    const card = renderTipCard(tip, "fr", { ...options, disclaimer: "Info & conseils <généraux>", counterLabel: "Tip 2 of 4" });
    expect(card).toBe(
      "<i>Tip 2 of 4</i>\n<b>Stand up every hour</b>\n\nSet a timer: one minute standing each hour &lt; one hour of stiffness.\n\n" +
        "<i>Info &amp; conseils &lt;généraux&gt;</i>",
    );
    expect(card.split("Info &amp; conseils")).toHaveLength(2);
    expect(visibleLength(card)).toBe(
      "Tip 2 of 4\nStand up every hour\n\nSet a timer: one minute standing each hour < one hour of stiffness.\n\nInfo & conseils <généraux>".length,
    );
  });

  it("refuses a card Telegram would reject, and a tip in a third language for the reader", () => {
    const tip = library.tipFor("desk-posture#hourly-break", "en")!;
    expect(() => renderTipCard(tip, "en", { ...options, disclaimer: "x".repeat(TELEGRAM_MESSAGE_LIMIT) })).toThrow(RangeError);
    expect(() => renderTipCard({ ...tip, language: "fr" }, "en", options)).toThrow(/is in fr/);
  });

  it("keeps every loaded tip card within Telegram's limit", () => {
    for (const tip of library.tips("en")) {
      expect(visibleLength(renderTipCard(tip, "en", options))).toBeLessThanOrEqual(TELEGRAM_MESSAGE_LIMIT);
    }
  });

  it.each([
    ["**bold** and *italic* and _italic_", "<b>bold</b> and <i>italic</i> and <i>italic</i>"],
    ["***both***", "<b><i>both</i></b>"],
    ["*italic with **bold** inside*", "<i>italic with <b>bold</b> inside</i>"],
    ["**crossing *markers** here*", "**crossing <i>markers</i>* here*"],
    ["2 * 3 * 4 and snake_case_name", "2 * 3 * 4 and snake_case_name"],
    ["an *unclosed marker", "an *unclosed marker"],
    ["`a*b* <tag>` then *i*", "<code>a*b* &lt;tag&gt;</code> then <i>i</i>"],
    ["A & B < C > D", "A &amp; B &lt; C &gt; D"],
    ["one\ntwo\n\nthree", "one two\n\nthree"],
    ["Try:\n- first\n  continued\n- second\n1. numbered", "Try:\n• first continued\n• second\n1. numbered"],
  ])("converts %j", (markdown, html) => {
    expect(markdownToTelegramHtml(markdown)).toBe(html);
  });
});

describe("loadContentLibrary", () => {
  const temporaryDirs: string[] = [];
  afterEach(() => {
    for (const dir of temporaryDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  /** A content folder holding the valid fixtures plus `extra` files. */
  function contentDir(extra: Record<string, string> = {}): string {
    const dir = mkdtempSync(join(tmpdir(), "content-"));
    temporaryDirs.push(dir);
    cpSync(validArticles, join(dir, "articles"), { recursive: true });
    for (const [name, source] of Object.entries(extra)) writeFileSync(join(dir, "articles", name), source);
    return dir;
  }

  it("loads the valid fixtures without problems", () => {
    const { library, problems } = loadContentLibrary(join(fixtures, "valid"));
    expect(problems).toEqual([]);
    expect(library.size).toBe(4);
    expect(library.tips("en")).toHaveLength(4);
    expect(library.tips("fr")).toHaveLength(2);
  });

  it("skips an invalid article, logging a warning that names its file", () => {
    const dir = contentDir({ "broken.en.md": articleSource({ front: ["title: Broken", "slug: broken", "date: someday", "language: en"] }) });
    const logger = { warn: vi.fn(), error: vi.fn() };
    const { library, problems } = loadContentLibrary(dir, logger);

    expect(library.articles("en").map((article) => article.slug)).toEqual(["desk-posture", "massage-low-back-pain"]);
    expect(problems).toEqual([expect.objectContaining({ file: join(dir, "articles", "broken.en.md"), line: 4, severity: "error" })]);
    expect(logger.warn).toHaveBeenCalledWith(expect.objectContaining({ file: join(dir, "articles", "broken.en.md") }), expect.stringContaining("skipped"));
  });

  it("keeps the article whose file name matches its slug when a copy reuses the slug", () => {
    const copy = readFileSync(join(validArticles, "desk-posture.en.md"), "utf8").replace("Three habits", "A copy");
    const dir = contentDir({ "a-copy.en.md": copy });
    const { library, problems } = loadContentLibrary(dir);

    expect(library.articles("en").find((article) => article.slug === "desk-posture")?.title).toBe("Three habits for a kinder desk posture");
    expect(problems).toEqual([
      expect.objectContaining({ file: join(dir, "articles", "a-copy.en.md"), line: 3, severity: "warning" }),
      {
        file: join(dir, "articles", "a-copy.en.md"),
        line: 3,
        message: `slug desk-posture (en) is already used by ${join(dir, "articles", "desk-posture.en.md")}; this file is skipped`,
        severity: "error",
      },
    ]);
  });

  it("warns when a translation's tip sections differ from the English ones", () => {
    const dir = contentDir();
    const frenchFile = join(dir, "articles", "massage-low-back-pain.fr.md");
    writeFileSync(frenchFile, readFileSync(frenchFile, "utf8").replace("{#gentle-movement}", "{#bouger}"));
    const { library, problems } = loadContentLibrary(dir);

    expect(problems).toEqual([
      {
        file: frenchFile,
        line: 1,
        message: `tip sections differ from ${join(dir, "articles", "massage-low-back-pain.en.md")}: missing #gentle-movement; not in the original: #bouger`,
        severity: "warning",
      },
    ]);
    expect(library.tipFor("massage-low-back-pain#bouger", "fr")).not.toBeNull();
  });

  it("throws a ContentError when the articles folder cannot be read", () => {
    expect(() => loadContentLibrary(join(fixtures, "missing"))).toThrow(ContentError);
  });
});

describe("watchContent", () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const cleanup of cleanups.splice(0)) cleanup();
  });

  function watchedDir() {
    const dir = mkdtempSync(join(tmpdir(), "content-watch-"));
    cpSync(validArticles, join(dir, "articles"), { recursive: true });
    const onChange = vi.fn();
    const logger = { warn: vi.fn(), error: vi.fn() };
    const stop = watchContent(dir, onChange, { intervalMs: 10, logger });
    cleanups.push(() => {
      stop();
      rmSync(dir, { recursive: true, force: true });
    });
    return { dir, onChange, logger };
  }

  it("reloads when an article is added and when one is modified", async () => {
    const { dir, onChange } = watchedDir();
    const added = articleSource({ front: ["title: Added", "slug: added", "date: 2026-05-01", "language: en"] });
    writeFileSync(join(dir, "articles", "added.en.md"), added);
    await vi.waitFor(() => expect(onChange.mock.lastCall?.[0].library.tipFor("added#tip", "en")).not.toBeNull(), { timeout: 2000, interval: 10 });

    writeFileSync(join(dir, "articles", "added.en.md"), added.replace("Text.", "Longer, reworded text."));
    await vi.waitFor(
      () => expect(onChange.mock.lastCall?.[0].library.tipFor("added#tip", "en").bodyMarkdown).toBe("Longer, reworded text."),
      { timeout: 2000, interval: 10 },
    );
  });

  it("keeps the previous library when a reload fails", async () => {
    const { dir, onChange, logger } = watchedDir();
    rmSync(join(dir, "articles"), { recursive: true });
    await vi.waitFor(() => expect(logger.error).toHaveBeenCalledWith(expect.objectContaining({ contentDir: dir }), expect.stringContaining("keeping")), {
      timeout: 2000,
      interval: 10,
    });
    expect(onChange).not.toHaveBeenCalled();
  });
});

describe("content-check script", () => {
  function runContentCheck(dir: string) {
    const result = spawnSync(join(repoRoot, "node_modules", ".bin", "tsx"), ["src/scripts/content-check.ts", dir], {
      cwd: repoRoot,
      encoding: "utf8",
    });
    return { status: result.status, lines: result.stdout.trim().split("\n") };
  }

  it("prints each problem with file, line and severity, and exits 1 on errors", () => {
    const dir = "src/content/fixtures/broken";
    const { status, lines } = runContentCheck(dir);
    expect(status).toBe(1);
    expect(lines).toEqual([
      `${dir}/articles/bad-date.en.md:4: error: front matter: date: must be a date like 2026-03-14`,
      `${dir}/articles/bad-heading.en.md:1: error: the article has no tip: mark at least one ## heading with {#section-id}`,
      `${dir}/articles/bad-heading.en.md:8: error: a ## heading must end with {#section-id} (a tip) or {.no-tip} (article only)`,
      `${dir}/articles/renamed.en.md:3: warning: slug desk-stretches does not match the file name (renamed)`,
      `${dir}/clinic.yml: error: cannot be read (ENOENT)`,
      `${dir}/safety.yml: error: cannot be read (ENOENT)`,
      `content-check ${dir}: articles en 1, fr 0; tips en 1, fr 0; 5 errors, 1 warning`,
    ]);
  }, 30_000);

  it("exits 0 on valid content", () => {
    const { status, lines } = runContentCheck("src/content/fixtures/valid");
    expect(lines).toEqual(["content-check src/content/fixtures/valid: articles en 2, fr 1; tips en 4, fr 2; 0 errors, 0 warnings"]);
    expect(status).toBe(0);
  }, 30_000);

  it.skipIf(!existsSync(join(repoRoot, "content", "articles")))("passes on the real content folder", () => {
    const { status, lines } = runContentCheck("content");
    expect(lines.filter((line) => /: error: /.test(line))).toEqual([]);
    expect(status).toBe(0);
  }, 30_000);
});
