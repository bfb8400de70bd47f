import { setTimeout as sleep } from "node:timers/promises";

/**
 * Keeps outgoing messages inside Telegram's flood limits: a global rate (about
 * 30 messages per second for a bot) and about one message per second per chat.
 * Slots are reserved in order (a cell-rate schedule), so concurrent senders are
 * spaced evenly instead of bursting and earning 429 penalties. A 429's
 * `retry_after` pauses everyone. Replies to patients take their slot
 * immediately and push bulk sends back, so they never wait behind a queue.
 */
export interface SendRateLimiter {
  /** Waits until a message to `chatId` may be sent now. */
  acquire(chatId: number, signal?: AbortSignal): Promise<void>;
  /** Records a reply sent outside the queue (it has priority and does not wait). */
  noteInteractive(chatId: number): void;
  /** Telegram said "retry after N seconds": nobody sends until then. */
  pause(seconds: number): void;
  /** Milliseconds spent paused by retry_after so far (for metrics). */
  readonly pausedMs: number;
}

export interface RateOptions {
  globalPerSecond: number;
  perChatIntervalMs?: number;
  now?: () => number;
}

export function createSendRateLimiter(options: RateOptions): SendRateLimiter {
  const now = options.now ?? Date.now;
  const globalInterval = 1000 / options.globalPerSecond;
  const chatInterval = options.perChatIntervalMs ?? 1000;
  let nextGlobalSlot = 0;
  let pausedUntil = 0;
  let pausedMs = 0;
  const nextChatSlot = new Map<number, number>();

  function forgetIdleChats(at: number): void {
    if (nextChatSlot.size < 10_000) return;
    for (const [chat, slot] of nextChatSlot) if (slot < at) nextChatSlot.delete(chat);
  }

  return {
    async acquire(chatId, signal) {
      for (;;) {
        const at = now();
        const chatSlot = nextChatSlot.get(chatId) ?? 0;
        const start = Math.max(at, pausedUntil, chatSlot);
        if (start > at) {
          await sleep(start - at, undefined, { signal });
          continue;
        }
        // The chat is free now: take the next global slot, waiting for it if needed.
        const slot = Math.max(at, nextGlobalSlot);
        nextGlobalSlot = slot + globalInterval;
        nextChatSlot.set(chatId, slot + chatInterval);
        forgetIdleChats(at);
        if (slot > at) await sleep(slot - at, undefined, { signal });
        if (now() >= pausedUntil) return;
        // A 429 arrived while we waited for our slot: wait out the pause and queue again.
      }
    },
    noteInteractive(chatId) {
      const at = now();
      nextGlobalSlot = Math.max(at, nextGlobalSlot) + globalInterval;
      nextChatSlot.set(chatId, Math.max(at, nextChatSlot.get(chatId) ?? 0) + chatInterval);
    },
    pause(seconds) {
      const until = now() + seconds * 1000;
      if (until > pausedUntil) {
        pausedMs += until - Math.max(now(), pausedUntil);
        pausedUntil = until;
      }
    },
    get pausedMs() {
      return pausedMs;
    },
  };
}
