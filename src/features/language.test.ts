import { afterEach, describe, expect, it } from "vitest";
import { createContentLibrary } from "../content/library.js";
import { parseArticle } from "../content/markdown-article.js";
import { createTestBot, type TestBot } from "../../test/kit/test-bot.js";
import { command, user } from "../bot-api-peer/updates.js";

describe("languages", () => {
  let t: TestBot;
  afterEach(async () => {
    await t?.close();
  });

  it("follows Telegram's language until the patient picks one with /language", async () => {
    t = await createTestBot();
    const marie = user(8201, { first_name: "Marie", language_code: "fr-CA" });
    await t.send(command(marie, "/start"));
    expect(t.lastTextTo(marie.id)).toContain("Bonjour Marie");
    await t.send(command(marie, "/language"));
    await t.send(t.sim.pressButton(marie, t.sim.lastMessageTo(marie.id)!, "language:choose:en"));
    expect(t.lastTextTo(marie.id)).toContain("I'll speak English");
    await t.send(command(marie, "/help"));
    expect(t.lastTextTo(marie.id)).toContain("What I can do");
    expect((await t.services.deps.users.findById(marie.id))!.language).toBe("en");

    const john = user(8202, { first_name: "John", language_code: "en" });
    await t.send(command(john, "/language"));
    await t.send(t.sim.pressButton(john, t.sim.lastMessageTo(john.id)!, "language:choose:fr"));
    await t.send(command(john, "/help"));
    expect(t.lastTextTo(john.id)).toContain("Ce que je peux faire");
  });

  it("formats dates the Canadian French way", async () => {
    t = await createTestBot({ now: () => new Date("2026-11-23T15:00:00Z") });
    const marie = user(8203, { first_name: "Marie", language_code: "fr" });
    await t.send(command(marie, "/subscribe"));
    await t.send(t.sim.pressButton(marie, t.sim.lastMessageTo(marie.id)!, "tips:day:2"));
    await t.send(t.sim.pressButton(marie, t.sim.lastMessageTo(marie.id)!, "tips:at:2:14"));
    expect(t.lastTextTo(marie.id)).toContain("mardi 24 novembre, 14 h 00");
  });

  it("sends tips in the patient's language, in English when a translation is missing", async () => {
    const source = (language: string, sections: string[]) =>
      ["---", "title: T", "slug: only", "date: 2026-01-01", `language: ${language}`, "---", "", "Intro.", "",
        ...sections.flatMap((id) => [`## H ${id} {#${id}}`, "", `${language} body ${id}.`, ""])].join("\n");
    const library = createContentLibrary([
      parseArticle("content/articles/only.en.md", source("en", ["one", "two"])).article!,
      parseArticle("content/articles/only.fr.md", source("fr", ["one"])).article!,
    ]);
    t = await createTestBot({ library });
    const marie = user(8204, { first_name: "Marie", language_code: "fr" });
    await t.send(command(marie, "/tip"));
    expect(t.lastTextTo(marie.id)).toContain("fr body one.");
    expect(t.lastTextTo(marie.id)).toContain("pas un diagnostic");
    await t.send(command(marie, "/tip"));
    expect(t.lastTextTo(marie.id)).toContain("en body two.");
  });
});
