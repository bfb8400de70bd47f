import { setTimeout as sleep } from "node:timers/promises";
import { BotApiSimulator, SEND_METHODS } from "../../src/bot-api-peer/index.js";
import { scratchLocation } from "../kit/test-database.js";
import { openDatabase, type Database } from "../../src/db/database.js";
import type { Provider } from "../../src/db/schema-files.js";
import { E2E_TOKEN, startBotProcess, type BotProcess } from "./harness.js";
import { seedBulkWork, type BulkWork } from "./instances.js";
import { createAppointmentRepository } from "../../src/booking/appointment-repository.js";
import { callbackQuery, user } from "../../src/bot-api-peer/updates.js";
import { mulberry32 } from "../kit/measure.js";

/**
 * The crash test: the real bot process (as `npm start` runs it) sends tips that are
 * due and a broadcast, against the Bot API simulator (flood limits on, some
 * latency so that sends are in flight), and is killed with SIGKILL at random
 * moments, then restarted. At the end it checks that:
 *
 *  - nothing was lost: every recipient got their message, or its outbox row is
 *    "unknown" (the process died between marking it "sending" and hearing back);
 *  - nothing was sent twice, except possibly a row in flight at a crash, and
 *    every such row is reported as "unknown" (never resent);
 *  - no two confirmed appointments overlap for one practitioner, although a
 *    staff member keeps pressing Confirm on requests that compete for the same
 *    times while the process is being killed; and each contested time ends up
 *    with exactly one appointment;
 *  - SIGTERM in the middle of sending exits 0 within 10 s with no row left
 *    "sending" (claimed rows go back to pending and are sent after a restart).
 */
export interface CrashTestOptions {
  provider: Provider;
  /** How many times the process is killed (default 20; the quick form uses 3). */
  crashes?: number;
  tipPatients?: number;
  broadcastRecipients?: number;
  /** Seed of the random kill moments, to replay a run (default: random). */
  seed?: number;
  /** Progress lines (the script prints them; tests may ignore them). */
  log?: (line: string) => void;
}

export interface CrashTestReport {
  provider: Provider;
  seed: number;
  crashes: number;
  /** Outbox rows that were "sending" when a crash happened, summed over the crashes. */
  inFlightAtCrashes: number;
  recipients: number;
  delivered: number;
  unknown: number;
  duplicates: number;
  lost: number;
  rejected429: number;
  sigtermExitCode: number | null;
  sigtermMs: number;
  /** Rows left "sending" after the graceful stop. */
  sendingAfterSigterm: number;
  overlappingAppointments: number | null;
  /** Empty when everything held. */
  problems: string[];
  durationMs: number;
}

const SIGTERM_BUDGET_MS = 10_000;
const STAFF_ID = 990_001;
/** Groups of appointment requests for overlapping times with one practitioner: at most one of each group can be confirmed. */
const CONTESTED_TIMES = 4;
const REQUESTS_PER_TIME = 3;

interface ContestedBookings {
  /** Request ids, by contested time. */
  groups: number[][];
  /** The patients' chats (they receive confirmations, which are not part of the tip and broadcast count). */
  chats: number[];
}

async function seedContestedBookings(db: Database["prisma"]): Promise<ContestedBookings> {
  const appointments = createAppointmentRepository(db);
  const tomorrow = new Date(Date.now() + 24 * 3600_000);
  tomorrow.setUTCHours(15, 0, 0, 0);
  const groups: number[][] = [];
  const chats: number[] = [];
  for (let time = 0; time < CONTESTED_TIMES; time++) {
    const group: number[] = [];
    for (let index = 0; index < REQUESTS_PER_TIME; index++) {
      const chat = 880_000 + time * 10 + index;
      const startsAt = new Date(tomorrow.getTime() + time * 2 * 3600_000 + index * 15 * 60_000);
      const request = await appointments.createRequest({
        userId: chat, chatId: chat, serviceId: "massage-60", practitionerId: "camille-tremblay", anyPractitioner: false,
        startsAt, endsAt: new Date(startsAt.getTime() + 3600_000), patientName: `Patient ${chat}`, phone: "+16135550100",
        directBilling: false, insurer: null, billingNote: null, note: null, redFlags: [], language: "en",
      });
      group.push(request.id);
      chats.push(chat);
    }
    groups.push(group);
  }
  return { groups, chats };
}

export async function runCrashTest(options: CrashTestOptions): Promise<CrashTestReport> {
  const started = Date.now();
  const crashes = options.crashes ?? 20;
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const random = mulberry32(seed);
  const log = options.log ?? (() => undefined);
  const problems: string[] = [];

  const sim = new BotApiSimulator({ token: E2E_TOKEN, rateLimits: true, globalRatePerSecond: 30, latencyMs: { min: 20, max: 150 }, seed });
  const { apiRoot } = await sim.listen();
  const location = scratchLocation(options.provider);
  let bot: BotProcess | undefined;
  // Opened only while the bot is down or for a moment: on SQLite an open connection
  // makes the bot's start-up migration wait for it (and time out).
  const withDb = async <T>(use: (db: Database["prisma"]) => Promise<T>): Promise<T> => {
    const database = await openDatabase(location.url, { maxConnections: 1 });
    try {
      return await use(database.prisma);
    } finally {
      await database.close();
    }
  };
  try {
    const work = await seedBulkWork(location.url, {
      tipPatients: options.tipPatients ?? (crashes <= 5 ? 40 : 200),
      broadcastRecipients: options.broadcastRecipients ?? (crashes <= 5 ? 160 : 900),
    });
    const bookings = await withDb(seedContestedBookings);
    const staff = user(STAFF_ID, { first_name: "Sam" });
    const pressConfirm = (requestId: number) => sim.pushUpdate(callbackQuery(staff, `rq:ok:${requestId}`));
    const env = { BOT_TOKEN: E2E_TOKEN, TELEGRAM_API_ROOT: apiRoot, DATABASE_URL: location.url, STAFF_IDS: String(STAFF_ID) };
    const inFlight = new Set<number>();
    log(`crash test on ${options.provider}: seed ${seed}, ${crashes} crashes, ${work.tipChats.length} tips and ${work.broadcastChats.length} broadcast recipients`);

    for (let crash = 1; crash <= crashes; crash++) {
      bot = await startBotProcess(env);
      // Staff confirm competing requests while the process may die at any moment.
      for (let press = 0; press < 3; press++) pressConfirm(bookings.groups.flat()[Math.floor(random() * CONTESTED_TIMES * REQUESTS_PER_TIME)]!);
      // A quarter of the kills land during start-up, the rest while sending.
      if (random() < 0.25) {
        await sleep(200 + random() * 1500);
      } else {
        await bot.waitForLog(/"bot initialised"/, 30_000);
        await sleep(100 + random() * 1400);
      }
      bot.child.kill("SIGKILL");
      await bot.exited;
      const sending = await withDb((db) => db.outboxMessage.findMany({ where: { status: "sending" }, select: { id: true } }));
      for (const row of sending) inFlight.add(row.id);
      log(`crash ${crash}/${crashes}: killed with ${sending.length} in flight; ${sim.stats().delivered} delivered so far`);
    }

    // SIGTERM while sending: drains within the budget, nothing left "sending".
    bot = await startBotProcess(env);
    await bot.waitForLog(/"bot initialised"/, 30_000);
    await sleep(1_000);
    const remainingBefore = await withDb((db) => db.outboxMessage.count({ where: { status: { in: ["pending", "claimed"] } } }));
    const stopAt = Date.now();
    const sigtermExitCode = await bot.stop("SIGTERM");
    const sigtermMs = Date.now() - stopAt;
    const [sendingAfterSigterm, claimedAfterSigterm] = await withDb(async (db) => [
      await db.outboxMessage.count({ where: { status: "sending" } }),
      await db.outboxMessage.count({ where: { status: "claimed" } }),
    ]);
    log(`SIGTERM with ${remainingBefore} rows to go: exit ${sigtermExitCode} after ${sigtermMs} ms, ${sendingAfterSigterm} sending, ${claimedAfterSigterm} claimed left`);
    if (sigtermExitCode !== 0) problems.push(`SIGTERM: exit code ${sigtermExitCode}, not 0`);
    if (sigtermMs > SIGTERM_BUDGET_MS) problems.push(`SIGTERM: took ${sigtermMs} ms (budget ${SIGTERM_BUDGET_MS} ms)`);
    if (sendingAfterSigterm > 0) problems.push(`SIGTERM: ${sendingAfterSigterm} rows left "sending"`);
    if (claimedAfterSigterm > 0) problems.push(`SIGTERM: ${claimedAfterSigterm} rows left "claimed" instead of handed back`);
    if (!/"stopped"/.test(bot.output())) problems.push("SIGTERM: the bot did not log that it stopped");

    // The last run finishes everything; staff press Confirm on every request once more.
    bot = await startBotProcess(env);
    await bot.waitForLog(/"bot initialised"/, 30_000);
    for (const requestId of bookings.groups.flat()) pressConfirm(requestId);
    const deadline = Date.now() + 120_000;
    // Everything but appointment reminders, which wait for their time. A row put back after a 429 or a
    // 5xx is due a few seconds later, so "due by now" alone could end the wait just before its retry.
    const toSend = () => ({ status: { in: ["pending", "claimed", "sending"] }, OR: [{ dueAt: { lte: new Date() } }, { kind: { not: "reminder" } }] });
    while ((await withDb((db) => db.outboxMessage.count({ where: toSend() }))) > 0) {
      if (Date.now() > deadline) {
        problems.push("the outbox was not drained within 120 s after the last restart");
        break;
      }
      await sleep(200);
    }
    while ((await withDb((db) => db.appointmentRequest.count({ where: { status: "requested" } }))) > (REQUESTS_PER_TIME - 1) * CONTESTED_TIMES) {
      if (Date.now() > deadline) {
        problems.push("the staff confirmations were not all handled within 120 s after the last restart");
        break;
      }
      await sleep(200);
    }
    await bot.stop("SIGTERM");

    const report = await withDb((db) => check(db, sim, work, bookings, inFlight, problems));
    return {
      provider: options.provider,
      seed,
      crashes,
      inFlightAtCrashes: inFlight.size,
      ...report,
      rejected429: sim.stats().rejected429,
      sigtermExitCode,
      sigtermMs,
      sendingAfterSigterm,
      problems,
      durationMs: Date.now() - started,
    };
  } finally {
    await bot?.stop("SIGKILL");
    await sim.close();
    await location.cleanup();
  }
}

async function check(db: Database["prisma"], sim: BotApiSimulator, work: BulkWork, bookings: ContestedBookings, inFlight: Set<number>, problems: string[]) {
  const counts = sim.deliveryCounts();
  const rows = await db.outboxMessage.findMany({ select: { id: true, key: true, kind: true, chatId: true, status: true } });
  const rowByChat = new Map(rows.filter((row) => row.kind === "tip" || row.kind === "broadcast").map((row) => [Number(row.chatId), row]));
  const recipients = [...work.tipChats, ...work.broadcastChats];
  let delivered = 0;
  let unknown = 0;
  let duplicates = 0;
  let lost = 0;

  for (const chat of recipients) {
    const count = counts.get(chat) ?? 0;
    const row = rowByChat.get(chat);
    if (!row) {
      problems.push(`chat ${chat}: no outbox row (its tip was never queued)`);
      lost++;
      continue;
    }
    if (row.status === "unknown") {
      unknown++;
      if (!inFlight.has(row.id)) problems.push(`row ${row.key} is unknown but was not in flight at any crash`);
    }
    if (count >= 1) delivered++;
    if (count === 0 && row.status !== "unknown") {
      lost++;
      problems.push(`chat ${chat}: nothing delivered and row ${row.key} is ${row.status}`);
    }
    if (count > 1) {
      duplicates += count - 1;
      if (row.status !== "unknown") problems.push(`chat ${chat}: ${count} messages, but row ${row.key} is ${row.status}, not unknown`);
    }
    if (row.status !== "sent" && row.status !== "unknown") problems.push(`row ${row.key} ended ${row.status}`);
  }
  if (duplicates > inFlight.size) problems.push(`${duplicates} duplicates, more than the ${inFlight.size} sends in flight at the crashes`);
  const stray = [...counts.keys()].filter((chat) => !recipients.includes(chat) && !bookings.chats.includes(chat));
  if (stray.length > 0) problems.push(`messages to chats that were not recipients: ${stray.join(", ")}`);
  const sendCalls = sim.calls.filter((call) => SEND_METHODS.includes(call.method)).length;
  if (sendCalls === 0) problems.push("nothing was sent at all");

  const overlappingAppointments = await countOverlappingAppointments(db);
  if (overlappingAppointments) problems.push(`${overlappingAppointments} pairs of confirmed appointments overlap`);
  for (const [time, group] of bookings.groups.entries()) {
    const confirmed = await db.appointment.count({ where: { requestId: { in: group }, status: "confirmed" } });
    if (confirmed !== 1) problems.push(`contested time ${time + 1}: ${confirmed} confirmed appointments, expected exactly 1`);
  }
  return { recipients: recipients.length, delivered, unknown, duplicates, lost, overlappingAppointments };
}

/** Confirmed appointments of one practitioner that overlap (null when there is no appointments table). */
async function countOverlappingAppointments(db: Database["prisma"]): Promise<number | null> {
  try {
    const [row] = await db.$queryRawUnsafe<Array<{ n: number | bigint }>>(
      `SELECT COUNT(*) AS n FROM appointments a JOIN appointments b
         ON a.id < b.id AND a.practitioner_id = b.practitioner_id
        AND a.status = 'confirmed' AND b.status = 'confirmed'
        AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at`,
    );
    return Number(row?.n ?? 0);
  } catch {
    return null;
  }
}

