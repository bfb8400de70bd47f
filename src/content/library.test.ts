import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { TELEGRAM_MESSAGE_LIMIT, type Article } from "./article.js";
import { createContentLibrary } from "./library.js";
import { parseArticle } from "./markdown-article.js";
import { markdownToTelegramHtml, visibleLength } from "./telegram-html.js";
import { renderTipCard } from "./tip-card.js";

const validArticles = fileURLToPath(new URL("./fixtures/valid/articles", import.meta.url));

function fixtureArticle(name: string): Article {
  const file = join(validArticles, name);
  const { article, problems } = parseArticle(file, readFileSync(file, "utf8"));
  expect(problems).toEqual([]);
  return article!;
}

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
