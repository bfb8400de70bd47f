import type { Conversation } from "@grammyjs/conversations";
import type { Context, MiddlewareFn, Transformer } from "grammy";
import { setTimeout as sleep } from "node:timers/promises";
import type { SendRateLimiter } from "../delivery/send-rate.js";

/** Methods that put a new message in a chat: they count against Telegram's send limits. */
export const SENDING_METHODS = new Set(["sendMessage", "sendPhoto", "sendDocument", "copyMessage", "forwardMessage"]);

/**
 * Replies are retried on 429 and transient errors, but never forever: a patient
 * waiting minutes for an answer is better told something went wrong.
 */
export const REPLY_RETRIES = { maxRetryAttempts: 3, maxDelaySeconds: 10 } as const;

/**
 * Replies to patients go straight out, but they count against the global rate,
 * so bulk sends make room for them instead of tripping Telegram's limit.
 */
export function noteReplies(limiter: SendRateLimiter): Transformer {
  return (prev, method, payload, signal) => {
    const chatId = newMessageChat(method, payload);
    if (chatId !== undefined) limiter.noteInteractive(chatId);
    return prev(method, payload, signal);
  };
}

/** The chat a call puts a new message in, or undefined when it sends none. */
function newMessageChat(method: string, payload: unknown): number | undefined {
  const chatId = (payload as { chat_id?: unknown }).chat_id;
  return SENDING_METHODS.has(method) && typeof chatId === "number" ? chatId : undefined;
}

/**
 * The same two behaviours for the Api that @grammyjs/conversations builds for
 * each conversation, which the bot's own transformers never see.
 *
 * A conversation re-runs its code on every update of the patient's and gets
 * recorded answers back for the calls it made before, so this must not note a
 * reply twice or wait out a 429 again on a replay: the noting and the waiting
 * go through `conversation.external`, which runs once and is skipped on replays
 * (the grammY auto-retry plugin would wait again each time).
 */
export function conversationReplies<OC extends Context, C extends Context>(limiter: SendRateLimiter) {
  return (conversation: Conversation<OC, C>): MiddlewareFn<C>[] => [
    (ctx, next) => {
      ctx.api.config.use(async (prev, method, payload, signal) => {
        const chatId = newMessageChat(method, payload);
        if (chatId !== undefined) await conversation.external(() => limiter.noteInteractive(chatId));
        for (let attempt = 1; ; attempt++) {
          const result = await prev(method, payload, signal);
          const waitSeconds = result.ok ? undefined : retryDelaySeconds(result.error_code, result.parameters?.retry_after, attempt);
          if (waitSeconds === undefined || attempt > REPLY_RETRIES.maxRetryAttempts || waitSeconds > REPLY_RETRIES.maxDelaySeconds) return result;
          await conversation.external(() => sleep(waitSeconds * 1000));
        }
      });
      return next();
    },
  ];
}

/** Seconds to wait before trying a failed call again, or undefined when trying again cannot help. */
function retryDelaySeconds(errorCode: number, retryAfter: number | undefined, attempt: number): number | undefined {
  if (errorCode === 429) return retryAfter ?? 1;
  if (errorCode >= 500) return attempt;
  return undefined;
}
