import { afterEach, describe, expect, it } from "vitest";
import { DateTime } from "luxon";
import type { Article, ContentLibrary } from "../content/article.js";
import { createContentLibrary } from "../content/library.js";
import { parseArticle } from "../content/markdown-article.js";
import { createTestBot, type TestBot } from "../../test/kit/test-bot.js";
import { testProviders } from "../../test/kit/test-database.js";
import { command, user } from "../bot-api-peer/updates.js";
import { nextWeeklySlot } from "./weekly-schedule.js";
import { enqueueDueTips } from "./enqueue-due-tips.js";

function article(slug: string, date: string, sections: string[]): Article {
  const source = [
    "---",
    `title: ${slug}`,
    `slug: ${slug}`,
    `date: ${date}`,
    "language: en",
    "---",
    "",
    "Intro.",
    "",
    ...sections.flatMap((id) => [`## Heading ${id} {#${id}}`, "", `Body of ${slug} ${id}.`, ""]),
  ].join("\n");
  const { article: parsed, problems } = parseArticle(`content/articles/${slug}.en.md`, source);
  expect(problems).toEqual([]);
  return parsed!;
}

/** The tip ids a chat received, read back from the cards' bodies. */
function tipsReceived(t: TestBot, chatId: number): string[] {
  return t.sentTo(chatId).flatMap((message) => /Body of (\S+) (\S+)\./.exec(message.text ?? "")?.slice(1, 3).join("#") ?? []);
}

describe.each(testProviders)("the weekly tips tick on %s", (provider) => {
  let t: TestBot;
  let clock = new Date("2026-11-23T00:00:00Z");
  const now = () => clock;
  afterEach(async () => {
    await t?.close();
  });

  async function subscribeDirectly(id: number, slot: { weekday: number; hour: number; timeZone: string }, from: Date) {
    const patient = user(id, { language_code: "en" });
    await t.send(command(patient, "/start"));
    await t.services.deps.tips.save(id, slot, nextWeeklySlot(slot, from));
    return patient;
  }

  async function runTicks(from: string, to: string, everyMinutes: number) {
    for (let at = new Date(from).getTime(); at <= new Date(to).getTime(); at += everyMinutes * 60_000) {
      clock = new Date(at);
      await t.services.runTipsTick(clock);
      await t.services.engine.drain();
    }
  }

  it("gives subscribers in different zones their tip at their own local hour", async () => {
    const library = createContentLibrary([article("alpha", "2026-01-01", ["a1", "a2", "a3"])]);
    t = await createTestBot({ provider, library, now });
    const start = new Date("2026-11-23T00:00:00Z");
    const toronto = await subscribeDirectly(7101, { weekday: 2, hour: 9, timeZone: "America/Toronto" }, start);
    const vancouver = await subscribeDirectly(7102, { weekday: 2, hour: 9, timeZone: "America/Vancouver" }, start);
    // Tuesday 9:00 Toronto = 14:00 UTC; 9:00 Vancouver = 17:00 UTC.
    await runTicks("2026-11-24T13:00:00Z", "2026-11-24T16:00:00Z", 30);
    expect(tipsReceived(t, toronto.id)).toEqual(["alpha#a1"]);
    expect(tipsReceived(t, vancouver.id)).toEqual([]);
    await runTicks("2026-11-24T16:30:00Z", "2026-11-24T18:00:00Z", 30);
    expect(tipsReceived(t, vancouver.id)).toEqual(["alpha#a1"]);
  });

  it.each([
    ["America/Toronto", "2026-11-01", "2026-10-31T00:00:00Z", "2026-11-02T00:00:00Z"],
    ["Europe/London", "2026-10-25", "2026-10-24T00:00:00Z", "2026-10-26T00:00:00Z"],
  ])("sends once in the repeated fall-back hour in %s", async (zone, day, from, to) => {
    const library = createContentLibrary([article("alpha", "2026-01-01", ["a1", "a2", "a3"])]);
    t = await createTestBot({ provider, library, now });
    const patient = await subscribeDirectly(7103, { weekday: 7, hour: 1, timeZone: zone }, new Date(from));
    await runTicks(from, to, 15);
    expect(tipsReceived(t, patient.id)).toEqual(["alpha#a1"]);
    const [row] = await t.database.prisma.outboxMessage.findMany({ where: { kind: "tip", chatId: patient.id } });
    expect(DateTime.fromJSDate(row!.dueAt, { zone }).toFormat("yyyy-MM-dd HH:mm")).toBe(`${day} 01:00`);
  });

  it("sends at the first valid minute when the chosen hour is skipped in spring", async () => {
    const library = createContentLibrary([article("alpha", "2026-01-01", ["a1"])]);
    clock = new Date("2026-03-07T00:00:00Z");
    t = await createTestBot({ provider, library, now });
    const patient = await subscribeDirectly(7104, { weekday: 7, hour: 2, timeZone: "America/Vancouver" }, new Date("2026-03-07T00:00:00Z"));
    const subscription = await t.services.deps.tips.find(patient.id);
    expect(DateTime.fromJSDate(subscription!.nextDueAt, { zone: "America/Vancouver" }).toFormat("yyyy-MM-dd HH:mm")).toBe("2026-03-08 03:00");
    await runTicks("2026-03-08T09:00:00Z", "2026-03-08T11:00:00Z", 30);
    expect(tipsReceived(t, patient.id)).toEqual(["alpha#a1"]);
  });

  it("neither repeats nor skips tips when articles are added mid-series", async () => {
    let library: ContentLibrary = createContentLibrary([article("beta", "2026-05-01", ["b1", "b2", "b3"])]);
    t = await createTestBot({ provider, now, library: () => library });
    const patient = await subscribeDirectly(7105, { weekday: 1, hour: 9, timeZone: "UTC" }, new Date("2026-11-22T00:00:00Z"));
    await runTicks("2026-11-23T09:00:00Z", "2026-11-23T09:00:00Z", 1);
    await runTicks("2026-11-30T09:00:00Z", "2026-11-30T09:00:00Z", 1);
    expect(tipsReceived(t, patient.id)).toEqual(["beta#b1", "beta#b2"]);

    // An older and a newer article arrive: the new tips slot into the order, the old ones stay put.
    library = createContentLibrary([
      article("alpha", "2026-01-01", ["a1"]),
      article("beta", "2026-05-01", ["b1", "b2", "b3"]),
      article("gamma", "2026-09-01", ["g1"]),
    ]);
    for (const day of ["2026-12-07", "2026-12-14", "2026-12-21", "2026-12-28"]) await runTicks(`${day}T09:00:00Z`, `${day}T09:00:00Z`, 1);
    const received = tipsReceived(t, patient.id);
    expect(received).toEqual(["beta#b1", "beta#b2", "alpha#a1", "beta#b3", "gamma#g1"]);
    expect(new Set(received).size).toBe(received.length);
  });

  it("carries on past a subscription whose tip fails to render: logged, moved on, everyone else still queued", async () => {
    const library = createContentLibrary([article("alpha", "2026-01-01", ["a1"])]);
    t = await createTestBot({ provider, library, now });
    const from = new Date("2026-11-22T00:00:00Z");
    const broken = await subscribeDirectly(7201, { weekday: 1, hour: 9, timeZone: "UTC" }, from);
    const others = [await subscribeDirectly(7202, { weekday: 1, hour: 9, timeZone: "UTC" }, from), await subscribeDirectly(7203, { weekday: 1, hour: 9, timeZone: "UTC" }, from)];
    const errors: string[] = [];
    const logger = { ...t.services.deps.logger, error: (fields: unknown, message?: string) => void errors.push(`${message} ${JSON.stringify(fields)}`) } as unknown as typeof t.services.deps.logger;
    const catalog = t.services.deps.tipCatalog;
    const result = await enqueueDueTips(
      {
        tips: t.services.deps.tips,
        // The first subscriber's tip card cannot be rendered.
        catalog: { nextTipFor: (language, received) => (language === "broken" ? (() => { throw new Error("render failed"); })() : catalog.nextTipFor(language, received)) },
        languageOf: (subscription) => (Number(subscription.userId) === broken.id ? "broken" : "en"),
        logger,
        graceMs: 6 * 3600_000,
        batchSize: 1,
      },
      new Date("2026-11-23T09:00:30Z"),
    );
    expect(result).toMatchObject({ queued: 2, failed: 1 });
    expect(errors.join("\n")).toMatch(/could not queue this subscription's tip[\s\S]*render failed/);
    clock = new Date("2026-11-23T09:00:30Z");
    await t.services.engine.drain();
    for (const patient of others) expect(tipsReceived(t, patient.id)).toEqual(["alpha#a1"]);
    // The failed one waits for its next slot instead of blocking every tick.
    expect((await t.services.deps.tips.find(broken.id))!.nextDueAt.toISOString()).toBe("2026-11-30T09:00:00.000Z");
  });
});
