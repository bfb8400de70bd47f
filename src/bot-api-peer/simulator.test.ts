import { afterEach, describe, expect, it, vi } from "vitest";
import { InlineKeyboard, InputFile } from "grammy";
import { alice, bob, callRaw, closeAll, failure, fetchBot, httpBot, listenWebhook, simulator } from "./peer-fixtures.js";

afterEach(async () => {
  vi.useRealTimers();
  await closeAll();
});

describe("round trips", () => {
  it("answers getMe and sendMessage over HTTP with a realistic message", async () => {
    const sim = simulator();
    const bot = await httpBot(sim, { skipGetMe: false });
    await bot.init();
    expect(bot.botInfo.username).toBe("test_bot");

    const keyboard = new InlineKeyboard().text("Book", "book:1").url("Site", "https://example.org");
    const sent = await bot.api.sendMessage(alice.id, "<b>Hello</b> &amp; welcome, <i>Alice</i>", { parse_mode: "HTML", reply_markup: keyboard });

    expect(sent).toMatchObject({
      message_id: 1,
      chat: { id: alice.id, type: "private" },
      from: { id: sim.botInfo.id, is_bot: true },
      text: "Hello & welcome, Alice",
      entities: [
        { type: "bold", offset: 0, length: 5 },
        { type: "italic", offset: 17, length: 5 },
      ],
      reply_markup: keyboard,
    });
    expect(typeof sent.date).toBe("number");
    expect(sim.delivered(alice.id)).toEqual([sent]);
    expect(sim.buttonsOf(sent)).toEqual([
      { text: "Book", callback_data: "book:1" },
      { text: "Site", url: "https://example.org" },
    ]);
    expect(sim.calls.map((call) => [call.method, call.status, call.transport])).toEqual([
      ["getMe", 200, "http"],
      ["sendMessage", 200, "http"],
    ]);
  });

  it("numbers messages per chat", async () => {
    const bot = fetchBot(simulator({ rateLimits: false }));
    const ids = [];
    for (const chat of [alice.id, alice.id, bob.id, alice.id]) ids.push((await bot.api.sendMessage(chat, "hi")).message_id);
    expect(ids).toEqual([1, 2, 1, 3]);
  });

  it.each(["http", "fetch"] as const)("accepts multipart uploads (sendDocument over %s)", async (transport) => {
    const sim = simulator();
    const bot = transport === "http" ? await httpBot(sim) : fetchBot(sim);
    const sent = await bot.api.sendDocument(alice.id, new InputFile(Buffer.from("appointment list\n"), "week-12.csv"), {
      caption: "<b>Week 12</b>",
      parse_mode: "HTML",
      reply_markup: new InlineKeyboard().text("Done", "done"),
    });
    expect(sent.document).toMatchObject({ file_name: "week-12.csv", file_size: 17, mime_type: "text/csv" });
    expect(sent).toMatchObject({ caption: "Week 12", caption_entities: [{ type: "bold", offset: 0, length: 7 }] });
    expect(sim.buttonsOf(sent)).toEqual([{ text: "Done", callback_data: "done" }]);
    expect(sim.callsTo("sendDocument")[0]?.params).toMatchObject({ chat_id: alice.id, document: { fileName: "week-12.csv", size: 17 } });
  });

  it("handles photos, forwards, command menus, menu buttons and chat info", async () => {
    const sim = simulator({ rateLimits: false });
    const bot = fetchBot(sim);
    const photo = await bot.api.sendPhoto(alice.id, "https://example.org/posture.png", { caption: "Sit straight" });
    expect(photo).toMatchObject({ caption: "Sit straight", photo: [{ width: 1280, height: 1280 }] });
    const forwarded = await bot.api.forwardMessage(bob.id, alice.id, photo.message_id);
    expect(forwarded).toMatchObject({ chat: { id: bob.id }, caption: "Sit straight", forward_origin: { type: "user", sender_user: { id: sim.botInfo.id } } });

    await bot.api.setMyCommands([{ command: "start", description: "Commencer" }], { language_code: "fr" });
    expect(await bot.api.getMyCommands({ language_code: "fr" })).toEqual([{ command: "start", description: "Commencer" }]);
    expect(await bot.api.getMyCommands()).toEqual([]);
    expect((await failure(bot.api.setMyCommands([{ command: "Start!", description: "x" }]))).description).toBe("Bad Request: BOT_COMMAND_INVALID");

    await bot.api.setChatMenuButton({ chat_id: alice.id, menu_button: { type: "commands" } });
    expect(await bot.api.getChatMenuButton({ chat_id: alice.id })).toEqual({ type: "commands" });
    expect(await bot.api.getChatMenuButton({ chat_id: bob.id })).toEqual({ type: "default" });

    sim.sendText(alice, "hi");
    expect(await bot.api.getChat(alice.id)).toMatchObject({ id: alice.id, type: "private", first_name: "Alice", username: "user1001" });
    expect(await bot.api.sendChatAction(alice.id, "typing")).toBe(true);
  });

  it("answers unknown methods 404 and, when a token is set, other tokens 401", async () => {
    const sim = simulator();
    expect(await callRaw(sim, "sendTelepathy", {})).toEqual({
      status: 404,
      body: { ok: false, error_code: 404, description: "Not Found: method not found" },
    });
    sim.configure({ token: "999:OTHER" });
    expect((await callRaw(sim, "getMe", {})).body).toEqual({ ok: false, error_code: 401, description: "Unauthorized" });
  });
});

describe("updates", () => {
  it("delivers a pushed update to bot.start() long polling, and the bot's answer comes back", async () => {
    const sim = simulator();
    const bot = await httpBot(sim);
    bot.command("start", (ctx) => ctx.reply(`Welcome, ${ctx.from?.first_name ?? "?"}`));
    const running = bot.start();
    // The bot's getUpdates is held open, waiting.
    await sim.waitFor(() => sim.calls.some((call) => call.method === "getUpdates" && call.status === "pending"));

    sim.sendCommand(alice, "/start");
    const reply = await sim.waitForMessage((message) => message.chat.id === alice.id);
    expect(reply.text).toBe("Welcome, Alice");
    // The user's /start took message_id 1 in the chat, so the reply is 2.
    expect(reply.message_id).toBe(2);

    await bot.stop();
    await running;
    // bot.stop() confirmed the update.
    expect((await bot.api.getWebhookInfo()).pending_update_count).toBe(0);
  });

  it("holds getUpdates until an update is queued, and honours offset", async () => {
    const sim = simulator();
    const bot = fetchBot(sim);
    expect(await bot.api.getUpdates({ timeout: 0 })).toEqual([]);

    const poll = bot.api.getUpdates({ timeout: 10 });
    await sim.waitFor(() => sim.calls.some((call) => call.method === "getUpdates" && call.status === "pending"));
    const started = Date.now();
    const pushed = sim.sendText(alice, "hello");
    expect(await poll).toEqual([pushed]);
    expect(Date.now() - started).toBeLessThan(1_000);

    expect(await bot.api.getUpdates({ offset: pushed.update_id, timeout: 0 })).toEqual([pushed]);
    expect(await bot.api.getUpdates({ offset: pushed.update_id + 1, timeout: 0 })).toEqual([]);
  });

  it("ends a waiting getUpdates with 409 when another one arrives", async () => {
    const sim = simulator();
    const bot = fetchBot(sim);
    const first = failure(bot.api.getUpdates({ timeout: 10 }));
    await sim.waitFor(() => sim.calls.some((call) => call.method === "getUpdates" && call.status === "pending"));
    const second = bot.api.getUpdates({ timeout: 0 });
    expect((await first).error_code).toBe(409);
    expect(await second).toEqual([]);
  });

  it("answers pending long polls when closed", async () => {
    const sim = simulator();
    const bot = await httpBot(sim);
    const poll = bot.api.getUpdates({ timeout: 30 });
    await sim.waitFor(() => sim.calls.some((call) => call.method === "getUpdates" && call.status === "pending"));
    await sim.close();
    expect(await poll).toEqual([]);
  });

  it("lets a user press a button; the bot answers the query and edits its message", async () => {
    const sim = simulator();
    const bot = fetchBot(sim);
    bot.command("menu", (ctx) => ctx.reply("Come tomorrow?", { reply_markup: new InlineKeyboard().text("Yes", "answer:yes").text("No", "answer:no") }));
    bot.callbackQuery(/^answer:/, async (ctx) => {
      await ctx.answerCallbackQuery("Noted");
      await ctx.editMessageText(`You said ${ctx.callbackQuery.data.slice("answer:".length)}`);
    });
    const running = bot.start();

    sim.sendCommand(alice, "menu");
    const menu = await sim.waitForMessage((message) => message.text === "Come tomorrow?");
    expect(() => sim.pressButton(alice, menu, "answer:maybe")).toThrow(/no button "answer:maybe"/);
    const press = sim.pressButton(alice, menu, "answer:yes");
    expect(press.callback_query?.message).toEqual(menu);

    await sim.waitFor(() => sim.lastMessageTo(alice.id)?.text === "You said yes");
    // The edit dropped the keyboard, as Telegram does when none is passed.
    expect(sim.buttonsOf(sim.lastMessageTo(alice.id))).toEqual([]);
    expect(sim.callsTo("answerCallbackQuery")[0]).toMatchObject({ status: 200, params: { callback_query_id: press.callback_query?.id, text: "Noted" } });
    // A query can be answered once.
    expect((await callRaw(sim, "answerCallbackQuery", { callback_query_id: press.callback_query?.id })).status).toBe(400);

    await bot.stop();
    await running;
  });
});

describe("webhook", () => {
  it("posts pushed updates with the secret token header and records the bot's answer", async () => {
    const sim = simulator();
    const bot = fetchBot(sim);
    bot.command("start", (ctx) => ctx.reply("Welcome"));
    const url = await listenWebhook(bot, "right-secret");

    await bot.api.setWebhook(url, { secret_token: "right-secret" });
    expect((await failure(bot.api.getUpdates())).error_code).toBe(409);
    const first = sim.sendCommand(alice, "/start");
    await sim.waitForMessage((message) => message.text === "Welcome");
    await sim.waitFor(() => sim.webhookDeliveries.length === 1);
    expect(sim.webhookDeliveries[0]).toMatchObject({ updateId: first.update_id, status: 200, attempt: 1, url });

    // grammY rejects a wrong secret: the simulator records the 401 and Telegram's kind of error.
    await bot.api.setWebhook(url, { secret_token: "wrong-secret" });
    const second = sim.sendCommand(bob, "/start");
    await sim.waitFor(() => sim.webhookDeliveries.length === 2);
    expect(sim.webhookDeliveries[1]).toMatchObject({ updateId: second.update_id, status: 401 });
    const info = await bot.api.getWebhookInfo();
    expect(info).toMatchObject({ url, pending_update_count: 0, last_error_message: "Wrong response from the webhook: 401 Unauthorized" });
    expect(sim.delivered(bob.id)).toEqual([]);
  });
});


describe("what a chat page needs", () => {
  it("announces messages, edits, deletions, chat actions, keyboards and menus as they happen", async () => {
    const sim = simulator();
    const events: string[] = [];
    sim.subscribe((event) => events.push(event.type));
    const bot = fetchBot(sim);
    sim.sendText(alice, "hello");
    const sent = await bot.api.sendMessage(alice.id, "one", { reply_markup: { keyboard: [[{ text: "Share", request_contact: true }]], one_time_keyboard: true } });
    await bot.api.sendChatAction(alice.id, "typing");
    await bot.api.editMessageText(alice.id, sent.message_id, "two");
    await bot.api.deleteMessage(alice.id, sent.message_id);
    await bot.api.setMyCommands([{ command: "start", description: "Start" }]);
    expect(events).toEqual(["message", "keyboard", "message", "action", "edited", "deleted", "commands"]);
    expect(sim.commandMenu()).toEqual([{ command: "start", description: "Start" }]);
    expect(sim.replyKeyboardOf(alice.id)?.keyboard[0]?.[0]).toMatchObject({ request_contact: true });

    const update = sim.sendContact(alice, "+15550100");
    expect(update.message?.contact?.phone_number).toBe("+15550100");
    expect(sim.replyKeyboardOf(alice.id)).toBeUndefined();
  });

  it("keeps the bytes of uploaded documents, and getFile finds them", async () => {
    const sim = simulator();
    const bot = fetchBot(sim);
    const sent = await bot.api.sendDocument(alice.id, new InputFile(Buffer.from("BEGIN:VCALENDAR"), "visit.ics"));
    expect(sent.document?.mime_type).toBe("text/calendar");
    const fileId = sent.document?.file_id ?? "";
    expect(sim.file(fileId)?.data.toString()).toBe("BEGIN:VCALENDAR");
    expect((await bot.api.getFile(fileId)).file_path).toContain("visit.ics");
  });

  it("lets a user press only reply buttons the chat shows", async () => {
    const sim = simulator();
    const bot = fetchBot(sim);
    await bot.api.sendMessage(alice.id, "pick", { reply_markup: { keyboard: [[{ text: "Morning" }]], resize_keyboard: true } });
    expect(sim.pressReplyButton(alice, "Morning").message?.text).toBe("Morning");
    expect(() => sim.pressReplyButton(alice, "Evening")).toThrow(/no reply button/);
    await bot.api.sendMessage(alice.id, "done", { reply_markup: { remove_keyboard: true } });
    expect(sim.replyKeyboardOf(alice.id)).toBeUndefined();
  });
});
