import { spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { BotApiSimulator } from "../../src/bot-api-peer/index.js";
import { openDatabase, type Database } from "../../src/db/database.js";
import { parseDatabaseUrl } from "../../src/db/database-url.js";
import { scratchLocation } from "../kit/test-database.js";
import { E2E_TOKEN, PROJECT_ROOT, startBotProcess, type BotProcess } from "./harness.js";
import { outboxStatuses, seedBulkWork } from "./instances.js";

const RECIPIENTS = 120;
const APPOINTMENTS = 12;

function sqlitePath(databaseUrl: string): string {
  const parsed = parseDatabaseUrl(databaseUrl);
  if (parsed.provider !== "sqlite") throw new Error(`not a SQLite URL: ${databaseUrl}`);
  return parsed.filePath;
}

/** `npm run backup -- FILE` exactly as an operator types it, in the project folder, with these settings. */
async function npmBackup(env: Record<string, string>, ...args: string[]) {
  const started = Date.now();
  // Not spawnSync: the Bot API peer lives in this process and keeps answering the bot meanwhile.
  const run = spawn("npm", ["run", "--silent", "backup", "--", ...args], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  run.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  run.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => run.once("exit", resolve));
  return { code, stdout: stdout.trim(), stderr: stderr.trim(), ms: Date.now() - started };
}

/** What the backup must hold: every patient, appointment and outbox row, each row as a line. */
async function rowsOf(database: Database) {
  const { prisma } = database;
  return {
    users: (await prisma.user.findMany({ orderBy: { id: "asc" }, select: { id: true, firstName: true } })).map((row) => `${row.id} ${row.firstName}`),
    appointments: (await prisma.appointment.findMany({ orderBy: { id: "asc" } })).map((row) => `${row.id} ${row.userId} ${row.startsAt.toISOString()} ${row.status}`),
    outbox: await prisma.outboxMessage.findMany({ orderBy: { id: "asc" }, select: { id: true, chatId: true, status: true } }),
  };
}

async function seedAppointments(databaseUrl: string, patients: number[]): Promise<void> {
  const database = await openDatabase(databaseUrl);
  try {
    for (const [index, patient] of patients.slice(0, APPOINTMENTS).entries()) {
      const startsAt = new Date(Date.UTC(2027, 0, 4 + index, 14));
      const endsAt = new Date(startsAt.getTime() + 45 * 60_000);
      const base = { userId: BigInt(patient), chatId: BigInt(patient), serviceId: "physiotherapy", practitionerId: "p1", startsAt, endsAt };
      const request = await database.prisma.appointmentRequest.create({ data: { ...base, status: "confirmed", patientName: `Patient ${patient}` } });
      await database.prisma.appointment.create({ data: { ...base, requestId: request.id } });
    }
  } finally {
    await database.close();
  }
}

describe("backups of the SQLite database (npm run backup)", () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    cleanups.length = 0;
  });

  it("taken while an announcement is being sent, restored as README says, holds every patient, appointment and outbox row of that moment", async () => {
    const sim = new BotApiSimulator({ token: E2E_TOKEN, rateLimits: false });
    const { apiRoot } = await sim.listen();
    cleanups.push(() => sim.close());
    const location = scratchLocation("sqlite");
    cleanups.push(() => location.cleanup());
    const work = await seedBulkWork(location.url, { tipPatients: 0, broadcastRecipients: RECIPIENTS });
    await seedAppointments(location.url, work.broadcastChats);
    const env = { BOT_TOKEN: E2E_TOKEN, TELEGRAM_API_ROOT: apiRoot, DATABASE_URL: location.url, SEND_RATE_PER_SECOND: "15" };
    let bot: BotProcess = await startBotProcess(env);
    cleanups.push(() => bot.stop("SIGKILL"));
    await bot.waitForLog(/"bot initialised"/, 30_000);

    // A quarter of the announcement is out: rows are sent, being sent and waiting while the backup is written.
    await sim.waitFor(() => sim.deliveryCounts().size >= RECIPIENTS / 4, 20_000);
    const deliveredBefore = new Set(sim.deliveryCounts().keys());
    const databasePath = sqlitePath(location.url);
    const file = join(dirname(databasePath), "backups", "clinic-backup.db");
    mkdirSync(dirname(file), { recursive: true });
    const backup = await npmBackup({ DATABASE_URL: location.url }, file);
    const deliveredAfter = new Set(sim.deliveryCounts().keys());
    expect(backup.stderr).toBe("");
    expect(backup.code).toBe(0);
    expect(backup.stdout).toMatch(/^wrote .*clinic-backup\.db \(\d+ KB in \d+ ms\); to restore: stop the bot/);
    // It was taken mid-announcement: messages went on going out while it ran.
    expect(deliveredBefore.size).toBeLessThan(RECIPIENTS);
    expect(deliveredAfter.size).toBeGreaterThan(deliveredBefore.size);

    // Restore: stop the bot, copy the file to DATABASE_URL's path (its -wal and -shm go), start the bot.
    expect(await bot.stop("SIGTERM")).toBe(0);
    const live = await openDatabase(location.url);
    const atTheEnd = await rowsOf(live);
    await live.close();
    for (const suffix of ["-wal", "-shm"]) rmSync(`${databasePath}${suffix}`, { force: true });
    copyFileSync(file, databasePath);

    const restored = await openDatabase(location.url);
    const moment = await rowsOf(restored);
    await restored.close();
    // Every patient and appointment (none changed during the announcement), and every outbox row.
    expect(moment.users).toEqual(atTheEnd.users);
    expect(moment.users.length).toBeGreaterThanOrEqual(RECIPIENTS);
    expect(moment.appointments).toEqual(atTheEnd.appointments);
    expect(moment.appointments).toHaveLength(APPOINTMENTS);
    expect(moment.outbox.map((row) => row.id)).toEqual(atTheEnd.outbox.map((row) => row.id));
    expect(moment.outbox).toHaveLength(RECIPIENTS);
    // Each row as it stood at one moment during the backup: what had gone out before it began was at least being
    // sent, and nothing is marked sent that had not gone out by the time it ended.
    for (const row of moment.outbox) {
      const chat = Number(row.chatId);
      if (deliveredBefore.has(chat)) expect(["sent", "sending"], `chat ${chat}`).toContain(row.status);
      if (row.status === "sent") expect(deliveredAfter.has(chat), `chat ${chat}`).toBe(true);
      if (!deliveredAfter.has(chat)) expect(["pending", "claimed", "sending"], `chat ${chat}`).toContain(row.status);
    }
    const sentInBackup = moment.outbox.filter((row) => row.status === "sent").length;
    expect(sentInBackup).toBeGreaterThan(0);
    expect(sentInBackup).toBeLessThan(RECIPIENTS);

    // The bot starts on the restored database and finishes the announcement from there.
    bot = await startBotProcess(env);
    await bot.waitForLog(/"bot initialised"/, 30_000);
    const deadline = Date.now() + 20_000;
    for (;;) {
      const statuses = await outboxStatuses(location.url);
      if (!statuses.pending && !statuses.claimed && !statuses.sending) break;
      if (Date.now() > deadline) throw new Error(`the restored bot did not finish the announcement: ${JSON.stringify(statuses)}`);
      await sleep(250);
    }
    for (const chat of work.broadcastChats) expect(sim.countText(chat, work.broadcastText), `chat ${chat}`).toBeGreaterThanOrEqual(1);
    expect(await bot.stop("SIGTERM")).toBe(0);
  }, 90_000);

  it("answers in one line what is wrong: no FILE, a missing folder, the database itself, a PostgreSQL database", async () => {
    const location = scratchLocation("sqlite");
    cleanups.push(() => location.cleanup());
    const databasePath = sqlitePath(location.url);
    const folder = dirname(databasePath);
    // No database yet: nothing is created by asking for a backup.
    const none = await npmBackup({ DATABASE_URL: location.url }, join(folder, "copy.db"));
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/^There is no database to back up at .*test\.db \(DATABASE_URL\)/);
    expect(existsSync(databasePath)).toBe(false);
    writeFileSync(databasePath, "");

    const usage = await npmBackup({ DATABASE_URL: location.url });
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/^usage: npm run backup -- FILE/);
    const missing = await npmBackup({ DATABASE_URL: location.url }, join(folder, "nowhere", "copy.db"));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^Cannot write the backup .*copy\.db: its folder .*nowhere does not exist$/);
    const itself = await npmBackup({ DATABASE_URL: location.url }, databasePath);
    expect(itself.code).toBe(1);
    expect(itself.stderr).toMatch(/is the database itself \(DATABASE_URL\)/);
    const postgres = await npmBackup({ DATABASE_URL: "postgresql://clinic@127.0.0.1:5432/clinic" }, join(folder, "copy.db"));
    expect(postgres.code).toBe(1);
    expect(postgres.stderr.split("\n")).toHaveLength(1);
    expect(postgres.stderr).toMatch(/^DATABASE_URL is a PostgreSQL database: back it up with pg_dump/);
  }, 60_000);

  it("the bot with a BACKUP_DIR it cannot write to stops at start with one line naming it", async () => {
    const sim = new BotApiSimulator({ token: E2E_TOKEN, rateLimits: false });
    const { apiRoot } = await sim.listen();
    cleanups.push(() => sim.close());
    const location = scratchLocation("sqlite");
    cleanups.push(() => location.cleanup());
    const blocker = join(dirname(sqlitePath(location.url)), "a-file");
    mkdirSync(dirname(blocker), { recursive: true });
    writeFileSync(blocker, "");
    const bot = await startBotProcess({ BOT_TOKEN: E2E_TOKEN, TELEGRAM_API_ROOT: apiRoot, DATABASE_URL: location.url, BACKUP_DIR: join(blocker, "backups") });
    cleanups.push(() => bot.stop("SIGKILL"));
    expect(await bot.exited).toBe(1);
    const lines = bot.output().split("\n").filter((line) => /BACKUP_DIR/.test(line));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/could not start: BACKUP_DIR .*a-file\/backups is not a folder the bot can write to/);
  }, 30_000);
});
