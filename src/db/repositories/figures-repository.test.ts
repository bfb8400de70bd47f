import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, testProviders, type TestDatabase } from "../../../test/kit/test-database.js";
import { createFiguresRepository } from "./figures-repository.js";
import { createUserRepository } from "./user-repository.js";
import { createTipRepository } from "../../tips/tip-repository.js";
import { createAppointmentRepository } from "../../booking/appointment-repository.js";

const HOUR = 3_600_000;

describe.each(testProviders)("the clinic's figures on %s", (provider) => {
  let database: TestDatabase;
  const now = new Date("2026-12-02T15:00:00Z");
  const day = { start: new Date("2026-12-02T05:00:00Z"), end: new Date("2026-12-03T05:00:00Z") };
  const week = { start: new Date("2026-11-30T05:00:00Z"), end: new Date("2026-12-07T05:00:00Z") };
  const tipsSince = new Date(now.getTime() - 7 * 24 * HOUR);

  beforeAll(async () => {
    database = await createTestDatabase(provider);
  });
  afterAll(() => database.drop());

  it("start at zero on an empty database", async () => {
    expect(await createFiguresRepository(database.prisma).clinic({ tipsSince, day, week })).toEqual({
      active: 0,
      blocked: 0,
      subscribers: 0,
      tips: 0,
      pending: 0,
      today: 0,
      week: 0,
    });
  });

  it("equal the counts each repository gives, at the edges of the day, the week and the tips' week", async () => {
    const { prisma } = database;
    await prisma.user.createMany({
      data: [1, 2, 3, 4, 5].map((id) => ({ id, chatId: id, firstName: `P${id}`, status: id > 3 ? "blocked" : "active" })),
    });
    await prisma.tipSubscription.createMany({
      data: [
        { userId: 1n, weekday: 1, hour: 9, timeZone: "America/Toronto", active: true, nextDueAt: now },
        { userId: 2n, weekday: 1, hour: 9, timeZone: "America/Toronto", active: false, nextDueAt: now },
        { userId: 4n, weekday: 1, hour: 9, timeZone: "America/Toronto", active: true, nextDueAt: now },
      ],
    });
    const delivered = [tipsSince.getTime() - 1, tipsSince.getTime(), tipsSince.getTime() + 1, now.getTime()];
    await prisma.tipDelivery.createMany({ data: delivered.map((at, i) => ({ userId: 1n, tipId: `tip-${i}`, source: "weekly", deliveredAt: new Date(at) })) });
    const startsAt = [
      day.start.getTime() - 1, // yesterday evening: this week, not today
      day.start.getTime(), // the first instant of today
      day.start.getTime() + 10 * HOUR,
      day.end.getTime() - 1,
      day.end.getTime(), // tomorrow
      week.start.getTime() - 1, // last week
      week.start.getTime(),
      week.end.getTime() - 1,
      week.end.getTime(), // next week
    ];
    const statuses = ["requested", "proposed", "declined", "confirmed", "withdrawn"];
    let n = 0;
    for (const at of startsAt) {
      for (const appointmentStatus of ["confirmed", "cancelled", "completed"]) {
        const status = statuses[n++ % statuses.length]!;
        const request = await prisma.appointmentRequest.create({
          data: { userId: 1n, chatId: 1n, serviceId: "massage", practitionerId: "p1", startsAt: new Date(at), endsAt: new Date(at + HOUR), status },
        });
        await prisma.appointment.create({
          data: { requestId: request.id, userId: 1n, chatId: 1n, serviceId: "massage", practitionerId: "p1", startsAt: new Date(at), endsAt: new Date(at + HOUR), status: appointmentStatus },
        });
      }
    }

    const users = createUserRepository(prisma);
    const tips = createTipRepository(prisma, database.provider);
    const appointments = createAppointmentRepository(prisma);
    const statusCounts = await users.countByStatus();
    const expected = {
      active: statusCounts.active,
      blocked: statusCounts.blocked,
      subscribers: await tips.countActive(),
      tips: await tips.countDeliveredSince(tipsSince),
      pending: await appointments.countPending(),
      today: await appointments.countAppointmentsBetween(day.start, day.end),
      week: await appointments.countAppointmentsBetween(week.start, week.end),
    };
    // The data reaches every case: none of the figures is trivially zero.
    expect(expected).toEqual({ active: 3, blocked: 2, subscribers: 1, tips: 3, pending: 12, today: 6, week: 14 });
    expect(await createFiguresRepository(prisma).clinic({ tipsSince, day, week })).toEqual(expected);
  });
});
