import type { Logger } from "../logger.js";
import { describeError } from "../shared/errors.js";
import type { OutboxStore } from "./outbox.js";

/**
 * Whether the outbox is being sent, as /healthz reports it and staff are told.
 *
 * Sending has stopped when messages are due and no instance on this database
 * is the sender, or when this instance cannot use the database at all (then
 * nothing it queues or sends can be recorded). Staff hear of it once, when
 * messages have waited more than `stalledAfterMs` because of such a fault,
 * and once more when sending resumes.
 */
export interface SendingStatus {
  /** False while due messages wait with nobody to send them, or the database cannot be used. */
  sending: boolean;
  sender: "this instance" | "another instance" | "none" | "unknown";
  /** When the longest-waiting due message was due (null: none waiting; undefined: unknown, the database is down). */
  waitingSince?: Date | null;
}

export interface SendingWatchOptions {
  outbox: Pick<OutboxStore, "oldestWaiting">;
  /** This instance's sender: whether it sends, and whether any instance on this database does. */
  sender: () => { active: boolean; anyActive(): Promise<boolean> } | undefined;
  /** Since when this instance has been unable to use the database, if it is now. */
  databaseFaultSince: () => Date | undefined;
  /** Whether that fault has outlasted its grace period. */
  databaseDown: () => boolean;
  /** Tells staff (best effort: the database may be away, so not through the outbox). */
  notify: (event: { kind: "stalled"; since: Date; reason: "database" | "sender" } | { kind: "resumed"; waitedMs: number }) => Promise<void>;
  logger: Logger;
  now?: () => Date;
  /** How long messages wait because of a fault before staff are told (default 3 minutes). */
  stalledAfterMs?: number;
  /** A due message waits this long before a missing sender counts (the sender may be taking over; default 15 s). */
  graceMs?: number;
}

export interface SendingWatch {
  status(): Promise<SendingStatus>;
  /** Checks once, telling staff if sending stalled or resumed (the app runs it every few seconds). */
  check(): Promise<void>;
}

/** /healthz must answer even when the database does not (a server that vanished without closing connections). */
const ANSWER_TIME_MS = 3_000;

async function withinAnswerTime<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the database did not answer within ${ANSWER_TIME_MS / 1000} s`)), ANSWER_TIME_MS);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

export function createSendingWatch(options: SendingWatchOptions): SendingWatch {
  const now = options.now ?? (() => new Date());
  const stalledAfterMs = options.stalledAfterMs ?? 3 * 60_000;
  const graceMs = options.graceMs ?? 15_000;
  /** When the stall staff were told of began; undefined when they were not told of one. */
  let toldSince: Date | undefined;

  async function status(): Promise<SendingStatus & { reason?: "database" | "sender"; since?: Date }> {
    const faultSince = options.databaseFaultSince();
    if (faultSince && options.databaseDown()) return { sending: false, sender: "unknown", reason: "database", since: faultSince };
    const sender = options.sender();
    try {
      const waitingSince = await withinAnswerTime(options.outbox.oldestWaiting(now()));
      if (sender?.active) return { sending: true, sender: "this instance", waitingSince };
      const anyone = sender ? await withinAnswerTime(sender.anyActive()) : false;
      if (anyone) return { sending: true, sender: "another instance", waitingSince };
      const stuck = waitingSince !== null && now().getTime() - waitingSince.getTime() > graceMs;
      return { sending: !stuck, sender: "none", waitingSince, ...(stuck ? { reason: "sender" as const, since: waitingSince } : {}) };
    } catch {
      return { sending: false, sender: "unknown", reason: "database", since: faultSince ?? now() };
    }
  }

  return {
    async status() {
      const { reason: _reason, since: _since, ...shown } = await status();
      return shown;
    },
    async check() {
      const current = await status();
      try {
        if (!current.sending && current.since && !toldSince && now().getTime() - current.since.getTime() >= stalledAfterMs) {
          toldSince = current.since;
          options.logger.warn({ since: current.since, reason: current.reason }, "messages have been waiting because of a fault; staff told");
          await options.notify({ kind: "stalled", since: current.since, reason: current.reason ?? "sender" });
        } else if (current.sending && toldSince) {
          const waitedMs = now().getTime() - toldSince.getTime();
          toldSince = undefined;
          options.logger.info({ waitedMs }, "sending resumed; staff told");
          await options.notify({ kind: "resumed", waitedMs });
        }
      } catch (error) {
        options.logger.warn({ err: describeError(error) }, "could not tell staff about sending");
      }
    },
  };
}
