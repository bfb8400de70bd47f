import { describe, expect, it } from "vitest";
import { Bot } from "grammy";
import type { Update } from "grammy/types";
import {
  callbackQuery,
  channelPost,
  command,
  contactMessage,
  editedMessage,
  groupMessage,
  myChatMember,
  photoMessage,
  stickerMessage,
  testBotInfo,
  textMessage,
  user,
  voiceMessage,
} from "./updates.js";

const alice = user(1001, { first_name: "Alice" });

/** Runs the updates through a grammY bot (no API calls) and reports what each handler saw. */
async function recognise(updates: Update[]): Promise<string[]> {
  const seen: string[] = [];
  const bot = new Bot("123456:TEST-TOKEN", { botInfo: testBotInfo() });
  bot.command("start", (ctx) => void seen.push(`command start "${ctx.match}" from ${ctx.from?.first_name}`));
  bot.on("callback_query:data", (ctx) => void seen.push(`button ${ctx.callbackQuery.data} on ${ctx.callbackQuery.message?.message_id ?? "-"}`));
  bot.on("message:contact", (ctx) => void seen.push(`contact ${ctx.message.contact.phone_number} of ${ctx.message.contact.user_id}`));
  bot.on("message:sticker", () => void seen.push("sticker"));
  bot.on("message:voice", (ctx) => void seen.push(`voice ${ctx.message.voice.duration}s`));
  bot.on("message:photo", (ctx) => void seen.push(`photo "${ctx.message.caption ?? ""}" in ${ctx.message.photo.length} sizes`));
  bot.on("edited_message:text", (ctx) => void seen.push(`edited ${ctx.editedMessage.message_id}: ${ctx.editedMessage.text}`));
  bot.on("my_chat_member", (ctx) => void seen.push(`bot is now ${ctx.myChatMember.new_chat_member.status} for ${ctx.chat.id}`));
  bot.on("channel_post:text", (ctx) => void seen.push(`channel post "${ctx.channelPost.text}" in ${ctx.chat.type}`));
  bot.on("message:text", (ctx) => void seen.push(`text "${ctx.message.text}" in ${ctx.chat.type}`));
  for (const update of updates) await bot.handleUpdate(update);
  return seen;
}

describe("update builders", () => {
  it("build updates grammY recognises", async () => {
    const menu = textMessage(alice, "menu").message;
    const seen = await recognise([
      command(alice, "/start", "ref-42"),
      command(alice, "start"),
      textMessage(alice, "hello"),
      callbackQuery(alice, "book:1", menu),
      contactMessage(alice, "+33600000000"),
      stickerMessage(alice),
      voiceMessage(alice),
      photoMessage(alice, "my posture"),
      editedMessage(alice, 7, "hello again"),
      myChatMember(alice, "kicked"),
      myChatMember(alice, "member"),
      groupMessage(alice, "hi all"),
      channelPost("news"),
    ]);
    expect(seen).toEqual([
      'command start "ref-42" from Alice',
      'command start "" from Alice',
      'text "hello" in private',
      `button book:1 on ${menu?.message_id}`,
      "contact +33600000000 of 1001",
      "sticker",
      "voice 3s",
      'photo "my posture" in 2 sizes',
      "edited 7: hello again",
      "bot is now kicked for 1001",
      "bot is now member for 1001",
      'text "hi all" in group',
      'channel post "news" in channel',
    ]);
  });

  it("number updates and messages increasingly", () => {
    const first = textMessage(alice, "one");
    const second = stickerMessage(alice);
    const third = callbackQuery(alice, "x");
    expect(second.update_id).toBe(first.update_id + 1);
    expect(third.update_id).toBe(second.update_id + 1);
    expect(second.message?.message_id).toBeGreaterThan(first.message?.message_id ?? Infinity);
  });

  it("fill in what Telegram sends", () => {
    const update = command(alice, "/help", undefined, { messageId: 5, date: 1_700_000_000 });
    expect(update.message).toEqual({
      message_id: 5,
      from: { id: 1001, is_bot: false, first_name: "Alice", last_name: "User1001", username: "user1001", language_code: "en" },
      chat: { id: 1001, type: "private", first_name: "Alice", last_name: "User1001", username: "user1001" },
      date: 1_700_000_000,
      text: "/help",
      entities: [{ type: "bot_command", offset: 0, length: 5 }],
    });
    const reply = textMessage(alice, "answer", { replyTo: update.message });
    expect(reply.message?.reply_to_message?.message_id).toBe(5);
  });
});
