import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/database.js";
import { testProviders } from "../kit/test-database.js";
import { buttonData, chatClient, PROJECT_ROOT, usePeerAndDatabase } from "./harness.js";

/**
 * The clinic's blog followed by the real bot process: a new post in the feed
 * arrives in the staff chat as a preview of its tip cards, a staff member
 * publishes it, and a patient's next /tip is from it. The feed is an Atom file
 * of the project's fixtures, served on loopback.
 */
const atom = readFileSync(join(PROJECT_ROOT, "src", "content", "blog", "fixtures", "feed-atom.xml"), "utf8");

let blog: Server;
let feedUrl = "";
let feedRequests = 0;

beforeAll(async () => {
  blog = createServer((_request, response) => {
    feedRequests++;
    response.writeHead(200, { "content-type": "application/atom+xml", etag: '"run-1"' }).end(atom);
  });
  await new Promise<void>((resolve) => blog.listen(0, "127.0.0.1", resolve));
  feedUrl = `http://127.0.0.1:${(blog.address() as AddressInfo).port}/atom.xml`;
});
afterAll(() => new Promise<void>((resolve) => blog.close(() => resolve())));

describe.each(testProviders)("the clinic's blog with the real bot process on %s", (provider) => {
  const e2e = usePeerAndDatabase(provider);
  const STAFF = 74_900;

  it("staff see the new post's preview, press Publish, and a patient's /tip is from the new article", async () => {
    await e2e.start({ STAFF_IDS: String(STAFF), STAFF_CHAT_ID: String(STAFF), CONTENT_FEED_URL: feedUrl });
    const sam = chatClient(e2e.peer, STAFF, "Sam");
    const ana = chatClient(e2e.peer, 74_001, "Ana");

    // Before anyone publishes, Ana's tips come from the content/ articles only.
    await ana.command("/start");
    await ana.waitFor(/Hello, Ana!/);
    await ana.command("/tip");
    const before = await ana.waitFor(/not a diagnosis/);
    expect(before.text).not.toMatch(/Walk before you run|Add one minute a week/);

    // The preview: a header, each tip card as patients get it, then Publish / Skip.
    const header = await sam.waitFor(/New article from the blog/, 20_000);
    expect(header.text).toMatch(/Running again after a back injury/);
    const card = await sam.waitFor(/Walk before you run/, 20_000);
    expect(card.text).toMatch(/Thirty minutes of brisk walking without pain is the first milestone/);
    expect(card.text).toContain("Read the whole article");
    expect(card.text).not.toMatch(/Conclusion|book an assessment/);
    await sam.waitFor(/Add one minute a week/, 20_000);
    const ask = await sam.waitFor(/Publish “Running again after a back injury”\?/, 20_000);
    expect(ask.buttons.map((button) => button.text)).toEqual(["✏️ Edit title", "Publish", "Skip"]);

    // A patient pressing staff buttons (forged from the preview's data, in her own chat) changes nothing.
    await ana.forgePress(buttonData(ask, /Publish/));
    await ana.command("/tip");
    const stillOld = await ana.waitFor(/not a diagnosis/);
    expect(stillOld.text).not.toMatch(/Walk before you run/);

    await sam.press(ask, buttonData(ask, /Publish/));
    await sam.edited(ask, /Published by Sam: “Running again after a back injury” is in the tip library/);

    // The new article's tips are the oldest in the library, so Ana's next tip is its first one.
    await ana.command("/tip");
    const fresh = await ana.waitFor(/Walk before you run/);
    // Exactly the card staff previewed.
    expect(fresh.text).toBe(card.text);

    // /articles lists it, with Unpublish.
    await sam.command("/articles");
    const list = await sam.waitFor(/Blog articles/);
    expect(list.text).toMatch(/Running again after a back injury(<\/b>)? — 2024-06-03, English, 2 tips: published/);
    expect(list.buttons.map((button) => button.text)).toEqual(["1. Unpublish"]);

    const database = await openDatabase(e2e.location.url);
    try {
      expect(await database.prisma.blogArticle.findMany({ select: { title: true, status: true } })).toEqual([
        { title: "Running again after a back injury", status: "published" },
      ]);
    } finally {
      await database.close();
    }
    expect(feedRequests).toBeGreaterThan(0);
  }, 60_000);
});
