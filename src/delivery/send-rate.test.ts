import { describe, expect, it } from "vitest";
import { catchUpSlots, createSendRateLimiter } from "./send-rate.js";
import { mostInAnySecond } from "../../test/kit/measure.js";

/** Lets every pending promise callback run, but no timer: whatever waits on a timer is still waiting afterwards. */
async function microtasksOnly(): Promise<void> {
  for (let i = 0; i < 5_000; i++) await Promise.resolve();
}

describe("send rate limiter", () => {
  it("lets the first replies after a quiet spell go at once, without waiting for any timer, and spaces the rest", async () => {
    const limiter = createSendRateLimiter({ globalPerSecond: 30 });
    const burst = catchUpSlots(30);
    // A third of a second of the rate, and the one due now.
    expect(burst).toBe(10);
    const granted: number[] = [];
    const all = Array.from({ length: burst + 3 }, (_, chat) => limiter.acquire(chat, { priority: "reply" }).then(() => granted.push(Date.now())));
    await microtasksOnly();
    expect(granted).toHaveLength(burst + 1);
    await Promise.all(all);
    // The other two at the rate: two intervals of 33 ms.
    expect(granted.at(-1)! - granted[0]!).toBeGreaterThanOrEqual(60);
  });

  it("keeps the whole rate's worth of late slots when the rate is high: a busy event loop does not throttle it", async () => {
    const limiter = createSendRateLimiter({ globalPerSecond: 1000, perChatIntervalMs: 0 });
    let granted = 0;
    // Within a third of a second's slots, 300 replies at once need no timer at all.
    const all = Array.from({ length: 300 }, (_, chat) => limiter.acquire(chat, { priority: "reply" }).then(() => granted++));
    await microtasksOnly();
    expect(granted).toBe(300);
    await Promise.all(all);
  });

  it("spaces sends evenly at the global rate", async () => {
    const limiter = createSendRateLimiter({ globalPerSecond: 50 });
    const started = Date.now();
    const times: number[] = [];
    await Promise.all(Array.from({ length: 10 }, (_, chat) => limiter.acquire(chat).then(() => times.push(Date.now() - started))));
    times.sort((a, b) => a - b);
    // 10 sends at 50/s: the last one waits about 9 intervals of 20 ms.
    expect(times.at(-1)!).toBeGreaterThanOrEqual(170);
    // Spaced, not bunched (a late timer may let a few catch up at once on a busy machine).
    const gaps = times.slice(1).map((time, i) => time - times[i]!).sort((a, b) => a - b);
    expect(gaps[Math.floor(gaps.length / 2)]!).toBeGreaterThanOrEqual(15);
  });

  it("does not turn a stalled event loop into a burst: never more than the limit in any second", async () => {
    const limiter = createSendRateLimiter({ globalPerSecond: 100 });
    const sentAt: number[] = [];
    const all = Promise.all(Array.from({ length: 250 }, (_, chat) => limiter.acquire(chat).then(() => sentAt.push(Date.now()))));
    await new Promise((resolve) => setTimeout(resolve, 300));
    // A long synchronous stretch (say a garbage collection): sends scheduled meanwhile all wake up late at once.
    const busyUntil = Date.now() + 300;
    while (Date.now() < busyUntil);
    await all;
    expect(sentAt).toHaveLength(250);
    expect(mostInAnySecond(sentAt)).toBeLessThanOrEqual(100);
  });

  it("catches up late bulk slots at twice the rate, not in one burst", async () => {
    const limiter = createSendRateLimiter({ globalPerSecond: 100, perChatIntervalMs: 0 });
    const sentAt: number[] = [];
    const all = Promise.all(Array.from({ length: 60 }, (_, chat) => limiter.acquire(chat).then(() => sentAt.push(Date.now()))));
    await new Promise((resolve) => setTimeout(resolve, 100));
    // The event loop is busy for 200 ms: twenty slots are late, and caught up.
    const busyUntil = Date.now() + 200;
    while (Date.now() < busyUntil);
    await all;
    const after = sentAt.filter((time) => time >= busyUntil);
    // Half an interval (5 ms) apart at least, give or take the clock's millisecond; a burst left in the same millisecond.
    const gaps = after.slice(1).map((time, i) => time - after[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(4);
    // Caught up, faster than the rate: all twenty late slots, not only the last ten.
    expect(after[10]! - after[0]!).toBeLessThan(10 * 10);
    expect(sentAt.at(-1)! - sentAt[0]!).toBeLessThan(((60 - 1) * 1000) / 100 + 60);
  });

  it("keeps one chat to its own interval while other chats go ahead", async () => {
    const limiter = createSendRateLimiter({ globalPerSecond: 1000, perChatIntervalMs: 100 });
    const started = Date.now();
    const order: string[] = [];
    await Promise.all([
      limiter.acquire(1).then(() => order.push(`a1@${Date.now() - started}`)),
      limiter.acquire(1).then(() => order.push(`a2@${Date.now() - started}`)),
      limiter.acquire(2).then(() => order.push(`b1@${Date.now() - started}`)),
    ]);
    const when = (label: string) => Number(order.find((entry) => entry.startsWith(label))!.split("@")[1]);
    expect(when("b1")).toBeLessThan(50);
    expect(when("a2") - when("a1")).toBeGreaterThanOrEqual(95);
  });

  it("pauses everyone for retry_after and counts the time", async () => {
    const limiter = createSendRateLimiter({ globalPerSecond: 1000 });
    limiter.pause(0.2);
    const started = Date.now();
    await limiter.acquire(7);
    expect(Date.now() - started).toBeGreaterThanOrEqual(195);
    expect(limiter.pausedMs).toBeGreaterThanOrEqual(195);
  });

  it("lets replies go before bulk sends already waiting, and keeps the total at the rate", async () => {
    const limiter = createSendRateLimiter({ globalPerSecond: 20 });
    const started = Date.now();
    const order: string[] = [];
    const bulk = Array.from({ length: 10 }, (_, i) => limiter.acquire(100 + i).then(() => order.push(`bulk${i}`)));
    await new Promise((resolve) => setTimeout(resolve, 120));
    const replies = Array.from({ length: 3 }, (_, i) => limiter.acquire(200 + i, { priority: "reply" }).then(() => order.push(`reply${i}`)));
    expect(limiter.waiting.reply).toBe(3);
    await Promise.all([...bulk, ...replies]);
    // Bulk sends that went before the replies arrived, then the replies (behind at most the one slot already reserved), then the rest.
    const firstReply = order.indexOf("reply0");
    expect(firstReply).toBeLessThanOrEqual(4);
    expect(order.slice(firstReply, firstReply + 3)).toEqual(["reply0", "reply1", "reply2"]);
    // 13 sends at 20/s: at least 12 intervals of 50 ms.
    expect(Date.now() - started).toBeGreaterThanOrEqual(580);
  });

  it("puts a message answered 429 back at the head of its queue, after the pause", async () => {
    const limiter = createSendRateLimiter({ globalPerSecond: 1000, perChatIntervalMs: 0 });
    await limiter.acquire(1, { priority: "reply" });
    limiter.pause(0.1);
    const order: number[] = [];
    const waiting = [2, 3].map((chat) => limiter.acquire(chat, { priority: "reply" }).then(() => order.push(chat)));
    const retried = limiter.acquire(1, { priority: "reply", first: true }).then(() => order.push(1));
    await Promise.all([...waiting, retried]);
    expect(order).toEqual([1, 2, 3]);
  });

  it("stops waiting when the caller gives up, and the others still go", async () => {
    const limiter = createSendRateLimiter({ globalPerSecond: 10 });
    await limiter.acquire(1);
    const abort = new AbortController();
    const given = limiter.acquire(2, { signal: abort.signal });
    const other = limiter.acquire(3);
    abort.abort();
    await expect(given).rejects.toThrow(/abort/i);
    await other;
    expect(limiter.waiting).toEqual({ reply: 0, bulk: 0 });
  });

  it("takes its slots from the schedule it is given, which may tell bulk sends to yield", async () => {
    let calls = 0;
    const limiter = createSendRateLimiter({
      globalPerSecond: 1000,
      schedule: { reserve: (priority) => (priority === "bulk" && ++calls < 3 ? { retryInMs: 30 } : { delayMs: 0 }) },
    });
    const started = Date.now();
    await limiter.acquire(5);
    expect(calls).toBe(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
  });
});
