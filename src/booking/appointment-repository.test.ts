import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, testProviders, type TestDatabase } from "../../test/kit/test-database.js";
import { createAppointmentRepository } from "./appointment-repository.js";

const HOUR = 3_600_000;

describe.each(testProviders)("a patient's upcoming requests and appointments on %s", (provider) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(provider);
  });
  afterAll(() => database.drop());

  it("count open requests and confirmed appointments after now, the patient's own only", async () => {
    const { prisma } = database;
    const now = new Date("2026-12-02T15:00:00Z");
    const appointments = createAppointmentRepository(prisma);
    expect(await appointments.countUpcoming(1, now)).toBe(0);
    const statuses = ["requested", "proposed", "declined", "confirmed", "withdrawn"];
    const times = [now.getTime() - HOUR, now.getTime() - 1, now.getTime(), now.getTime() + 1, now.getTime() + 48 * HOUR];
    let n = 0;
    for (const userId of [1n, 2n]) {
      for (const at of times) {
        for (const appointmentStatus of ["confirmed", "cancelled", "completed"]) {
          const status = statuses[n++ % statuses.length]!;
          const slot = { serviceId: "massage", practitionerId: "p1", startsAt: new Date(at), endsAt: new Date(at + HOUR) };
          const request = await prisma.appointmentRequest.create({ data: { userId, chatId: userId, status, ...slot } });
          await prisma.appointment.create({ data: { requestId: request.id, userId, chatId: userId, status: appointmentStatus, ...slot } });
        }
      }
    }
    for (const userId of [1n, 2n, 3n]) {
      const requests = await prisma.appointmentRequest.count({ where: { userId, status: { in: ["requested", "proposed"] } } });
      const ahead = await prisma.appointment.count({ where: { userId, status: "confirmed", startsAt: { gt: now } } });
      expect(await appointments.countUpcoming(userId, now), `patient ${userId}`).toBe(requests + ahead);
    }
    // Both kinds present: 15 requests a patient, 6 of them open; 2 confirmed appointments after now.
    expect(await appointments.countUpcoming(1, now)).toBe(6 + 2);
  });
});
