import type { Logger } from "../logger.js";
import type { TipRepository, DueSubscription, ScheduleTipInput } from "./tip-repository.js";
import type { OutgoingMessage } from "../delivery/outbox.js";
import { nextWeeklySlot, weekKey, type WeeklySlot } from "./weekly-schedule.js";

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
  const calendar = tickCalendar(now);
  for (;;) {
    const due = await deps.tips.findDue(now, batchSize);
    await handlePage(deps, calendar, due, now, result);
    if (due.length < batchSize) return result;
  }
}

/**
 * One tick's dates. Thousands due at once mostly share a zone, weekday and
 * hour, and the time-zone arithmetic costs more than the rest of queueing a
 * tip: each next slot and week is worked out once per tick, not per patient.
 */
interface TickCalendar {
  /** nextWeeklySlot(slot, now). */
  nextSlot(slot: WeeklySlot): Date;
  /** weekKey(instant, timeZone). */
  week(instant: Date, timeZone: string): string;
}

/** Every zone's offset today is a whole number of quarter hours, so a local week starts on a quarter hour of UTC. */
const QUARTER_HOUR_MS = 15 * 60_000;

function tickCalendar(now: Date): TickCalendar {
  const slots = new Map<string, Date>();
  const weeks = new Map<string, string>();
  return {
    nextSlot(slot) {
      const key = `${slot.timeZone} ${slot.weekday} ${slot.hour}`;
      let next = slots.get(key);
      if (!next) slots.set(key, (next = nextWeeklySlot(slot, now)));
      return new Date(next);
    },
    week(instant, timeZone) {
      const key = `${timeZone} ${Math.floor(instant.getTime() / QUARTER_HOUR_MS)}`;
      let week = weeks.get(key);
      if (!week) weeks.set(key, (week = weekKey(instant, timeZone)));
      return week;
    },
  };
}

/**
 * One page of due slots: skipped ones move on one by one (they are few), and
 * the tips of all the others are chosen from one query of what their patients
 * received and queued in one transaction, so a Monday-morning tick with
 * thousands due takes seconds, not minutes.
 */
async function handlePage(deps: EnqueueDueTipsDeps, calendar: TickCalendar, due: DueSubscription[], now: Date, result: TickResult): Promise<void> {
  const sending: DueSubscription[] = [];
  for (const subscription of due) {
    const slot = subscription.nextDueAt;
    const late = now.getTime() - slot.getTime() > deps.graceMs;
    if (!late && subscription.userStatus === "active") {
      sending.push(subscription);
      continue;
    }
    if (await deps.tips.advance(subscription.id, slot, calendar.nextSlot(subscription))) {
      if (late) result.skippedLate++;
      else result.skippedBlocked++;
      deps.logger.info({ subscriptionId: subscription.id, missedSlot: slot.toISOString(), late }, "tip slot skipped");
    }
  }

  const received = await deps.tips.deliveredTipIdsOf(sending.map((subscription) => subscription.userId));
  const inputs: ScheduleTipInput[] = [];
  for (const subscription of sending) {
    const slot = subscription.nextDueAt;
    let tip: ReturnType<TipCatalog["nextTipFor"]>;
    let next: Date;
    let week: string;
    try {
      next = calendar.nextSlot(subscription);
      tip = deps.catalog.nextTipFor(deps.languageOf(subscription), received.get(subscription.userId) ?? new Set());
      week = calendar.week(slot, subscription.timeZone);
    } catch (error) {
      // One subscription whose tip fails (a render error) must not stop everyone else's.
      result.failed++;
      deps.logger.error({ err: error instanceof Error ? { message: error.message, stack: error.stack } : String(error), subscriptionId: subscription.id }, "could not queue this subscription's tip; moving on");
      // Past this slot, so the next page (and the next minute) does not meet it again.
      await Promise.resolve()
        .then(() => deps.tips.advance(subscription.id, slot, calendar.nextSlot(subscription)))
        .catch(() => undefined);
      continue;
    }
    if (!tip) {
      // Every tip has been received; new articles will be picked up at the next slot.
      await deps.tips.advance(subscription.id, slot, next);
      result.exhausted++;
      continue;
    }
    inputs.push({
      subscriptionId: subscription.id,
      fromDueAt: slot,
      nextDueAt: next,
      userId: subscription.userId,
      tipId: tip.tipId,
      weekKey: week,
      message: { key: `tip:${subscription.id}:${week}`, kind: "tip", chatId: subscription.chatId, userId: subscription.userId, message: tip.message, dueAt: slot },
    });
  }

  const scheduled = await deps.tips.scheduleTips(inputs);
  for (const input of inputs) {
    if (scheduled.has(input.subscriptionId)) {
      result.queued++;
    } else {
      // Someone else took the slot, or this week's tip already exists (e.g. the
      // patient moved their slot later in the same week): just move on.
      await deps.tips.advance(input.subscriptionId, input.fromDueAt, input.nextDueAt);
    }
  }
}
