import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { findRedFlags, loadSafetyRules } from "../safety/red-flags.js";
import { createTestBot, STAFF_CHAT_ID, type TestBot } from "../../test/kit/test-bot.js";
import { command, textMessage, user } from "../bot-api-peer/updates.js";
import { bookingSteps } from "../../test/kit/booking-steps.js";

interface Examples {
  mustMatch: Array<{ id: string; en: string[]; fr: string[] }>;
  mustNotMatch: { en: string[]; fr: string[] };
}

const rules = loadSafetyRules("content");
const examples = parse(readFileSync("content/safety-examples.yml", "utf8")) as Examples;

describe("red-flag word lists (content/safety.yml)", () => {
  it("cover every rule with examples in both languages", () => {
    expect(examples.mustMatch.map((entry) => entry.id).sort()).toEqual(rules.redFlags.map((flag) => flag.id).sort());
  });

  for (const { id, en, fr } of examples.mustMatch) {
    it.each([...en, ...fr])(`flags "%s" as ${id}`, (message) => {
      expect(findRedFlags(rules, message)).toContain(id);
    });
  }

  it.each([...examples.mustNotMatch.en, ...examples.mustNotMatch.fr])('does not flag the everyday message "%s"', (message) => {
    expect(findRedFlags(rules, message)).toEqual([]);
  });
});

describe("the urgent-care answer", () => {
  let t: TestBot;
  afterEach(async () => {
    await t?.close();
  });

  it("answers a red-flag message at once with 911 guidance in the patient's language, and alerts staff", async () => {
    t = await createTestBot();
    const marie = user(8101, { first_name: "Marie", language_code: "fr" });
    await t.send(command(marie, "/start"));
    await t.send(textMessage(marie, "Je suis tombée dans l'escalier et mes jambes s'affaiblissent de plus en plus"));
    const replies = t.sentTo(marie.id).map((message) => message.text ?? "");
    const urgent = replies.findIndex((text) => text.includes("911"));
    expect(urgent).toBeGreaterThan(0);
    expect(replies[urgent]).toMatch(/urgence/);
    // The advice stands alone: no catch-all reply ("I answer commands…") after it.
    expect(replies.slice(urgent + 1)).toEqual([]);
    await t.services.engine.drain();
    const alert = t.sim.lastMessageTo(STAFF_CHAT_ID)!;
    expect(alert.text).toContain("recent-trauma");
    expect(alert.text).not.toContain("escalier");
    // What staff need to act: the language to call her in, that no phone is on file, and a way to her chat.
    expect(alert.text).toContain("no phone on file · speaks French");
    expect(alert.entities).toEqual(expect.arrayContaining([expect.objectContaining({ type: "text_link", url: `tg://user?id=${marie.id}` })]));
  });

  it("gives staff the phone a patient shared with an earlier request", async () => {
    t = await createTestBot();
    const ana = user(8103, { first_name: "Ana", language_code: "en" });
    await bookingSteps(t).bookRequest(ana);
    await t.send(textMessage(ana, "I fell down the stairs and my legs are getting weaker"));
    await t.services.engine.drain();
    const alert = t.sentTo(STAFF_CHAT_ID).findLast((message) => message.text?.includes("red flag"))!;
    expect(alert.text).toMatch(/Patient: Ana User8103 · @user8103 \(id 8103\) · phone \+1 ?613 ?555 ?0199 · speaks English\./);
  });

  it("stays quiet about everyday messages and commands", async () => {
    t = await createTestBot();
    const ana = user(8102, { first_name: "Ana", language_code: "en" });
    await t.send(textMessage(ana, "My lower back is stiff after gardening"));
    await t.send(command(ana, "/help"));
    expect(t.sentTo(ana.id).some((message) => message.text?.includes("911"))).toBe(false);
  });
});
