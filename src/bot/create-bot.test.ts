import { afterEach, describe, expect, it } from "vitest";
import { Writable } from "node:stream";
import { createTestBot, STAFF_ID, type TestBot } from "../../test/kit/test-bot.js";
import { createLogger } from "../logger.js";
import { createBot } from "./create-bot.js";
import type { ChatLock } from "./chat-lock.js";
import { callbackQuery, channelPost, command, groupMessage, myChatMember, stickerMessage, testBotInfo, user } from "../bot-api-peer/updates.js";

function captureLogs() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split("\n").filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: createLogger("info", stream) };
}

describe("the bot's wiring", () => {
  let t: TestBot;
  afterEach(async () => {
    await t?.close();
  });
  const ana = user(6001, { first_name: "Ana <b>", language_code: "en" });

  it("apologises when the per-chat lock cannot be had (the database is away), instead of dropping the update", async () => {
    const { lines, logger } = captureLogs();
    t = await createTestBot({ logger });
    const unreachable: ChatLock = { run: () => Promise.reject(new Error("connect ECONNREFUSED 127.0.0.1:5432")), close: async () => undefined };
    const bot = createBot(t.config, { ...t.services.deps, chatLock: unreachable }, { botInfo: testBotInfo(), client: { fetch: t.sim.fetch as unknown as typeof fetch } });
    await bot.handleUpdate(command(ana, "/start"));
    expect(t.lastTextTo(ana.id)).toContain("Sorry, something went wrong");
    expect(lines.some((line) => line.msg === "update failed")).toBe(true);
  });

  it("greets by name (escaped) with the clinic's name, and remembers the patient", async () => {
    t = await createTestBot();
    await t.send(command(ana, "/start"));
    const greeting = t.sim.lastMessageTo(ana.id)!;
    expect(greeting.text).toContain("Hello, Ana <b>! Welcome to Maple Spine");
    expect(t.sim.buttonsOf(greeting).map((button) => button.callback_data)).toContain("tips:open");
    expect(await t.services.deps.users.findById(ana.id)).toMatchObject({ firstName: "Ana <b>", status: "active" });
  });

  it("answers /help with the commands and the clinic's contact; staff also see staff commands", async () => {
    t = await createTestBot();
    await t.send(command(ana, "/help"));
    const help = t.lastTextTo(ana.id)!;
    expect(help).toContain("/subscribe");
    expect(help).toContain("+1 613 555 0142");
    expect(help).not.toContain("Staff");
    const staff = user(STAFF_ID, { first_name: "Sam" });
    await t.send(command(staff, "/help"));
    expect(t.lastTextTo(STAFF_ID)).toContain("Staff");
  });

  it("apologises instead of going silent when something fails, and logs the update id", async () => {
    const { lines, logger } = captureLogs();
    t = await createTestBot({ logger });
    t.services.deps.users.upsertFromTelegram = async () => {
      throw new Error("database is on fire");
    };
    const update = command(ana, "/start");
    await t.send(update);
    expect(t.lastTextTo(ana.id)).toMatch(/^Sorry, something went wrong/);
    const failure = lines.find((line) => line.msg === "update failed")!;
    expect(failure.updateId).toBe(update.update_id);
    expect(JSON.stringify(failure)).toContain("database is on fire");
  });

  it("answers buttons of menus that no longer exist, unknown commands and stickers", async () => {
    t = await createTestBot();
    await t.send(command(ana, "/start"));
    const old = t.sim.lastMessageTo(ana.id)!;
    // A button from a menu of an older version of the bot, or of a finished flow.
    await t.send(t.sim.pushUpdate(callbackQuery(ana, "gone:1", old)));
    expect(t.sim.callsTo("answerCallbackQuery").at(-1)!.params.text).toContain("no longer active");
    await t.send(command(ana, "/frobnicate"));
    expect(t.lastTextTo(ana.id)).toContain("I don't know that command");
    await t.send(stickerMessage(ana));
    expect(t.lastTextTo(ana.id)).toContain("/help");
  });

  it("stays quiet in groups and channels, and follows block / unblock", async () => {
    t = await createTestBot();
    await t.send(command(ana, "/start"));
    const sentBefore = t.sim.stats().sends;
    await t.send(groupMessage(ana, "hello everyone"));
    await t.send(channelPost("news"));
    expect(t.sim.stats().sends).toBe(sentBefore);
    await t.send(myChatMember(ana, "kicked"));
    expect((await t.services.deps.users.findById(ana.id))!.status).toBe("blocked");
    await t.send(myChatMember(ana, "member"));
    expect((await t.services.deps.users.findById(ana.id))!.status).toBe("active");
  });

});

describe("flood protection", () => {
  it("ignores a flood from one patient after one polite word, and serves others meanwhile", async () => {
    const t = await createTestBot();
    try {
      const flooder = user(6101, { language_code: "en" });
      for (let i = 0; i < 50; i++) await t.send(command(flooder, "/help"));
      const replies = t.sentTo(flooder.id).map((message) => message.text ?? "");
      expect(replies.filter((text) => text.includes("very quickly"))).toHaveLength(1);
      expect(replies.length).toBeLessThanOrEqual(31);
      const other = user(6102, { language_code: "en" });
      await t.send(command(other, "/help"));
      expect(t.lastTextTo(other.id)).toContain("What I can do");
    } finally {
      await t.close();
    }
  });
});
