import { randomUUID } from "node:crypto";
import type { Logger } from "../logger.js";
import { describeError } from "../shared/errors.js";
import type { OutboxRow, OutboxStore, OutgoingMessage } from "./outbox.js";
import type { SendRateLimiter } from "./send-rate.js";

export type DeliveryOutcome =
  | { result: "sent"; messageId: number | null }
  | { result: "retry"; reason: string; delayMs: number; /** Telegram answered 429: a flood limit was hit. */ rateLimited?: boolean }
  | { result: "blocked"; reason: string }
  | { result: "failed"; reason: string }
  | { result: "unknown"; reason: string }
  | { result: "skipped" };

/** Why a message did not go out, as far as the messenger can tell. */
export type SendFailure =
  /** Too many messages: nothing sent; wait this long before any more. */
  | { kind: "rate-limited"; retryAfterSeconds: number; reason: string }
  /** The patient blocked the bot or deleted their account: nothing will ever reach them. */
  | { kind: "blocked"; reason: string }
  /** Refused for good (a bad message, a chat that does not take it). */
  | { kind: "rejected"; reason: string }
  /** The request may or may not have arrived: never resent. */
  | { kind: "lost"; reason: string }
  /** Certainly not carried out (a server error, a proxy's error page, no connection): worth retrying a few times, then `otherwise`. */
  | { kind: "not-carried-out"; retryReason: string; otherwise: "rejected" | "lost"; reason: string };

/** How a message reaches its chat (the Telegram layer's `telegramSender`, src/bot/telegram-sender.ts). */
export interface MessageSender {
  send(chatId: number, message: OutgoingMessage): Promise<{ ok: true; messageId: number | null } | { ok: false; failure: SendFailure }>;
}

export interface DeliveryEngineOptions {
  store: OutboxStore;
  /** Sends one message, without retrying: the engine handles rate limits and failures itself. */
  sender: MessageSender;
  limiter: SendRateLimiter;
  logger: Logger;
  /** Renders rows stored without a message (broadcasts share one message). */
  render?: (row: OutboxRow) => Promise<OutgoingMessage | null>;
  /** Told when a patient turned out to have blocked the bot (or deleted their account). */
  onBlocked?: (chatId: bigint, userId: bigint | null) => Promise<void>;
  /** Told of every outcome (progress reports, metrics). */
  onOutcome?: (row: OutboxRow, outcome: DeliveryOutcome) => void | Promise<void>;
  now?: () => Date;
  /**
   * Sends in flight or waiting for their slot at once (default 8; see concurrencyFor). Enough must wait
   * for their turn that the send budget always has one ready when a slot comes.
   */
  concurrency?: number;
  batchSize?: number;
  /**
   * Rows found sent are recorded together: at most this long after the first of them (default 25 ms),
   * or as soon as `sentBatchSize` (default 50) are waiting. One statement then records them all.
   */
  sentFlushMs?: number;
  sentBatchSize?: number;
  /** Rows marked "sending" in one statement: the one whose slot came and those next in line (default 1; see sendingGroupFor). */
  sendingGroup?: number;
  idlePollMs?: number;
  /** Attempts for transient server errors before giving up. */
  maxAttempts?: number;
}

/**
 * The engine's concurrency for a send rate: a quarter of a second of sends (at least 8). A send holds its
 * place from waiting for its slot until its outcome is recorded: the call's answer time plus the outbox's
 * bookkeeping, which on a busy event loop can reach tens of milliseconds. With too few places, every
 * place is busy with calls when a slot comes, nobody is waiting for it, and the slot is lost: at 294/s,
 * 8 places lasted only while a send took under 27 ms. At Telegram's 30/s this is 8, as before.
 */
export function concurrencyFor(ratePerSecond: number): number {
  return Math.max(8, Math.ceil(ratePerSecond / 4));
}

/**
 * How many rows are marked "sending" together at a send rate: those whose slots come within 20 ms
 * (5 at 294/s). Below 100/s, one: each row is marked right before its own call, as at Telegram's 30/s.
 * One statement a send was a quarter of the process's CPU at 294/s; a row marked ahead and then
 * caught by a crash is reported unknown without having been sent, so the group stays this small.
 */
export function sendingGroupFor(ratePerSecond: number): number {
  return Math.max(1, Math.floor(ratePerSecond / 50));
}

interface SentRecord {
  id: number;
  telegramMessageId: number | null;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** Rows claimed together, and the claim they were claimed under. */
interface ClaimedBatch {
  rows: OutboxRow[];
  claimer: string;
}

/**
 * Sends outbox rows at the rate Telegram allows: claims due rows in priority
 * order, marks each "sending" right before its call, and records the result.
 * One engine per process; several processes may share one PostgreSQL outbox.
 */
export class DeliveryEngine {
  readonly instanceId = `${process.pid}-${randomUUID().slice(0, 8)}`;
  private readonly options: Required<Omit<DeliveryEngineOptions, "render" | "onBlocked" | "onOutcome">> &
    Pick<DeliveryEngineOptions, "render" | "onBlocked" | "onOutcome">;
  private running = false;
  private loop: Promise<void> | undefined;
  private abort = new AbortController();
  private wakeUp: (() => void) | undefined;
  private claimCounter = 0;
  private claimFailing = false;
  /** Bookkeeping has failed since the last claim worked: further failures are not logged one by one. */
  private bookkeepingFailing = false;
  /**
   * What the database could not record while it was away, done again once it is back: rows this engine
   * claimed but could not mark "sending" (never sent: they go back to pending), and rows sent whose
   * outcome could not be written (they are marked sent, even after a recovery called them unknown).
   */
  private readonly stranded = new Map<number, OutboxRow>();
  private unrecorded: Array<{ id: number; telegramMessageId: number | null }> = [];
  private readonly inFlight = new Set<Promise<void>>();
  /** Sends waiting for their slot, in the order they asked for it. */
  private readonly waitingForSlot = new Set<{ row: OutboxRow; claimer: string }>();
  /** Rows marked "sending" with an earlier row's group, before their own slot: whether that worked. */
  private readonly markedAhead = new Map<number, Promise<boolean>>();
  private sentToRecord: SentRecord[] = [];
  private sentTimer: NodeJS.Timeout | undefined;

  constructor(options: DeliveryEngineOptions) {
    this.options = {
      now: () => new Date(),
      concurrency: 8,
      batchSize: 100,
      idlePollMs: 1_000,
      maxAttempts: 4,
      sentFlushMs: 25,
      sentBatchSize: 50,
      sendingGroup: 1,
      ...options,
    };
  }

  /** Starts sending; may be called again after stop() (a sender that lost and regained its turn). */
  start(): void {
    if (this.running) return;
    if (this.abort.signal.aborted) this.abort = new AbortController();
    this.running = true;
    this.loop = this.runLoop().catch((error: unknown) => {
      this.options.logger.fatal({ err: describeError(error) }, "delivery engine stopped unexpectedly");
    });
  }

  /** New rows are due now: don't wait for the next poll. */
  wake(): void {
    this.wakeUp?.();
  }

  /** Stops claiming, lets sends in flight finish, and hands unsent claimed rows back. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.abort.abort();
    this.wake();
    await this.loop;
    await Promise.allSettled(this.inFlight);
    // Rows still claimed are the next sender's to recover, as after a crash. Rows this engine delivered but
    // could not record stay known here: recorded now if the database answers, else when this engine starts
    // again (the next sender's recovery may call them unknown meanwhile; they were sent, and are marked so).
    this.stranded.clear();
    await this.recordStranded().catch(() => undefined);
    await this.options.store.releaseClaimedBy(this.instanceId);
  }

  /** Sends everything due now and returns how many rows were handled (tests and one-shot runs). */
  async drain(): Promise<number> {
    let handled = 0;
    for (;;) {
      const batch = await this.claim();
      if (batch.rows.length === 0) break;
      handled += batch.rows.length;
      await this.deliverAll(batch);
      await Promise.allSettled(this.inFlight);
    }
    return handled;
  }

  private async runLoop(): Promise<void> {
    while (this.running) {
      let batch: ClaimedBatch = { rows: [], claimer: "" };
      try {
        await this.recordStranded();
        batch = await this.claim();
        this.bookkeepingFailing = false;
        this.claimFailing = false;
      } catch (error) {
        // Once per run of failures: a database away for a minute is one line, not sixty.
        if (!this.claimFailing) this.options.logger.error({ err: describeError(error) }, "could not claim outbox rows; retrying every second");
        this.claimFailing = true;
      }
      if (batch.rows.length === 0) {
        await this.idle();
        continue;
      }
      // The next batch is claimed while the last sends of this one finish, so the
      // rate does not dip at every batch boundary (at most `concurrency` in flight).
      await this.deliverAll(batch, this.abort.signal);
    }
  }

  /**
   * Records the rows this engine delivered while the database could not take it (a standby that was the
   * sender before a fault does it as soon as the database answers: the new sender's recovery called them
   * unknown, but they arrived). Throws while the database is still away.
   */
  async recordDelivered(): Promise<void> {
    if (this.running || this.unrecorded.length === 0) return;
    const records = this.unrecorded;
    await this.options.store.markSentMany(records, this.options.now());
    this.unrecorded = this.unrecorded.slice(records.length);
  }

  private async recordStranded(): Promise<void> {
    if (this.unrecorded.length > 0) {
      const records = this.unrecorded;
      await this.options.store.markSentMany(records, this.options.now());
      this.unrecorded = this.unrecorded.slice(records.length);
    }
    for (const row of this.stranded.values()) {
      await this.options.store.release(row.id, this.options.now(), row.attempts, null);
      this.stranded.delete(row.id);
    }
  }

  private async claim(): Promise<ClaimedBatch> {
    const claimer = `${this.instanceId}:${++this.claimCounter}`;
    return { rows: await this.options.store.claimDue(this.options.now(), this.options.batchSize, claimer), claimer };
  }

  private async idle(): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, this.options.idlePollMs);
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wakeUp = undefined;
  }

  /**
   * Starts a send for every row, at most `concurrency` at once, and returns when
   * the last one has started. `signal`: stop() was called; rows not started yet
   * stay claimed and stop() hands them back.
   */
  private async deliverAll(batch: ClaimedBatch, signal?: AbortSignal): Promise<void> {
    for (const row of batch.rows) {
      while (this.inFlight.size >= this.options.concurrency) await Promise.race(this.inFlight);
      if (signal?.aborted) break;
      const task = this.deliverOne(row, batch.claimer, signal)
        .catch((error: unknown) => {
          // The row stays where it was; what the engine knows about it is written once the database is back.
          if (!this.bookkeepingFailing && !this.claimFailing) this.options.logger.error({ err: describeError(error), outboxId: row.id }, "delivery bookkeeping failed");
          this.bookkeepingFailing = true;
        })
        .finally(() => this.inFlight.delete(task));
      this.inFlight.add(task);
    }
  }

  private async deliverOne(row: OutboxRow, claimer: string, signal?: AbortSignal): Promise<void> {
    const { store, limiter, logger } = this.options;
    const waiting = { row, claimer };
    this.waitingForSlot.add(waiting);
    try {
      await limiter.acquire(Number(row.chatId), { signal });
    } catch {
      // Stopping: the row stays claimed and is released by stop(); one marked "sending" with an earlier
      // row's group never left either, so it goes back to claimed first.
      this.waitingForSlot.delete(waiting);
      const marked = this.markedAhead.get(row.id);
      this.markedAhead.delete(row.id);
      if (marked && (await marked)) await store.unmarkSending([row.id], claimer);
      return;
    }
    this.waitingForSlot.delete(waiting);
    let marked: boolean;
    try {
      marked = await this.markSending(row, claimer);
    } catch (error) {
      // Not sent, still claimed by this engine: handed back once the database answers again.
      this.stranded.set(row.id, row);
      throw error;
    }
    if (!marked) {
      await this.report(row, { result: "skipped" });
      return;
    }
    const outcome = await this.send(row);
    const now = this.options.now();
    switch (outcome.result) {
      case "sent":
        try {
          await this.recordSent(row.id, outcome.messageId);
        } catch (error) {
          // Delivered: recorded as sent once the database answers again (unless this engine stops first).
          this.unrecorded.push({ id: row.id, telegramMessageId: outcome.messageId });
          throw error;
        }
        break;
      case "retry":
        await store.release(row.id, new Date(now.getTime() + outcome.delayMs), row.attempts + 1, outcome.reason);
        break;
      case "blocked":
        await store.markFailed(row.id, "blocked", outcome.reason);
        await store.cancelForChat(row.chatId);
        await this.options.onBlocked?.(row.chatId, row.userId);
        break;
      case "failed":
        await store.markFailed(row.id, row.attempts + 1 >= this.options.maxAttempts ? "gave-up" : "rejected", outcome.reason);
        logger.warn({ outboxId: row.id, kind: row.kind, reason: outcome.reason }, "message could not be delivered");
        break;
      case "unknown":
        await store.markUnknown(row.id, outcome.reason);
        logger.warn({ outboxId: row.id, kind: row.kind, reason: outcome.reason }, "delivery outcome unknown; not resending");
        break;
    }
    await this.report(row, outcome);
  }

  /**
   * claimed → sending, right before the call. At a high rate (`sendingGroup` > 1) the rows next in line
   * for a slot are marked with it, in one statement: their slots come within the next few
   * milliseconds (sendingGroupFor). A crash before those slots leaves them unknown, never resent, as it
   * would a row whose call was out; a stop hands them back (deliverOne).
   */
  private async markSending(row: OutboxRow, claimer: string): Promise<boolean> {
    const ahead = this.markedAhead.get(row.id);
    if (ahead) {
      this.markedAhead.delete(row.id);
      return ahead;
    }
    const ids = [row.id];
    for (const next of this.waitingForSlot) {
      if (ids.length >= this.options.sendingGroup) break;
      if (next.claimer === claimer && !this.markedAhead.has(next.row.id)) ids.push(next.row.id);
    }
    if (ids.length === 1) return this.options.store.markSending(row.id, this.options.now(), claimer);
    const marking = this.options.store.markSendingMany(ids, this.options.now(), claimer).then((marked) => new Set(marked));
    for (const id of ids.slice(1)) {
      const mine = marking.then((marked) => marked.has(id));
      // A failed statement is told to the row that waits for it (its own turn, or its stop).
      mine.catch(() => undefined);
      this.markedAhead.set(id, mine);
    }
    return (await marking).has(row.id);
  }

  /**
   * Marks a row sent together with the others found sent meanwhile: at a high rate, one statement a
   * send was most of the engine's work. Resolves once it is recorded. Until then the row reads
   * "sending", as it did while its call was out: a crash in those few milliseconds leaves it unknown
   * (never resent), like a call in flight.
   */
  private recordSent(id: number, telegramMessageId: number | null): Promise<void> {
    return new Promise((resolve, reject) => {
      this.sentToRecord.push({ id, telegramMessageId, resolve, reject });
      if (this.sentToRecord.length >= this.options.sentBatchSize) this.flushSent();
      else this.sentTimer ??= setTimeout(() => this.flushSent(), this.options.sentFlushMs);
    });
  }

  private flushSent(): void {
    clearTimeout(this.sentTimer);
    this.sentTimer = undefined;
    const records = this.sentToRecord;
    if (records.length === 0) return;
    this.sentToRecord = [];
    this.options.store.markSentMany(records, this.options.now()).then(
      () => records.forEach((record) => record.resolve()),
      (error: unknown) => records.forEach((record) => record.reject(error)),
    );
  }

  private async report(row: OutboxRow, outcome: DeliveryOutcome): Promise<void> {
    try {
      await this.options.onOutcome?.(row, outcome);
    } catch (error) {
      this.options.logger.warn({ err: describeError(error) }, "outcome listener failed");
    }
  }

  private async send(row: OutboxRow): Promise<DeliveryOutcome> {
    let message: OutgoingMessage | null;
    try {
      message = row.payload ? (JSON.parse(row.payload) as OutgoingMessage) : ((await this.options.render?.(row)) ?? null);
    } catch (error) {
      return { result: "failed", reason: `cannot render: ${describeError(error).message ?? "invalid payload"}` };
    }
    if (!message) return { result: "failed", reason: "nothing to send" };
    if (message.notAfter !== undefined && this.options.now().getTime() > Date.parse(message.notAfter)) {
      return { result: "failed", reason: "expired: too late to be useful" };
    }
    const sent = await this.options.sender.send(Number(row.chatId), message);
    return sent.ok ? { result: "sent", messageId: sent.messageId } : this.outcomeOf(sent.failure, row);
  }

  /** What to do with the row after a failed send. */
  private outcomeOf(failure: SendFailure, row: OutboxRow): DeliveryOutcome {
    switch (failure.kind) {
      case "rate-limited":
        this.options.limiter.pause(failure.retryAfterSeconds);
        return { result: "retry", reason: failure.reason, delayMs: failure.retryAfterSeconds * 1000, rateLimited: true };
      case "blocked":
        return { result: "blocked", reason: failure.reason };
      case "rejected":
        return { result: "failed", reason: failure.reason };
      case "lost":
        return { result: "unknown", reason: failure.reason };
      case "not-carried-out":
        if (row.attempts + 1 < this.options.maxAttempts) return { result: "retry", reason: failure.retryReason, delayMs: 1000 * 2 ** row.attempts };
        return { result: failure.otherwise === "lost" ? "unknown" : "failed", reason: failure.reason };
    }
  }

  /** Waits for the engine to be idle (used by shutdown and tests). */
  async settle(): Promise<void> {
    await Promise.allSettled(this.inFlight);
  }
}

