import type { Db } from "../db/database.js";
import type { Provider } from "../db/schema-files.js";
import type { NewOutboxMessage } from "../delivery/outbox.js";
import { isUniqueViolation } from "../delivery/outbox-repository.js";
import { PRIORITY } from "../delivery/outbox.js";

export interface TipSubscription {
  id: number;
  userId: bigint;
  weekday: number;
  hour: number;
  timeZone: string;
  active: boolean;
  nextDueAt: Date;
}

export interface DueSubscription extends TipSubscription {
  chatId: bigint;
  language: string | null;
  languageCode: string | null;
  /** A blocked patient's slots are skipped (not queued) until they come back. */
  userStatus: string;
}

export interface TipRepository {
  find(userId: number | bigint): Promise<TipSubscription | null>;
  /** Creates or updates the patient's subscription and makes it active. */
  save(userId: number | bigint, slot: { weekday: number; hour: number; timeZone: string }, nextDueAt: Date): Promise<TipSubscription>;
  /** Stops the subscription and cancels any tip still waiting to be sent. */
  deactivate(userId: number | bigint, chatId: number | bigint): Promise<boolean>;
  /** Active subscriptions whose slot has come, oldest first (one indexed range scan). */
  findDue(now: Date, limit: number): Promise<DueSubscription[]>;
  /** Moves a subscription past a slot it will not use (missed beyond the grace window). */
  advance(subscriptionId: number, fromDueAt: Date, nextDueAt: Date): Promise<boolean>;
  /**
   * Claims a slot and schedules its tip in one transaction: the slot moves on only
   * if nobody else moved it, the tip is recorded as received, and the message is
   * queued under a key unique to the subscription and week.
   */
  scheduleTip(input: ScheduleTipInput): Promise<boolean>;
  /**
   * The same for a whole page of slots in one transaction (a few statements,
   * not a few per slot); returns the subscriptions whose tip was queued. Slots
   * someone else took are left out; if any tip or message already exists,
   * the page goes one by one.
   */
  scheduleTips(inputs: readonly ScheduleTipInput[]): Promise<Set<number>>;
  /** The tips a patient received, in the order they were sent. */
  deliveredTipIds(userId: number | bigint): Promise<Set<string>>;
  /** The same for many patients in one query (those with none are absent). */
  deliveredTipIdsOf(userIds: readonly bigint[]): Promise<Map<bigint, Set<string>>>;
  /** Records a tip sent on demand (/tip); false when the patient already had it. */
  recordOnDemand(userId: number | bigint, tipId: string, at: Date): Promise<boolean>;
  countActive(): Promise<number>;
  countDeliveredSince(since: Date): Promise<number>;
}

export interface ScheduleTipInput {
  subscriptionId: number;
  fromDueAt: Date;
  nextDueAt: Date;
  userId: bigint;
  tipId: string;
  weekKey: string;
  message: NewOutboxMessage;
}

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

/**
 * Claims the slots in one statement (each moves on only if nobody moved it
 * meanwhile) and returns those claimed. UPDATE ... FROM (VALUES ...) RETURNING
 * reads the same on SQLite (3.35+) and PostgreSQL; Prisma's updateMany cannot
 * give each row its own next slot. On PostgreSQL the values come as three
 * arrays (unnest) rather than three parameters a row: a page is one short
 * statement to parse and plan.
 */
async function claimSlots(tx: Tx, provider: Provider, inputs: readonly ScheduleTipInput[]): Promise<ScheduleTipInput[]> {
  const claimed = new Set<number>();
  const claim = (slots: string, args: unknown[]) =>
    tx.$queryRawUnsafe<Array<{ id: number | bigint }>>(
      `UPDATE tip_subscriptions SET next_due_at = slots.column3, updated_at = ${provider === "postgresql" ? "CAST($1 AS timestamp(3))" : "?"}
       FROM ${slots} AS slots
       WHERE tip_subscriptions.id = slots.column1 AND tip_subscriptions.next_due_at = slots.column2 AND tip_subscriptions.active = true
       RETURNING tip_subscriptions.id`,
      new Date(),
      ...args,
    );
  if (provider === "postgresql") {
    const rows = await claim("(SELECT * FROM unnest(CAST($2 AS integer[]), CAST($3 AS timestamp(3)[]), CAST($4 AS timestamp(3)[])) AS v(column1, column2, column3))", [
      inputs.map((input) => input.subscriptionId),
      inputs.map((input) => input.fromDueAt),
      inputs.map((input) => input.nextDueAt),
    ]);
    for (const row of rows) claimed.add(Number(row.id));
    return inputs.filter((input) => claimed.has(input.subscriptionId));
  }
  for (let start = 0; start < inputs.length; start += CLAIM_CHUNK) {
    const chunk = inputs.slice(start, start + CLAIM_CHUNK);
    // SQLite binds `?` in order of appearance.
    const args = chunk.flatMap((input) => [input.subscriptionId, input.fromDueAt, input.nextDueAt]);
    const rows = await claim(`(VALUES ${chunk.map(() => "(?, ?, ?)").join(", ")})`, args);
    for (const row of rows) claimed.add(Number(row.id));
  }
  return inputs.filter((input) => claimed.has(input.subscriptionId));
}

/** Rows per statement: a few parameters each, well under SQLite's limit of 32,766. */
const CLAIM_CHUNK = 500;

/**
 * Inserts rows with one INSERT per chunk. Prisma's createMany plans each call
 * anew, which at hundreds of rows costs more than the insert itself. On
 * PostgreSQL, one INSERT ... SELECT FROM unnest(one array a column) for all.
 */
async function insertRows(tx: Tx, provider: Provider, table: string, columns: ReadonlyArray<readonly [name: string, pgType: string]>, rows: unknown[][]): Promise<void> {
  if (rows.length === 0) return;
  const names = columns.map(([name]) => name).join(", ");
  if (provider === "postgresql") {
    const arrays = columns.map((_, i) => rows.map((row) => row[i]));
    const unnest = columns.map(([, type], i) => `CAST($${i + 1} AS ${type}[])`).join(", ");
    await tx.$executeRawUnsafe(`INSERT INTO ${table} (${names}) SELECT * FROM unnest(${unnest})`, ...arrays);
    return;
  }
  for (let start = 0; start < rows.length; start += CLAIM_CHUNK) {
    const chunk = rows.slice(start, start + CLAIM_CHUNK);
    const values = chunk.map((row) => `(${row.map(() => "?").join(", ")})`).join(", ");
    await tx.$executeRawUnsafe(`INSERT INTO ${table} (${names}) VALUES ${values}`, ...chunk.flat());
  }
}

function outboxRow(input: ScheduleTipInput) {
  const message = input.message;
  return {
    key: message.key,
    kind: message.kind,
    priority: PRIORITY[message.kind],
    chatId: BigInt(message.chatId),
    userId: input.userId,
    payload: message.message ? JSON.stringify(message.message) : null,
    dueAt: message.dueAt,
  };
}

/** A unique key refused a row, through Prisma's API (P2002) or in raw SQL. */
function refusedAsDuplicate(error: unknown): boolean {
  return isUniqueViolation(error) || /UNIQUE constraint failed|duplicate key value violates unique constraint/i.test(error instanceof Error ? error.message : "");
}

export function createTipRepository(db: Db, provider: Provider): TipRepository {
  const repository: TipRepository = {
    find: (userId) => db.tipSubscription.findUnique({ where: { userId: BigInt(userId) } }),

    save: (userId, slot, nextDueAt) =>
      db.tipSubscription.upsert({
        where: { userId: BigInt(userId) },
        create: { userId: BigInt(userId), ...slot, nextDueAt, active: true },
        update: { ...slot, nextDueAt, active: true },
      }),

    async deactivate(userId, chatId) {
      return db.$transaction(async (tx) => {
        const { count } = await tx.tipSubscription.updateMany({ where: { userId: BigInt(userId), active: true }, data: { active: false } });
        await tx.outboxMessage.updateMany({
          where: { chatId: BigInt(chatId), kind: "tip", status: { in: ["pending", "claimed"] } },
          data: { status: "cancelled" },
        });
        return count > 0;
      });
    },

    async findDue(now, limit) {
      const rows = await db.tipSubscription.findMany({
        where: { active: true, nextDueAt: { lte: now } },
        orderBy: { nextDueAt: "asc" },
        take: limit,
        include: { user: { select: { chatId: true, language: true, languageCode: true, status: true } } },
      });
      return rows.map(({ user, ...subscription }) => ({
        ...subscription,
        chatId: user.chatId,
        language: user.language,
        languageCode: user.languageCode,
        userStatus: user.status,
      }));
    },

    async advance(subscriptionId, fromDueAt, nextDueAt) {
      const { count } = await db.tipSubscription.updateMany({ where: { id: subscriptionId, nextDueAt: fromDueAt }, data: { nextDueAt } });
      return count === 1;
    },

    async scheduleTip(input) {
      try {
        return await db.$transaction(async (tx) => {
          const { count } = await tx.tipSubscription.updateMany({
            where: { id: input.subscriptionId, nextDueAt: input.fromDueAt, active: true },
            data: { nextDueAt: input.nextDueAt },
          });
          if (count === 0) return false; // another tick or instance took this slot
          // Dated by the slot (the bot's clock), not the machine's: the desk counts tips per week by it.
          await tx.tipDelivery.create({ data: { userId: input.userId, tipId: input.tipId, source: "weekly", weekKey: input.weekKey, deliveredAt: input.message.dueAt } });
          await tx.outboxMessage.create({ data: outboxRow(input) });
          return true;
        });
      } catch (error) {
        if (isUniqueViolation(error)) return false; // this week's tip (or this tip) already exists
        throw error;
      }
    },

    async scheduleTips(inputs) {
      if (inputs.length === 0) return new Set();
      try {
        return await db.$transaction(
          async (tx) => {
            // This week's tip already queued (the patient moved the slot later in the week): not claimed, the slot just moves on.
            const queued = await tx.outboxMessage.findMany({ where: { key: { in: inputs.map((input) => input.message.key) } }, select: { key: true } });
            const already = new Set(queued.map((row) => row.key));
            const claimed = await claimSlots(
              tx,
              provider,
              inputs.filter((input) => !already.has(input.message.key)),
            );
            const at = new Date();
            await insertRows(
              tx,
              provider,
              "tip_deliveries",
              [["user_id", "bigint"], ["tip_id", "text"], ["source", "text"], ["week_key", "text"], ["delivered_at", "timestamp(3)"]],
              // Dated by the slot (the bot's clock), not the machine's: the desk counts tips per week by it.
              claimed.map((input) => [input.userId, input.tipId, "weekly", input.weekKey, input.message.dueAt]),
            );
            await insertRows(
              tx,
              provider,
              "outbox",
              [["key", "text"], ["kind", "text"], ["priority", "integer"], ["chat_id", "bigint"], ["user_id", "bigint"], ["payload", "text"], ["due_at", "timestamp(3)"], ["created_at", "timestamp(3)"], ["updated_at", "timestamp(3)"]],
              claimed.map((input) => {
                const row = outboxRow(input);
                return [row.key, row.kind, row.priority, row.chatId, row.userId, row.payload, row.dueAt, at, at];
              }),
            );
            return new Set(claimed.map((input) => input.subscriptionId));
          },
          { timeout: 60_000, maxWait: 10_000 },
        );
      } catch (error) {
        if (!refusedAsDuplicate(error)) throw error;
        // A tip recorded meanwhile (say /tip on demand): one by one, where each such slot just moves on.
        const scheduled = new Set<number>();
        for (const input of inputs) if (await repository.scheduleTip(input)) scheduled.add(input.subscriptionId);
        return scheduled;
      }
    },

    async deliveredTipIds(userId) {
      // In the order they were sent: the catalogue picks the next tip from another article than the last.
      const rows = await db.tipDelivery.findMany({ where: { userId: BigInt(userId) }, select: { tipId: true }, orderBy: [{ deliveredAt: "asc" }, { id: "asc" }] });
      return new Set(rows.map((row) => row.tipId));
    },

    async deliveredTipIdsOf(userIds) {
      const received = new Map<bigint, Set<string>>();
      if (userIds.length === 0) return received;
      // In the order they were sent: the catalogue picks the next tip from another article than the last.
      const rows = await db.tipDelivery.findMany({ where: { userId: { in: [...userIds] } }, select: { userId: true, tipId: true }, orderBy: [{ deliveredAt: "asc" }, { id: "asc" }] });
      for (const row of rows) received.set(row.userId, (received.get(row.userId) ?? new Set()).add(row.tipId));
      return received;
    },

    async recordOnDemand(userId, tipId, at) {
      try {
        await db.tipDelivery.create({ data: { userId: BigInt(userId), tipId, source: "on-demand", deliveredAt: at } });
        return true;
      } catch (error) {
        if (isUniqueViolation(error)) return false;
        throw error;
      }
    },

    countActive: () => db.tipSubscription.count({ where: { active: true, user: { status: "active" } } }),
    countDeliveredSince: (since) => db.tipDelivery.count({ where: { deliveredAt: { gte: since } } }),
  };
  return repository;
}
