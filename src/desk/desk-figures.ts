import type { BroadcastRepository } from "../broadcast/broadcast-repository.js";
import type { DeskRepository } from "./desk-repository.js";
import { inZone } from "../shared/time.js";

/** Figures for the desk's charts: announcements and their delivery, weekly tips. */

export async function announcementList(broadcasts: BroadcastRepository, limit = 20) {
  const recent = await broadcasts.recent(limit);
  return Promise.all(
    recent.map(async (broadcast) => ({
      id: broadcast.id,
      status: broadcast.status,
      author: broadcast.authorName,
      audience: broadcast.audience,
      preview: (broadcast.text ?? "").slice(0, 140),
      recipients: broadcast.recipientCount,
      scheduledAt: broadcast.scheduledAt?.toISOString() ?? null,
      startedAt: broadcast.startedAt?.toISOString() ?? null,
      finishedAt: broadcast.finishedAt?.toISOString() ?? null,
      figures: await broadcasts.figures(broadcast.id),
    })),
  );
}

/**
 * How an announcement went out: messages sent, cumulatively, in at most
 * `maxPoints` equal steps from the first send to the last.
 */
export async function announcementDelivery(desk: DeskRepository, broadcastId: number, maxPoints = 60) {
  const times = await desk.sentTimes(broadcastId);
  if (times.length === 0) return { broadcastId, points: [] as Array<{ at: string; sent: number }> };
  const first = times[0]!.getTime();
  const last = times.at(-1)!.getTime();
  const step = Math.max(1_000, Math.ceil((last - first) / maxPoints));
  const points: Array<{ at: string; sent: number }> = [{ at: new Date(first).toISOString(), sent: 0 }];
  let index = 0;
  for (let edge = first + step; ; edge += step) {
    while (index < times.length && times[index]!.getTime() < edge) index++;
    points.push({ at: new Date(edge).toISOString(), sent: index });
    if (index >= times.length) break;
  }
  return { broadcastId, points };
}

/** Subscribers at the end of each of the last `weeks` weeks (Monday to Sunday, clinic time), and tips sent in each. */
export async function tipsByWeek(desk: DeskRepository, timeZone: string, now: Date, weeks = 12) {
  const thisWeek = inZone(now, timeZone).startOf("week");
  const rows = [];
  for (let back = weeks - 1; back >= 0; back--) {
    const start = thisWeek.minus({ weeks: back });
    const end = start.plus({ weeks: 1 });
    const until = end.toJSDate() > now ? now : end.toJSDate();
    const [subscribers, tipsSent] = await Promise.all([desk.countSubscribersAt(until), desk.countTipsDelivered(start.toJSDate(), end.toJSDate())]);
    rows.push({ week: start.toISODate()!, subscribers, tipsSent });
  }
  return rows;
}
