import { InlineKeyboard, type Api } from "grammy";
import { languageFor, type Translator } from "../bot/i18n.js";
import type { ClinicProfile, Language } from "../clinic/clinic-profile.js";
import type { BroadcastFigures, BroadcastRow } from "../broadcast/broadcast-repository.js";
import type { UserRepository } from "../db/repositories/user-repository.js";
import type { Logger } from "../logger.js";
import { describeError } from "../shared/errors.js";
import { broadcastButtons } from "./broadcast-buttons.js";

export interface BroadcastReport {
  text: string;
  keyboard?: InlineKeyboard;
}

/** Edits the author's progress message (BroadcastService's `showProgress`), in the author's language. */
export function broadcastProgressEditor(options: {
  i18n: Translator;
  clinic: ClinicProfile;
  users: UserRepository;
  api: Api;
  logger: Logger;
  ratePerSecond: number;
  now: () => Date;
}): (broadcast: BroadcastRow, figures: BroadcastFigures, finished: boolean) => Promise<void> {
  const { i18n, clinic, users, api, logger } = options;
  return async (broadcast, figures, finished) => {
    const author = await users.findById(broadcast.authorId);
    const language = languageFor(author?.language, author?.languageCode ?? undefined, clinic.defaultLanguage);
    const report = describeBroadcast(i18n, language, broadcast, figures, { finished, ratePerSecond: options.ratePerSecond, now: options.now() });
    try {
      await api.editMessageText(Number(broadcast.authorChatId), broadcast.progressMessageId!, report.text, { reply_markup: report.keyboard });
    } catch (error) {
      // "message is not modified" and edit limits are harmless: the next report catches up.
      logger.debug({ err: describeError(error), broadcastId: broadcast.id }, "progress edit skipped");
    }
  };
}

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
    const lines = [i18n.t(language, broadcast.status === "cancelled" ? "broadcast-report-cancelled" : "broadcast-report", { ...numbers, duration: formatDuration(seconds) })];
    // Messages whose fate nobody knows (the process stopped mid-send): what staff can do about them.
    if (figures.unknown > 0) lines.push(i18n.t(language, "broadcast-report-unknown", numbers));
    if (reasons) lines.push(i18n.t(language, "broadcast-report-reasons"), reasons);
    return { text: lines.join("\n") };
  }
  const paused = broadcast.status === "paused";
  const keyboard = new InlineKeyboard()
    .text(i18n.t(language, paused ? "broadcast-button-resume" : "broadcast-button-pause"), broadcastButtons.data(paused ? "resume" : "pause", { broadcastId: broadcast.id }))
    .text(i18n.t(language, "broadcast-button-stop"), broadcastButtons.data("stop", { broadcastId: broadcast.id }));
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
