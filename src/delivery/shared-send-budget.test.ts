import { afterEach, describe, expect, it } from "vitest";
import { createTestDatabase, testProviders, type TestDatabase } from "../../test/kit/test-database.js";
import { mostInAnySecond } from "../../test/kit/measure.js";
import { catchUpSlots, createSendRateLimiter, type SendPriority, type SendRateLimiter } from "./send-rate.js";
import { createSharedSendBudget, type SharedSendBudget } from "./shared-send-budget.js";

/** Two instances' limiters on one PostgreSQL send budget, as two bot processes run them. */
describe.runIf(testProviders.includes("postgresql"))("the send budget shared by instances on PostgreSQL", () => {
  let database: TestDatabase | undefined;
  const budgets: SharedSendBudget[] = [];
  afterEach(async () => {
    for (const budget of budgets.splice(0)) await budget.close();
    await database?.drop();
  });

  async function instances(count: number, perSecond: number): Promise<SendRateLimiter[]> {
    database = await createTestDatabase("postgresql");
    return Array.from({ length: count }, () => {
      const schedule = createSharedSendBudget(database!.url, perSecond);
      budgets.push(schedule);
      return createSendRateLimiter({ globalPerSecond: perSecond, perChatIntervalMs: 0, schedule });
    });
  }

  const send = (limiter: SendRateLimiter, chat: number, priority: SendPriority, at: number[]) =>
    limiter.acquire(chat, { priority }).then(() => at.push(Date.now()));

  it("keeps the replies of both instances together within the one rate", async () => {
    const [a, b] = await instances(2, 30);
    const times: number[] = [];
    const started = Date.now();
    await Promise.all(Array.from({ length: 90 }, (_, i) => send(i % 2 === 0 ? a! : b!, 1_000 + i, "reply", times)));
    expect(times).toHaveLength(90);
    // The first 11 go at once (the slots left unused while idle), the other 79 at 30 a second: 2.6 s together,
    // where alone each would send its 45 in 1.1 s.
    expect(Date.now() - started).toBeGreaterThanOrEqual(((90 - catchUpSlots(30) - 1) / 30) * 1000 - 100);
    // Telegram's bucket (30, refilled at 30 a second) never runs dry: the idle burst and a late timer's catch-up are a few at most.
    expect(lowestBucketLevel(times, 30)).toBeGreaterThanOrEqual(0);
    expect(mostInAnySecond(times)).toBeLessThanOrEqual(30 + catchUpSlots(30) + 1);
  });

  it("gives one instance's replies the slots before another instance's bulk sends", async () => {
    const [sender, other] = await instances(2, 20);
    const bulk: number[] = [];
    const replies: number[] = [];
    const bulkDone = Promise.all(Array.from({ length: 30 }, (_, i) => send(sender!, 2_000 + i, "bulk", bulk)));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const repliesDone = Promise.all(Array.from({ length: 20 }, (_, i) => send(other!, 3_000 + i, "reply", replies)));
    await Promise.all([bulkDone, repliesDone]);
    const lastReply = Math.max(...replies);
    // While the replies went out, the bulk sends waited: at most a couple slipped in between.
    const bulkMeanwhile = bulk.filter((time) => time > Math.min(...replies) && time < lastReply).length;
    expect(bulkMeanwhile).toBeLessThanOrEqual(3);
    expect(lowestBucketLevel([...bulk, ...replies], 20)).toBeGreaterThanOrEqual(0);
  });

  it("pauses every instance when one is told to retry after a while", async () => {
    const [a, b] = await instances(2, 100);
    await a!.acquire(1);
    a!.pause(1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await b!.acquire(2, { priority: "reply" });
    expect(Date.now() - started).toBeGreaterThanOrEqual(800);
  });
});

/** The lowest level a token bucket of `perSecond` tokens, refilled at `perSecond`, reaches when these sends take from it. */
function lowestBucketLevel(times: number[], perSecond: number): number {
  let tokens = perSecond;
  let lowest = tokens;
  let at = -Infinity;
  for (const time of [...times].sort((x, y) => x - y)) {
    tokens = Math.min(perSecond, tokens + (Number.isFinite(at) ? ((time - at) * perSecond) / 1000 : 0)) - 1;
    at = time;
    lowest = Math.min(lowest, tokens);
  }
  return lowest;
}
