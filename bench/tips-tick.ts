/**
 * The weekly-tips tick: how long selecting the due subscriptions takes with
 * 1k to 100k subscriptions, on SQLite and PostgreSQL, and that it follows the
 * number due rather than the number of subscriptions.
 */
import { createTestDatabase, type TestDatabase } from "../test/kit/test-database.js";
import { createTipRepository } from "../src/tips/tip-repository.js";
import type { Provider } from "../src/db/schema-files.js";
import { buildClinicBot, median, seedPatients } from "./lib.js";

const BASE_ID = 2_000_000;
/** Subscriptions made due, one second apart before `base`; the rest are due later in the week. */
const MAX_DUE = 500;

export interface TickResult {
  provider: Provider;
  subscriptions: number;
  /** Median time of the select (one page of at most 500), by number due. */
  selectMs: Record<number, number>;
  /** One whole tick queuing 100 due tips (select, claim each slot, write each outbox row), when asked for. */
  tickMs?: number;
}

async function seedSubscriptions(database: TestDatabase, count: number, base: Date): Promise<void> {
  await seedPatients(database, count, BASE_ID);
  const chunk = 1000;
  for (let start = 0; start < count; start += chunk) {
    const size = Math.min(chunk, count - start);
    await database.prisma.tipSubscription.createMany({
      data: Array.from({ length: size }, (_, i) => {
        const n = start + i;
        // The first MAX_DUE are due (n+1 seconds ago); the others between one hour and a week from now.
        const nextDueAt = n < MAX_DUE ? new Date(base.getTime() - (n + 1) * 1000) : new Date(base.getTime() + 3600_000 + ((n * 7919) % (6 * 24 * 3600)) * 1000);
        return { userId: BigInt(BASE_ID + n), weekday: 1 + (n % 7), hour: 7 + (n % 14), timeZone: "America/Toronto", nextDueAt };
      }),
    });
  }
}

async function timeIt(run: () => Promise<unknown>, repeats: number): Promise<number> {
  for (let i = 0; i < 2; i++) await run(); // warm-up: connections, query plans
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  return median(times);
}

export async function tipsTick(provider: Provider, subscriptions: number, dueCounts: number[], withTick = true): Promise<TickResult> {
  const database = await createTestDatabase(provider);
  try {
    const base = new Date();
    await seedSubscriptions(database, subscriptions, base);
    // Fresh statistics, as a database that has been running a while has them.
    await database.prisma.$executeRawUnsafe("ANALYZE");
    const tips = createTipRepository(database.prisma);
    const selectMs: Record<number, number> = {};
    for (const due of dueCounts) {
      // Exactly `due` subscriptions have nextDueAt <= at.
      const at = new Date(base.getTime() - (MAX_DUE - due) * 1000 - 500);
      const found = (await tips.findDue(at, 500)).length;
      if (found !== due) throw new Error(`expected ${due} due subscriptions, found ${found}`);
      selectMs[due] = await timeIt(() => tips.findDue(at, 500), 9);
    }
    if (!withTick) return { provider, subscriptions, selectMs };
    // One real tick queuing 100 tips.
    const { services } = buildClinicBot({ database, fetch: (() => Promise.reject(new Error("no network in this benchmark"))) as typeof fetch });
    const at = new Date(base.getTime() - (MAX_DUE - 100) * 1000 - 500);
    const started = performance.now();
    const result = await services.runTipsTick(at);
    const tickMs = performance.now() - started;
    if (result.queued !== 100) throw new Error(`the tick queued ${result.queued} tips, expected 100 (${JSON.stringify(result)})`);
    return { provider, subscriptions, selectMs, tickMs };
  } finally {
    await database.drop();
  }
}
