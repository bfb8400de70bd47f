import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { createTestBot, STAFF_CHAT_ID, STAFF_ID, type TestBot } from "../../test/kit/test-bot.js";
import { callbackQuery, command, user } from "../bot-api-peer/updates.js";
import { importSource } from "../content/blog/import-source.js";
import { storeBlogPosts } from "../content/blog/store-blog-posts.js";

const SEED = join(fileURLToPath(new URL("../../..", import.meta.url)), "shared", "seeds", "000_88e1540fee92bd7c.txt");
const staff = user(STAFF_ID, { first_name: "Sam", language_code: "en" });
const patient = user(31_001, { first_name: "Ana", language_code: "en" });
const frenchPatient = user(31_002, { first_name: "Élise", language_code: "fr" });

describe("staff review of the seed article", () => {
  let t: TestBot;
  afterEach(() => t?.close());

  it("previews the five tip cards in the staff group, publishes on one press, and patients of its language get them", async () => {
    t = await createTestBot();
    await storeBlogPosts(t.services.deps.blog, await importSource(SEED));
    expect(await t.services.runBlogPreviews(new Date())).toBe(1);
    // A second instance's job finds nothing left to preview.
    expect(await t.services.runBlogPreviews(new Date())).toBe(0);
    await t.services.engine.drain();

    const preview = t.sentTo(STAFF_CHAT_ID).map((message) => message.text ?? "");
    expect(preview).toHaveLength(7);
    expect(preview[0]).toMatch(/New article from the blog[\s\S]*Can Massage Therapy Treat Lower Back Pain\?[\s\S]*2023-11-02 · English · 5 tips/);
    expect(preview.slice(1, 6).map((text) => text.split("\n")[0])).toEqual([
      "Muscle Relaxation",
      "Improved Blood Flow",
      "Reduction of Inflammation",
      "Increased Endorphin Release",
      "Improved Posture and Alignment",
    ]);
    expect(preview.join("\n")).not.toMatch(/Skip to main content|No Comments|Leave a Reply|Instagram/);
    const ask = t.sentTo(STAFF_CHAT_ID).at(-1)!;
    const buttons = ask.reply_markup!.inline_keyboard.flat() as Array<{ text: string; callback_data: string }>;
    expect(buttons.map((button) => button.text)).toEqual(["Publish", "Skip"]);

    // A patient's press of the same data changes nothing.
    await t.send(t.sim.pushUpdate(callbackQuery(patient, buttons[0]!.callback_data, ask)));
    expect((await t.services.deps.blog.recent(1))[0]!.status).toBe("draft");

    await t.send(t.sim.pushUpdate(callbackQuery(staff, buttons[0]!.callback_data, ask)));
    expect((await t.services.deps.blog.recent(1))[0]!.status).toBe("published");
    // Pressing Skip afterwards (a stale keyboard, a second staff member) changes nothing either.
    await t.send(t.sim.pushUpdate(callbackQuery(staff, buttons[1]!.callback_data, ask)));
    expect((await t.services.deps.blog.recent(1))[0]!.status).toBe("published");

    await t.send(command(patient, "/tip"));
    expect(t.lastTextTo(patient.id)).toBe(preview[1]);
    await t.send(command(frenchPatient, "/tip"));
    expect(t.lastTextTo(frenchPatient.id)).not.toMatch(/Muscle Relaxation/);

    await t.send(command(staff, "/articles"));
    expect(t.lastTextTo(STAFF_ID)).toMatch(/Can Massage Therapy Treat Lower Back Pain\? — 2023-11-02, English, 5 tips: published/);
    const list = t.sentTo(STAFF_ID).at(-1)!;
    const unpublish = (list.reply_markup!.inline_keyboard.flat() as Array<{ text: string; callback_data: string }>)[0]!;
    expect(unpublish.text).toBe("1. Unpublish");
    await t.send(t.sim.pushUpdate(callbackQuery(staff, unpublish.callback_data, list)));
    expect((await t.services.deps.blog.recent(1))[0]!.status).toBe("unpublished");
    await t.send(command(patient, "/tip"));
    expect(t.lastTextTo(patient.id)).not.toMatch(/Improved Blood Flow/);
  });

  it("tells staff in one message that the blog has kept failing", async () => {
    t = await createTestBot();
    await t.services.notifyFeedFailing("https://maplespine.example/feed/: answered HTTP 503 Service Unavailable", new Date("2026-11-30T08:00:00Z"));
    await t.services.engine.drain();
    expect(t.sentTo(STAFF_CHAT_ID).map((message) => message.text)).toEqual([
      "⚠️ The clinic's blog could not be read since 2026-11-30 08:00 UTC:\nhttps://maplespine.example/feed/: answered HTTP 503 Service Unavailable\nThe tips already published keep going out, and I keep trying on my own.",
    ]);
  });
});
