import { describe, expect, it } from "vitest";
import type { ApiCallFn } from "grammy";
import { createSendRateLimiter } from "../delivery/send-rate.js";
import { loadConfig } from "../config.js";
import { repliesThroughBudget } from "./outgoing.js";

/** Lets every pending promise callback run, but no timer: whatever waits on a timer is still waiting afterwards. */
async function microtasksOnly(): Promise<void> {
  for (let i = 0; i < 5_000; i++) await Promise.resolve();
}

describe("replies through the send budget", () => {
  it("sends the replies of patients who write at the same moment to an idle bot at once, without waiting for a timer", async () => {
    // The shipped default rate and per-chat spacing.
    const { sendRatePerSecond } = loadConfig({ BOT_TOKEN: "123456789:AAFtestTokenForTheClinicBotTests0000", DATABASE_URL: "file:./unused.db" });
    const limiter = createSendRateLimiter({ globalPerSecond: sendRatePerSecond });
    const sent: number[] = [];
    const telegram = (async (method: string, payload: { chat_id: number }) => {
      sent.push(payload.chat_id);
      return { ok: true, result: { message_id: sent.length } };
    }) as unknown as ApiCallFn;
    const reply = repliesThroughBudget(limiter);
    const patients = [101, 102, 103, 104, 105];
    const replies = patients.map((chat) => reply(telegram, "sendMessage", { chat_id: chat, text: "Welcome" } as never, undefined));
    await microtasksOnly();
    expect(sent).toEqual(patients);
    await Promise.all(replies);
  });
});
