import { setTimeout as sleep } from "node:timers/promises";

/**
 * Keeps outgoing messages inside Telegram's flood limits: a global rate (about
 * 30 messages per second for a bot) and about one message per second per chat.
 * Slots are reserved in order (a cell-rate schedule), so concurrent senders are
 * spaced evenly instead of bursting and earning 429 penalties. Sends that
 * wake up late (a busy event loop, a long garbage collection) are also held to
 * the limit over every second, so catching up never becomes a burst. A 429's
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
  // When the last `perSecond` messages went out, oldest first (a ring): the next
  // may go only once the oldest of them is a full second old (plus 2 ms, as
  // clocks here and at Telegram tick in whole milliseconds).
  const perSecond = Math.max(1, Math.floor(options.globalPerSecond));
  const sentAt = new Array<number>(perSecond).fill(-Infinity);
  let oldest = 0;
  const windowWait = (at: number) => sentAt[oldest]! + 1002 - at;
  function recordSend(at: number): void {
    sentAt[oldest] = at;
    oldest = (oldest + 1) % perSecond;
  }

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
        for (let wait = windowWait(now()); wait > 0; wait = windowWait(now())) await sleep(wait, undefined, { signal });
        if (now() >= pausedUntil) {
          recordSend(now());
          return;
        }
        // A 429 arrived while we waited for our slot: wait out the pause and queue again.
      }
    },
    noteInteractive(chatId) {
      const at = now();
      recordSend(at);
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
