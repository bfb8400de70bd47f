/**
 * An update is handled once, by its update_id, however often Telegram delivers it: the copy finds the id
 * recorded in the database and is dropped, on this bot, on another one sharing the database, and after a restart.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createTestBot, type TestBot } from "../../test/kit/test-bot.js";
import { testProviders } from "../../test/kit/test-database.js";
import { command, user } from "../bot-api-peer/updates.js";
import { DAY_MS, HOUR_MS } from "../shared/time.js";

describe.each(testProviders)("each update handled once (%s)", (provider) => {
  const bots: TestBot[] = [];
  afterEach(async () => {
    // The first bot owns the database and the peer; the others only borrowed them.
    const [owner, ...borrowers] = bots.splice(0);
    for (const bot of borrowers) {
      await bot.services.engine.stop();
      await bot.services.close();
    }
    await owner?.close();
  });
  async function firstBot(): Promise<TestBot> {
    const t = await createTestBot({ provider });
    bots.push(t);
    return t;
  }

  it("a /start delivered twice, one after the other or both at once, greets the patient once", async () => {
    const t = await firstBot();
    const ana = user(61_001, { first_name: "Ana" });
    const ben = user(61_002, { first_name: "Ben" });
    const first = command(ana, "/start");
    await t.send(first);
    await t.send(structuredClone(first));
    const both = command(ben, "/start");
    await Promise.all([t.send(both), t.send(structuredClone(both))]);
    expect(t.sim.countText(ana.id, "Hello, Ana")).toBe(1);
    expect(t.sim.countText(ben.id, "Hello, Ben")).toBe(1);
    // Only the copies were dropped: a new update from the same patient is answered.
    await t.send(command(ana, "/start"));
    expect(t.sim.countText(ana.id, "Hello, Ana")).toBe(2);
    expect(await t.services.metrics.registry.getSingleMetricAsString("clinic_updates_repeated_total")).toMatch(/clinic_updates_repeated_total 2$/m);
  });

  it("a copy that reaches another bot on the same database (another instance, or the bot after a restart) is dropped there", async () => {
    const t = await firstBot();
    const other = await createTestBot({ provider, database: t.database, sim: t.sim });
    bots.push(other);
    const cleo = user(61_003, { first_name: "Cleo" });
    const update = command(cleo, "/start");
    await Promise.all([t.send(update), other.send(structuredClone(update))]);
    expect(t.sim.countText(cleo.id, "Hello, Cleo")).toBe(1);
  });

  it("update ids are kept a day, then pruned by the hourly retention job", async () => {
    const t = await firstBot();
    const now = new Date("2026-12-07T12:00:00Z");
    const { processedUpdates } = t.services.deps;
    expect(await processedUpdates.claim(9_000_001, new Date(now.getTime() - DAY_MS - HOUR_MS))).toBe(true);
    expect(await processedUpdates.claim(9_000_002, new Date(now.getTime() - HOUR_MS))).toBe(true);
    expect(await processedUpdates.claim(9_000_002, now)).toBe(false);
    await t.services.runOutboxRetention(now);
    // The day-old id was forgotten, the recent one is still known.
    expect(await processedUpdates.claim(9_000_001, now)).toBe(true);
    expect(await processedUpdates.claim(9_000_002, now)).toBe(false);
    expect(await processedUpdates.highest()).toBe(9_000_002);
  });
});
