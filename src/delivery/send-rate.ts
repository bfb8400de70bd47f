import { setTimeout as sleep } from "node:timers/promises";

/**
 * The bot's one send budget: every message it puts in a chat, replies to
 * patients and bulk sends alike, waits here for its turn, so the bot as a whole
 * stays inside Telegram's flood limits (about 30 messages a second over all
 * chats, about one a second per chat).
 *
 * - Two queues: replies go before bulk sends (announcements, tips, reminders).
 *   A reply waits only behind other replies, never behind a bulk queue.
 * - One slot at a time is reserved from the `SlotSchedule` (this process's
 *   own, or the one shared by every instance through PostgreSQL), at even
 *   spacing. The next slot is reserved as soon as the last is given out, so a
 *   late timer never lowers the rate; and no more than the rate go out in any
 *   second here, so catching up after a stall never becomes a burst.
 * - A chat whose last message went out less than `perChatIntervalMs` ago is
 *   skipped for now; others go ahead.
 * - A 429's `retry_after` pauses everyone. The caller that got it asks again
 *   (with `first: true` it goes back to the head of its queue), so nothing is
 *   dropped: it waits its turn.
 */
export type SendPriority = "reply" | "bulk";

export interface AcquireOptions {
  /** "reply" (default "bulk"): a message answering someone now. */
  priority?: SendPriority;
  /** Gives up waiting (the promise rejects with an AbortError). */
  signal?: AbortSignal;
  /** A message that already waited and was answered 429: it goes back to the head of its queue. */
  first?: boolean;
}

export interface SendRateLimiter {
  /** Waits until a message to `chatId` may be sent now. */
  acquire(chatId: number, options?: AcquireOptions): Promise<void>;
  /** Telegram said "retry after N seconds": nobody sends until then. */
  pause(seconds: number): void;
  /** Milliseconds spent paused by retry_after so far (for metrics). */
  readonly pausedMs: number;
  /** Messages waiting for their turn now, by priority. */
  readonly waiting: { reply: number; bulk: number };
}

/** A place slots are reserved from: the whole bot's even spacing of sends. */
export interface SlotSchedule {
  /**
   * Reserves the next slot of the bot's rate and says in how many ms it comes
   * (0 or less: now). A "bulk" request may instead be told to yield (`retryInMs`)
   * while replies elsewhere hold the slots ahead.
   */
  reserve(priority: SendPriority): Reservation | Promise<Reservation>;
  /** Tells the other users of the schedule that Telegram asked for a pause (optional). */
  pause?(seconds: number): void | Promise<void>;
}

export type Reservation = { delayMs: number } | { retryInMs: number };

export interface RateOptions {
  globalPerSecond: number;
  /** Spacing of messages to one chat (default PER_CHAT_INTERVAL_MS). */
  perChatIntervalMs?: number;
  /** Where slots come from (default: this process's own even spacing at `globalPerSecond`). */
  schedule?: SlotSchedule;
  now?: () => number;
}

/**
 * Telegram allows about one message a second to a chat. A little more than a
 * second apart, because the two requests may reach Telegram a few ms closer
 * together than they left (one waited for a connection, the other did not).
 */
export const PER_CHAT_INTERVAL_MS = 1_050;

/**
 * Slots left unused in the last moments that may still be taken: a third of
 * a second of the rate (ten at Telegram's 30 a second, more only where the
 * rate is set higher).
 * - Bulk sends: a timer was late (a busy event loop, a process the machine did
 *   not run for a while): the missed slots are caught up, at twice the rate
 *   (the dispatcher keeps bulk grants half an interval apart), so the rate is
 *   not lowered and no burst goes out; after a quiet spell they start afresh,
 *   evenly spaced from now. At 294/s, ten (34 ms) were lost to every stall
 *   longer than that: 25 to 35 times in a 5,000-recipient broadcast on a busy
 *   machine, 0.90-0.93 of the peer's limit against 0.97-0.98 with a third of
 *   a second.
 * - Replies: those that find the bot idle go at once, with no timer to wait for.
 */
export const CATCH_UP_SLOTS = 10;

export function catchUpSlots(perSecond: number): number {
  return Math.max(CATCH_UP_SLOTS, Math.floor(perSecond / 3));
}

/** Even spacing at `perSecond`, within this process (see catchUpSlots for the slots left unused). */
export function localSlotSchedule(perSecond: number, now: () => number = Date.now): SlotSchedule {
  const interval = 1000 / perSecond;
  let next = -Infinity;
  return {
    reserve(priority) {
      const at = now();
      const earliest = at - catchUpSlots(perSecond) * interval;
      const slot = priority === "reply" ? Math.max(next, earliest) : next >= earliest ? next : at;
      next = slot + interval;
      return { delayMs: slot - at };
    },
  };
}

interface Waiter {
  chatId: number;
  priority: SendPriority;
  resolve: () => void;
  reject: (error: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

export function createSendRateLimiter(options: RateOptions): SendRateLimiter {
  const now = options.now ?? Date.now;
  const chatInterval = options.perChatIntervalMs ?? PER_CHAT_INTERVAL_MS;
  const schedule = options.schedule ?? localSlotSchedule(options.globalPerSecond, now);
  const queues: Record<SendPriority, Waiter[]> = { reply: [], bulk: [] };
  const nextChatSlot = new Map<number, number>();
  let pausedUntil = 0;
  let pausedMs = 0;
  let dispatching = false;
  let wakeDispatcher: (() => void) | undefined;

  // When the last `perSecond` messages went out, oldest first (a ring): the next
  // may go only once the oldest of them is a full second old (plus 2 ms, as
  // clocks here and at Telegram tick in whole milliseconds).
  const perSecond = Math.max(1, Math.floor(options.globalPerSecond));
  const sentAt = new Array<number>(perSecond).fill(-Infinity);
  let oldest = 0;
  const windowWait = (at: number) => sentAt[oldest]! + 1002 - at;
  const catchUpSpacing = 500 / options.globalPerSecond;
  let lastGrantAt = -Infinity;

  const chatReady = (waiter: Waiter, at: number) => (nextChatSlot.get(waiter.chatId) ?? 0) <= at;
  /** The next message to go: the first reply whose chat is free, else the first such bulk send. */
  const pick = (at: number) => queues.reply.find((w) => chatReady(w, at)) ?? queues.bulk.find((w) => chatReady(w, at));
  const anyWaiting = () => queues.reply.length + queues.bulk.length > 0;

  function remove(waiter: Waiter): boolean {
    const queue = queues[waiter.priority];
    const index = queue.indexOf(waiter);
    if (index < 0) return false;
    queue.splice(index, 1);
    waiter.signal?.removeEventListener("abort", waiter.onAbort);
    return true;
  }

  function forgetIdleChats(at: number): void {
    if (nextChatSlot.size < 10_000) return;
    for (const [chat, slot] of nextChatSlot) if (slot < at) nextChatSlot.delete(chat);
  }

  /** Sleeps up to `ms`, or less when a new message starts waiting (it may be able to go first). */
  function wakeableSleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(finish, Math.max(0, ms));
      function finish() {
        clearTimeout(timer);
        wakeDispatcher = undefined;
        resolve();
      }
      wakeDispatcher = finish;
    });
  }

  async function dispatch(): Promise<void> {
    dispatching = true;
    try {
      while (anyWaiting()) {
        const at = now();
        if (pausedUntil > at) {
          await wakeableSleep(pausedUntil - at);
          continue;
        }
        const candidate = pick(at);
        if (!candidate) {
          let soonest = Infinity;
          for (const waiter of [...queues.reply, ...queues.bulk]) soonest = Math.min(soonest, nextChatSlot.get(waiter.chatId) ?? 0);
          await wakeableSleep(soonest - at);
          continue;
        }
        let reservation: Reservation;
        try {
          reservation = await schedule.reserve(candidate.priority);
        } catch {
          // The shared schedule is out of reach: wait one of our own slots instead.
          reservation = { delayMs: 1000 / options.globalPerSecond };
        }
        if ("retryInMs" in reservation) {
          await wakeableSleep(reservation.retryInMs);
          continue;
        }
        // The slot is ours: wait for it (a reply arriving meanwhile still gets it first).
        if (reservation.delayMs > 0) await sleep(reservation.delayMs);
        // Late bulk slots are caught up at twice the rate, not all at once: Telegram counts a send when it
        // arrives, a few ms after it left here, so a burst that leaves within the second's allowance may
        // still land in one window with the sends of the next second.
        const spacing = candidate.priority === "bulk" ? catchUpSpacing : 0;
        const grantWait = () => Math.max(windowWait(now()), lastGrantAt + spacing - now());
        for (let wait = grantWait(); wait > 0; wait = grantWait()) await sleep(wait);
        const sendAt = now();
        // A 429 arrived while we waited: the slot is lost, wait out the pause.
        if (pausedUntil > sendAt) continue;
        const winner = pick(sendAt);
        if (!winner) continue;
        remove(winner);
        nextChatSlot.set(winner.chatId, sendAt + chatInterval);
        forgetIdleChats(sendAt);
        sentAt[oldest] = sendAt;
        oldest = (oldest + 1) % perSecond;
        lastGrantAt = sendAt;
        winner.resolve();
      }
    } finally {
      dispatching = false;
    }
  }

  return {
    acquire(chatId, { priority = "bulk", signal, first = false } = {}) {
      if (signal?.aborted) return Promise.reject(signal.reason ?? abortError());
      return new Promise<void>((resolve, reject) => {
        const waiter: Waiter = {
          chatId,
          priority,
          resolve,
          reject,
          signal,
          onAbort: () => {
            if (remove(waiter)) reject(signal?.reason ?? abortError());
          },
        };
        signal?.addEventListener("abort", waiter.onAbort, { once: true });
        if (first) queues[priority].unshift(waiter);
        else queues[priority].push(waiter);
        if (dispatching) wakeDispatcher?.();
        else void dispatch();
      });
    },
    pause(seconds) {
      const at = now();
      const until = at + seconds * 1000;
      if (until > pausedUntil) {
        pausedMs += until - Math.max(at, pausedUntil);
        pausedUntil = until;
      }
      void Promise.resolve(schedule.pause?.(seconds)).catch(() => undefined);
    },
    get pausedMs() {
      return pausedMs;
    },
    get waiting() {
      return { reply: queues.reply.length, bulk: queues.bulk.length };
    },
  };
}

function abortError(): DOMException {
  return new DOMException("This operation was aborted", "AbortError");
}
