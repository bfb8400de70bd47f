import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { applyPendingMigrations } from "../../src/db/migrations.js";
import { openDatabase, type Database } from "../../src/db/database.js";

/**
 * Helpers for tests that run several bot processes, or crash one: a
 * round-robin load balancer in front of their webhooks, and bulk work
 * (tips due now, a broadcast being sent) seeded straight into the database.
 */

export interface RoundRobin {
  /** The one URL Telegram (here: the simulator) posts updates to, e.g. http://127.0.0.1:1234. */
  url: string;
  /** How many updates each instance port answered. */
  answeredBy: Map<number, number>;
  close(): Promise<void>;
}

/**
 * A minimal load balancer: each request goes to the next instance in turn;
 * an instance that refuses the connection (down, restarting) is skipped.
 */
export async function startRoundRobin(ports: readonly number[]): Promise<RoundRobin> {
  let next = 0;
  const answeredBy = new Map<number, number>();
  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      for (let tried = 0; tried < ports.length; tried++) {
        const port = ports[next++ % ports.length]!;
        try {
          const headers: Record<string, string> = {};
          for (const name of ["content-type", "x-telegram-bot-api-secret-token"]) {
            const value = req.headers[name];
            if (typeof value === "string") headers[name] = value;
          }
          const response = await fetch(`http://127.0.0.1:${port}${req.url ?? "/"}`, { method: req.method, headers, body: body.length > 0 ? body : undefined });
          const answer = Buffer.from(await response.arrayBuffer());
          answeredBy.set(port, (answeredBy.get(port) ?? 0) + 1);
          res.writeHead(response.status, { "content-type": response.headers.get("content-type") ?? "text/plain" });
          res.end(answer);
          return;
        } catch {
          // Not listening (stopped or not started yet): try the next instance.
        }
      }
      res.writeHead(502).end("no instance is up");
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    answeredBy,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

export interface BulkWork {
  /** Patients whose weekly tip is due now (one tip each). */
  tipChats: number[];
  /** Patients receiving the broadcast (one message each; disjoint from tipChats). */
  broadcastChats: number[];
  broadcastId: number;
  /** Text every broadcast recipient gets. */
  broadcastText: string;
}

export interface BulkWorkOptions {
  tipPatients: number;
  broadcastRecipients: number;
  /** The first patient id (and chat id); the others follow. */
  firstId?: number;
  /** The staff member who wrote the broadcast (their private chat gets nothing unless a progress message exists). */
  staffId?: number;
}

/**
 * Migrates the database and seeds bulk work for the outbox: patients whose
 * weekly tip slot came a minute ago (the tips tick queues them) and a
 * broadcast already being sent to other patients (its recipients are outbox
 * rows, as BroadcastService.start writes them).
 */
export async function seedBulkWork(databaseUrl: string, options: BulkWorkOptions): Promise<BulkWork> {
  await applyPendingMigrations(databaseUrl);
  const database = await openDatabase(databaseUrl, { maxConnections: 2 });
  try {
    return await seed(database, options);
  } finally {
    await database.close();
  }
}

/** The same bulk work, seeded into an open (migrated) database, e.g. while a bot process runs on it. */
export async function seed(database: Database, options: BulkWorkOptions): Promise<BulkWork> {
  const { prisma } = database;
  const firstId = options.firstId ?? 500_000;
  const staffId = options.staffId ?? 9_999;
  const now = new Date();
  const slot = new Date(now.getTime() - 60_000);
  const tipChats = Array.from({ length: options.tipPatients }, (_, i) => firstId + i);
  const broadcastChats = Array.from({ length: options.broadcastRecipients }, (_, i) => firstId + options.tipPatients + i);
  await prisma.user.createMany({
    data: [...tipChats, ...broadcastChats].map((id) => ({ id: BigInt(id), chatId: BigInt(id), firstName: `Patient ${id}`, languageCode: "en" })),
  });
  await prisma.tipSubscription.createMany({
    data: tipChats.map((id) => ({
      userId: BigInt(id),
      weekday: ((slot.getUTCDay() + 6) % 7) + 1,
      hour: slot.getUTCHours(),
      timeZone: "UTC",
      nextDueAt: slot,
    })),
  });
  const broadcastText = "Holiday hours: the clinic is closed on Monday.";
  const broadcast = await prisma.broadcast.create({
    data: {
      authorId: BigInt(staffId),
      authorName: "Staff",
      authorChatId: BigInt(staffId),
      status: "sending",
      text: broadcastText,
      audience: "everyone",
      recipientCount: broadcastChats.length,
      startedAt: now,
      // Every recipient queued, as BroadcastService.start records once it has written them all.
      recipientsQueuedAt: now,
    },
  });
  await prisma.outboxMessage.createMany({
    data: broadcastChats.map((id) => ({
      key: `broadcast:${broadcast.id}:${id}`,
      kind: "broadcast",
      priority: 5,
      chatId: BigInt(id),
      userId: BigInt(id),
      broadcastId: broadcast.id,
      dueAt: now,
    })),
  });
  return { tipChats, broadcastChats, broadcastId: broadcast.id, broadcastText };
}

/** Outbox rows by status. */
export async function outboxStatuses(databaseUrl: string): Promise<Record<string, number>> {
  const database = await openDatabase(databaseUrl, { maxConnections: 1 });
  try {
    const groups = await database.prisma.outboxMessage.groupBy({ by: ["status"], _count: { _all: true } });
    return Object.fromEntries(groups.map((group) => [group.status, group._count._all]));
  } finally {
    await database.close();
  }
}

