import { afterEach, describe, expect, it } from "vitest";
import { createTestDatabase, testProviders, type TestDatabase } from "../../test/kit/test-database.js";
import { createTipRepository, type ScheduleTipInput } from "./tip-repository.js";

describe.each(testProviders)("queueing a page of weekly tips at once on %s", (provider) => {
  let database: TestDatabase;
  afterEach(async () => {
    await database?.drop();
  });

  const slot = new Date("2026-11-30T14:00:00.000Z");
  const next = new Date("2026-12-07T14:00:00.000Z");

  async function subscribers(count: number): Promise<ScheduleTipInput[]> {
    const ids = Array.from({ length: count }, (_, i) => 60_000 + i);
    await database.prisma.user.createMany({ data: ids.map((id) => ({ id: BigInt(id), chatId: BigInt(id), firstName: `P${id}` })) });
    await database.prisma.tipSubscription.createMany({
      data: ids.map((id, i) => ({ userId: BigInt(id), weekday: 1, hour: 9, timeZone: "America/Toronto", nextDueAt: new Date(slot.getTime() + i) })),
    });
    const subscriptions = await database.prisma.tipSubscription.findMany({ orderBy: { id: "asc" } });
    return subscriptions.map((subscription) => ({
      subscriptionId: subscription.id,
      fromDueAt: subscription.nextDueAt,
      nextDueAt: next,
      userId: subscription.userId,
      tipId: "desk-posture#screen-height",
      weekKey: "2026-W49",
      message: {
        key: `tip:${subscription.id}:2026-W49`,
        kind: "tip",
        chatId: subscription.userId,
        userId: subscription.userId,
        message: { method: "sendMessage", params: { text: "Raise your screen." } },
        dueAt: subscription.nextDueAt,
      },
    }));
  }

  it("claims each slot once, records each tip and queues each message, in one go", async () => {
    database = await createTestDatabase(provider);
    const tips = createTipRepository(database.prisma, provider);
    const inputs = await subscribers(5);
    // Another tick moved one slot on meanwhile.
    await database.prisma.tipSubscription.update({ where: { id: inputs[1]!.subscriptionId }, data: { nextDueAt: next } });

    const scheduled = await tips.scheduleTips(inputs);
    expect([...scheduled].sort()).toEqual(inputs.filter((_, i) => i !== 1).map((input) => input.subscriptionId).sort());
    const outbox = await database.prisma.outboxMessage.findMany({ orderBy: { id: "asc" } });
    expect(outbox.map((row) => row.key)).toEqual(inputs.filter((_, i) => i !== 1).map((input) => input.message.key));
    expect(outbox[0]).toMatchObject({ kind: "tip", status: "pending", attempts: 0, dueAt: inputs[0]!.fromDueAt, payload: JSON.stringify(inputs[0]!.message.message) });
    expect(await database.prisma.tipDelivery.count({ where: { source: "weekly", weekKey: "2026-W49" } })).toBe(4);
    const moved = await database.prisma.tipSubscription.findMany();
    expect(moved.every((subscription) => subscription.nextDueAt.getTime() === next.getTime())).toBe(true);
    // A second run (another instance's tick) queues nothing more.
    expect((await tips.scheduleTips(inputs)).size).toBe(0);
    expect(await database.prisma.outboxMessage.count()).toBe(4);
  });

  it("leaves out a slot whose week's tip is queued already, and goes one by one when a tip was recorded meanwhile", async () => {
    database = await createTestDatabase(provider);
    const tips = createTipRepository(database.prisma, provider);
    const inputs = await subscribers(3);
    await database.prisma.outboxMessage.create({
      data: { key: inputs[0]!.message.key, kind: "tip", priority: 3, chatId: inputs[0]!.userId, dueAt: slot },
    });
    await database.prisma.tipDelivery.create({ data: { userId: inputs[2]!.userId, tipId: inputs[2]!.tipId, source: "on-demand" } });

    const scheduled = await tips.scheduleTips(inputs);
    expect([...scheduled]).toEqual([inputs[1]!.subscriptionId]);
    expect(await database.prisma.outboxMessage.count()).toBe(2);
    expect(await database.prisma.tipDelivery.count()).toBe(2);
  });
});
