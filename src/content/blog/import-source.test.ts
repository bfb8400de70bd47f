import { execFile } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TIP_TEXT_LIMIT, type Article } from "../article.js";
import { renderTipText, visibleLength } from "../telegram-html.js";
import { importSource } from "./import-source.js";
import { SourceError } from "./source-error.js";

const repoRoot = fileURLToPath(new URL("../../..", import.meta.url));
const fixtures = fileURLToPath(new URL("./fixtures", import.meta.url));
const SEED = join(repoRoot, "..", "shared", "seeds", "000_88e1540fee92bd7c.txt");
const EXAMPLE = join("docs", "examples", "pasted-post.txt");
const fixture = (name: string) => readFileSync(join(fixtures, name), "utf8");

/** What the site's theme puts around a post; none of it may reach a tip. */
const CHROME = /skip to|no comments|leave a reply|instagram|share this|related posts|recent posts|comments?\b|©|CORE Health|Follow us/i;

/** The command as operators run it; asynchronous, so the loopback site above keeps answering meanwhile. */
function runImport(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile("npm", ["run", "-s", "content:import", "--", ...args], { cwd: repoRoot, encoding: "utf8" }, (error, stdout, stderr) =>
      resolve({ status: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const tipsOf = (article: Article) => article.sections.filter((section) => section.isTip);
const tipText = (article: Article) => tipsOf(article).map((tip) => `${tip.heading}\n${tip.bodyHtml}`).join("\n");

/** The clinic's blog, served from the project's fixtures on loopback, with what goes wrong on real sites. */
let server: Server;
let base = "";
const requests: { url: string; headers: IncomingMessage["headers"] }[] = [];

function route(request: IncomingMessage, response: ServerResponse): void {
  const url = new URL(request.url ?? "/", base);
  requests.push({ url: url.pathname + url.search, headers: request.headers });
  const send = (status: number, type: string, body: string | Buffer, headers: Record<string, string> = {}) => {
    response.writeHead(status, { "content-type": type, ...headers });
    response.end(body);
  };
  switch (url.pathname) {
    case "/blog/desk-habits-neck/":
      return send(200, "text/html; charset=utf-8", fixture("wordpress-page.html"));
    case "/":
      return send(200, "text/html; charset=utf-8", fixture("wordpress-home.html"));
    case "/wp-json/wp/v2/posts": {
      const page = url.searchParams.get("page");
      return send(200, "application/json", fixture(page === "2" ? "wp-posts-page2.json" : "wp-posts-page1.json"), { "x-wp-totalpages": "2", "x-wp-total": "3" });
    }
    case "/fr/feed.xml":
      if (request.headers["if-none-match"] === '"rss-v1"') return send(304, "application/rss+xml", "");
      return send(200, "application/rss+xml; charset=utf-8", fixture("feed-rss.xml"), { etag: '"rss-v1"' });
    case "/fr/blogue/posture-volant/":
      return send(200, "text/html; charset=utf-8", fixture("posture-volant.html"));
    case "/atom.xml":
      return send(200, "application/atom+xml", fixture("feed-atom.xml"));
    case "/loop":
      return send(302, "text/plain", "", { location: "/loop-again" });
    case "/loop-again":
      return send(302, "text/plain", "", { location: "/loop" });
    case "/slow":
      setTimeout(() => send(200, "text/html", "<html></html>"), 2_000).unref();
      return;
    case "/huge":
      return send(200, "text/html", "<p>" + "x".repeat(300_000) + "</p>");
    case "/gone":
      return send(404, "text/html", "<h1>Not found</h1>");
    case "/broken-feed.xml":
      return send(200, "application/rss+xml", "<rss><channel><item><title>Half a feed");
    case "/mislabelled":
      // Latin-1 bytes served as UTF-8: refused, never imported garbled.
      return send(200, "text/html; charset=utf-8", Buffer.from([0x4d, 0x61, 0x73, 0x73, 0x61, 0x67, 0x65, 0x20, 0xe9, 0x74, 0xe9]));
    case "/fr/latin1-feed.xml":
      // The charset is in the XML prolog only, as many older sites serve it.
      return send(200, "application/rss+xml", readFileSync(join(fixtures, "feed-latin1.xml")));
    case "/ice-or-heat/":
      return send(200, "text/html", readFileSync(join(fixtures, "page-windows-1252.html")));
    case "/header-charset":
      // The HTTP charset is honoured: "Massage été" in Latin-1 bytes.
      return send(200, "text/html; charset=iso-8859-15", Buffer.concat([Buffer.from("<!doctype html><html lang=fr><body><article><h1>Massage "), Buffer.from([0xe9, 0x74, 0xe9, 0x20, 0xa4]), Buffer.from("</h1><h2>Un</h2><p>Bougez doucement chaque jour, une minute suffit pour commencer la journée.</p><h2>Deux</h2><p>Marchez dix minutes après chaque repas pour délier le bas du dos.</p></article></body></html>")]));
    case "/category/posture/":
      return send(200, "text/html; charset=utf-8", fixture("archive-whole-posts.html"));
    case "/blog/page/2/":
      return send(200, "text/html; charset=utf-8", fixture("archive-excerpts.html"));
    case "/no-article":
      return send(200, "text/html", "<!doctype html><html lang=en><head><title>Contact</title></head><body><nav>Home</nav><p>Call us.</p></body></html>");
    default:
      return send(404, "text/plain", "not found");
  }
}

beforeAll(async () => {
  server = createServer(route);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("the clinic's post pasted as plain text (the seed)", () => {
  it("is one article with its title, date and exactly its five tips, and none of the page's chrome", async () => {
    const { posts, skipped } = await importSource(SEED);
    expect(skipped).toEqual([]);
    expect(posts).toHaveLength(1);
    const { article } = posts[0]!;
    expect(article).toMatchObject({ title: "Can Massage Therapy Treat Lower Back Pain?", date: "2023-11-02", language: "en" });
    expect(tipsOf(article).map((tip) => tip.heading)).toEqual([
      "Muscle Relaxation",
      "Improved Blood Flow",
      "Reduction of Inflammation",
      "Increased Endorphin Release",
      "Improved Posture and Alignment",
    ]);
    expect(tipsOf(article).map((tip) => tip.id)).toEqual([
      "muscle-relaxation",
      "improved-blood-flow",
      "reduction-of-inflammation",
      "increased-endorphin-release",
      "improved-posture-and-alignment",
    ]);
    expect(tipText(article)).not.toMatch(CHROME);
    expect(tipsOf(article)[0]!.bodyHtml).toMatch(/^Lower back pain often results from tense or tight muscles\./);
    expect(article.intro).toMatch(/^Lower back pain is a common ailment/);
    // The call to book stays with the article as its closing, not as a tip; the call to follow on Instagram goes.
    expect(article.closing).toContain("Contact CORE Ceutical Clinic to book");
    expect(article.closing).not.toMatch(/Instagram|Leave a Reply/);
  });

  it("prints exactly the JSON the command promises, through npm run content:import --json", async () => {
    const run = await runImport(SEED, "--json");
    expect(run.status).toBe(0);
    const printed = JSON.parse(run.stdout) as unknown[];
    expect(printed).toHaveLength(1);
    const [article] = printed as Array<Record<string, unknown> & { tips: Array<Record<string, string>> }>;
    expect(Object.keys(article!)).toEqual(["title", "date", "language", "url", "tips"]);
    expect(article).toMatchObject({ title: "Can Massage Therapy Treat Lower Back Pain?", date: "2023-11-02", language: "en", url: null });
    expect(article!.tips).toHaveLength(5);
    expect(Object.keys(article!.tips[0]!)).toEqual(["id", "heading", "text"]);
    expect(article!.tips[0]).toMatchObject({ id: "can-massage-therapy-treat-lower-back-pain#muscle-relaxation", heading: "Muscle Relaxation" });
    expect(article!.tips.map((tip) => tip.text).join("\n")).not.toMatch(CHROME);
  });
});

describe("README's worked example, a pasted post shipped in docs/examples", () => {
  it("prints exactly the JSON README shows: three tips, none of the site around them", async () => {
    const run = await runImport(EXAMPLE, "--json");
    expect(run).toMatchObject({ status: 0, stderr: "" });
    const [article] = JSON.parse(run.stdout) as Array<{ title: string; date: string; tips: Array<{ heading: string; text: string }> }>;
    expect(article).toMatchObject({ title: "Three Habits for a Happier Lower Back at Your Desk", date: "2026-03-03" });
    expect(article!.tips.map((tip) => tip.heading)).toEqual(["Move every half hour", "Set the screen at eye level", "Keep your feet grounded"]);
    expect(JSON.stringify(article)).not.toMatch(/Maple Spine|604-555|Dana Whitfield|min read|\.jpg|Share|Facebook|©|Cedar Street|book an assessment/i);
    expect(readFileSync(join(repoRoot, "README.md"), "utf8")).toContain("```json\n" + run.stdout.trimEnd() + "\n```");
  });

  it("--title names the post; a post without a date says it is dated by the import", async () => {
    const path = join(fixtures, "..", `.undated-${process.pid}.txt`);
    writeFileSync(path, readFileSync(join(repoRoot, EXAMPLE), "utf8").replace("March 3, 2026 · 4 min read", "4 min read"));
    try {
      const run = await runImport(path, "--json", "--title", "Desk habits for your lower back");
      expect(run).toMatchObject({ status: 0, stderr: "" });
      const [article] = JSON.parse(run.stdout) as Array<Record<string, unknown>>;
      expect(article).toMatchObject({ title: "Desk habits for your lower back", dated_by: "import" });
      expect(Object.keys(article!)).toEqual(["title", "date", "dated_by", "language", "url", "tips"]);
      expect((await runImport(path, "--title"))).toMatchObject({ status: 2, stderr: expect.stringMatching(/--title needs the title after it/) });
    } finally {
      rmSync(path, { force: true });
    }
  });
});

describe("plain text in French", () => {
  it("is recognised as French from its words, with its numbered tips", async () => {
    const path = join(fixtures, "..", `.texte-${process.pid}.txt`);
    writeFileSync(
      path,
      [
        "Aller au contenu",
        "",
        "Bien dormir malgré le mal de dos",
        "",
        "Par 5 mars 2024Aucun commentaire",
        "",
        "Le sommeil répare le dos, à condition de lui laisser une bonne position. Voici ce que nos ostéopathes conseillent le plus souvent.",
        "",
        "1. Un oreiller entre les genoux",
        "",
        "   Sur le côté, un oreiller entre les genoux garde le bassin droit et soulage le bas du dos pendant la nuit.",
        "",
        "2. Un matelas ni trop mou ni trop ferme",
        "",
        "   Le matelas doit soutenir la courbe naturelle de la colonne sans la creuser ni la redresser.",
        "",
        "Pour un conseil adapté à votre dos, prenez rendez-vous à la clinique.",
      ].join("\n"),
    );
    try {
      const { article } = (await importSource(path)).posts[0]!;
      expect(article).toMatchObject({ title: "Bien dormir malgré le mal de dos", date: "2024-03-05", language: "fr" });
      expect(tipsOf(article).map((tip) => tip.id)).toEqual(["un-oreiller-entre-les-genoux", "un-matelas-ni-trop-mou-ni-trop-ferme"]);
      expect(tipText(article)).not.toMatch(/Aller au contenu|Aucun commentaire/);
      expect(article.closing).toMatch(/prenez rendez-vous/);
    } finally {
      rmSync(path, { force: true });
    }
  });
});

describe("an article page on a WordPress theme", () => {
  it("finds the post inside the theme: canonical URL, date, language, the five numbered tips with bold lead-ins", async () => {
    const { posts } = await importSource(`${base}/blog/desk-habits-neck/`);
    const { article } = posts[0]!;
    expect(article).toMatchObject({
      title: "Five desk habits that spare your neck",
      date: "2024-02-12",
      language: "en",
      url: "https://maplespine.example/blog/desk-habits-neck/",
      slug: "desk-habits-neck",
    });
    expect(tipsOf(article).map((tip) => tip.heading)).toEqual([
      "Raise the screen to eye level",
      "Keep the keyboard close",
      "Stand up every half hour",
      "Use a headset for calls",
      "Tuck the chin, gently",
    ]);
    expect(tipsOf(article)[0]!.bodyHtml).toMatch(/^When the top of the screen sits at the height of your eyes/);
    expect(tipText(article)).not.toMatch(CHROME);
    expect(article.closing).toMatch(/book an assessment/);
    expect(article.closing).not.toMatch(/Instagram|Share this/);
  });

  it("is the same article when the page is a saved file", async () => {
    const fromFile = await importSource(join(fixtures, "wordpress-page.html"));
    const fromUrl = await importSource(`${base}/blog/desk-habits-neck/`);
    expect(fromFile.posts[0]!.article.sections).toEqual(fromUrl.posts[0]!.article.sections);
  });
});

describe("a WordPress site's address", () => {
  it("reads every post through the REST API the page advertises, following X-WP-TotalPages", async () => {
    requests.length = 0;
    const { posts } = await importSource(`${base}/`);
    expect(requests.map((request) => request.url)).toEqual(["/", "/wp-json/wp/v2/posts?per_page=50&page=1", "/wp-json/wp/v2/posts?per_page=50&page=2"]);
    expect(posts.map((post) => post.article.title)).toEqual([
      "Garden season without a sore back",
      "Backpacks for school: what parents should check",
      "Holiday travel & your back",
    ]);
    const garden = posts[0]!.article;
    expect(garden).toMatchObject({ date: "2024-05-06", language: "en", url: "https://maplespine.example/blog/garden-season/" });
    // h2 sections are the tips; the last one only asks to book, so it is the closing.
    expect(tipsOf(garden).map((tip) => tip.id)).toEqual(["warm-up-before-you-dig", "kneel-rather-than-bend", "switch-tasks-every-twenty-minutes"]);
    expect(garden.closing).toMatch(/book an appointment/);
    expect(tipsOf(posts[1]!.article).map((tip) => tip.heading)).toEqual(["Two straps, both used", "Heavy things closest to the back"]);
    expect(tipsOf(posts[2]!.article).map((tip) => tip.heading)).toEqual(["Stop every two hours", "Lift luggage in two steps"]);
    expect(posts[0]!.key).toBe("https://maplespine.example/?p=41");
  });
});

describe("feeds", () => {
  it("RSS with content:encoded: bold lead-ins are tips, the feed's language is kept, and a summary-only post is read from its page", async () => {
    requests.length = 0;
    const result = await importSource(`${base}/fr/feed.xml`);
    expect(result.skipped).toEqual([]);
    const [relax, driving] = result.posts.map((post) => post.article);
    expect(relax).toMatchObject({ title: "Trois gestes pour un dos détendu après le travail", date: "2024-03-11", language: "fr" });
    expect(tipsOf(relax!).map((tip) => tip.heading)).toEqual(["Respirer par le ventre", "Étirer les hanches", "Marcher dix minutes"]);
    expect(tipsOf(relax!).map((tip) => tip.id)).toEqual(["respirer-par-le-ventre", "etirer-les-hanches", "marcher-dix-minutes"]);
    expect(relax!.closing).toMatch(/prenez rendez-vous/);
    expect(driving).toMatchObject({ title: "La posture au volant", date: "2024-04-02", language: "fr", url: "https://maplespine.example/fr/blogue/posture-volant/" });
    expect(tipsOf(driving!).map((tip) => tip.heading)).toEqual(["Le dossier presque droit", "Les genoux à la hauteur des hanches"]);
    expect(tipText(driving!)).not.toMatch(/Aucun commentaire|Accueil/);
    expect(requests.map((request) => request.url)).toContain("/fr/blogue/posture-volant/");
    expect(result.posts.map((post) => post.key)).toEqual(["maplespine-fr-101", "maplespine-fr-102"]);
  });

  it("sends the last ETag back, and an unchanged feed is a 304 with nothing to import", async () => {
    const first = await importSource(`${base}/fr/feed.xml`);
    requests.length = 0;
    const second = await importSource(`${base}/fr/feed.xml`, { validators: first.validators });
    expect(requests[0]!.headers["if-none-match"]).toBe('"rss-v1"');
    expect(second).toMatchObject({ notModified: true, posts: [] });
  });

  it("Atom: h3 sections are the tips and a Conclusion is the closing", async () => {
    const { posts } = await importSource(`${base}/atom.xml`);
    expect(posts[0]!.article).toMatchObject({ title: "Running again after a back injury", date: "2024-06-03", language: "en" });
    expect(tipsOf(posts[0]!.article).map((tip) => tip.heading)).toEqual(["Walk before you run", "Add one minute a week"]);
    expect(posts[0]!.article.closing).toMatch(/return-to-running plan/);
  });

  it("a WordPress export: the published post, and why the draft and the page are skipped", async () => {
    const { posts, skipped } = await importSource(join(fixtures, "export-wxr.xml"));
    expect(posts.map((post) => post.article.title)).toEqual(["Snow shovelling, the easy way"]);
    expect(tipsOf(posts[0]!.article).map((tip) => tip.heading)).toEqual(["Push, don't lift", "Bend the knees", "Take breaks"]);
    expect(posts[0]!.article.date).toBe("2024-01-08");
    expect(skipped).toEqual([
      { what: "https://maplespine.example/?p=13", reason: "not published on the blog (draft)" },
      { what: "https://maplespine.example/contact/", reason: "a page, not a post" },
    ]);
  });
});

describe("Markdown", () => {
  it("takes title, date, language and url from the front matter and tips from its ## headings, keeping bold as bold", async () => {
    const { posts } = await importSource(join(fixtures, "neck-stretches.md"));
    const { article } = posts[0]!;
    expect(article).toMatchObject({ title: "Three neck stretches for the morning", date: "2024-07-01", language: "en", url: "https://maplespine.example/blog/neck-stretches/" });
    expect(tipsOf(article).map((tip) => tip.id)).toEqual(["look-over-each-shoulder", "ear-to-shoulder", "chin-to-chest"]);
    expect(tipsOf(article)[0]!.bodyHtml).toContain("<b>ten seconds</b>");
  });
});

describe("tip ids and card length", () => {
  it("keeps every tip id when the post is edited, and shortens a long section at a sentence boundary", async () => {
    const long = Array.from({ length: 40 }, (_, index) => `Sentence number ${index + 1} explains one more detail of the stretch.`).join(" ");
    const page = (extra: string) =>
      `<!doctype html><html lang="en"><head><title>Stretching</title><meta property="article:published_time" content="2024-08-01"><link rel="canonical" href="https://maplespine.example/blog/stretching/"></head><body><article><h1>Stretching</h1><p>${"An introduction to stretching that is long enough for the page to count as an article. ".repeat(3)}</p><h2>Hamstrings</h2><p>${long}</p><h2>Calves</h2><p>Lean on a wall.${extra}</p></article></body></html>`;
    const file = (text: string) => {
      const path = join(fixtures, "..", `.stretching-${Math.random().toString(36).slice(2)}.html`);
      return { path, text };
    };
    const before = file(page(""));
    const after = file(page(" Keep the heel down and hold thirty seconds."));
    try {
      writeFileSync(before.path, before.text);
      writeFileSync(after.path, after.text);
      const [first, edited] = [await importSource(before.path), await importSource(after.path)].map((result) => result.posts[0]!.article);
      expect(tipsOf(first!).map((tip) => tip.id)).toEqual(["hamstrings", "calves"]);
      expect(tipsOf(edited!).map((tip) => tip.id)).toEqual(["hamstrings", "calves"]);
      expect(tipsOf(edited!)[1]!.bodyHtml).toContain("thirty seconds");

      const shortened = tipsOf(first!)[0]!;
      expect(visibleLength(renderTipText(shortened.heading, shortened))).toBeLessThanOrEqual(TIP_TEXT_LIMIT);
      expect(shortened.bodyHtml).toMatch(/detail of the stretch\. …$/);
      expect(shortened.bodyHtml!.length).toBeGreaterThan(TIP_TEXT_LIMIT / 2);
    } finally {
      rmSync(before.path, { force: true });
      rmSync(after.path, { force: true });
    }
  });
});

describe("encodings: the one the source declares", () => {
  it("an RSS feed whose XML prolog says ISO-8859-1: its French text intact, and the last section before the call to book is a tip", async () => {
    const { posts } = await importSource(`${base}/fr/latin1-feed.xml`, { today: "2026-12-07" });
    const { article } = posts[0]!;
    expect(article).toMatchObject({ title: "Trois gestes pour un dos détendu au réveil", date: "2024-05-14", language: "fr" });
    expect(tipsOf(article).map((tip) => tip.heading)).toEqual(["Rouler sur le côté", "Bercer les genoux", "Respirer par le ventre"]);
    expect(article.closing).toMatch(/^Pour un plan adapté à votre dos, prenez rendez-vous/);
    expect(tipText(article)).not.toMatch(/rendez-vous|819/);
  });

  it("a page declaring windows-1252 in <meta charset>, over HTTP and as a saved file: its curly quotes and dashes as written", async () => {
    for (const source of [`${base}/ice-or-heat/`, join(fixtures, "page-windows-1252.html")]) {
      const { article } = (await importSource(source, { today: "2026-12-07" })).posts[0]!;
      expect(article).toMatchObject({ title: "Ice or heat for a sore back?", language: "en", date: "2026-12-07", dateByImport: true });
      expect(article.intro).toContain("It’s the question");
      expect(tipsOf(article).at(-1)!.bodyHtml).toContain("lying still – the back");
    }
  });

  it("the HTTP charset (ISO-8859-15, with its €)", async () => {
    const { article } = (await importSource(`${base}/header-charset`)).posts[0]!;
    expect(article.title).toBe("Massage été €");
  });
});

describe("WordPress shortcodes and block comments", () => {
  it("an export with a gallery, a caption, an embed, an audio player and page-builder rows: the text stays, none of the codes reach a tip", async () => {
    const { posts } = await importSource(join(fixtures, "export-shortcodes.xml"));
    const { article } = posts[0]!;
    expect(tipsOf(article).map((tip) => tip.heading)).toEqual(["Use both straps", "Keep it light", "Pack the heavy things close"]);
    expect(tipsOf(article)[0]!.bodyHtml).toContain("Both straps share the load between the shoulders.");
    const everything = [article.intro, ...article.sections.map((section) => section.bodyHtml ?? ""), article.closing ?? ""].join("\n");
    expect(everything).not.toMatch(/\[|\]|wp:|youtube|gallery|\.mp3|straps\.jpg/);
  });
});

describe("a blog's list or tag page", () => {
  it("whole posts on it are imported one by one, each with its own address and date", async () => {
    const { posts } = await importSource(`${base}/category/posture/`);
    expect(posts.map(({ key, article }) => [key, article.title, article.date, tipsOf(article).length])).toEqual([
      ["https://maplespine.example/standing-desk/", "Standing desks: friend or foe?", "2023-05-02", 2],
      ["https://maplespine.example/sleeping-positions/", "Sleeping positions for a sore back", "2023-04-11", 2],
    ]);
  });

  it("excerpts with Read more: one line saying to import a single post", async () => {
    await expect(importSource(`${base}/blog/page/2/`)).rejects.toThrow(/\/blog\/page\/2\/: is a list of 2 posts with "Read more" links, not one post: import one post's own page \(or the blog's feed\)$/);
  });
});

describe("bad input: one line naming the source and the problem", () => {
  const failure = async (source: string, options = {}) => {
    try {
      await importSource(source, options);
    } catch (error) {
      expect(error).toBeInstanceOf(SourceError);
      return (error as SourceError).message;
    }
    throw new Error(`${source} was imported`);
  };

  it.each([
    ["/gone", /\/gone: answered HTTP 404/],
    ["/loop", /\/loop: redirects in a loop/],
    ["/broken-feed.xml", /\/broken-feed\.xml: is not valid XML \(line \d+/],
    ["/mislabelled", /\/mislabelled: is not UTF-8 text/],
    ["/no-article", /\/no-article: has no article to import/],
  ])("%s", async (path, expected) => {
    const message = await failure(`${base}${path}`);
    expect(message).toMatch(expected);
    expect(message.split("\n")).toHaveLength(1);
  });

  it("a timeout, a body over the size cap, a missing file, a source that is neither a file nor http(s)", async () => {
    expect(await failure(`${base}/slow`, { limits: { timeoutMs: 300 } })).toMatch(/\/slow: did not answer within 0 s|\/slow: did not answer/);
    expect(await failure(`${base}/huge`, { limits: { maxBytes: 100_000 } })).toMatch(/\/huge: is larger than 97\.7 kB|\/huge: is larger than/);
    expect(await failure(join(fixtures, "missing.txt"))).toMatch(/missing\.txt: no such file$/);
    expect(await failure("ftp://maplespine.example/feed")).toMatch(/is not a file or an http\(s\) address/);
  });

  it("the command exits 1 with that one line and no stack trace", async () => {
    const run = await runImport(`${base}/gone`);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr.trim()).toBe(`${base}/gone: answered HTTP 404 Not Found`);
  });
});
