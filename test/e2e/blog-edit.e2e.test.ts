import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { openDatabase } from "../../src/db/database.js";
import { chromiumAvailable, CHROMIUM_PATH, launchChromium } from "../kit/browser.js";
import { deskLaunchUrl, signedLaunchData } from "../kit/launch-data.js";
import { buttonData, chatClient, E2E_TOKEN, freePort, PROJECT_ROOT, usePeerAndDatabase } from "./harness.js";

/**
 * Staff fixing an imported post before patients see it, with the real bot
 * process: the followed blog's new post arrives in the staff chat as a
 * preview, a staff member rewrites a tip from the chat, then renames the
 * article and publishes it from the desk's Articles view in Chromium; a
 * patient's tip is the edited card, exactly as previewed.
 */
const atom = readFileSync(join(PROJECT_ROOT, "src", "content", "blog", "fixtures", "feed-atom.xml"), "utf8");
const STAFF = 75_900;
const staffUser = { id: STAFF, first_name: "Sam", last_name: "Reyes", language_code: "en" };

let blog: Server;
let feedUrl = "";

beforeAll(async () => {
  blog = createServer((_request, response) => response.writeHead(200, { "content-type": "application/atom+xml" }).end(atom));
  await new Promise<void>((resolve) => blog.listen(0, "127.0.0.1", resolve));
  feedUrl = `http://127.0.0.1:${(blog.address() as AddressInfo).port}/atom.xml`;
});
afterAll(() => new Promise<void>((resolve) => blog.close(() => resolve())));

describe("staff edits of a blog post with the real bot process", () => {
  const e2e = usePeerAndDatabase("sqlite");
  let browser: Browser;
  let deskUrl = "";

  beforeAll(async () => {
    if (!chromiumAvailable()) throw new Error(`no browser at ${CHROMIUM_PATH}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
    const port = await freePort();
    deskUrl = `http://127.0.0.1:${port}/desk/`;
    const [launched] = await Promise.all([
      launchChromium(),
      e2e.start({ PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, STAFF_IDS: String(STAFF), STAFF_CHAT_ID: String(STAFF), CONTENT_FEED_URL: feedUrl }),
    ]);
    browser = launched;
  }, 60_000);
  afterAll(() => browser?.close());

  it("draft → preview → an edit from the chat and from the desk → publish → the patient's tip has the edit", async () => {
    const sam = chatClient(e2e.peer, STAFF, "Sam");
    const ana = chatClient(e2e.peer, 75_001, "Ana");

    await sam.waitFor(/New article from the blog/, 20_000);
    await sam.waitFor(/^Walk before you run/, 20_000);
    const second = await sam.waitFor(/^Add one minute a week/, 20_000);
    const ask = await sam.waitFor(/Publish “Running again after a back injury”\?/, 20_000);
    expect(second.buttons.map((button) => button.text)).toEqual(["✏️ Edit", "🗑 Drop", "⤴️ Merge up"]);

    // From the chat: Edit on the second tip, then the new text as the next message.
    await sam.press(second, buttonData(second, /Edit/));
    await sam.waitFor(/Sam, send the new text of tip 2/);
    await sam.text("Add one minute a week\nOne more minute of running each week, and only while it stays painless.");
    await sam.waitFor(/Sam edited tip 2/);
    await sam.waitFor(/The article as patients will get it now/);
    const editedInChat = await sam.waitFor(/^Add one minute a week\n\nOne more minute of running each week, and only while it stays painless\./);
    expect(editedInChat.text).toContain("Read the whole article");
    // The first preview's Publish is for an older revision: it publishes nothing, and says why.
    await sam.press(ask, buttonData(ask, /Publish/));
    await e2e.peer.waitForCall((call) => call.method === "answerCallbackQuery" && /the article changed since this preview/.test(String(call.params.text)));

    // From the desk: the Articles view shows the same cards; staff rename the article and publish it.
    const page = await browser.newPage({ viewport: { width: 420, height: 900 } });
    await page.goto(deskLaunchUrl(deskUrl, signedLaunchData(E2E_TOKEN, staffUser)));
    await page.getByRole("tab", { name: "Articles" }).click();
    await page.locator('#view[data-view="articles"][data-ready="true"]').waitFor();
    const listed = page.locator("section.article", { hasText: "Running again after a back injury" });
    await expect.poll(() => listed.locator(".badge").innerText()).toBe("Waiting for review");
    const articleId = await listed.getAttribute("data-article-id");
    const article = page.locator(`section.article[data-article-id="${articleId}"]`);
    const cards = article.locator(".tip-card");
    expect(await cards.count()).toBe(2);
    expect(await cards.nth(1).innerText()).toBe(editedInChat.text);
    // Formatting comes through as Telegram shows it: the heading in bold, the link to the post.
    expect(await cards.nth(1).locator("b").first().innerText()).toBe("Add one minute a week");
    expect(await cards.nth(1).locator("a").getAttribute("href")).toMatch(/^https?:\/\//);

    // A colleague has the same article open in another desk.
    const other = await browser.newPage({ viewport: { width: 420, height: 900 } });
    await other.goto(deskLaunchUrl(deskUrl, signedLaunchData(E2E_TOKEN, { id: STAFF, first_name: "Sam" })));
    await other.getByRole("tab", { name: "Articles" }).click();
    await other.locator('#view[data-view="articles"][data-ready="true"]').waitFor();

    await article.getByRole("button", { name: "Edit title" }).click();
    await article.getByRole("textbox", { name: "Title" }).fill("Back to running after a back injury");
    await article.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => page.locator("#notice").innerText()).toContain("Saved.");
    // The colleague's page still shows the revision before the rename: their Drop changes nothing, and says why.
    const otherArticle = other.locator(`section.article[data-article-id="${articleId}"]`);
    await otherArticle.locator(".tip").nth(1).getByRole("button", { name: "Drop" }).click();
    await expect.poll(() => other.locator("#notice").innerText()).toBe("Nothing changed: the article changed since this preview. Use the newest one.");
    await expect.poll(() => otherArticle.locator("h2").innerText()).toBe("Back to running after a back injury");
    expect(await otherArticle.locator(".tip-card").count()).toBe(2);
    await other.close();
    const renamed = article;
    await expect.poll(() => article.locator("h2").innerText()).toBe("Back to running after a back injury");
    await renamed.getByRole("button", { name: "Publish" }).click();
    await expect.poll(() => page.locator("#notice").innerText()).toContain("Published.");
    await expect.poll(() => renamed.locator(".badge").innerText()).toBe("Published");
    expect(await renamed.getByRole("button", { name: "Drop" }).count()).toBe(0);
    await page.close();

    // Ana's tips: the article's first tip, then (consecutive tips alternate with the clinic's other articles) the
    // edited one, exactly as previewed.
    await ana.command("/start");
    await ana.waitFor(/Hello, Ana!/);
    await ana.command("/tip");
    await ana.waitFor(/^Walk before you run/);
    let tip: Awaited<ReturnType<typeof ana.waitFor>> | undefined;
    for (let asked = 0; asked < 4 && !tip; asked++) {
      await ana.command("/tip");
      const next = await ana.waitFor(/[\s\S]/);
      if (/^Add one minute a week/.test(next.text)) tip = next;
    }
    expect(tip?.text).toBe(editedInChat.text);

    const database = await openDatabase(e2e.location.url);
    try {
      expect(await database.prisma.blogArticle.findMany({ select: { title: true, status: true } })).toEqual([{ title: "Back to running after a back injury", status: "published" }]);
    } finally {
      await database.close();
    }
  }, 90_000);
});
