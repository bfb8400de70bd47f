import { describe, expect, it } from "vitest";
import { createSendRateLimiter } from "./send-rate.js";
import { mostInAnySecond } from "../../test/kit/measure.js";

describe("send rate limiter", () => {
  it("spaces sends evenly at the global rate", async () => {
    const limiter = createSendRateLimiter({ globalPerSecond: 50 });
    const started = Date.now();
    const times: number[] = [];
    await Promise.all(Array.from({ length: 10 }, (_, chat) => limiter.acquire(chat).then(() => times.push(Date.now() - started))));
    times.sort((a, b) => a - b);
    // 10 sends at 50/s: the last one waits about 9 intervals of 20 ms.
    expect(times.at(-1)!).toBeGreaterThanOrEqual(170);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(10);
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

  it("lets replies to patients go first and pushes bulk sends back", async () => {
    const limiter = createSendRateLimiter({ globalPerSecond: 10 });
    await limiter.acquire(1);
    for (let i = 0; i < 3; i++) limiter.noteInteractive(100 + i);
    const started = Date.now();
    await limiter.acquire(2);
    // Three replies took the next three 100 ms slots.
    expect(Date.now() - started).toBeGreaterThanOrEqual(350);
  });
});
