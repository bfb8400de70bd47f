import { InlineKeyboard } from "grammy";
import type { Translator } from "../bot/i18n.js";
import type { Language } from "../clinic/clinic-profile.js";
import type { BroadcastFigures, BroadcastRow } from "../broadcast/broadcast-repository.js";
import type { BroadcastReport } from "../broadcast/broadcast-service.js";

/** The author's progress message while a broadcast goes out, and its report at the end. */
export function describeBroadcast(
  i18n: Translator,
  language: Language,
  broadcast: BroadcastRow,
  figures: BroadcastFigures,
  context: { finished: boolean; ratePerSecond: number; now: Date },
): BroadcastReport {
  const numbers = {
    id: String(broadcast.id),
    total: String(broadcast.recipientCount),
    sent: String(figures.sent),
    blocked: String(figures.blocked),
    failed: String(figures.failed),
    unknown: String(figures.unknown),
    cancelled: String(figures.cancelled),
    remaining: String(figures.remaining),
  };
  if (context.finished) {
    const seconds = Math.round(((broadcast.finishedAt ?? context.now).getTime() - (broadcast.startedAt ?? context.now).getTime()) / 1000);
    const reasons = Object.entries(figures.failureReasons)
      .map(([reason, count]) => `• ${reason} (${count})`)
      .join("\n");
    const text = i18n.t(language, broadcast.status === "cancelled" ? "broadcast-report-cancelled" : "broadcast-report", {
      ...numbers,
      duration: formatDuration(seconds),
    });
    return { text: reasons ? `${text}\n${i18n.t(language, "broadcast-report-reasons")}\n${reasons}` : text };
  }
  const paused = broadcast.status === "paused";
  const keyboard = new InlineKeyboard()
    .text(i18n.t(language, paused ? "broadcast-button-resume" : "broadcast-button-pause"), `bc:${paused ? "resume" : "pause"}:${broadcast.id}`)
    .text(i18n.t(language, "broadcast-button-stop"), `bc:stop:${broadcast.id}`);
  const text = i18n.t(language, paused ? "broadcast-progress-paused" : "broadcast-progress", {
    ...numbers,
    eta: formatDuration(Math.ceil(figures.remaining / context.ratePerSecond)),
  });
  return { text, keyboard };
}

function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
