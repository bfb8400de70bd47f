import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Update } from "grammy/types";
import { BotApiSimulator } from "../../src/bot-api-peer/index.js";
import { openRequestButtons, proposalButtons, waitlistButtons } from "../../src/features/appointments-buttons.js";
import { requestCardButtons } from "../../src/features/appointment-requests-buttons.js";
import { openDatabase, type Database } from "../../src/db/database.js";
import { databaseContents, whereStored } from "../kit/database-contents.js";
import { scratchLocation, testProviders } from "../kit/test-database.js";
import { buttonData, chatClient, E2E_TOKEN, startBotProcess, type BotProcess, type BotReply } from "./harness.js";

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
  });
  afterAll(() => sim.close());

  async function start(): Promise<Database> {
    location = scratchLocation(provider);
    bot = await startBotProcess({ BOT_TOKEN: E2E_TOKEN, TELEGRAM_API_ROOT: apiRoot, DATABASE_URL: location.url, STAFF_IDS: String(STAFF_ID), STAFF_CHAT_ID: String(STAFF_CHAT_ID) });
    await bot.waitForLog(/"bot initialised"/, 30_000);
    database = await openDatabase(location.url);
    return database;
  }

  type Chat = ReturnType<typeof chatClient>;

  /** Waits for the bot's next message matching `pattern` and presses its button labelled like `label`. */
  async function step(chat: Chat, pattern: RegExp, label: RegExp): Promise<BotReply> {
    const reply = await chat.waitFor(pattern);
    await chat.press(reply, buttonData(reply, label));
    return reply;
  }

  /** /book up to the day; then either the first time offered, or the waitlist for that day; then name, consent and phone. */
  async function bookUpToDetails(chat: Chat, { waitlist = false } = {}): Promise<void> {
    await chat.command("/book");
    await step(chat, /What would you like to book/, /60 min/);
    await step(chat, /With whom/, /No preference/);
    await step(chat, /Which day/, /./);
    await step(chat, /Free times on/, waitlist ? /waitlist/ : /^\d/);
    await step(chat, /What name should the clinic use/, /Use/);
    await step(chat, /Do you agree/, /I agree/);
    await chat.waitFor(/What phone number/);
    sim.sendContact(chat.user, "+1 613 555 0199");
    await chat.waitFor(/we will call/);
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
    const ana = chatClient(sim, 73_001, "Ana", { last_name: "Victim" });
    const mallory = chatClient(sim, 73_666, "Mallory", { last_name: "Forger" });
    // Read only: what the bot posts in the staff group.
    const staffGroup = chatClient(sim, STAFF_CHAT_ID, "Staff");

    await Promise.all([
      // Ana's request waits for staff; its card is in the staff group.
      (async () => {
        await bookUpToDetails(ana);
        await step(ana, /bill your insurance directly/, /^No$/);
        await step(ana, /Anything the practitioner should know/, /Skip/);
        await step(ana, /Please check your request/, /Send my request/);
        await ana.waitFor(/Your request is sent/);
      })(),
      // Mallory is on a day's waitlist; nothing was ever offered to her.
      (async () => {
        await bookUpToDetails(mallory, { waitlist: true });
        await mallory.waitFor(/You are on the waitlist/);
      })(),
    ]);
    const card = await staffGroup.waitFor(/Request MS-/, 20_000);

    const request = await db.prisma.appointmentRequest.findFirstOrThrow({ where: { userId: ana.user.id } });
    const entry = await db.prisma.waitlistEntry.findFirstOrThrow({ where: { userId: mallory.user.id } });
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
    const toAna = sim.delivered(ana.user.id).length;
    const toStaff = sim.delivered(STAFF_CHAT_ID).length;
    const forged: Update[] = [];
    for (const data of patientShapes) forged.push(await mallory.forgePress(data));
    // And on the card itself, as a patient who found their way into the staff group would.
    for (const data of staffShapes) forged.push(await mallory.forgePress(data, card));

    // Each press gets the same kind answer, and nothing else happens.
    expect(await answered(forged)).toEqual(forged.map(() => INACTIVE));
    expect(await stored(db)).toEqual(before);
    expect(sim.delivered(ana.user.id)).toHaveLength(toAna);
    expect(sim.delivered(STAFF_CHAT_ID)).toHaveLength(toStaff);
    expect(sim.message(STAFF_CHAT_ID, card.messageId)?.text).toBe(card.text);
    expect(bot!.output()).not.toMatch(/"level":50/);
    expect(await bot!.stop("SIGTERM")).toBe(0);
  }, 90_000);

  it("after a booking request and /forget, her name, phone, insurer, note and red flags are in no column of any table; announcements waiting for her are cancelled", async () => {
    const db = await start();
    const zora = chatClient(sim, 73_101, "Zora", { last_name: "Quill", username: "zoraq" });
    const staffGroup = chatClient(sim, STAFF_CHAT_ID, "Staff");
    await bookUpToDetails(zora);
    await step(zora, /bill your insurance directly/, /^Yes$/);
    await zora.waitFor(/Which insurance company/);
    await zora.text("Sun Life");
    await step(zora, /Anything else we need for billing/, /Skip/);
    await zora.waitFor(/Anything the practitioner should know/);
    await zora.text("Saddle numbness since the move");
    await step(zora, /Please check your request/, /Send my request/);
    await zora.waitFor(/Your request is sent/);
    // The staff group holds the red-flag alert and her card, as do the outbox rows they went out from.
    await staffGroup.waitFor(/red flag[\s\S]*Zora Quill/, 20_000);
    await staffGroup.waitFor(/Request MS-[\s\S]*Zora Quill[\s\S]*Sun Life/, 20_000);
    expect(await whereStored(db, ["Zora Quill", "6135550199"])).not.toEqual([]);

    // Announcements waiting for her: one paused (her row held), one going out later (her row pending).
    const announcement = (status: string, text: string) =>
      db.prisma.broadcast.create({
        data: { authorId: STAFF_ID, authorName: "Sam", authorChatId: STAFF_ID, status, text, audience: "everyone", recipientCount: 1, startedAt: new Date(), recipientsQueuedAt: new Date() },
      });
    const paused = await announcement("paused", "Closed Friday");
    const later = await announcement("sending", "New hours");
    const row = (broadcastId: number, status: string) => ({
      key: `broadcast:${broadcastId}:${zora.user.id}`,
      kind: "broadcast",
      priority: 5,
      chatId: zora.user.id,
      userId: zora.user.id,
      broadcastId,
      status,
      dueAt: new Date(Date.now() + 3600_000),
    });
    await db.prisma.outboxMessage.createMany({ data: [row(paused.id, "held"), row(later.id, "pending")] });

    await zora.command("/forget");
    const confirm = await step(zora, /Are you sure/, /Yes, erase my data/);
    await zora.edited(confirm, /your personal data has been erased/);
    await staffGroup.waitFor(new RegExp(`Telegram id ${zora.user.id}\\) erased`), 20_000);
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
