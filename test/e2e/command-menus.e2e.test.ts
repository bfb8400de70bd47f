import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BotApiSimulator } from "../../src/bot-api-peer/index.js";
import { user } from "../../src/bot-api-peer/updates.js";
import { createI18n } from "../../src/bot/i18n.js";
import { scratchLocation } from "../kit/test-database.js";
import { E2E_TOKEN, startBotProcess, type BotProcess } from "./harness.js";

const PATIENT = ["start", "help", "book", "appointments", "subscribe", "settings", "tip", "timezone", "unsubscribe", "language", "privacy", "mydata", "forget"];
const STAFF = ["requests", "today", "desk", "broadcast", "broadcasts", "stats", "articles", "cancel"];
/** What answers in the staff group: no booking, tips, privacy or announcement writing (private chats only). */
const STAFF_GROUP = ["help", "requests", "today", "desk", "articles"];

const STAFF_CHAT_ID = -1_001_234_567_890;
const sam = user(700_001, { first_name: "Sam", language_code: "en" });
const rose = user(700_002, { first_name: "Rose", language_code: "fr" });
/** A staff member who never opened the bot's chat: Telegram refuses a menu for it. */
const newcomer = user(700_003, { first_name: "Nell", language_code: "en" });
const ana = user(700_101, { first_name: "Ana", language_code: "en" });
const lea = user(700_102, { first_name: "Léa", language_code: "fr-CA" });
const kim = user(700_103, { first_name: "Kim", language_code: "de" });

/**
 * The menus the real bot process sets at start, as a Telegram app shows them
 * (the peer picks the menu of a chat by Telegram's scope and language rules).
 */
describe("command menus of the real bot process", () => {
  let sim: BotApiSimulator;
  let bot: BotProcess;
  const location = scratchLocation("sqlite");
  const i18n = createI18n("en");
  const menu = (names: string[], language: string) => names.map((command) => ({ command, description: i18n.t(language, `command-${command}`) }));

  beforeAll(async () => {
    sim = new BotApiSimulator({ token: E2E_TOKEN, rateLimits: false, unknownChats: new Set([newcomer.id]) });
    const { apiRoot } = await sim.listen();
    bot = await startBotProcess({
      BOT_TOKEN: E2E_TOKEN,
      TELEGRAM_API_ROOT: apiRoot,
      DATABASE_URL: location.url,
      STAFF_IDS: [sam.id, rose.id, newcomer.id].join(","),
      STAFF_CHAT_ID: String(STAFF_CHAT_ID),
    });
    await bot.waitForLog(/could not register some command menus/);
  });
  afterAll(async () => {
    await bot?.stop("SIGKILL");
    await sim?.close();
    await location.cleanup();
  });

  it("patients' private chats: the patient commands, in their language (the clinic's default otherwise)", () => {
    expect(sim.commandMenuShown(ana.id, ana)).toEqual(menu(PATIENT, "en"));
    expect(sim.commandMenuShown(lea.id, lea)).toEqual(menu(PATIENT, "fr"));
    expect(sim.commandMenuShown(lea.id, lea)[2]).toEqual({ command: "book", description: "Demander un rendez-vous" });
    expect(sim.commandMenuShown(kim.id, kim)).toEqual(menu(PATIENT, "en"));
    expect(sim.commandMenu({ type: "default" }, "fr")).toEqual(menu(PATIENT, "fr"));
    expect(sim.commandMenu({ type: "default" }, "en")).toEqual(menu(PATIENT, "en"));
  });

  it("the staff group: only the commands that answer there, in each member's language", () => {
    const inGroup = sim.commandMenuShown(STAFF_CHAT_ID, sam);
    expect(inGroup).toEqual(menu(STAFF_GROUP, "en"));
    expect(inGroup.map((entry) => entry.command)).not.toContain("book");
    expect(inGroup.map((entry) => entry.command)).not.toContain("broadcast");
    expect(sim.commandMenuShown(STAFF_CHAT_ID, rose)).toEqual(menu(STAFF_GROUP, "fr"));
    // Any other group the bot is in: /help, which answers anywhere.
    expect(sim.commandMenuShown(-4242, ana)).toEqual(menu(["help"], "en"));
  });

  it("each staff member's private chat: the patient commands and the staff commands, in both languages", () => {
    expect(sim.commandMenuShown(sam.id, sam)).toEqual(menu([...PATIENT, ...STAFF], "en"));
    expect(sim.commandMenuShown(rose.id, rose)).toEqual(menu([...PATIENT, ...STAFF], "fr"));
    expect(sim.commandMenuShown(sam.id, { id: sam.id, language_code: "fr" }).map((entry) => entry.command)).toContain("requests");
    // A patient never sees them, even writing from a staff member's language.
    expect(sim.commandMenuShown(ana.id, { id: ana.id, language_code: "fr" }).map((entry) => entry.command)).not.toContain("requests");
  });

  it("a menu Telegram refuses (a staff member who never opened the chat) is logged; the others are set all the same", () => {
    expect(sim.commandMenuShown(newcomer.id, newcomer)).toEqual(menu(PATIENT, "en"));
    const refused = sim.callsTo("setMyCommands").filter((call) => call.status === 400);
    expect(refused.map((call) => (call.params.scope as { chat_id?: number }).chat_id)).toEqual([newcomer.id, newcomer.id, newcomer.id]);
    expect(bot.output()).toMatch(/"failed":3,"of":\d+/);
    expect(bot.child.exitCode).toBeNull();
  });

  it("that staff member gets the staff menu as soon as they open the chat, with no restart", async () => {
    sim.configure({ unknownChats: new Set() });
    sim.sendCommand(newcomer, "start");
    await sim.waitFor(() => sim.commandMenuShown(newcomer.id, newcomer).length === PATIENT.length + STAFF.length, 10_000);
    expect(sim.commandMenuShown(newcomer.id, newcomer)).toEqual(menu([...PATIENT, ...STAFF], "en"));
    expect(sim.commandMenuShown(newcomer.id, { id: newcomer.id, language_code: "fr" })).toEqual(menu([...PATIENT, ...STAFF], "fr"));
    // Only that chat's menus were set again.
    const again = sim.callsTo("setMyCommands").filter((call) => call.status === 200 && (call.params.scope as { chat_id?: number }).chat_id === newcomer.id);
    expect(again).toHaveLength(3);
    sim.sendCommand(newcomer, "help");
    await sim.waitFor(() => sim.countText(newcomer.id, "What I can do") > 0, 10_000);
    expect(sim.callsTo("setMyCommands").filter((call) => (call.params.scope as { chat_id?: number }).chat_id === newcomer.id)).toHaveLength(6);
  });

  /** Sends the command and presses the button named `name` on the bot's answer, until the answer says `done`. */
  async function answer(person: typeof ana, command: string, name: string, done: string) {
    const earlier = sim.delivered(person.id).length;
    sim.sendCommand(person, command);
    await sim.waitFor(() => sim.delivered(person.id).length > earlier, 10_000);
    const question = sim.delivered(person.id)[earlier]!;
    const button = sim.buttonsOf(question).find((entry) => entry.text === name)!;
    sim.pressButton(person, question, button.callback_data!);
    await sim.waitFor(() => sim.message(person.id, question.message_id)?.text?.includes(done) === true, 10_000);
  }
  const choose = (person: typeof ana, name: string, saved: string) => answer(person, "language", name, saved);
  const madeFor = (chatId: number) => sim.callsTo("setMyCommands").filter((call) => call.status === 200 && (call.params.scope as { chat_id?: number }).chat_id === chatId);

  it("a patient who chooses another language than their app's gets the menu in the language they chose", async () => {
    await choose(ana, "Français", "je vous répondrai en français");
    await sim.waitFor(() => sim.commandMenuShown(ana.id, ana)[2]?.description === "Demander un rendez-vous", 10_000);
    expect(sim.commandMenuShown(ana.id, ana)).toEqual(menu(PATIENT, "fr"));
    // Hers alone: every other patient's menu still follows their app.
    expect(sim.commandMenuShown(kim.id, kim)).toEqual(menu(PATIENT, "en"));
    expect(madeFor(ana.id)).toHaveLength(1);

    // Another update changes nothing more; choosing English again brings the English menu back.
    sim.sendCommand(ana, "help");
    await sim.waitFor(() => sim.countText(ana.id, "Ce que je peux faire") > 0, 10_000);
    expect(madeFor(ana.id)).toHaveLength(1);
    await choose(ana, "English", "I'll speak English with you");
    await sim.waitFor(() => madeFor(ana.id).length === 2, 10_000);
    expect(sim.commandMenuShown(ana.id, ana)).toEqual(menu(PATIENT, "en"));
    expect(sim.commandMenuShown(ana.id, { id: ana.id, language_code: "fr" })).toEqual(menu(PATIENT, "en"));

    // Her data erased, her choice goes with it: back as a new patient, the menu follows her app again.
    await answer(ana, "forget", "Yes, erase my data", "your personal data has been erased");
    sim.sendCommand(ana, "start");
    await sim.waitFor(() => sim.callsTo("deleteMyCommands").length === 1, 10_000);
    expect(sim.commandMenuShown(ana.id, { id: ana.id, language_code: "fr" })).toEqual(menu(PATIENT, "fr"));
    expect(sim.commandMenuShown(ana.id, ana)).toEqual(menu(PATIENT, "en"));
  });

  it("a staff member who chooses a language gets the staff menu in it, whatever their app's language", async () => {
    const before = madeFor(rose.id).length;
    await choose(rose, "English", "I'll speak English with you");
    await sim.waitFor(() => madeFor(rose.id).length === before + 3, 10_000);
    expect(sim.commandMenuShown(rose.id, rose)).toEqual(menu([...PATIENT, ...STAFF], "en"));
    expect(sim.commandMenuShown(rose.id, { id: rose.id, language_code: "en" })).toEqual(menu([...PATIENT, ...STAFF], "en"));
    // The staff group keeps following each member's app.
    expect(sim.commandMenuShown(STAFF_CHAT_ID, rose)).toEqual(menu(STAFF_GROUP, "fr"));
  });
});
