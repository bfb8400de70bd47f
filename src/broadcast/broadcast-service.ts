import type { Logger } from "../logger.js";
import type { OutboxRow, OutboxStore, OutgoingMessage } from "../delivery/outbox.js";
import type { BroadcastFigures, BroadcastRepository, BroadcastRow } from "./broadcast-repository.js";
import { describeError } from "../shared/errors.js";

/** Telegram tolerates about 20 edits a minute per chat; one every few seconds stays well inside. */
const PROGRESS_EVERY_MS = 4_000;

export interface BroadcastServiceOptions {
  broadcasts: BroadcastRepository;
  outbox: OutboxStore;
  logger: Logger;
  now: () => Date;
  /** Wakes the delivery engine once recipients are queued. */
  wake: () => void;
  /**
   * Brings the author's progress message to these figures, or turns it into the final report (the Telegram
   * layer words it in their language; an edit Telegram refuses is harmless, the next report catches up).
   */
  showProgress: (broadcast: BroadcastRow, figures: BroadcastFigures, finished: boolean) => Promise<void>;
}

/**
 * Starting, rendering and reporting staff announcements. Recipients are outbox
 * rows written in pages before anything is sent; the delivery engine sends them
 * below patients' replies, reminders and tips; the author's progress message is
 * edited as they go, and turns into the report when the last one is settled.
 */
export class BroadcastService {
  private readonly messages = new Map<number, OutgoingMessage>();
  private readonly lastProgressAt = new Map<number, number>();
  private readonly pendingReports = new Map<number, NodeJS.Timeout>();

  constructor(private readonly options: BroadcastServiceOptions) {}

  /** The message every recipient of a broadcast gets, exactly as staff wrote it. */
  async render(row: OutboxRow): Promise<OutgoingMessage | null> {
    if (row.broadcastId === null) return null;
    const cached = this.messages.get(row.broadcastId);
    if (cached) return cached;
    const broadcast = await this.options.broadcasts.find(row.broadcastId);
    if (!broadcast) return null;
    const message = messageOf(broadcast);
    this.messages.set(broadcast.id, message);
    return message;
  }

  /**
   * Draft or scheduled → sending, once (a double press, a second tick or a second
   * instance does nothing), then queues every recipient.
   */
  async start(broadcastId: number, from: Array<"draft" | "scheduled">): Promise<number | null> {
    const { broadcasts, outbox, now } = this.options;
    if (!(await broadcasts.transition(broadcastId, from, "sending", { startedAt: now() }))) return null;
    const broadcast = (await broadcasts.find(broadcastId))!;
    const total = await broadcasts.enqueueRecipients(broadcast, now(), (rows) => outbox.enqueue(rows));
    this.options.logger.info({ broadcastId, recipients: total, audience: broadcast.audience, authorId: Number(broadcast.authorId) }, "broadcast started");
    this.options.wake();
    await this.report(broadcastId, true);
    return total;
  }

  /** Scheduled broadcasts whose time has come. */
  async startScheduled(now: Date): Promise<number> {
    let started = 0;
    for (const broadcast of await this.options.broadcasts.dueScheduled(now)) {
      if ((await this.start(broadcast.id, ["scheduled"])) !== null) started++;
    }
    return started;
  }

  /**
   * Called for every delivery outcome of a broadcast row. Reports at most every
   * few seconds, with a trailing report so the last figures always arrive.
   */
  noteOutcome(broadcastId: number): void {
    if (this.pendingReports.has(broadcastId)) return;
    const wait = Math.max(0, PROGRESS_EVERY_MS - (Date.now() - (this.lastProgressAt.get(broadcastId) ?? 0)));
    const timer = setTimeout(() => {
      this.pendingReports.delete(broadcastId);
      this.report(broadcastId, false).catch((error: unknown) =>
        this.options.logger.warn({ err: describeError(error), broadcastId }, "could not report broadcast progress"),
      );
    }, wait);
    timer.unref();
    this.pendingReports.set(broadcastId, timer);
  }

  /** Sends the reports that are waiting for their turn now (tests, shutdown). */
  async flush(): Promise<void> {
    const waiting = [...this.pendingReports.keys()];
    this.stop();
    for (const broadcastId of waiting) await this.report(broadcastId, false);
  }

  /** Stops pending progress reports (shutdown); a restart reports again as sends resume. */
  stop(): void {
    for (const timer of this.pendingReports.values()) clearTimeout(timer);
    this.pendingReports.clear();
  }

  /**
   * Brings every broadcast to where it should be, whatever happened to its
   * rows (sent, or ended unknown after a crash, blocked, or cancelled by an
   * erasure, none of which may report an outcome): recipients whose queueing
   * a crash interrupted are queued (keys make it add only the missing ones),
   * a broadcast with nothing left is closed and reported, and the figures of
   * an ended broadcast are kept on it. Run at start and every minute.
   */
  async settle(): Promise<{ resumed: number; finished: number }> {
    const { broadcasts, outbox, now } = this.options;
    let resumed = 0;
    let finished = 0;
    for (const broadcast of await broadcasts.active()) {
      if (broadcast.recipientsQueuedAt === null) {
        const total = await broadcasts.enqueueRecipients(broadcast, now(), (rows) => outbox.enqueue(rows));
        // Rows of a paused broadcast stay held.
        if (broadcast.status === "paused") await broadcasts.holdPending(broadcast.id);
        this.options.logger.warn({ broadcastId: broadcast.id, recipients: total }, "resumed queueing a broadcast's recipients after an interruption");
        this.options.wake();
        resumed++;
        continue;
      }
      if (broadcast.status === "sending" && (await broadcasts.figures(broadcast.id)).remaining === 0) {
        await this.report(broadcast.id, true);
        if ((await broadcasts.find(broadcast.id))?.status === "done") finished++;
      }
    }
    for (const ended of await broadcasts.endedWithoutFigures()) {
      const figures = await broadcasts.figures(ended.id);
      if (figures.remaining === 0) await broadcasts.keepFigures(ended.id, figures);
    }
    return { resumed, finished };
  }

  /** Edits the author's progress message; closes the broadcast when nothing remains. */
  async report(broadcastId: number, force: boolean): Promise<void> {
    const { broadcasts, logger, now } = this.options;
    const broadcast = await broadcasts.find(broadcastId);
    if (!broadcast) return;
    const figures = await broadcasts.figures(broadcastId);
    let finished = broadcast.status === "cancelled" || broadcast.status === "done";
    // Not before every recipient is queued: an interrupted queueing is resumed by settle().
    if (!finished && figures.remaining === 0 && broadcast.status === "sending" && broadcast.recipientsQueuedAt !== null) {
      finished = await broadcasts.transition(broadcastId, ["sending"], "done", { finishedAt: now() });
      if (finished) logger.info({ broadcastId, ...figures, failureReasons: undefined }, "broadcast finished");
      else if (!force) return; // someone else closed it and reported
    }
    if (!broadcast.progressMessageId) return;
    this.lastProgressAt.set(broadcastId, Date.now());
    await this.options.showProgress((await broadcasts.find(broadcastId))!, figures, finished);
  }

  forget(broadcastId: number): void {
    this.messages.delete(broadcastId);
  }
}

/** A broadcast as recipients receive it: text with the author's own formatting, or a photo with caption. */
export function messageOf(broadcast: BroadcastRow): OutgoingMessage {
  const entities = broadcast.entities ? (JSON.parse(broadcast.entities) as unknown[]) : undefined;
  if (broadcast.photoFileId) {
    return { method: "sendPhoto", params: { photo: broadcast.photoFileId, caption: broadcast.text ?? undefined, caption_entities: entities } };
  }
  return { method: "sendMessage", params: { text: broadcast.text ?? "", entities, link_preview_options: { is_disabled: true } } };
}
