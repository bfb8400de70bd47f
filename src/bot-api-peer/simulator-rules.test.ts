import { afterEach, describe, expect, it, vi } from "vitest";
import { GrammyError, HttpError, InlineKeyboard } from "grammy";
import type { Update } from "grammy/types";
import { textMessage } from "./updates.js";
import { STRICT_FLOOD_CONTROL } from "./options.js";
import { alice, bob, callRaw, closeAll, failure, fetchBot, httpBot, simulator } from "./peer-fixtures.js";

afterEach(async () => {
  vi.useRealTimers();
  await closeAll();
});

describe("flood limits", () => {
  it("per chat: allows a short burst, then answers 429 with retry_after", async () => {
    const sim = simulator({ perChatBurst: 3 });
    const bot = fetchBot(sim);
    for (let i = 1; i <= 3; i++) await bot.api.sendMessage(alice.id, `burst ${i}`);
    const error = await failure(bot.api.sendMessage(alice.id, "one too many"));
    expect(error.error_code).toBe(429);
    expect(error.description).toBe("Too Many Requests: retry after 1");
    expect(error.parameters.retry_after).toBe(1);
    // Other chats are not affected.
    await bot.api.sendMessage(bob.id, "hi");

    sim.configure({ retryAfterSeconds: 5 });
    expect((await failure(bot.api.sendMessage(alice.id, "still too many"))).parameters.retry_after).toBe(5);
    expect(sim.stats().rejected429).toBe(2);
    expect(sim.delivered(alice.id)).toHaveLength(3);
  });

  it("per chat: the allowance refills at perChatRatePerSecond", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const bot = fetchBot(simulator({ perChatRatePerSecond: 1, perChatBurst: 1 }));
    await bot.api.sendMessage(alice.id, "first");
    expect((await failure(bot.api.sendMessage(alice.id, "too soon"))).error_code).toBe(429);
    vi.setSystemTime(Date.now() + 999);
    expect((await failure(bot.api.sendMessage(alice.id, "still too soon"))).error_code).toBe(429);
    vi.setSystemTime(Date.now() + 1);
    await bot.api.sendMessage(alice.id, "one second later");
  });

  it("global: at most globalRatePerSecond sends in any one-second window", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const bot = fetchBot(simulator({ globalRatePerSecond: 5 }));
    for (let chat = 1; chat <= 5; chat++) await bot.api.sendMessage(chat, "broadcast");
    const error = await failure(bot.api.sendMessage(6, "broadcast"));
    expect(error.error_code).toBe(429);
    expect(error.parameters.retry_after).toBe(1);
    vi.setSystemTime(Date.now() + 1_000);
    await bot.api.sendMessage(6, "broadcast");
  });

  it("strict: a bucket of 30 a second, and an emptied bucket pauses the whole bot for 3 s", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const sim = simulator(STRICT_FLOOD_CONTROL);
    const bot = fetchBot(sim);
    // A full bucket takes 30 at once; it refills at 30 a second.
    for (let chat = 1; chat <= 30; chat++) await bot.api.sendMessage(chat, "surge");
    vi.setSystemTime(Date.now() + 100);
    for (let chat = 31; chat <= 33; chat++) await bot.api.sendMessage(chat, "surge");
    const emptied = await failure(bot.api.sendMessage(34, "surge"));
    expect(emptied.error_code).toBe(429);
    expect(emptied.parameters.retry_after).toBe(3);
    // The whole bot waits: any chat, with what remains of the pause.
    vi.setSystemTime(Date.now() + 1_500);
    expect((await failure(bot.api.sendMessage(99, "other chat"))).parameters.retry_after).toBe(2);
    vi.setSystemTime(Date.now() + 1_500);
    await bot.api.sendMessage(34, "after the pause");
    expect(sim.stats()).toMatchObject({ delivered: 34, rejected429: 2, floodPauses: 1 });
  });

  it("strict: exactly one a second per chat, without pausing the bot", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const sim = simulator(STRICT_FLOOD_CONTROL);
    const bot = fetchBot(sim);
    await bot.api.sendMessage(alice.id, "first");
    vi.setSystemTime(Date.now() + 999);
    const tooSoon = await failure(bot.api.sendMessage(alice.id, "too soon"));
    expect(tooSoon.parameters.retry_after).toBe(1);
    await bot.api.sendMessage(bob.id, "others are not held up");
    vi.setSystemTime(Date.now() + 1);
    await bot.api.sendMessage(alice.id, "one second later");
    expect(sim.stats().floodPauses).toBe(0);
  });

  it("edits have their own per-chat limit", async () => {
    const bot = fetchBot(simulator({ editRatePerChatPerMinute: 2 }));
    const sent = await bot.api.sendMessage(alice.id, "v0");
    await bot.api.editMessageText(alice.id, sent.message_id, "v1");
    await bot.api.editMessageText(alice.id, sent.message_id, "v2");
    expect((await failure(bot.api.editMessageText(alice.id, sent.message_id, "v3"))).error_code).toBe(429);
  });

  it("can be switched off", async () => {
    const sim = simulator({ rateLimits: false, globalRatePerSecond: 1 });
    const bot = fetchBot(sim);
    for (let i = 0; i < 10; i++) await bot.api.sendMessage(alice.id, `message ${i}`);
    expect(sim.stats()).toMatchObject({ delivered: 10, rejected429: 0 });
  });
});

describe("chat states", () => {
  it("answers 403 for blocked and deactivated users, 400 for unknown chats", async () => {
    const sim = simulator({ blockedChats: new Set([alice.id]), unknownChats: new Set([404]) });
    const bot = fetchBot(sim);
    expect(await failure(bot.api.sendMessage(alice.id, "hi"))).toMatchObject({ error_code: 403, description: "Forbidden: bot was blocked by the user" });
    expect(await failure(bot.api.sendMessage(404, "hi"))).toMatchObject({ error_code: 400, description: "Bad Request: chat not found" });

    // The sets are live.
    sim.options.deactivatedChats.add(bob.id);
    expect(await failure(bot.api.sendChatAction(bob.id, "typing"))).toMatchObject({ error_code: 403, description: "Forbidden: user is deactivated" });
    sim.options.blockedChats.delete(alice.id);
    await bot.api.sendMessage(alice.id, "welcome back");
    expect(sim.stats()).toMatchObject({ forbidden: 2, delivered: 1 });
  });
});

describe("faults", () => {
  async function outcomes(seed: number): Promise<string[]> {
    const bot = fetchBot(simulator({ seed, serverErrorRate: 0.3, rateLimits: false }));
    const results: string[] = [];
    for (let i = 0; i < 30; i++) {
      results.push(
        await bot.api.sendMessage(alice.id, `m${i}`).then(
          () => "ok",
          (error: unknown) => (error instanceof GrammyError ? String(error.error_code) : error instanceof HttpError ? "http" : "?"),
        ),
      );
    }
    return results;
  }

  it("injects 5xx reproducibly from the seed", async () => {
    const first = await outcomes(7);
    expect(await outcomes(7)).toEqual(first);
    expect(await outcomes(8)).not.toEqual(first);
    // 500 is a JSON error; 502 comes from the proxy as HTML, so grammY sees an HTTP error.
    expect(new Set(first)).toEqual(new Set(["ok", "500", "http"]));
  });

  it("can fail a send after delivering it (the bot cannot know it went out)", async () => {
    const sim = simulator({ serverErrorRate: 1, serverErrorAfterDelivery: 1 });
    const bot = fetchBot(sim);
    await expect(bot.api.sendMessage(alice.id, "did it go?")).rejects.toThrow();
    expect(sim.delivered(alice.id).map((message) => message.text)).toEqual(["did it go?"]);
    expect(sim.stats()).toMatchObject({ sends: 1, delivered: 1, errors5xx: 1 });
  });

  it.each(["http", "fetch"] as const)("drops connections (%s), before or after delivery", async (transport) => {
    const sim = simulator({ dropConnectionRate: 1 });
    const bot = transport === "http" ? await httpBot(sim) : fetchBot(sim);
    await expect(bot.api.sendMessage(alice.id, "lost")).rejects.toBeInstanceOf(HttpError);
    sim.configure({ dropAfterDelivery: 1 });
    await expect(bot.api.sendMessage(alice.id, "delivered, answer lost")).rejects.toBeInstanceOf(HttpError);
    expect(sim.delivered(alice.id).map((message) => message.text)).toEqual(["delivered, answer lost"]);
    expect(sim.stats()).toMatchObject({ dropped: 2, delivered: 1 });
    // Faults apply to chat methods only by default: the bot can still start.
    await bot.api.getMe();
  });

  it("adds latency to every call", async () => {
    const bot = fetchBot(simulator({ latencyMs: { min: 40, max: 60 } }));
    const started = Date.now();
    await bot.api.getMe();
    expect(Date.now() - started).toBeGreaterThanOrEqual(39);
  });
});

describe("validation", () => {
  it("rejects messages Telegram would reject", async () => {
    const sim = simulator();
    const bot = fetchBot(sim);
    const description = async (call: Promise<unknown>): Promise<string> => (await failure(call)).description;

    expect(await description(bot.api.sendMessage(alice.id, "x".repeat(4097)))).toBe("Bad Request: message is too long");
    expect(await description(bot.api.sendMessage(alice.id, ""))).toBe("Bad Request: message text is empty");
    expect(await description(bot.api.sendMessage(alice.id, "<b>bold", { parse_mode: "HTML" }))).toBe(
      'Bad Request: can\'t parse entities: Can\'t find end tag corresponding to start tag "b"',
    );
    expect(await description(bot.api.sendMessage(alice.id, "<b>x</i>", { parse_mode: "HTML" }))).toMatch(/^Bad Request: can't parse entities: Unmatched end tag/);
    expect(await description(bot.api.sendMessage(alice.id, "1 <br> 2", { parse_mode: "HTML" }))).toBe(
      'Bad Request: can\'t parse entities: Unsupported start tag "br" at byte offset 2',
    );
    const longData = new InlineKeyboard().text("Too much", "x".repeat(65));
    expect(await description(bot.api.sendMessage(alice.id, "hi", { reply_markup: longData }))).toBe("Bad Request: BUTTON_DATA_INVALID");
    expect(await callRaw(sim, "sendMessage", { text: "no chat" })).toMatchObject({ status: 400, body: { description: "Bad Request: chat_id is empty" } });

    expect(sim.delivered()).toEqual([]);
    // Exactly 4096 characters is fine, and counted after the markup is parsed away.
    await bot.api.sendMessage(alice.id, `<b>${"x".repeat(4096)}</b>`, { parse_mode: "HTML" });
  });

  it("edits: message not found, not modified", async () => {
    const bot = fetchBot(simulator());
    const keyboard = new InlineKeyboard().text("A", "a");
    const sent = await bot.api.sendMessage(alice.id, "Same", { reply_markup: keyboard });

    expect((await failure(bot.api.editMessageText(alice.id, 999, "x"))).description).toBe("Bad Request: message to edit not found");
    const notModified = await failure(bot.api.editMessageText(alice.id, sent.message_id, "Same", { reply_markup: keyboard }));
    expect(notModified.description).toMatch(/^Bad Request: message is not modified: /);
    expect((await failure(bot.api.editMessageReplyMarkup(alice.id, sent.message_id, { reply_markup: keyboard }))).error_code).toBe(400);

    const edited = await bot.api.editMessageReplyMarkup(alice.id, sent.message_id, { reply_markup: new InlineKeyboard().text("B", "b") });
    expect(edited).toMatchObject({ text: "Same", reply_markup: { inline_keyboard: [[{ text: "B", callback_data: "b" }]] } });
    expect(typeof (edited === true ? undefined : edited.edit_date)).toBe("number");

    await bot.api.deleteMessage(alice.id, sent.message_id);
    expect((await failure(bot.api.editMessageText(alice.id, sent.message_id, "x"))).description).toBe("Bad Request: message to edit not found");
  });
});

describe("accounting", () => {
  it("counts deliveries and finds duplicates, and reset() starts over", async () => {
    const sim = simulator();
    const bot = fetchBot(sim);
    await bot.api.sendMessage(alice.id, "Tip #1: stretch");
    await bot.api.sendMessage(bob.id, "Tip #1: stretch");
    await bot.api.sendMessage(alice.id, "Tip #1: stretch");
    await bot.api.sendMessage(alice.id, "Tip #2: walk");

    const duplicates = sim.duplicatesBy((message) => `${message.chat.id}|${message.text}`);
    expect([...duplicates.keys()]).toEqual([`${alice.id}|Tip #1: stretch`]);
    expect(duplicates.get(`${alice.id}|Tip #1: stretch`)?.map((message) => message.message_id)).toEqual([1, 2]);
    expect(sim.countText(alice.id, "Tip #1")).toBe(2);
    expect(sim.deliveryCounts()).toEqual(
      new Map([
        [alice.id, 3],
        [bob.id, 1],
      ]),
    );
    expect(sim.stats()).toEqual({
      calls: 4,
      sends: 4,
      delivered: 4,
      rejected429: 0,
      floodPauses: 0,
      errors5xx: 0,
      dropped: 0,
      forbidden: 0,
      perMethod: { sendMessage: 4 },
    });

    sim.reset();
    expect(sim.stats().calls).toBe(0);
    expect(sim.delivered()).toEqual([]);
    expect((await bot.api.sendMessage(alice.id, "fresh")).message_id).toBe(1);
  });

  it("keeps the messages of pushed updates, so the bot can reply to or copy them", async () => {
    const sim = simulator();
    const bot = fetchBot(sim);
    const update: Update = sim.pushUpdate(textMessage(alice, "my question", { messageId: 41 }));
    const reply = await bot.api.sendMessage(alice.id, "my answer", { reply_parameters: { message_id: 41 } });
    expect(reply).toMatchObject({ message_id: 42, reply_to_message: { text: "my question" } });
    const copy = await bot.api.copyMessage(-100, alice.id, 41);
    expect(sim.message(-100, copy.message_id)).toMatchObject({ text: "my question", chat: { id: -100, type: "group" } });
    expect(update.update_id).toBeGreaterThan(0);
  });
});

describe("command menus", () => {
  const cmd = (command: string) => [{ command, description: command }];

  it("a chat shows the most specific scope set for it, each first in the user's language, as Telegram's apps choose", async () => {
    const sim = simulator({ rateLimits: false });
    const bot = fetchBot(sim);
    const group = -100;
    const french = { id: alice.id, language_code: "fr-CA" };
    await bot.api.setMyCommands(cmd("default"));
    expect(sim.commandMenuShown(alice.id, french)).toEqual(cmd("default"));
    expect(sim.commandMenuShown(group, french)).toEqual(cmd("default"));
    await bot.api.setMyCommands(cmd("defaultfr"), { language_code: "fr" });
    await bot.api.setMyCommands(cmd("private"), { scope: { type: "all_private_chats" } });
    expect(sim.commandMenuShown(alice.id, french)).toEqual(cmd("private"));
    expect(sim.commandMenuShown(bob.id, bob)).toEqual(cmd("private"));
    expect(sim.commandMenuShown(group, french)).toEqual(cmd("defaultfr"));
    await bot.api.setMyCommands(cmd("groups"), { scope: { type: "all_group_chats" } });
    await bot.api.setMyCommands(cmd("admins"), { scope: { type: "all_chat_administrators" } });
    expect(sim.commandMenuShown(group, french)).toEqual(cmd("groups"));
    expect(sim.commandMenuShown(group, french, { administrator: true })).toEqual(cmd("admins"));
    await bot.api.setMyCommands(cmd("thisgroup"), { scope: { type: "chat", chat_id: group } });
    await bot.api.setMyCommands(cmd("member"), { scope: { type: "chat_member", chat_id: group, user_id: bob.id } });
    expect(sim.commandMenuShown(group, french, { administrator: true })).toEqual(cmd("thisgroup"));
    expect(sim.commandMenuShown(group, bob)).toEqual(cmd("member"));
    await bot.api.setMyCommands(cmd("alice"), { scope: { type: "chat", chat_id: alice.id } });
    await bot.api.setMyCommands(cmd("alicefr"), { scope: { type: "chat", chat_id: alice.id }, language_code: "fr" });
    expect(sim.commandMenuShown(alice.id, french)).toEqual(cmd("alicefr"));
    expect(sim.commandMenuShown(alice.id, { id: alice.id, language_code: "en" })).toEqual(cmd("alice"));
    expect(sim.commandMenuShown(bob.id, bob)).toEqual(cmd("private"));

    // getMyCommands answers exactly the scope and language asked, with no fallback.
    expect(await bot.api.getMyCommands({ scope: { type: "chat", chat_id: bob.id } })).toEqual([]);
    expect(await bot.api.getMyCommands({ scope: { type: "chat", chat_id: alice.id }, language_code: "fr" })).toEqual(cmd("alicefr"));
    await bot.api.deleteMyCommands({ scope: { type: "chat", chat_id: alice.id }, language_code: "fr" });
    expect(sim.commandMenuShown(alice.id, french)).toEqual(cmd("alice"));
  });

  it("refuses scopes and languages Telegram refuses, and a chat it cannot reach", async () => {
    const sim = simulator({ rateLimits: false, unknownChats: new Set([bob.id]) });
    const bot = fetchBot(sim);
    expect((await failure(bot.api.setMyCommands(cmd("x"), { scope: { type: "everyone" } as never }))).description).toBe("Bad Request: unsupported bot command scope type");
    expect((await failure(bot.api.setMyCommands(cmd("x"), { scope: { type: "chat" } as never }))).description).toBe("Bad Request: chat_id is empty");
    expect((await failure(bot.api.setMyCommands(cmd("x"), { language_code: "french" as never }))).description).toBe("Bad Request: invalid language code specified");
    expect((await failure(bot.api.setMyCommands(cmd("x"), { scope: { type: "chat", chat_id: bob.id } }))).description).toBe("Bad Request: chat not found");
    expect(sim.commandMenuShown(bob.id, bob)).toEqual([]);
  });
});
