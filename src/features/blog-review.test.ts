import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { createTestBot, STAFF_CHAT_ID, STAFF_ID, type TestBot } from "../../test/kit/test-bot.js";
import { callbackQuery, command, groupChat, groupMessage, user } from "../bot-api-peer/updates.js";
import type { Message } from "grammy/types";
import type { Article } from "../content/article.js";
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
    // Each card offers its edits; the first has no tip before it to merge into.
    expect(buttonsOf(t.sentTo(STAFF_CHAT_ID)[1]!).map((button) => button.text)).toEqual(["✏️ Edit", "🗑 Drop"]);
    expect(buttonsOf(t.sentTo(STAFF_CHAT_ID)[2]!).map((button) => button.text)).toEqual(["✏️ Edit", "🗑 Drop", "⤴️ Merge up"]);
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
    expect(buttons.map((button) => button.text)).toEqual(["✏️ Edit title", "Publish", "Skip"]);

    // A patient's press of the same data changes nothing.
    await t.send(t.sim.pushUpdate(callbackQuery(patient, buttons[1]!.callback_data, ask)));
    expect((await t.services.deps.blog.recent(1))[0]!.status).toBe("draft");

    await t.send(t.sim.pushUpdate(callbackQuery(staff, buttons[1]!.callback_data, ask)));
    expect((await t.services.deps.blog.recent(1))[0]!.status).toBe("published");
    // Pressing Skip afterwards (a stale keyboard, a second staff member) changes nothing either.
    await t.send(t.sim.pushUpdate(callbackQuery(staff, buttons[2]!.callback_data, ask)));
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

  it("lets staff fix the draft from its preview: drop, merge, edit a tip and the title; stale and forged presses change nothing", async () => {
    t = await createTestBot();
    const press = (who: typeof staff, message: Message, label: RegExp) =>
      t.send(t.sim.pushUpdate(callbackQuery(who, buttonsOf(message).find((button) => label.test(button.text))!.callback_data, message)));
    await storeBlogPosts(t.services.deps.blog, { posts: [postedArticle()], skipped: [] });
    await t.services.runBlogPreviews(new Date());
    await t.services.engine.drain();
    const first = t.sentTo(STAFF_CHAT_ID);
    expect(first.map((message) => message.text?.split("\n")[0])).toEqual([
      "📰 New article from the blog, waiting for your review:",
      "Feet flat",
      "Screen at eye level",
      "Home Office Photo 2",
      "Stand every half hour",
      "Publish “sitting well at work”? Its 4 tips then join the weekly tips of patients who read English.",
    ]);

    // Drop the image caption the import took for a tip: a new preview follows, and the old buttons are spent.
    const photoCard = first[3]!;
    await press(staff, photoCard, /Drop/);
    const afterDrop = t.sentTo(STAFF_CHAT_ID).slice(first.length);
    expect(afterDrop[0]!.text).toBe("🗑 Sam dropped tip 3.");
    expect(afterDrop[1]!.text).toMatch(/^✏️ The article as patients will get it now:\nsitting well at work\n2025-11-20 · English · 3 tips/);
    expect(afterDrop.slice(2, 5).map((message) => message.text?.split("\n")[0])).toEqual(["Feet flat", "Screen at eye level", "Stand every half hour"]);
    const seen = t.sentTo(STAFF_CHAT_ID).length;
    // The old preview's Merge up on "Stand every half hour" is for another revision: refused, nothing changes.
    await press(staff, first[4]!, /Merge up/);
    expect(t.sim.callsTo("answerCallbackQuery").at(-1)!.params).toMatchObject({ text: "Nothing changed: the article changed since this preview. Use the newest one.", show_alert: true });
    expect(t.sentTo(STAFF_CHAT_ID)).toHaveLength(seen);
    // A patient's press of the current data does nothing either.
    await t.send(t.sim.pushUpdate(callbackQuery(patient, buttonsOf(afterDrop[4]!).find((button) => /Merge/.test(button.text))!.callback_data, afterDrop[4])));
    expect((await t.services.deps.blog.recent(1))[0]!.revision).toBe(2);

    // Merge "Stand every half hour" into the tip before it.
    await press(staff, afterDrop[4]!, /Merge up/);
    const afterMerge = t.sentTo(STAFF_CHAT_ID).slice(seen);
    expect(afterMerge[0]!.text).toBe("⤴️ Sam merged tip 3 into the one before.");
    expect(afterMerge[3]!.text).toMatch(/^Screen at eye level\n\nRaise the screen so your eyes meet its top third\.\n\nStand every half hour\n\nStand up and walk/);

    // Edit tip 1: the bot asks for the text, the staff member's next message is it.
    await press(staff, afterMerge[2]!, /Edit/);
    expect(t.lastTextTo(STAFF_CHAT_ID)).toBe("✏️ Sam, send the new text of tip 1 as your next message: its heading on the first line, then the text. The current one, to copy:\n\nFeet flat\nKeep both feet flat on the floor, knees level with the hips.");
    const seenBeforeEdit = t.sentTo(STAFF_CHAT_ID).length;
    await t.send(groupMessage(staff, "Feet flat on the floor\nRest both feet on the floor & keep your knees at hip height.", { chat: groupChat(STAFF_CHAT_ID) }));
    const afterEdit = t.sentTo(STAFF_CHAT_ID).slice(seenBeforeEdit);
    expect(afterEdit[0]!.text).toBe("✏️ Sam edited tip 1.");
    const editedCard = afterEdit[2]!;
    expect(editedCard.text).toMatch(/^Feet flat on the floor\n\nRest both feet on the floor & keep your knees at hip height\.\n\nRead the whole article/);
    // Another message is just a message: the step was used once.
    await t.send(groupMessage(staff, "Thanks!", { chat: groupChat(STAFF_CHAT_ID) }));
    expect(t.sentTo(STAFF_CHAT_ID)).toHaveLength(seenBeforeEdit + afterEdit.length);

    // Edit the title, then publish from the newest preview.
    const ask = afterEdit.at(-1)!;
    await press(staff, ask, /Edit title/);
    await t.send(groupMessage(staff, "Sitting well at work", { chat: groupChat(STAFF_CHAT_ID) }));
    const latest = t.sentTo(STAFF_CHAT_ID);
    expect(latest.at(-1)!.text).toBe("Publish “Sitting well at work”? Its 2 tips then join the weekly tips of patients who read English.");
    // The ask before the title edit is stale: its Publish changes nothing.
    await press(staff, ask, /Publish/);
    expect((await t.services.deps.blog.recent(1))[0]!.status).toBe("draft");
    await press(staff, latest.at(-1)!, /Publish/);
    expect((await t.services.deps.blog.recent(1))[0]!.status).toBe("published");
    // Published: the edit buttons of that very preview are refused.
    await press(staff, latest.at(-2)!, /Drop/);
    expect(t.sim.callsTo("answerCallbackQuery").at(-1)!.params).toMatchObject({ text: "Nothing changed: the article changed since this preview. Use the newest one." });

    // The patient's tip is the edited card, exactly as previewed.
    await t.send(command(patient, "/tip"));
    const previewedCard = latest.at(-3)!.text;
    expect(t.lastTextTo(patient.id)).toBe(previewedCard);
    expect(previewedCard).toMatch(/^Feet flat on the floor\n\nRest both feet on the floor & keep your knees at hip height\./);
  });

  it("shows staff what changed when a published post changes on the blog, and patients keep the published text meanwhile", async () => {
    t = await createTestBot();
    const blog = t.services.deps.blog;
    await storeBlogPosts(blog, { posts: [postedArticle()], skipped: [] }, { publish: true });
    // Imported again unchanged (the hourly re-read): nothing to review.
    expect((await storeBlogPosts(blog, { posts: [postedArticle()], skipped: [] })).unchanged).toBe(1);
    expect(await t.services.runBlogPreviews(new Date())).toBe(0);

    const changed = postedArticle();
    changed.article.sections[1]!.bodyHtml = "Raise the screen until your eyes meet its top edge.";
    changed.article.sections.splice(2, 1);
    expect((await storeBlogPosts(blog, { posts: [changed], skipped: [] })).updated).toBe(1);
    expect(await t.services.runBlogPreviews(new Date())).toBe(1);
    await t.services.engine.drain();
    const preview = t.sentTo(STAFF_CHAT_ID);
    expect(preview[0]!.text).toBe(
      "🔄 An article changed on the blog, waiting for your review again:\nsitting well at work\n2025-11-20 · English · 3 tips\n" +
        "Patients keep getting the version you published until you publish this one. What changed:\n" +
        "• changed tip: Screen at eye level\n• tip no longer in the post: Home Office Photo 2",
    );
    await t.send(command(staff, "/articles"));
    expect(t.lastTextTo(STAFF_ID)).toMatch(/sitting well at work — 2025-11-20, English, 3 tips: published; changed on the blog since, waiting for your review/);
    // Nothing to skip: it stays published until staff publish the new version.
    expect(buttonsOf(preview.at(-1)!).map((button) => button.text)).toEqual(["✏️ Edit title", "Publish"]);
    // The patient's next tips (alternating with the clinic's other articles) carry the published text, not the change.
    const tips: string[] = [];
    for (let asked = 0; asked < 4; asked++) {
      await t.send(command(patient, "/tip"));
      tips.push(t.lastTextTo(patient.id) ?? "");
    }
    expect(tips.some((text) => /^Screen at eye level\n\nRaise the screen so your eyes meet its top third\./.test(text))).toBe(true);
    expect(tips.some((text) => text.includes("top edge"))).toBe(false);

    await t.send(t.sim.pushUpdate(callbackQuery(staff, buttonsOf(preview.at(-1)!)[1]!.callback_data, preview.at(-1))));
    expect(t.lastTextTo(STAFF_CHAT_ID)).toBe("✅ Published by Sam: “sitting well at work” is in the tip library.");
    expect((await blog.published())[0]!.sections.map((section) => section.heading)).toEqual(["Feet flat", "Screen at eye level", "Stand every half hour"]);
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

function buttonsOf(message: Message): Array<{ text: string; callback_data: string }> {
  return (message.reply_markup?.inline_keyboard.flat() ?? []) as Array<{ text: string; callback_data: string }>;
}

/** A post as the importer makes it, with a caption it took for a tip. */
function postedArticle(): { key: string; article: Article } {
  const tips: Array<[string, string]> = [
    ["Feet flat", "Keep both feet flat on the floor, knees level with the hips."],
    ["Screen at eye level", "Raise the screen so your eyes meet its top third."],
    ["Home Office Photo 2", "home-office-setup-1024x683.jpg"],
    ["Stand every half hour", "Stand up and walk for a minute every thirty minutes."],
  ];
  const url = "https://clinic.example/sitting-well/";
  return {
    key: url,
    article: {
      slug: "sitting-well", title: "sitting well at work", date: "2025-11-20", language: "en", tags: [], url, file: url, imported: true,
      intro: "Desk work asks a lot of a back.",
      sections: tips.map(([heading, bodyHtml]) => ({ id: heading.toLowerCase().replace(/[^a-z0-9]+/g, "-"), heading, bodyMarkdown: "", bodyHtml, line: 0, isTip: true })),
      closing: "Book an assessment with us.",
    },
  };
}
