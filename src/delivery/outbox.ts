/**
 * The outbox: every message the bot sends on its own initiative (tips,
 * reminders, announcements, staff notices) is first a row keyed by what it is.
 * The key makes enqueueing idempotent; conditional status changes make claiming
 * and sending race-free across ticks, restarts and instances.
 *
 *   pending ──claim──▶ claimed ──right before the HTTP call──▶ sending ──▶ sent | failed
 *      ▲                  │                                        │
 *      └── 429 / retry ◀──┘ (crash or stop: back to pending)       └── crash: unknown (never resent)
 *   pending | claimed ──patient stopped or blocked──▶ cancelled
 *   pending ◀──▶ held (a paused broadcast)
 */
export const OUTBOX_STATUSES = ["pending", "held", "claimed", "sending", "sent", "failed", "unknown", "cancelled"] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

/** Lower runs first. Patients' own replies never enter the outbox at all. */
export const PRIORITY = { notice: 1, reminder: 2, tip: 3, broadcast: 5 } as const;
export type OutboxKind = keyof typeof PRIORITY;

/** What to send, without the chat id (the row carries it). */
export interface OutgoingMessage {
  method: "sendMessage" | "sendPhoto" | "sendDocument" | "copyMessage";
  params: Record<string, unknown>;
  /** ISO instant after which the message is pointless (a reminder once the appointment has begun): it is dropped, not sent late. */
  notAfter?: string;
}

/**
 * A small text file carried inside a stored message (e.g. an appointment's
 * .ics), since a row holds JSON; it becomes an upload when the row is sent.
 */
export interface AttachedTextFile {
  $file: { name: string; text: string };
}

export function attachedTextFile(name: string, text: string): AttachedTextFile {
  return { $file: { name, text } };
}

export function isAttachedTextFile(value: unknown): value is AttachedTextFile {
  const file = (value as AttachedTextFile | null)?.$file;
  return typeof file === "object" && file !== null && typeof file.name === "string" && typeof file.text === "string";
}

export interface NewOutboxMessage {
  key: string;
  kind: OutboxKind;
  chatId: number | bigint;
  userId?: number | bigint | null;
  /** The patient a staff notice is about (name, phone...): erasing them clears it too. */
  aboutUserId?: number | bigint | null;
  broadcastId?: number | null;
  /** Omitted for rows rendered at send time (broadcasts share one message). */
  message?: OutgoingMessage;
  dueAt: Date;
}

export interface OutboxRow {
  id: number;
  key: string;
  kind: string;
  chatId: bigint;
  userId: bigint | null;
  broadcastId: number | null;
  payload: string | null;
  attempts: number;
  dueAt: Date;
}

export type FailureReason = "blocked" | "rejected" | "gave-up";

export interface OutboxStore {
  /** Inserts rows whose key is new; existing keys are left untouched. Returns how many were new. */
  enqueue(messages: NewOutboxMessage[]): Promise<number>;
  /** Atomically moves up to `limit` due pending rows to claimed, for this claimer only. */
  claimDue(now: Date, limit: number, claimer: string): Promise<OutboxRow[]>;
  /**
   * claimed → sending; false when the row was cancelled or handed back meanwhile (then it must not be sent).
   * With `claimer`, only if the row is still claimed by that claim: a row recovered and claimed again by
   * another sender is never sent by both.
   */
  markSending(id: number, now: Date, claimer?: string): Promise<boolean>;
  /** markSending for several rows in one statement; returns the ids it moved to sending. */
  markSendingMany(ids: readonly number[], now: Date, claimer: string): Promise<number[]>;
  /** sending → claimed, for rows marked sending whose call never started (a stop while they waited for their slot). */
  unmarkSending(ids: readonly number[], claimer: string): Promise<void>;
  /** sending → sent, with each row's message id, for several rows at once (one statement, not one a row). */
  markSentMany(sent: ReadonlyArray<{ id: number; telegramMessageId: number | null }>, now: Date): Promise<void>;
  /** Back to pending (nothing was delivered), to be tried again at `dueAt`. */
  release(id: number, dueAt: Date, attempts: number, lastError: string | null): Promise<void>;
  markFailed(id: number, reason: FailureReason, detail: string): Promise<void>;
  markUnknown(id: number, detail: string): Promise<void>;
  /** Cancels everything still waiting for a chat (patient stopped or blocked the bot). */
  cancelForChat(chatId: number | bigint, kinds?: OutboxKind[]): Promise<number>;
  /**
   * After a crash: claimed rows older than `staleBefore` go back to pending (they
   * were never sent); sending rows become unknown (they may or may not have arrived).
   */
  recover(staleBefore: Date, claimerPrefix?: string): Promise<{ released: number; unknown: number }>;
  /** Cancels these messages if they are still waiting (e.g. the reminders of a cancelled appointment). */
  cancelKeys(keys: string[]): Promise<number>;
  /** The Telegram message id of a sent message, to edit it later (e.g. a staff card); null until it is sent. */
  sentMessageId(key: string): Promise<number | null>;
  /** On a graceful stop: this instance's claimed rows go back to pending. */
  releaseClaimedBy(claimerPrefix: string): Promise<number>;
  /**
   * Deletes rows that ended (sent, failed, unknown, cancelled) before `before`,
   * except those of announcements whose final figures are not kept yet.
   * Returns how many.
   */
  pruneFinished(before: Date): Promise<number>;
  /** When the longest-waiting message that is due by `now` and not sent yet (pending or claimed) was due; null if none. */
  oldestWaiting(now: Date): Promise<Date | null>;
  /** How many rows there are of each kind and status (for metrics). */
  countByKindAndStatus(): Promise<Array<{ kind: string; status: string; count: number }>>;
}
