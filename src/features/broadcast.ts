import { Composer, InlineKeyboard } from "grammy";
import type { BotContext } from "../bot/context.js";
import { broadcastButtons } from "./broadcast-buttons.js";
import { contextLanguage } from "../bot/i18n.js";
import { escapeHtml } from "../shared/html.js";
import { formatDateTime } from "../clinic/format.js";
import { AUDIENCES } from "../broadcast/broadcast-repository.js";
import { LANGUAGES } from "../clinic/clinic-profile.js";
import { messageOf } from "../broadcast/broadcast-service.js";
import { DAY_MS, dayBounds, fromEpochMinutes, inZone, toEpochMinutes, weekBounds } from "../shared/time.js";

/**
 * Staff announcements, top to bottom: /broadcast → the message as staff type
 * it → the audience, each with its current size → a preview exactly as
 * recipients will see it → send now, schedule, or cancel → live progress with
 * pause / resume / stop → the report. It is mounted behind the staff filter
 * (staff-area.ts): to anyone else /broadcast is an unknown command.
 */
export const broadcastFeature = new Composer<BotContext>();
const privateChats = broadcastFeature.chatType("private");

/** Telegram's own limits: longer text or captions cannot be sent as one message. */
const TEXT_LIMIT = 4096;
const CAPTION_LIMIT = 1024;

privateChats.command("broadcast", async (ctx) => {
  await ctx.deps.broadcasts.startComposing({ id: ctx.from.id, name: ctx.from.first_name, chatId: ctx.chat.id });
  await ctx.reply(ctx.t("broadcast-ask-message"));
});

privateChats.command("cancel", async (ctx, next) => {
  const draft = await ctx.deps.broadcasts.findUnfinished(ctx.from.id);
  if (!draft) return next();
  await ctx.deps.broadcasts.transition(draft.id, ["composing", "draft"], "cancelled");
  await ctx.reply(ctx.t("broadcast-cancelled"));
});

// While a staff member is writing an announcement, their next message is it.
privateChats.on("message", async (ctx, next) => {
  if (ctx.message.text?.startsWith("/")) return next();
  const draft = await ctx.deps.broadcasts.findComposing(ctx.from.id);
  if (!draft) return next();
  const message = ctx.message;
  const photo = message.photo?.at(-1);
  const text = message.text ?? message.caption ?? "";
  if (!message.text && !photo) return ctx.reply(ctx.t("broadcast-unsupported"));
  if (!text.trim() && !photo) return ctx.reply(ctx.t("broadcast-empty"));
  if (text.length > (photo ? CAPTION_LIMIT : TEXT_LIMIT)) return ctx.reply(ctx.t("broadcast-unsupported"));
  const entities = message.entities ?? message.caption_entities;
  await ctx.deps.broadcasts.saveMessage(draft.id, {
    text,
    entities: entities ? JSON.stringify(entities) : null,
    photoFileId: photo?.file_id ?? null,
  });
  await ctx.reply(ctx.t("broadcast-choose-audience"), { reply_markup: await audienceKeyboard(ctx, draft.id) });
});

privateChats.callbackQuery(broadcastButtons.filter("aud"), async (ctx) => {
  const { broadcastId: id, audience } = broadcastButtons.parse("aud", ctx.callbackQuery.data)!;
  const broadcast = await ctx.deps.broadcasts.find(id);
  if (!broadcast || broadcast.status !== "draft" || broadcast.authorId !== BigInt(ctx.from.id)) {
    return ctx.answerCallbackQuery({ text: ctx.t("broadcast-already") });
  }
  const count = await ctx.deps.broadcasts.countAudience(audience);
  if (count === 0) return ctx.answerCallbackQuery({ text: ctx.t("broadcast-nobody"), show_alert: true });
  await ctx.deps.broadcasts.setAudience(id, audience);
  await ctx.answerCallbackQuery();
  // The preview is the very message recipients will get.
  const preview = messageOf(broadcast);
  await ctx.api.raw[preview.method]({ ...preview.params, chat_id: ctx.chat.id } as never);
  const tomorrowNine = inZone(ctx.deps.now(), ctx.deps.clinic.timeZone).plus({ days: 1 }).set({ hour: 9, minute: 0, second: 0, millisecond: 0 });
  const when = formatDateTime(tomorrowNine.toJSDate(), ctx.deps.clinic.timeZone, contextLanguage(ctx));
  // Written in one language, it goes as it is to everyone: staff are told plainly who will read it in the other.
  // Loaded on first use: the language detector stays out of the bot's start-up (test/build/start-up-footprint.test.ts).
  const { announcementLanguage } = await import("../broadcast/announcement-language.js");
  const written = announcementLanguage(broadcast.text);
  const other = written ? LANGUAGES.find((language) => language !== written)! : null;
  const readers = other ? await ctx.deps.broadcasts.countAudienceReading(audience, other, ctx.deps.clinic.defaultLanguage) : 0;
  const languageNote = other && readers > 0
    ? `\n${ctx.t("broadcast-preview-language", { count: String(readers), written: ctx.t(`broadcast-language-${written}`), other: ctx.t(`broadcast-language-${other}`) })}`
    : "";
  await ctx.reply(ctx.t("broadcast-preview-above", { count: String(count) }) + languageNote, {
    reply_markup: new InlineKeyboard()
      .text(ctx.t("broadcast-button-send", { count: String(count) }), broadcastButtons.data("send", { broadcastId: id }))
      .row()
      .text(ctx.t("broadcast-button-tomorrow", { when }), broadcastButtons.data("at", { broadcastId: id, minutes: toEpochMinutes(tomorrowNine.toJSDate()) }))
      .row()
      .text(ctx.t("broadcast-button-cancel"), broadcastButtons.data("drop", { broadcastId: id })),
  });
});

privateChats.callbackQuery(broadcastButtons.filter("send"), async (ctx) => {
  const id = broadcastButtons.parse("send", ctx.callbackQuery.data)!.broadcastId;
  const broadcast = await ctx.deps.broadcasts.find(id);
  if (!broadcast || broadcast.status !== "draft" || !broadcast.audience) return ctx.answerCallbackQuery({ text: ctx.t("broadcast-already") });
  await ctx.answerCallbackQuery();
  await ctx.deps.broadcasts.setProgressMessage(id, ctx.callbackQuery.message!.message_id);
  // start() moves draft → sending once: a second press finds it already sending.
  const started = await ctx.deps.broadcastService.start(id, ["draft"]);
  if (started === null) await ctx.reply(ctx.t("broadcast-already"));
});

privateChats.callbackQuery(broadcastButtons.filter("at"), async (ctx) => {
  const { broadcastId: id, minutes } = broadcastButtons.parse("at", ctx.callbackQuery.data)!;
  const scheduledAt = fromEpochMinutes(minutes);
  const broadcast = await ctx.deps.broadcasts.find(id);
  if (!broadcast?.audience || scheduledAt <= ctx.deps.now() || !(await ctx.deps.broadcasts.transition(id, ["draft"], "scheduled", { scheduledAt }))) {
    return ctx.answerCallbackQuery({ text: ctx.t("broadcast-already") });
  }
  await ctx.deps.broadcasts.setProgressMessage(id, ctx.callbackQuery.message!.message_id);
  await ctx.answerCallbackQuery();
  await ctx.editMessageText(ctx.t("broadcast-scheduled", { when: formatDateTime(scheduledAt, ctx.deps.clinic.timeZone, contextLanguage(ctx)) }), {
    reply_markup: new InlineKeyboard().text(ctx.t("broadcast-button-stop"), broadcastButtons.data("stop", { broadcastId: id })),
  });
});

privateChats.callbackQuery(broadcastButtons.filter("drop"), async (ctx) => {
  const { broadcastId } = broadcastButtons.parse("drop", ctx.callbackQuery.data)!;
  const cancelled = await ctx.deps.broadcasts.transition(broadcastId, ["composing", "draft"], "cancelled");
  await ctx.answerCallbackQuery(cancelled ? {} : { text: ctx.t("broadcast-already") });
  if (cancelled) await ctx.editMessageText(ctx.t("broadcast-cancelled"));
});

for (const action of ["pause", "resume", "stop"] as const) privateChats.callbackQuery(broadcastButtons.filter(action), async (ctx) => {
  const id = broadcastButtons.parse(action, ctx.callbackQuery.data)!.broadcastId;
  const { broadcasts, broadcastService } = ctx.deps;
  let changed = false;
  if (action === "pause" && (changed = await broadcasts.transition(id, ["sending"], "paused"))) await broadcasts.holdPending(id);
  if (action === "resume" && (changed = await broadcasts.transition(id, ["paused"], "sending"))) {
    await broadcasts.releaseHeld(id);
    ctx.deps.broadcastService.noteOutcome(id);
  }
  if (action === "stop" && (changed = await broadcasts.transition(id, ["sending", "paused", "scheduled"], "cancelled", { finishedAt: ctx.deps.now() }))) {
    await broadcasts.cancelWaiting(id);
  }
  await ctx.answerCallbackQuery(changed ? {} : { text: ctx.t("broadcast-already") });
  if (changed) {
    ctx.logger.info({ broadcastId: id, action, by: ctx.from.id }, "broadcast control");
    await broadcastService.report(id, true);
  }
});

privateChats.command("broadcasts", async (ctx) => {
  const recent = await ctx.deps.broadcasts.recent(10);
  if (recent.length === 0) return ctx.reply(ctx.t("broadcast-list-empty"));
  const keyboard = new InlineKeyboard();
  const lines: string[] = [];
  for (const broadcast of recent) {
    const figures = await ctx.deps.broadcasts.figures(broadcast.id);
    lines.push(
      ctx.t("broadcast-list-item", {
        id: String(broadcast.id),
        status: broadcast.status,
        when: formatDateTime(broadcast.startedAt ?? broadcast.scheduledAt ?? broadcast.createdAt, ctx.deps.clinic.timeZone, contextLanguage(ctx)),
        author: escapeHtml(broadcast.authorName),
        sent: String(figures.sent),
        total: String(broadcast.recipientCount),
        blocked: String(figures.blocked),
        failed: String(figures.failed),
        unknown: String(figures.unknown),
      }),
    );
    if (["sending", "paused", "scheduled"].includes(broadcast.status)) {
      if (broadcast.status !== "scheduled") {
        keyboard.text(`${ctx.t(broadcast.status === "paused" ? "broadcast-button-resume" : "broadcast-button-pause")} #${broadcast.id}`, broadcastButtons.data(broadcast.status === "paused" ? "resume" : "pause", { broadcastId: broadcast.id }));
      }
      keyboard.text(`${ctx.t("broadcast-button-stop")} #${broadcast.id}`, broadcastButtons.data("stop", { broadcastId: broadcast.id })).row();
    }
  }
  await ctx.reply([ctx.t("broadcast-list-title"), ...lines].join("\n"), { parse_mode: "HTML", reply_markup: keyboard });
});

privateChats.command("stats", async (ctx) => {
  const { figures, broadcasts } = ctx.deps;
  const today = inZone(ctx.deps.now(), ctx.deps.clinic.timeZone);
  // Every count in one statement (figures-repository.ts), then the latest announcements.
  const counts = await figures.clinic({ tipsSince: new Date(ctx.deps.now().getTime() - 7 * DAY_MS), day: dayBounds(today), week: weekBounds(today) });
  const recent = await broadcasts.recent(3);
  const lines: string[] = [];
  for (const broadcast of recent) {
    const progress = await broadcasts.figures(broadcast.id);
    lines.push(`#${broadcast.id} ${broadcast.status}: ${progress.sent}/${broadcast.recipientCount}`);
  }
  await ctx.reply(
    ctx.t("stats-text", {
      active: String(counts.active),
      blocked: String(counts.blocked),
      subscribers: String(counts.subscribers),
      tips: String(counts.tips),
      pending: String(counts.pending),
      today: String(counts.today),
      week: String(counts.week),
      broadcasts: lines.join("\n") || "—",
    }),
    { parse_mode: "HTML" },
  );
});

async function audienceKeyboard(ctx: BotContext, id: number): Promise<InlineKeyboard> {
  const keyboard = new InlineKeyboard();
  for (const audience of AUDIENCES) {
    const count = await ctx.deps.broadcasts.countAudience(audience);
    keyboard.text(ctx.t(`broadcast-audience-${audience.replace(":", "-")}`, { count: String(count) }), broadcastButtons.data("aud", { broadcastId: id, audience })).row();
  }
  return keyboard;
}
