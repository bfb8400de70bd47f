import type { Logger } from "../logger.js";
import type { TipRepository, DueSubscription } from "./tip-repository.js";
import type { OutgoingMessage } from "../delivery/outbox.js";
import { nextWeeklySlot, weekKey } from "./weekly-schedule.js";

export interface TipCatalog {
  /** The first tip, in the patient's language order, that they have not received yet. */
  nextTipFor(language: string, received: Set<string>): { tipId: string; message: OutgoingMessage } | null;
}

export interface EnqueueDueTipsDeps {
  tips: TipRepository;
  catalog: TipCatalog;
  languageOf: (subscription: DueSubscription) => string;
  logger: Logger;
  /** Slots missed by more than this (downtime) are skipped instead of sent late. */
  graceMs: number;
  batchSize?: number;
}

export interface TickResult {
  queued: number;
  skippedLate: number;
  skippedBlocked: number;
  exhausted: number;
  /** Subscriptions whose tip could not be prepared (logged; moved to their next slot). */
  failed: number;
}

/**
 * The weekly tick: for every subscription whose slot has come, queue that
 * week's tip in the outbox and move the subscription to its next slot. Running
 * it twice, or on two instances at once, queues nothing twice.
 */
export async function enqueueDueTips(deps: EnqueueDueTipsDeps, now: Date): Promise<TickResult> {
  const result: TickResult = { queued: 0, skippedLate: 0, skippedBlocked: 0, exhausted: 0, failed: 0 };
  const batchSize = deps.batchSize ?? 500;
  for (;;) {
    const due = await deps.tips.findDue(now, batchSize);
    for (const subscription of due) {
      try {
        await handleSlot(deps, subscription, now, result);
      } catch (error) {
        // One subscription whose tip fails (a render error) must not stop everyone else's.
        result.failed++;
        deps.logger.error({ err: error instanceof Error ? { message: error.message, stack: error.stack } : String(error), subscriptionId: subscription.id }, "could not queue this subscription's tip; moving on");
        // Past this slot, so the next batch (and the next minute) does not meet it again.
        await deps.tips.advance(subscription.id, subscription.nextDueAt, nextWeeklySlot(subscription, now)).catch(() => undefined);
      }
    }
    if (due.length < batchSize) return result;
  }
}

async function handleSlot(deps: EnqueueDueTipsDeps, subscription: DueSubscription, now: Date, result: TickResult): Promise<void> {
  const slot = subscription.nextDueAt;
  const late = now.getTime() - slot.getTime() > deps.graceMs;
  if (late || subscription.userStatus !== "active") {
    const next = nextWeeklySlot(subscription, now);
    if (await deps.tips.advance(subscription.id, slot, next)) {
      if (late) result.skippedLate++;
      else result.skippedBlocked++;
      deps.logger.info({ subscriptionId: subscription.id, missedSlot: slot.toISOString(), late }, "tip slot skipped");
    }
    return;
  }

  const next = nextWeeklySlot(subscription, now);
  const received = await deps.tips.deliveredTipIds(subscription.userId);
  const tip = deps.catalog.nextTipFor(deps.languageOf(subscription), received);
  if (!tip) {
    // Every tip has been received; new articles will be picked up at the next slot.
    await deps.tips.advance(subscription.id, slot, next);
    result.exhausted++;
    return;
  }
  const week = weekKey(slot, subscription.timeZone);
  const scheduled = await deps.tips.scheduleTip({
    subscriptionId: subscription.id,
    fromDueAt: slot,
    nextDueAt: next,
    userId: subscription.userId,
    tipId: tip.tipId,
    weekKey: week,
    message: { key: `tip:${subscription.id}:${week}`, kind: "tip", chatId: subscription.chatId, userId: subscription.userId, message: tip.message, dueAt: slot },
  });
  if (scheduled) {
    result.queued++;
  } else {
    // Someone else took the slot, or this week's tip already exists (e.g. the
    // patient moved their slot later in the same week): just move on.
    await deps.tips.advance(subscription.id, slot, next);
  }
}
