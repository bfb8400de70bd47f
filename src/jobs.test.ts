import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { createTestBot, STAFF_CHAT_ID, type TestBot } from "../test/kit/test-bot.js";
import { createScheduler } from "./scheduler.js";
import { watchDatabase, type DatabaseMonitor } from "./db/database-monitor.js";
import { parseDatabaseUrl } from "./db/database-url.js";
import { resumeAfterDatabaseFault, scheduleJobs } from "./jobs.js";
import { createLogger } from "./logger.js";
import { HOUR_MS } from "./shared/time.js";

const MINUTE = 60_000;

/** Whether this machine lets a file be made immutable (root with CAP_LINUX_IMMUTABLE on ext4 and the like). */
function immutableFiles(): boolean {
  const folder = mkdtempSync(join(tmpdir(), "clinic-chattr-"));
  const probe = join(folder, "probe");
  try {
    writeFileSync(probe, "");
    execFileSync("chattr", ["+i", probe], { stdio: "ignore" });
    execFileSync("chattr", ["-i", probe], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/**
 * The clock moves across a database outage: the SQLite file is made immutable (writes then fail with EPERM,
 * which SQLite reports as an I/O error, as on a failing disk) from 09:01 to 09:40 while the minute jobs run
 * and fail. A weekly tip (due 09:05), an appointment reminder (due 09:15) and a stale-request notice (the
 * request turns stale at 09:10) fell due meanwhile; they all go out as soon as the file takes writes again,
 * without waiting for the next cron minute.
 */
describe.runIf(immutableFiles())("jobs due during a database outage", () => {
  let tb: TestBot | undefined;
  let monitor: DatabaseMonitor | undefined;
  let files: string[] = [];
  afterEach(async () => {
    for (const file of files) execFileSync("chattr", ["-i", file]);
    monitor?.stop();
    await tb?.close();
  });

  it("run when it ends: the tips tick (within its grace hours), reminders and stale-request notices", async () => {
    const start = new Date("2026-03-02T09:00:00Z"); // a Monday
    let clock = start;
    const at = (minutes: number) => new Date(start.getTime() + minutes * MINUTE);
    tb = await createTestBot({ now: () => clock });
    const { prisma } = tb.database;
    const { deps } = tb.services;
    const patient = 31_001;
    await prisma.user.create({ data: { id: BigInt(patient), chatId: BigInt(patient), firstName: "Ines", languageCode: "en" } });
    await prisma.tipSubscription.create({ data: { userId: BigInt(patient), weekday: 1, hour: 9, timeZone: "UTC", nextDueAt: at(5) } });
    await deps.outbox.enqueue([{ key: "reminder:test", kind: "reminder", chatId: patient, userId: patient, message: { method: "sendMessage", params: { chat_id: patient, text: "Reminder: your massage is at 14:00." } }, dueAt: at(15) }]);
    const request = await deps.booking.appointments.createRequest({
      userId: patient, chatId: patient, serviceId: "massage-60", practitionerId: "camille-tremblay", anyPractitioner: false,
      startsAt: at(26 * 60), endsAt: at(27 * 60), patientName: "Ines", phone: "+16135550100",
      directBilling: false, insurer: null, billingNote: null, note: null, redFlags: [], language: "en",
    });
    const staleHours = tb.services.deps.clinic.booking.requestStaleAfterHours;
    await prisma.appointmentRequest.update({ where: { id: request.id }, data: { createdAt: new Date(at(10).getTime() - staleHours * HOUR_MS) } });

    const logger = createLogger("silent");
    const scheduler = createScheduler(logger, () => clock);
    scheduleJobs(scheduler, tb.services);
    monitor = watchDatabase({ database: tb.database, logger, intervalMs: 50 });
    let recovered = 0;
    monitor.onRecovered(() => recovered++);
    resumeAfterDatabaseFault(monitor, { scheduler, services: tb.services });
    tb.services.engine.start();

    const file = (parseDatabaseUrl(tb.database.url) as { filePath: string }).filePath;
    files = [file, `${file}-wal`].filter((path) => existsSync(path));
    for (const path of files) execFileSync("chattr", ["+i", path]);
    // Every minute of the outage, cron runs the jobs; each fails and nothing is sent.
    for (let minute = 1; minute <= 40; minute++) {
      clock = at(minute);
      await scheduler.runAll();
      tb.services.engine.wake();
    }
    await sleep(200);
    expect(monitor.down()).toBe(true);
    expect(tb.sentTo(patient)).toEqual([]);
    expect(tb.sentTo(STAFF_CHAT_ID)).toEqual([]);

    // Writing works again at 09:40; no cron minute passes (the test runs no job itself from here).
    for (const path of files) execFileSync("chattr", ["-i", path]);
    files = [];
    const texts = (chat: number) => tb!.sentTo(chat).map((message) => message.text ?? "");
    await tb.sim.waitFor(() => (texts(patient).length >= 3 && texts(STAFF_CHAT_ID).length >= 1) || undefined, 5_000).catch(() => {
      throw new Error(`not everything went out after the outage: patient ${JSON.stringify(texts(patient))}, staff ${JSON.stringify(texts(STAFF_CHAT_ID))}`);
    });
    expect(recovered).toBe(1);
    expect(monitor.down()).toBe(false);
    // The tip, the reminder and the patient's "still waiting" note; staff get the stale-request notice.
    expect(texts(patient)).toContain("Reminder: your massage is at 14:00.");
    expect(texts(patient).some((text) => /not a diagnosis|educational/i.test(text))).toBe(true);
    expect(await prisma.appointmentRequest.findUnique({ where: { id: request.id }, select: { staleNotifiedAt: true } })).toEqual({ staleNotifiedAt: at(40) });
    const subscription = await prisma.tipSubscription.findFirst({ where: { userId: BigInt(patient) } });
    expect(subscription!.nextDueAt.getTime()).toBeGreaterThan(at(40).getTime());
    // Nothing twice.
    expect(new Set(texts(patient)).size).toBe(texts(patient).length);
    await scheduler.stop();
  }, 30_000);
});
