/**
 * Telegram's flood limits as the peer applies them: over all chats a sliding
 * one-second window, or in "strict" flood control a token bucket whose
 * emptying pauses the whole bot; per chat an allowance of `perChatBurst` sends
 * refilled at `perChatRatePerSecond`; per chat a number of edits a minute. A
 * call over a limit is answered 429 with retry_after.
 */
import type { ChatState } from "./chats.js";
import { ApiError } from "./errors.js";
import type { ResolvedSimulatorOptions } from "./options.js";

export class FloodControl {
  private globalSendTimes: number[] = [];
  /** "strict" flood control: the global bucket, and until when the whole bot is paused. */
  private globalBucket: { tokens: number; at: number } | undefined;
  private pausedUntil = 0;
  private pauses = 0;

  constructor(private readonly options: () => ResolvedSimulatorOptions) {}

  takeSendSlot(chat: ChatState): void {
    const opts = this.options();
    if (!opts.rateLimits) return;
    const now = Date.now();
    const allowance = refilled(chat.sendAllowance, now, Math.max(1, opts.perChatBurst), opts.perChatRatePerSecond);
    chat.sendAllowance = allowance;
    if (opts.floodControl === "strict") {
      if (now < this.pausedUntil) throw this.tooManyRequests(Math.ceil((this.pausedUntil - now) / 1000));
      const bucket = refilled(this.globalBucket, now, opts.globalRatePerSecond, opts.globalRatePerSecond);
      this.globalBucket = bucket;
      if (bucket.tokens < 1) {
        this.pausedUntil = now + opts.floodPauseSeconds * 1000;
        this.pauses++;
        throw this.tooManyRequests(opts.floodPauseSeconds);
      }
      if (allowance.tokens < 1) throw this.tooManyRequests();
      bucket.tokens -= 1;
    } else {
      dropOlderThan(this.globalSendTimes, now - 1000);
      if (this.globalSendTimes.length >= opts.globalRatePerSecond || allowance.tokens < 1) throw this.tooManyRequests();
      this.globalSendTimes.push(now);
    }
    allowance.tokens -= 1;
  }

  /** "strict" flood control: how often a send found the global bucket empty and paused the whole bot. */
  get floodPauses(): number {
    return this.pauses;
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
    this.globalBucket = undefined;
    this.pausedUntil = 0;
    this.pauses = 0;
  }

  private tooManyRequests(seconds = this.options().retryAfterSeconds): ApiError {
    return new ApiError(429, `Too Many Requests: retry after ${seconds}`, { retry_after: seconds });
  }
}

/** A token bucket of `capacity` (full when new), refilled at `perSecond` up to `now`. */
function refilled(bucket: { tokens: number; at: number } | undefined, now: number, capacity: number, perSecond: number): { tokens: number; at: number } {
  if (!bucket) return { tokens: capacity, at: now };
  return { tokens: Math.min(capacity, bucket.tokens + ((now - bucket.at) * perSecond) / 1000), at: now };
}

/** Removes the leading timestamps at or before `cutoff` from an ascending list. */
function dropOlderThan(times: number[], cutoff: number): void {
  while (times.length > 0 && (times[0] ?? Infinity) <= cutoff) times.shift();
}
