import type { Conversation } from "@grammyjs/conversations";
import { autoRetry } from "@grammyjs/auto-retry";
import type { Context, MiddlewareFn, Transformer } from "grammy";
import { setTimeout as sleep } from "node:timers/promises";
import type { SendRateLimiter } from "../delivery/send-rate.js";

/** Methods that put a new message in a chat: they count against Telegram's send limits. */
export const SENDING_METHODS = new Set(["sendMessage", "sendPhoto", "sendDocument", "copyMessage", "forwardMessage"]);

/**
 * Calls that send nothing (edits, answers to button taps) are retried on 429
 * and transient errors a few times: they are cheap, and Telegram counts them
 * apart from sends.
 */
export const OTHER_CALL_RETRIES = { maxRetryAttempts: 3, maxDelaySeconds: 10 } as const;

/** Telegram's 5xx means the call was not carried out: a reply is tried again this often, after 1, 2, 3 s. */
export const SERVER_ERROR_RETRIES = 3;

/** How a reply waits: outside a conversation it just waits; inside one the wait must not be repeated on replays. */
type Wait = <T>(task: () => Promise<T>) => Promise<T>;

/**
 * Replies go through the bot's one send budget, ahead of bulk sends: each
 * message waits for its slot, a 429 pauses everyone for its retry_after and
 * the reply goes back to the head of the reply queue. A reply is never
 * dropped because of 429: it waits its turn.
 */
function budgetedSend(limiter: SendRateLimiter, wait: Wait, others: Transformer): Transformer {
  return async (prev, method, payload, clientSignal) => {
    // grammY types its signal as the abort-controller polyfill's; only `aborted` and the "abort" event are used.
    const signal = clientSignal as AbortSignal | undefined;
    const chatId = newMessageChat(method, payload);
    if (chatId === undefined) return others(prev, method, payload, clientSignal);
    for (let attempt = 1, first = false; ; attempt++) {
      await wait(() => limiter.acquire(chatId, { priority: "reply", signal, first }));
      const result = await prev(method, payload, clientSignal);
      if (result.ok) return result;
      if (result.error_code === 429) {
        const seconds = result.parameters?.retry_after ?? 1;
        await wait(async () => limiter.pause(seconds));
        first = true;
        continue;
      }
      if (result.error_code < 500 || attempt > SERVER_ERROR_RETRIES) return result;
      await wait(() => sleep(attempt * 1000, undefined, { signal }));
    }
  };
}

/** The reply budget for the bot's own Api (`bot.api`, and so every `ctx.reply`). */
export function repliesThroughBudget(limiter: SendRateLimiter): Transformer {
  return budgetedSend(limiter, (task) => task(), autoRetry(OTHER_CALL_RETRIES));
}

/** OTHER_CALL_RETRIES, with each wait going through `wait` (auto-retry would wait again on every replay). */
function retryOthers(wait: Wait): Transformer {
  return async (prev, method, payload, signal) => {
    for (let attempt = 1; ; attempt++) {
      const result = await prev(method, payload, signal);
      if (result.ok || attempt > OTHER_CALL_RETRIES.maxRetryAttempts) return result;
      const seconds = result.error_code === 429 ? (result.parameters?.retry_after ?? 1) : result.error_code >= 500 ? attempt : undefined;
      if (seconds === undefined || seconds > OTHER_CALL_RETRIES.maxDelaySeconds) return result;
      await wait(() => sleep(seconds * 1000, undefined, { signal: signal as AbortSignal | undefined }));
    }
  };
}

/** The chat a call puts a new message in, or undefined when it sends none. */
function newMessageChat(method: string, payload: unknown): number | undefined {
  const chatId = (payload as { chat_id?: unknown }).chat_id;
  return SENDING_METHODS.has(method) && typeof chatId === "number" ? chatId : undefined;
}

/**
 * The same budget for the Api that @grammyjs/conversations builds for each
 * conversation, which the bot's own transformers never see.
 *
 * A conversation re-runs its code on every update of the patient's and gets
 * recorded answers back for the calls it made before, so a replay must not
 * take a slot or wait out a 429 again: the waiting goes through
 * `conversation.external`, which runs once and is skipped on replays.
 */
export function conversationReplies<OC extends Context, C extends Context>(limiter: SendRateLimiter) {
  return (conversation: Conversation<OC, C>): MiddlewareFn<C>[] => [
    (ctx, next) => {
      const wait: Wait = (task) => conversation.external(task);
      ctx.api.config.use(budgetedSend(limiter, wait, retryOthers(wait)));
      return next();
    },
  ];
}
