import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { createTestBot, STAFF_CHAT_ID, STAFF_ID, type TestBot } from "../../test/kit/test-bot.js";
import { callbackQuery, command, user } from "../bot-api-peer/updates.js";
import { importSource } from "../content/blog/import-source.js";
import { createContentLibrary } from "../content/library.js";
import { storeBlogPosts } from "../content/blog/store-blog-posts.js";

/** A French page pasted as a clinic copies it, with no date and its site around it, through review to a patient. */
const PAGE = fileURLToPath(new URL("../content/blog/fixtures/pages/fr-faq-caps-questions-booking.txt", import.meta.url));
const UNDATED = fileURLToPath(new URL("../content/blog/fixtures/pages/fr-osteo-questions-colon-headings.txt", import.meta.url));
const staff = user(STAFF_ID, { first_name: "Sam", language_code: "en" });
const frenchPatient = user(31_102, { first_name: "Élise", language_code: "fr" });

describe("a pasted page without a date, from draft to a patient's tip", () => {
  let t: TestBot;
  afterEach(() => t?.close());

  it("the preview says the date is the import's, shows every tip and none of the site; published, a French patient gets its first tip", async () => {
    // No content/ articles: the blog's are the only French tips.
    t = await createTestBot({ library: createContentLibrary([]) });
    await storeBlogPosts(t.services.deps.blog, await importSource(UNDATED, { today: "2026-12-07" }));
    expect(await t.services.runBlogPreviews(new Date())).toBe(1);
    await t.services.engine.drain();

    const preview = t.sentTo(STAFF_CHAT_ID).map((message) => message.text ?? "");
    expect(preview[0]).toMatch(/Posture au bureau : 5 conseils d'une ostéopathe[\s\S]*2026-12-07 \(the post shows no date: dated the day it was imported\) · French · 5 tips/);
    expect(preview.slice(1, 6).map((text) => text.split("\n")[0])).toEqual([
      "Pourquoi soigner sa posture au bureau ?",
      "La position des jambes",
      "La hauteur de l'écran",
      "Le clavier et la souris",
      "Faire des pauses actives",
    ]);
    expect(preview.join("\n")).not.toMatch(/Aller au contenu|Cabinet d'ostéopathie Lemaire|Partager|Facebook|01 45 55/);

    const ask = t.sentTo(STAFF_CHAT_ID).at(-1)!;
    const publish = (ask.reply_markup!.inline_keyboard.flat() as Array<{ text: string; callback_data: string }>).find((button) => /Publish/.test(button.text))!;
    await t.send(t.sim.pushUpdate(callbackQuery(staff, publish.callback_data, ask)));
    expect((await t.services.deps.blog.recent(1))[0]!.status).toBe("published");

    await t.send(command(frenchPatient, "/tip"));
    expect(t.lastTextTo(frenchPatient.id)).toBe(preview[1]);
  });

  it("a dated page's preview shows its own date, without the note", async () => {
    t = await createTestBot();
    await storeBlogPosts(t.services.deps.blog, await importSource(PAGE));
    await t.services.runBlogPreviews(new Date());
    await t.services.engine.drain();
    const header = t.sentTo(STAFF_CHAT_ID)[0]!.text ?? "";
    expect(header).toMatch(/Le torticolis : comprendre et soulager[\s\S]*2024-02-03 · French · 4 tips/);
    expect(header).not.toMatch(/dated the day/);
  });
});
