import { afterEach, describe, expect, it } from "vitest";
import type { InlineKeyboardButton } from "grammy/types";
import { createTestBot, STAFF_CHAT_ID, STAFF_ID, type TestBot } from "../../test/kit/test-bot.js";
import { command, groupChat, user } from "../bot-api-peer/updates.js";
import { registerDeskMenuButtons } from "./desk.js";

describe("/desk", () => {
  let t: TestBot;
  afterEach(async () => t?.close());
  const staff = user(STAFF_ID, { first_name: "Sam", language_code: "en" });
  const patient = user(52_001, { first_name: "Ana", language_code: "en" });
  const buttonsTo = (chatId: number) => (t.sim.lastMessageTo(chatId)?.reply_markup?.inline_keyboard ?? []).flat() as InlineKeyboardButton[];

  it("gives staff a web_app button to the desk in a private chat, and puts it on the chat's menu button", async () => {
    t = await createTestBot({ env: { PUBLIC_URL: "https://bot.example.com" } });
    await t.send(command(staff, "/desk"));
    expect(t.lastTextTo(STAFF_ID)).toContain("staff desk");
    expect(buttonsTo(STAFF_ID)).toEqual([{ text: "Open the desk", web_app: { url: "https://bot.example.com/desk/" } }]);
    expect(t.sim.callsTo("setChatMenuButton").map((call) => call.params)).toEqual([
      { chat_id: STAFF_ID, menu_button: { type: "web_app", text: "Desk", web_app: { url: "https://bot.example.com/desk/" } } },
    ]);
  });

  it("in the staff group, where Telegram allows no web_app button, links to the private chat, which offers the desk", async () => {
    t = await createTestBot({ env: { PUBLIC_URL: "https://bot.example.com" } });
    await t.send(command(staff, "/desk", undefined, { chat: groupChat(STAFF_CHAT_ID, "Staff") }));
    expect(buttonsTo(STAFF_CHAT_ID)).toEqual([{ text: "Open my private chat", url: "https://t.me/test_bot?start=desk" }]);
    await t.send(command(staff, "/start", "desk"));
    expect(buttonsTo(STAFF_ID)).toEqual([{ text: "Open the desk", web_app: { url: "https://bot.example.com/desk/" } }]);
  });

  it("says which setting turns the desk on when PUBLIC_URL is not set", async () => {
    t = await createTestBot();
    await t.send(command(staff, "/desk"));
    expect(t.lastTextTo(STAFF_ID)).toMatch(/The staff desk is off\. To turn it on, set PUBLIC_URL/);
    expect(t.sim.callsTo("setChatMenuButton")).toEqual([]);
  });

  it("is an unknown command to patients, and /start desk is an ordinary /start for them", async () => {
    t = await createTestBot({ env: { PUBLIC_URL: "https://bot.example.com" } });
    await t.send(command(patient, "/desk"));
    expect(t.lastTextTo(patient.id)).not.toMatch(/desk/i);
    expect(buttonsTo(patient.id).some((button) => "web_app" in button)).toBe(false);
    await t.send(command(patient, "/start", "desk"));
    expect(buttonsTo(patient.id).some((button) => "web_app" in button)).toBe(false);
  });

  it("at start, puts the desk on every staff member's menu button, in the clinic's language", async () => {
    t = await createTestBot({ env: { PUBLIC_URL: "https://bot.example.com", STAFF_IDS: `${STAFF_ID},52999` } });
    await registerDeskMenuButtons(t.bot.api, t.config, t.services.deps.i18n, "fr", t.services.deps.logger);
    const calls = t.sim.callsTo("setChatMenuButton").map((call) => call.params);
    expect(calls).toEqual(expect.arrayContaining([expect.objectContaining({ chat_id: STAFF_ID, menu_button: { type: "web_app", text: "Bureau", web_app: { url: "https://bot.example.com/desk/" } } })]));
    expect(calls.map((call) => call.chat_id).sort()).toEqual([STAFF_ID, 52999].sort());
  });
});
