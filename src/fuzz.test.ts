import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Update } from "grammy/types";
import { createTestBot, STAFF_CHAT_ID, STAFF_ID, type TestBot } from "../test/kit/test-bot.js";
import { testBotInfo } from "./bot-api-peer/updates.js";
import { mulberry32 } from "../test/kit/measure.js";

/** Seeded, so the same seed gives the same updates. */
function random(seed: number) {
  const next = mulberry32(seed);
  const int = (max: number) => Math.floor(next() * max);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  return { next, int, pick };
}

const ODD_TEXT = [
  "",
  " ",
  "/",
  "/start",
  "/start@test_bot extra args",
  "/help@other_bot",
  "/subscribe",
  "/settings",
  "/unsubscribe",
  "/tip",
  "/timezone",
  "/timezone Mars/Base",
  "/timezone America/Toronto",
  "/language",
  "/book",
  "/book",
  "/appointments",
  "/requests",
  "/today",
  "/today 2026-13-45",
  "/cancel",
  "/forget",
  "2026-12-02",
  "14:30",
  "+1 613 555 0199",
  "/frobnicate",
  "<b>not html</b> & <script>",
  "\u0000\u0001\u0002",
  "\u202eRTL override",
  "👩‍⚕️🦴💆‍♀️".repeat(50),
  "é".repeat(5000),
  "x".repeat(10_000),
  "I fell down the stairs and my legs feel numb",
  "j'ai de la fièvre et mal au dos",
  "ｆｕｌｌｗｉｄｔｈ",
  "\ud800 lone surrogate",
];

const CALLBACK_DATA = [
  "tips:open",
  "tips:choose",
  "tips:zones",
  "tips:undo",
  "tips:day:0",
  "tips:day:3",
  "tips:day:9",
  "tips:at:3:8",
  "tips:at:3:99",
  "tips:at:x:y",
  "tips:tz:America/Vancouver",
  "tips:tz:Not/AZone",
  "tips:tz:",
  "language:fr",
  "language:choose:fr",
  "language:choose:de",
  "language:de",
  "language:",
  "",
  ":",
  "::::",
  "x".repeat(64),
  "booking:confirm:1",
  "book:open",
  "bk:00000000:svc:massage-60",
  "bk:00000000:cancel",
  "bk:step:00000000:svc:massage-60",
  "bk:step:00000000:cancel:",
  "bk::",
  "rq:ok:1",
  "rq:no:1",
  "rq:alt:1",
  "rq:pd:1:2026-12-02",
  "rq:pd:1:9999-99-99",
  "rq:pt:1:29420000:camille-tremblay",
  "rq:pt:1:99999999999999999999:x",
  "rq:back:1",
  "rq:card:1",
  "ap:cancel:1",
  "ap:cancel-yes:1",
  "ap:move:1",
  "ap:done:1",
  "ap:noshow:1",
  "today:done:1",
  "today:noshow:1",
  "rqp:cancel:1",
  "rqp:move:1",
  "pp:yes:1",
  "pp:no:1",
  "rm:yes:1",
  "rm:move:1",
  "wl:yes:1:camille-tremblay:29420000",
  "wl:no:1",
  "wl:yes:1",
  "staff:confirm:999999",
  "broadcast:send:1",
  "%00%ff",
  "🙂",
];

function makeUpdate(rng: ReturnType<typeof random>, updateId: number): Update {
  // Enough people that flood protection lets most updates through to the features.
  const userId = 10_000 + rng.int(500);
  const from = { id: userId, is_bot: false, first_name: rng.pick(["Ana", "", "<i>", "Ｍ"]), language_code: rng.pick([undefined, "en", "fr", "de", "fr-CA", ""]) };
  const chatKind = rng.pick(["private", "private", "private", "group", "supergroup", "channel"] as const);
  const chat =
    chatKind === "private"
      ? { id: userId, type: "private" as const, first_name: from.first_name }
      : chatKind === "channel"
        ? { id: -1_000_000_000_000 - rng.int(5), type: "channel" as const, title: "Channel" }
        : { id: -rng.int(1000) - 1, type: chatKind, title: "Group" };
  const date = Math.floor(Date.now() / 1000);
  const text = rng.pick(ODD_TEXT);
  const entities = text.startsWith("/") ? [{ type: "bot_command" as const, offset: 0, length: text.split(" ")[0]!.length }] : undefined;
  const message = { message_id: rng.int(10_000) + 1, date, chat, from, text, entities };
  const kind = rng.int(10);
  const update: Record<string, unknown> = { update_id: updateId };
  switch (kind) {
    case 0:
    case 1:
    case 2:
      update.message = message;
      break;
    case 3:
      update.edited_message = { ...message, edit_date: date };
      break;
    case 4:
      update.callback_query = {
        id: String(updateId),
        from,
        chat_instance: "1",
        data: rng.pick(CALLBACK_DATA),
        message: rng.next() < 0.8 ? { message_id: 1, date, chat, from: testBotInfo(), text: "old" } : undefined,
      };
      break;
    case 5:
      update.my_chat_member = {
        chat,
        from,
        date,
        old_chat_member: { user: testBotInfo(), status: "member" },
        new_chat_member: { user: testBotInfo(), status: rng.pick(["kicked", "member", "left", "administrator"]) },
      };
      break;
    case 6:
      update.channel_post = { message_id: 1, date, chat: { id: -1_000_000_000_001, type: "channel", title: "C" }, text };
      break;
    case 7:
      // Message types the bot does not expect.
      update.message = { ...message, text: undefined, entities: undefined, ...rng.pick([{ sticker: { file_id: "s" } }, { voice: { file_id: "v", duration: 1 } }, { contact: { phone_number: "+15555550100", first_name: "A" } }, { location: { latitude: 1, longitude: 2 } }, {}]) };
      break;
    case 8:
      // Missing fields and shapes Telegram would never send.
      update.message = rng.pick([{ ...message, from: undefined }, { ...message, chat: undefined }, { text: "orphan" }, null, 42]);
      break;
    default:
      // Update types the bot does not subscribe to.
      update[rng.pick(["poll", "inline_query", "chat_join_request", "message_reaction", "shipping_query", "unknown_future_type"])] = { id: "1", from };
  }
  return update as unknown as Update;
}

describe("fuzzing the bot with random and malformed updates", () => {
  let t: TestBot;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  beforeAll(async () => {
    process.on("unhandledRejection", onUnhandled);
    t = await createTestBot({ env: { STAFF_IDS: `${STAFF_ID},10003` } });
  });
  afterAll(async () => {
    process.off("unhandledRejection", onUnhandled);
    await t.close();
  });

  it("survives 10,000 updates without a crash, an unhandled rejection, or a message to the wrong chat", async () => {
    const rng = random(20261123);
    const wrongChat: string[] = [];
    for (let updateId = 1; updateId <= 10_000; updateId++) {
      const update = makeUpdate(rng, updateId);
      const callsBefore = t.sim.calls.length;
      await t.send(update);
      const raw = update as unknown as Record<string, { chat?: { id?: number }; from?: { id?: number }; message?: { chat?: { id?: number } } } | null>;
      const source = raw.message ?? raw.edited_message ?? raw.callback_query ?? raw.my_chat_member ?? raw.channel_post;
      const allowed = new Set([source?.chat?.id, source?.message?.chat?.id, source?.from?.id, STAFF_CHAT_ID].filter((id) => id !== undefined));
      for (const call of t.sim.calls.slice(callsBefore)) {
        const target = call.params.chat_id;
        if (target !== undefined && !allowed.has(Number(target))) wrongChat.push(`update ${updateId}: ${call.method} to ${String(target)}`);
      }
    }
    // Queued messages (tips, notices) go to their own recipients.
    await t.services.engine.drain();
    expect(wrongChat).toEqual([]);
    expect(unhandled).toEqual([]);
    expect(t.sim.stats().calls).toBeGreaterThan(3000);
  }, 120_000);
});
