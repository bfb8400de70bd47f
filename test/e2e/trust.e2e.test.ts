import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Message, Update, User } from "grammy/types";
import { BotApiSimulator } from "../../src/bot-api-peer/index.js";
import { callbackQuery, user } from "../../src/bot-api-peer/updates.js";
import { openRequestButtons, proposalButtons, requestCardButtons, waitlistButtons } from "../../src/bot/buttons.js";
import { openDatabase, type Database } from "../../src/db/database.js";
import { databaseContents, whereStored } from "../kit/database-contents.js";
import { scratchLocation, testProviders } from "../kit/test-database.js";
import { E2E_TOKEN, startBotProcess, type BotProcess } from "./harness.js";

const STAFF_ID = 73_900;
const STAFF_CHAT_ID = -1_007_390_000_000;
const INACTIVE = "This menu is no longer active. Send /help to see what you can do.";

/**
 * Trust under attack, through the real bot process (the built dist/main.js)
 * against the project's Bot API peer on loopback: forged buttons change
 * nothing, and an erasure leaves nothing behind.
 */
describe.each(testProviders)("trust under attack, the real bot process on %s", (provider) => {
  let sim: BotApiSimulator;
  let apiRoot: string;
  let bot: BotProcess | undefined;
  let location: ReturnType<typeof scratchLocation> | undefined;
  let database: Database | undefined;
  /** Per chat, how many of the bot's messages the test has already taken. */
  const cursors = new Map<number, number>();

  beforeAll(async () => {
    sim = new BotApiSimulator({ token: E2E_TOKEN, rateLimits: false });
    ({ apiRoot } = await sim.listen());
  });
  afterEach(async () => {
    await bot?.stop("SIGKILL");
    await database?.close();
    await location?.cleanup();
    bot = database = location = undefined;
    sim.reset();
    cursors.clear();
  });
  afterAll(() => sim.close());

  async function start(): Promise<Database> {
    location = scratchLocation(provider);
    bot = await startBotProcess({ BOT_TOKEN: E2E_TOKEN, TELEGRAM_API_ROOT: apiRoot, DATABASE_URL: location.url, STAFF_IDS: String(STAFF_ID), STAFF_CHAT_ID: String(STAFF_CHAT_ID) });
    await bot.waitForLog(/"bot initialised"/, 30_000);
    database = await openDatabase(location.url);
    return database;
  }

  /** The next message the bot delivers to `chatId` (after those already taken) whose text matches, as the chat shows it now. */
  async function next(chatId: number, pattern: RegExp, timeoutMs = 15_000): Promise<Message> {
    const found = await sim
      .waitFor(() => {
        const delivered = sim.delivered(chatId);
        const index = delivered.findIndex((message, i) => i >= (cursors.get(chatId) ?? 0) && pattern.test(message.text ?? message.caption ?? ""));
        return index < 0 ? undefined : { index, message: delivered[index]! };
      }, timeoutMs)
      .catch(() => {
        throw new Error(`no message matching ${pattern} in chat ${chatId}; it has: ${JSON.stringify(sim.delivered(chatId).map((m) => m.text))}\n${bot?.output().slice(-2000)}`);
      });
    cursors.set(chatId, found.index + 1);
    return sim.message(chatId, found.message.message_id) ?? found.message;
  }

  /** Waits until the bot edits `message` to read like `pattern`. */
  async function edited(message: Message, pattern: RegExp): Promise<void> {
    await sim.waitFor(() => pattern.test(sim.message(message.chat.id, message.message_id)?.text ?? ""), 15_000);
  }

  async function press(who: User, pattern: RegExp, label: RegExp): Promise<Message> {
    const message = await next(who.id, pattern);
    const button = sim.buttonsOf(message).find((entry) => label.test(entry.text));
    if (!button?.callback_data) throw new Error(`no button ${label} on "${message.text}": ${JSON.stringify(sim.buttonsOf(message))}`);
    sim.pressButton(who, message, button.callback_data);
    return message;
  }

  /** /book up to the day; then either the first time offered, or the waitlist for that day. */
  async function bookUpToDetails(who: User, { waitlist = false } = {}): Promise<void> {
    sim.sendCommand(who, "book");
    await press(who, /What would you like to book/, /60 min/);
    await press(who, /With whom/, /No preference/);
    await press(who, /Which day/, /./);
    await press(who, /Free times on/, waitlist ? /waitlist/ : /^\d/);
    await press(who, /What name should the clinic use/, /Use/);
    await press(who, /Do you agree/, /I agree/);
    await next(who.id, /What phone number/);
    sim.sendContact(who, "+1 613 555 0199");
    await next(who.id, /we will call/);
  }

  async function answered(updates: Update[]): Promise<Array<string | undefined>> {
    const ids = updates.map((update) => update.callback_query!.id);
    const answers = await sim.waitFor(() => {
      const calls = sim.callsTo("answerCallbackQuery").filter((call) => call.status !== "pending" && ids.includes(call.params.callback_query_id as string));
      return calls.length >= ids.length ? calls : undefined;
    }, 20_000);
    return ids.map((id) => answers.find((call) => call.params.callback_query_id === id)?.params.text as string | undefined);
  }

  /** Everything stored, but the send rate's clock (one row every reply moves). */
  async function stored(db: Database): Promise<Record<string, string[]>> {
    const { send_budget: _clock, ...contents } = await databaseContents(db);
    return contents;
  }

  // On SQLite only: the same presses are checked on both databases at bot level (src/features/forged-buttons.test.ts).
  it.runIf(provider === "sqlite")("forged buttons change nothing: a never-offered waitlist time, another patient's request, staff confirm and decline", async () => {
    const db = await start();
    const ana = user(73_001, { first_name: "Ana", last_name: "Victim" });
    const mallory = user(73_666, { first_name: "Mallory", last_name: "Forger" });

    await Promise.all([
      // Ana's request waits for staff; its card is in the staff group.
      (async () => {
        await bookUpToDetails(ana);
        await press(ana, /bill your insurance directly/, /^No$/);
        await press(ana, /Anything the practitioner should know/, /Skip/);
        await press(ana, /Please check your request/, /Send my request/);
        await next(ana.id, /Your request is sent/);
      })(),
      // Mallory is on a day's waitlist; nothing was ever offered to her.
      (async () => {
        await bookUpToDetails(mallory, { waitlist: true });
        await next(mallory.id, /You are on the waitlist/);
      })(),
    ]);
    const card = await next(STAFF_CHAT_ID, /Request MS-/, 20_000);

    const request = await db.prisma.appointmentRequest.findFirstOrThrow({ where: { userId: ana.id } });
    const entry = await db.prisma.waitlistEntry.findFirstOrThrow({ where: { userId: mallory.id } });
    expect(await db.prisma.waitlistOffer.count()).toBe(0);
    const minutes = Math.round(request.startsAt.getTime() / 60_000);
    const requestId = request.id;
    const staffShapes = [
      requestCardButtons.data("ok", { requestId }),
      requestCardButtons.data("no", { requestId }),
      requestCardButtons.data("pt", { requestId, minutes, practitionerId: request.practitionerId }),
    ];
    const patientShapes = [
      // An offer never made (none was), and the pre-offer shape naming her entry and a free time of her choosing.
      waitlistButtons.data("yes", { offerId: 1 }),
      waitlistButtons.data("yes", { offerId: 999_999 }),
      `wl:yes:${entry.id}:${request.practitionerId}:${minutes}`,
      // Ana's request: withdrawing it, accepting a proposal on it.
      openRequestButtons.data("cancel", { requestId }),
      proposalButtons.data("yes", { requestId }),
      ...staffShapes,
    ];

    const before = await stored(db);
    const toAna = sim.delivered(ana.id).length;
    const toStaff = sim.delivered(STAFF_CHAT_ID).length;
    const inHerChat = sim.lastMessageTo(mallory.id)!;
    const forged = [
      ...patientShapes.map((data) => sim.pushUpdate(callbackQuery(mallory, data, inHerChat))),
      // And on the card itself, as a patient who found their way into the staff group would.
      ...staffShapes.map((data) => sim.pushUpdate(callbackQuery(mallory, data, card))),
    ];

    // Each press gets the same kind answer, and nothing else happens.
    expect(await answered(forged)).toEqual(forged.map(() => INACTIVE));
    expect(await stored(db)).toEqual(before);
    expect(sim.delivered(ana.id)).toHaveLength(toAna);
    expect(sim.delivered(STAFF_CHAT_ID)).toHaveLength(toStaff);
    expect(sim.message(STAFF_CHAT_ID, card.message_id)?.text).toBe(card.text);
    expect(bot!.output()).not.toMatch(/"level":50/);
    expect(await bot!.stop("SIGTERM")).toBe(0);
  }, 90_000);

  it("after a booking request and /forget, her name, phone, insurer, note and red flags are in no column of any table; announcements waiting for her are cancelled", async () => {
    const db = await start();
    const zora = user(73_101, { first_name: "Zora", last_name: "Quill", username: "zoraq" });
    await bookUpToDetails(zora);
    await press(zora, /bill your insurance directly/, /^Yes$/);
    await next(zora.id, /Which insurance company/);
    sim.sendText(zora, "Sun Life");
    await press(zora, /Anything else we need for billing/, /Skip/);
    await next(zora.id, /Anything the practitioner should know/);
    sim.sendText(zora, "Saddle numbness since the move");
    await press(zora, /Please check your request/, /Send my request/);
    await next(zora.id, /Your request is sent/);
    // The staff group holds the red-flag alert and her card, as do the outbox rows they went out from.
    await next(STAFF_CHAT_ID, /red flag[\s\S]*Zora Quill/, 20_000);
    await next(STAFF_CHAT_ID, /Request MS-[\s\S]*Zora Quill[\s\S]*Sun Life/, 20_000);
    expect(await whereStored(db, ["Zora Quill", "6135550199"])).not.toEqual([]);

    // Announcements waiting for her: one paused (her row held), one going out later (her row pending).
    const announcement = (status: string, text: string) =>
      db.prisma.broadcast.create({
        data: { authorId: STAFF_ID, authorName: "Sam", authorChatId: STAFF_ID, status, text, audience: "everyone", recipientCount: 1, startedAt: new Date(), recipientsQueuedAt: new Date() },
      });
    const paused = await announcement("paused", "Closed Friday");
    const later = await announcement("sending", "New hours");
    const row = (broadcastId: number, status: string) => ({
      key: `broadcast:${broadcastId}:${zora.id}`,
      kind: "broadcast",
      priority: 5,
      chatId: zora.id,
      userId: zora.id,
      broadcastId,
      status,
      dueAt: new Date(Date.now() + 3600_000),
    });
    await db.prisma.outboxMessage.createMany({ data: [row(paused.id, "held"), row(later.id, "pending")] });

    sim.sendCommand(zora, "forget");
    const confirm = await press(zora, /Are you sure/, /Yes, erase my data/);
    await edited(confirm, /your personal data has been erased/);
    await next(STAFF_CHAT_ID, new RegExp(`Telegram id ${zora.id}\\) erased`), 20_000);
    // Stopped, so nothing written later escapes the check.
    expect(await bot!.stop("SIGTERM")).toBe(0);

    const herDetails = ["Zora", "Quill", "zoraq", "6135550199", "555 0199", "Sun Life", "Saddle", "saddle", "since the move"];
    expect(await whereStored(db, herDetails)).toEqual([]);
    const waiting = await db.prisma.outboxMessage.findMany({ where: { broadcastId: { in: [paused.id, later.id] } }, select: { status: true } });
    expect(waiting).toEqual([{ status: "cancelled" }, { status: "cancelled" }]);
    // Her request stays in the clinic's records, without her.
    expect(await db.prisma.appointmentRequest.count()).toBe(1);
  }, 90_000);
});
