/**
 * Telegram's flood limits as the peer applies them: over all chats a sliding
 * one-second window; per chat an allowance of `perChatBurst` sends refilled
 * at `perChatRatePerSecond`; per chat a number of edits a minute. A call over
 * a limit is answered 429 with retry_after.
 */
import type { ChatState } from "./chats.js";
import { ApiError } from "./errors.js";
import type { ResolvedSimulatorOptions } from "./options.js";

export class FloodControl {
  private globalSendTimes: number[] = [];

  constructor(private readonly options: () => ResolvedSimulatorOptions) {}

  takeSendSlot(chat: ChatState): void {
    const opts = this.options();
    if (!opts.rateLimits) return;
    const now = Date.now();
    dropOlderThan(this.globalSendTimes, now - 1000);
    const capacity = Math.max(1, opts.perChatBurst);
    const allowance = chat.sendAllowance ?? { tokens: capacity, at: now };
    allowance.tokens = Math.min(capacity, allowance.tokens + ((now - allowance.at) * opts.perChatRatePerSecond) / 1000);
    allowance.at = now;
    chat.sendAllowance = allowance;
    if (this.globalSendTimes.length >= opts.globalRatePerSecond || allowance.tokens < 1) throw this.tooManyRequests();
    this.globalSendTimes.push(now);
    allowance.tokens -= 1;
  }

  takeEditSlot(chat: ChatState): void {
    const opts = this.options();
    if (!opts.rateLimits) return;
    const now = Date.now();
    dropOlderThan(chat.editTimes, now - 60_000);
    if (chat.editTimes.length >= opts.editRatePerChatPerMinute) throw this.tooManyRequests();
    chat.editTimes.push(now);
  }

  reset(): void {
    this.globalSendTimes = [];
  }

  private tooManyRequests(): ApiError {
    const seconds = this.options().retryAfterSeconds;
    return new ApiError(429, `Too Many Requests: retry after ${seconds}`, { retry_after: seconds });
  }
}

/** Removes the leading timestamps at or before `cutoff` from an ascending list. */
function dropOlderThan(times: number[], cutoff: number): void {
  while (times.length > 0 && (times[0] ?? Infinity) <= cutoff) times.shift();
}
