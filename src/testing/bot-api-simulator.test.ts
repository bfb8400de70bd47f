import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Bot, GrammyError, HttpError, InlineKeyboard, InputFile, webhookCallback } from "grammy";
import type { Update } from "grammy/types";
import { BotApiSimulator, STRICT_FLOOD_CONTROL, type ApiResponse, type BotApiSimulatorOptions } from "./bot-api-simulator.js";
import { textMessage, user } from "./updates.js";

const TOKEN = "123456:TEST-TOKEN";
const alice = user(1001, { first_name: "Alice" });
const bob = user(1002, { first_name: "Bob" });

const simulators: BotApiSimulator[] = [];
const servers: Server[] = [];

afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(simulators.splice(0).map((sim) => sim.close()));
  for (const server of servers.splice(0)) {
    server.close();
    server.closeAllConnections();
  }
});

function simulator(options?: BotApiSimulatorOptions): BotApiSimulator {
  const sim = new BotApiSimulator(options);
  simulators.push(sim);
  return sim;
}

/** A bot that reaches the simulator over loopback HTTP. */
async function httpBot(sim: BotApiSimulator, options: { skipGetMe?: boolean } = {}): Promise<Bot> {
  const { apiRoot } = await sim.listen();
  return new Bot(TOKEN, { ...(options.skipGetMe !== false && { botInfo: sim.botInfo }), client: { apiRoot } });
}

/** A bot that reaches the simulator through `sim.fetch`, without sockets. */
function fetchBot(sim: BotApiSimulator): Bot {
  return new Bot(TOKEN, { botInfo: sim.botInfo, client: { fetch: sim.fetch } });
}

/** Calls a method with exactly these parameters, bypassing grammY's typing. */
async function callRaw(sim: BotApiSimulator, method: string, params: object): Promise<{ status: number; body: ApiResponse }> {
  const response = await sim.fetch(`https://api.telegram.org/bot${TOKEN}/${method}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(params),
  });
  return { status: response.status, body: (await response.json()) as ApiResponse };
}

/** The GrammyError (or other error) a call fails with. */
async function failure(call: Promise<unknown>): Promise<GrammyError> {
  const error: unknown = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof GrammyError)) throw new Error(`expected a GrammyError, got ${String(error)}`);
  return error;
}

async function listenWebhook(bot: Bot, secretToken: string): Promise<string> {
  const handleUpdate = webhookCallback(bot, "http", { secretToken });
  const server = createServer((req, res) => void handleUpdate(req, res));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`;
}

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
