import { readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Article } from "../article.js";
import { createTestDatabase, testProviders, type TestDatabase } from "../../../test/kit/test-database.js";
import { createBlogArticleRepository } from "./blog-article-repository.js";
import { importSource } from "./import-source.js";
import { htmlToText } from "./page-blocks.js";
import { storeBlogPosts } from "./store-blog-posts.js";

/**
 * The shapes of real clinic blog pages (SHAPES.md), each written as a page of
 * our own in fixtures/pages: every one imports with its title, its language,
 * exactly its sections, and none of the site around it.
 */

const pages = fileURLToPath(new URL("./fixtures/pages", import.meta.url));
const TODAY = "2026-12-07";

interface Expected {
  title: string;
  language: "en" | "fr";
  /** A date the page shows, or "import" when it shows none. */
  date: string;
  tips: string[];
  /** Words of the site around the post, which no tip may contain. */
  chrome: string[];
  /** What the closing call to book holds, when there is one. */
  closing?: string;
}

/** What the page shows of its site; none of it in a tip, whatever the page. */
const ANY_CHROME = /skip to|aller au contenu|passer au contenu|top of page|bottom of page|read more|lire la suite|min read|min de lecture|temps de lecture|©|all rights reserved|leave a reply|related posts|articles similaires|\bshare\b|partager|facebook|twitter|linkedin|\.jpe?g\b|\.png\b|\[\/?[a-z_]+[^\]]*\]|cookies|@[\w-]+\.\w|email protected/i;
/** A phone number, which belongs to the call to book, never to a tip. */
const PHONE = /\(?\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}|\b0\d(?:[\s.]\d{2}){4}\b|\b0\d{3}\s\d{3}\s\d{4}\b|\b0\d\s\d{4}\s\d{4}\b/;

const EXPECTED: Record<string, Expected> = {
  "wordpress-byline-glued.txt": {
    title: "Why Your Lower Back Aches After Gardening",
    language: "en",
    date: "2022-04-12",
    tips: ["What Happens to Your Back in the Garden", "Common Garden Strains", "How to Garden Without the Ache"],
    chrome: ["Harbourline Physio", "Back Care", "May 3rd"],
    closing: "book online",
  },
  "no-title-key-advice.txt": {
    title: "These weeks, more of us are working at the kitchen table than ever before, and…",
    language: "en",
    date: "import",
    tips: ["Sit with your hips a little higher than your knees", "Get up every half hour", "Keep moving outside work hours"],
    chrome: [],
  },
  "numbered-exercises-bullet-steps.txt": {
    title: "Gentle Mobility Exercises for a Stiff Lower Back",
    language: "en",
    date: "import",
    tips: ["Cat and camel", "Knee rolls", "Child's pose"],
    chrome: [],
  },
  "exercise-headings-bare-steps.txt": {
    title: "4 Simple Physiotherapy Exercises to Ease Back Pain at Home",
    language: "en",
    date: "import",
    tips: ["Pelvic Tilts", "Knee-to-Chest Stretch", "Bird Dog", "Bridge"],
    chrome: ["Book an assessment"],
    closing: "Book an assessment",
  },
  "dos-and-donts-alt-text-repeated.txt": {
    title: "Exercising With Lower Back Pain: 6 Dos and Don'ts",
    language: "en",
    date: "import",
    tips: ["DO start with light activity", "DON'T keep going through sharp pain", "DO keep your core switched on", "DON'T stay in bed", "DO warm up first", "DON'T compare yourself with others"],
    chrome: ["at Northgate Physio", "02 9555"],
    closing: "Call Northgate Physio",
  },
  "fr-osteo-questions-colon-headings.txt": {
    title: "Posture au bureau : 5 conseils d'une ostéopathe",
    language: "fr",
    date: "import",
    tips: ["Pourquoi soigner sa posture au bureau ?", "La position des jambes", "La hauteur de l'écran", "Le clavier et la souris", "Faire des pauses actives"],
    chrome: ["Cabinet d'ostéopathie Lemaire", "Accueil", "prenez rendez-vous"],
    closing: "prenez rendez-vous",
  },
  "fr-category-line-title-repeated.txt": {
    title: "Douleurs de nuque : ce que votre ostéopathe regarde en premier",
    language: "fr",
    date: "import",
    tips: ["D'où vient la douleur ?", "Que faire à la maison ?", "Quand consulter ?"],
    chrome: ["Classé dans", "femme se massant"],
  },
  "contact-block-prose-only.txt": {
    title: "Homeworking and Movement",
    language: "en",
    date: "import",
    tips: ["Homeworking and Movement"],
    chrome: ["Brambleway", "Thistle Row", "EH4", "0131"],
  },
  "avada-date-glued-questions.txt": {
    title: "Sciatica: what it is and how to find relief",
    language: "en",
    date: "2025-03-18",
    tips: ["What is sciatica?", "What causes it?", "What helps at home?", "When should you see someone?"],
    chrome: ["Healthy Living", "2025-03-18T"],
  },
  "lone-dash-bullets-do-dont.txt": {
    title: "Sciatica 101: what's really going on",
    language: "en",
    date: "import",
    tips: ["What Sciatica Is (And Isn't)", "Common Triggers", "How to Prevent Flare-Ups"],
    chrome: ["Is your pain sciatica or something else?"],
  },
  "caps-title-calendar-lowercase-repeat.txt": {
    title: "Riverside physiotherapy: how we help with a stiff neck",
    language: "en",
    date: "2021-10-14",
    tips: ["Why the Neck Stiffens", "What We Do in Treatment", "What You Can Do Between Visits"],
    chrome: ["calender", "riverside physiotherapy"],
  },
  "author-credentials-numbered-dont.txt": {
    title: "What You Should Know About Back Pain",
    language: "en",
    date: "import",
    tips: ["Don't panic", "Don't rush into scans", "Keep moving"],
    chrome: ["Latest News", "Jordan Reyes", "Mondays"],
  },
  "wix-reading-time-dash-items.txt": {
    title: "Le spécialiste qui guérit tout",
    language: "fr",
    date: "import",
    tips: ["Personne ne fait de miracle", "Guérir prend du temps", "Votre part compte autant que la nôtre"],
    chrome: ["Claire Dubé", "Log In", "Commentaires", "Écrire un commentaire"],
  },
  "archive-two-whole-posts.txt": {
    title: "Standing Desks: Friend or Foe?",
    language: "en",
    date: "2023-05-02",
    tips: ["Alternate every hour", "Mind your feet"],
    chrome: ["Sleeping Positions", "Posted on", "Category"],
  },
  "numbered-lead-sentence-get-help.txt": {
    title: "Sciatic Pain",
    language: "en",
    date: "import",
    tips: ["Limit your sitting time", "Try the static back position", "Use heat wisely"],
    chrome: ["come in for an exam"],
    closing: "come in for an exam",
  },
  "tips-include-broken-lines.txt": {
    title: "12 Tips to Improve Your Posture at Work",
    language: "en",
    date: "import",
    tips: [
      "Sit back in your chair and use the backrest as support",
      "Get up from your desk and walk around every half hour",
      "Avoid long spells of sitting, especially late in the day when you are tired",
      "Keep the top of your screen at eye level so your head does not tip forward",
    ],
    chrome: ["reception", "Tuesdays"],
  },
  "byline-question-source-image.txt": {
    title: "Working From Home Posture",
    language: "en",
    date: "import",
    tips: ["What's changed?"],
    chrome: ["Hannah Clarke", "source image"],
  },
  "no-title-list-sections-call-clinic.txt": {
    title: "With so many of us working in seated jobs",
    language: "en",
    date: "import",
    tips: ["Some figures worth knowing", "Here are some ways to stay active in a seated job"],
    chrome: ["BOOK ONLINE", "07 3555"],
    closing: "BOOK ONLINE",
  },
  "fr-faq-caps-questions-booking.txt": {
    title: "Le torticolis : comprendre et soulager",
    language: "fr",
    date: "2024-02-03",
    tips: ["QU'EST-CE QU'UN TORTICOLIS ?", "COMBIEN DE TEMPS ÇA DURE ?", "QUE FAIRE À LA MAISON ?", "QUAND CONSULTER ?"],
    chrome: ["Boréale", "Nos services", "418 555", "Prendre rendez-vous", "Mis à jour"],
    closing: "Pour prendre rendez-vous",
  },
  "reviewed-banner-cookie-email-protected.txt": {
    title: "Shin Splints: How to Get Back to Running",
    language: "en",
    date: "import",
    tips: ["Cut the load, not the running", "Strengthen the calves", "Check your shoes", "Build up slowly"],
    chrome: ["Kestrel Sports", "Priya Nair", "Tom Ellis", "FREE SHIPPING", "Home / Blog", "Plantar fasciitis", "Need help?"],
    closing: "250-555-0163",
  },
  "exercise-steps-position-bullets.txt": {
    title: "Three Stretches for Tight Hips After Sitting",
    language: "en",
    date: "import",
    tips: ["Kneeling Hip Flexor Stretch", "Figure-Four Stretch", "Standing Side Reach"],
    chrome: ["Why Choose Our Clinic", "direct billing"],
    closing: "direct billing",
  },
  "massage-inline-promo-section.txt": {
    title: "Massage for Tension Headaches: What Helps",
    language: "en",
    date: "2024-01-09",
    tips: ["Find the Tight Spots", "Warm Up the Shoulders", "Take Screen Breaks"],
    chrome: ["Our Massage Services", "prenatal", "kestrelwellness", "Kestrel Wellness Team", "Foam rolling", "Categories", "Mon–Fri"],
    closing: "604-555-0110",
  },
  "title-glued-to-date.txt": {
    title: "Ice or Heat After an Ankle Sprain?",
    language: "en",
    date: "2023-11-05",
    tips: ["The First Two Days", "After the Swelling Settles", "Start Moving Early"],
    chrome: ["November"],
  },
  "sentence-title-meta-row-scene-alt.txt": {
    title: "Faut-il dormir sur le dos ? Votre kiné vous répond",
    language: "fr",
    date: "import",
    tips: ["Sur le dos", "Sur le côté", "Sur le ventre"],
    chrome: ["Publié dans", "Femme dormant"],
  },
  "emoji-numbered-purpose-how-to.txt": {
    title: "Hip pain that wakes you at night is often helped by a few minutes of gentle…",
    language: "en",
    date: "import",
    tips: ["Supine Figure-Four Stretch", "Standing Hip Flexor Stretch", "Side-Lying Clamshell"],
    chrome: [],
  },
  "slogan-no-headline.txt": {
    title: "A stiff neck in the morning is one of the most common things people mention…",
    language: "en",
    date: "import",
    tips: ["Why Necks Stiffen Overnight", "Gentle Movement First Thing", "When It Needs a Check"],
    chrome: ["comes to your door"],
  },
  "fr-caption-above-title-bars.txt": {
    title: "Le massage suédois contre les tensions du dos",
    language: "fr",
    date: "import",
    tips: ["D'où viennent les tensions du dos ?", "Ce que fait le massage", "Entre deux séances"],
    chrome: ["Homme recevant", "| |"],
  },
  "wix-writer-bullet-numbered-definitions.txt": {
    title: "Shoulder pain explained: the parts that matter",
    language: "en",
    date: "2022-03-02",
    tips: ["What does a physiotherapist look for?", "How can you help it at home?"],
    chrome: ["Writer's picture", "Updated"],
  },
  "fr-default-category-row.txt": {
    title: "Sciatique : trois positions pour mieux dormir",
    language: "fr",
    date: "2024-03-12",
    tips: ["Sur le côté, un coussin entre les genoux", "Sur le dos, les jambes surélevées", "Éviter le ventre"],
    chrome: ["Non classé", "Hélène"],
  },
  "photo-credits-copyright-stock.txt": {
    title: "Why Walking Helps a Sore Back",
    language: "en",
    date: "import",
    tips: ["What does a walk do for your back?", "How Much Is Enough?", "Make It Comfortable"],
    chrome: ["iStock", "Creative Commons", "Newsletter", "inbox"],
  },
  "fr-numbered-sections-inner-list.txt": {
    title: "Le genou du coureur : ce qu'il faut savoir",
    language: "fr",
    date: "import",
    tips: ["Comprendre la douleur", "Adapter l'entraînement", "Renforcer la hanche"],
    chrome: [],
  },
  "fr-causes-bare-lines-guillemets.txt": {
    title: "Le dos bloqué : que faire les premiers jours ?",
    language: "fr",
    date: "import",
    tips: ["Les déclencheurs les plus fréquents", "Bouger malgré tout", "La chaleur plutôt que le froid"],
    chrome: [],
  },
  "dash-lead-in-paragraphs.txt": {
    title: "Five Habits for a Happier Back",
    language: "en",
    date: "import",
    tips: ["Take the stairs", "Carry evenly", "Get up often", "Sleep on a good mattress"],
    chrome: ["12 Feb"],
  },
  "exclaimed-headline-ordinal-items.txt": {
    title: "A warm bath can ease a stiff back",
    language: "en",
    date: "import",
    tips: ["Keep the water warm, not hot", "Stay in for fifteen minutes or so", "Move gently afterwards"],
    chrome: [],
  },
  "fr-comment-headings-date-stamp.txt": {
    title: "Le mal de dos du jardinier : les bons gestes",
    language: "fr",
    date: "2022-09-01",
    tips: ["Comment s'échauffer ?", "Comment porter les charges ?", "Comment organiser sa journée ?"],
    chrome: ["Shutterstock", "Commentaires"],
  },
};

const tipsOf = (article: Article) => article.sections.filter((section) => section.isTip);

describe("every page shape found on real clinic blogs, written as a page of our own", () => {
  const files = readdirSync(pages).filter((name) => name.endsWith(".txt") && !name.startsWith("archive-excerpts"));

  it("has an expectation for each page in fixtures/pages, and a page for each expectation", () => {
    expect(files.sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.entries(EXPECTED))("%s: its title, language, date, exactly its sections, no chrome", async (file, expected) => {
    const { posts, skipped } = await importSource(join(pages, file), { today: TODAY });
    expect(skipped).toEqual([]);
    const article = posts[0]!.article;
    expect(article.title).toBe(expected.title);
    expect(article.language).toBe(expected.language);
    if (expected.date === "import") expect(article).toMatchObject({ date: TODAY, dateByImport: true });
    else {
      expect(article.date).toBe(expected.date);
      expect(article.dateByImport).toBeUndefined();
    }
    expect(tipsOf(article).map((tip) => tip.heading)).toEqual(expected.tips);
    const tipText = tipsOf(article)
      .map((tip) => `${tip.heading}\n${htmlToText(tip.bodyHtml ?? "")}`)
      .join("\n");
    for (const tip of tipsOf(article)) expect(htmlToText(tip.bodyHtml ?? "").length, `${file}: ${tip.heading} has text`).toBeGreaterThan(20);
    expect(tipText).not.toMatch(ANY_CHROME);
    expect(tipText).not.toMatch(PHONE);
    for (const words of expected.chrome) expect(`${article.title}\n${tipText}`).not.toContain(words);
    if (expected.closing) expect(htmlToText(article.closing ?? "")).toContain(expected.closing);
  });

  it("an exercise keeps its purpose, its steps, a heading between items and its tip; a list numbered again from 1 stays inside its item", async () => {
    const tipTexts = async (file: string) => tipsOf((await importSource(join(pages, file), { today: TODAY })).posts[0]!.article).map((tip) => htmlToText(tip.bodyHtml ?? ""));
    const exercises = await tipTexts("emoji-numbered-purpose-how-to.txt");
    expect(exercises[1]).toMatch(/Purpose[\s\S]*How to do it[\s\S]*twenty seconds[\s\S]*Make It Easier[\s\S]*back of a chair/);
    expect(exercises[2]).toMatch(/Lower it with control[\s\S]*does not roll back/);
    const sections = await tipTexts("fr-numbered-sections-inner-list.txt");
    expect(sections[0]).toMatch(/Transmettre la force[\s\S]*Rester centrée[\s\S]*Les signes qui trompent peu[\s\S]*Douleur[\s\S]*Gêne/);
    const causes = await tipTexts("fr-causes-bare-lines-guillemets.txt");
    expect(causes[0]).toMatch(/Port de charge \(carton, enfant, courses\)[\s\S]*« Faux » mouvement[\s\S]*Geste répété/);
  });

  it("a page holding two whole posts is two articles, each with its own date", async () => {
    const { posts } = await importSource(join(pages, "archive-two-whole-posts.txt"), { today: TODAY });
    expect(posts.map(({ article }) => [article.title, article.date, tipsOf(article).map((tip) => tip.heading)])).toEqual([
      ["Standing Desks: Friend or Foe?", "2023-05-02", ["Alternate every hour", "Mind your feet"]],
      ["Sleeping Positions for a Sore Back", "2023-04-11", ["On your side", "On your back"]],
    ]);
  });

  it("a list of excerpts with Read more is refused in one line that says to import a single post", async () => {
    await expect(importSource(join(pages, "archive-excerpts-read-more.txt"))).rejects.toThrow(
      /archive-excerpts-read-more\.txt: is a list of 3 posts with "Read more" links, not one post: copy one post's own page \(or import the blog's feed\)$/,
    );
  });

  it("--title names the post whatever the page shows; a page of several posts refuses it", async () => {
    const { posts } = await importSource(join(pages, "no-title-key-advice.txt"), { title: "Working from the kitchen table", today: TODAY });
    expect(posts[0]!.article).toMatchObject({ title: "Working from the kitchen table", slug: "working-from-the-kitchen-table" });
    await expect(importSource(join(pages, "archive-two-whole-posts.txt"), { title: "One title" })).rejects.toThrow(/holds 2 posts; --title names one post/);
  });
});

describe.each(testProviders)("a post without a date, imported again on %s", (provider) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(provider);
  });
  afterAll(() => database.drop());

  it("keeps the day it was first imported: the next day's import finds it unchanged, and it is one draft", async () => {
    const repo = createBlogArticleRepository(database.prisma);
    const file = join(pages, "numbered-lead-sentence-get-help.txt");
    const first = await storeBlogPosts(repo, await importSource(file, { today: "2026-12-07" }));
    expect(first.added).toHaveLength(1);
    const later = await storeBlogPosts(repo, await importSource(file, { today: "2026-12-20" }));
    expect(later).toMatchObject({ added: [], updated: 0, unchanged: 1 });
    const [row] = await repo.recent(5);
    expect(row!.article).toMatchObject({ title: "Sciatic Pain", date: "2026-12-07", dateByImport: true });
    expect(await database.prisma.blogArticle.count()).toBe(1);
  });
});
