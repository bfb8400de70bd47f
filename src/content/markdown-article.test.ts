import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { ContentProblem } from "./article.js";
import { parseArticle } from "./markdown-article.js";

const validArticles = fileURLToPath(new URL("./fixtures/valid/articles", import.meta.url));

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
