import { Composer, InlineKeyboard } from "grammy";
import { IANAZone } from "luxon";
import type { BotContext } from "../bot/context.js";
import { escapeHtml } from "../shared/html.js";
import { tipsButtons } from "./tips-buttons.js";
import { contextLanguage } from "../bot/i18n.js";
import { formatDateTime, formatTimeOfDay, weekdayName } from "../clinic/format.js";
import { nextWeeklySlot } from "../tips/weekly-schedule.js";
import { isValidTimeZone } from "../shared/time.js";
import type { TipSubscription } from "../tips/tip-repository.js";

/**
 * Weekly back-care tips, from the patient's side: choose a day and an hour
 * (in their own time zone), change them, stop with a one-tap undo, or ask for
 * the next tip right now. Every button carries its whole choice, so an old
 * keyboard still does what it says and the reply tells the patient where
 * they stand.
 */
export const tipsFeature = new Composer<BotContext>();
const privateChats = tipsFeature.chatType("private");

/** A short list covering Canada; any other IANA name can be typed with /timezone. */
export const CANADIAN_ZONES = [
  "America/St_Johns",
  "America/Halifax",
  "America/Toronto",
  "America/Winnipeg",
  "America/Regina",
  "America/Edmonton",
  "America/Vancouver",
] as const;

const HOURS = [7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21];

privateChats.command("subscribe", (ctx) => showSubscription(ctx, "reply"));
privateChats.command("settings", (ctx) => showSubscription(ctx, "reply"));
privateChats.callbackQuery(tipsButtons.filter("open"), async (ctx) => {
  await ctx.answerCallbackQuery();
  await showSubscription(ctx, "reply");
});

privateChats.callbackQuery(tipsButtons.filter("choose"), async (ctx) => {
  await ctx.answerCallbackQuery();
  await ctx.editMessageText(ctx.t("tips-choose-day"), { reply_markup: dayKeyboard(ctx) });
});

privateChats.callbackQuery(tipsButtons.filter("day"), async (ctx) => {
  const { weekday } = tipsButtons.parse("day", ctx.callbackQuery.data)!;
  if (weekday < 1 || weekday > 7) return ctx.answerCallbackQuery({ text: ctx.t("menu-inactive") });
  await ctx.answerCallbackQuery();
  await ctx.editMessageText(ctx.t("tips-choose-hour", { day: weekdayName(weekday, contextLanguage(ctx)) }), {
    reply_markup: hourKeyboard(ctx, weekday),
  });
});

privateChats.callbackQuery(tipsButtons.filter("at"), async (ctx) => {
  const { weekday, hour } = tipsButtons.parse("at", ctx.callbackQuery.data)!;
  if (weekday < 1 || weekday > 7 || hour > 23) return ctx.answerCallbackQuery({ text: ctx.t("menu-inactive") });
  const patient = await ensurePatient(ctx);
  const current = await ctx.deps.tips.find(patient.id);
  // The patient's latest choice (/timezone changes it even while they are not subscribed).
  const timeZone = patient.timeZone ?? current?.timeZone ?? ctx.deps.clinic.timeZone;
  const subscription = await saveSlot(ctx, { weekday, hour, timeZone });
  await ctx.answerCallbackQuery({ text: ctx.t("tips-saved-short") });
  await ctx.editMessageText(confirmation(ctx, subscription, current?.active ? "tips-updated" : "tips-subscribed"), {
    parse_mode: "HTML",
    reply_markup: settingsKeyboard(ctx),
  });
});

privateChats.callbackQuery(tipsButtons.filter("zones"), async (ctx) => {
  await ctx.answerCallbackQuery();
  const keyboard = new InlineKeyboard();
  CANADIAN_ZONES.forEach((zone, index) => {
    keyboard.text(ctx.t(`zone-${zone.split("/")[1]!.toLowerCase()}`), tipsButtons.data("tz", { zone }));
    if (index % 2 === 1) keyboard.row();
  });
  await ctx.editMessageText(ctx.t("tips-choose-zone"), { reply_markup: keyboard });
});

privateChats.callbackQuery(tipsButtons.filter("tz"), async (ctx) => {
  const { zone } = tipsButtons.parse("tz", ctx.callbackQuery.data)!;
  if (!isValidTimeZone(zone)) return ctx.answerCallbackQuery({ text: ctx.t("menu-inactive") });
  await ctx.answerCallbackQuery();
  const text = await changeZone(ctx, zone);
  await ctx.editMessageText(text, { parse_mode: "HTML", reply_markup: settingsKeyboard(ctx) });
});

privateChats.command("timezone", async (ctx) => {
  const zone = ctx.match.trim();
  if (!zone) return ctx.reply(ctx.t("tips-zone-how"), { parse_mode: "HTML" });
  if (!isValidTimeZone(zone) || !zone.includes("/")) {
    return ctx.reply(ctx.t("tips-zone-invalid", { zone: escapeHtml(zone.slice(0, 64)) }), { parse_mode: "HTML" });
  }
  await ctx.reply(await changeZone(ctx, new IANAZone(zone).name), { parse_mode: "HTML", reply_markup: settingsKeyboard(ctx) });
});

privateChats.command("unsubscribe", async (ctx) => {
  const patient = await ensurePatient(ctx);
  const stopped = await ctx.deps.tips.deactivate(patient.id, patient.chatId);
  if (!stopped) return ctx.reply(ctx.t("tips-not-subscribed"), { reply_markup: new InlineKeyboard().text(ctx.t("tips-button-subscribe"), tipsButtons.data("open")) });
  ctx.logger.info({ userId: ctx.from.id }, "patient unsubscribed from tips");
  await ctx.reply(ctx.t("tips-unsubscribed"), { reply_markup: new InlineKeyboard().text(ctx.t("tips-button-undo"), tipsButtons.data("undo")) });
});

privateChats.callbackQuery(tipsButtons.filter("undo"), async (ctx) => {
  const patient = await ensurePatient(ctx);
  const current = await ctx.deps.tips.find(patient.id);
  if (!current) {
    await ctx.answerCallbackQuery();
    return showSubscription(ctx, "edit");
  }
  if (current.active) {
    await ctx.answerCallbackQuery({ text: ctx.t("tips-already-subscribed-short") });
    return ctx.editMessageText(confirmation(ctx, current, "tips-current"), { parse_mode: "HTML", reply_markup: settingsKeyboard(ctx) });
  }
  // Back on the same day and hour, in the zone they chose last (perhaps with /timezone after stopping).
  const subscription = await saveSlot(ctx, { ...current, timeZone: patient.timeZone ?? current.timeZone });
  await ctx.answerCallbackQuery({ text: ctx.t("tips-saved-short") });
  await ctx.editMessageText(confirmation(ctx, subscription, "tips-resubscribed"), { parse_mode: "HTML", reply_markup: settingsKeyboard(ctx) });
});

privateChats.command("tip", async (ctx) => {
  const patient = await ensurePatient(ctx);
  const received = await ctx.deps.tips.deliveredTipIds(patient.id);
  // An article just published on another instance is in the library from this tip on.
  await ctx.deps.tipLibrary.refresh();
  const tip = ctx.deps.tipCatalog.nextTipFor(contextLanguage(ctx), received);
  if (!tip) return ctx.reply(ctx.t("tips-all-read"));
  // Counted before sending: if the reply fails, the patient asks again and gets the next one rather than a repeat.
  await ctx.deps.tips.recordOnDemand(patient.id, tip.tipId, ctx.deps.now());
  await ctx.reply(String(tip.message.params.text), { ...tip.message.params, link_preview_options: { is_disabled: true } });
});

async function showSubscription(ctx: BotContext, how: "reply" | "edit") {
  const patient = await ensurePatient(ctx);
  const current = await ctx.deps.tips.find(patient.id);
  if (current?.active) {
    const text = confirmation(ctx, current, "tips-current");
    return how === "edit"
      ? ctx.editMessageText(text, { parse_mode: "HTML", reply_markup: settingsKeyboard(ctx) })
      : ctx.reply(text, { parse_mode: "HTML", reply_markup: settingsKeyboard(ctx) });
  }
  const text = ctx.t("tips-choose-day");
  return how === "edit" ? ctx.editMessageText(text, { reply_markup: dayKeyboard(ctx) }) : ctx.reply(text, { reply_markup: dayKeyboard(ctx) });
}

async function ensurePatient(ctx: BotContext) {
  if (ctx.patient) return ctx.patient;
  ctx.patient = await ctx.deps.users.upsertFromTelegram(ctx.from!, ctx.chat!.id);
  return ctx.patient;
}

async function saveSlot(ctx: BotContext, slot: { weekday: number; hour: number; timeZone: string }): Promise<TipSubscription> {
  const patient = await ensurePatient(ctx);
  const nextDueAt = nextWeeklySlot(slot, ctx.deps.now());
  const subscription = await ctx.deps.tips.save(patient.id, { weekday: slot.weekday, hour: slot.hour, timeZone: slot.timeZone }, nextDueAt);
  ctx.logger.info({ userId: ctx.from?.id, weekday: slot.weekday, hour: slot.hour, zone: slot.timeZone }, "tip subscription saved");
  return subscription;
}

async function changeZone(ctx: BotContext, timeZone: string): Promise<string> {
  const patient = await ensurePatient(ctx);
  await ctx.deps.users.setTimeZone(patient.id, timeZone);
  const current = await ctx.deps.tips.find(patient.id);
  if (!current?.active) return ctx.t("tips-zone-saved", { zone: timeZone });
  const subscription = await saveSlot(ctx, { ...current, timeZone });
  return confirmation(ctx, subscription, "tips-updated");
}

function confirmation(ctx: BotContext, subscription: TipSubscription, key: string): string {
  const language = contextLanguage(ctx);
  return ctx.t(key, {
    day: weekdayName(subscription.weekday, language),
    hour: formatTimeOfDay(subscription.hour * 60, language),
    first: formatDateTime(subscription.nextDueAt, subscription.timeZone, language),
    zone: subscription.timeZone,
  });
}

function dayKeyboard(ctx: BotContext): InlineKeyboard {
  const language = contextLanguage(ctx);
  const keyboard = new InlineKeyboard();
  for (let weekday = 1; weekday <= 7; weekday++) {
    keyboard.text(weekdayName(weekday, language), tipsButtons.data("day", { weekday }));
    if (weekday % 3 === 0) keyboard.row();
  }
  return keyboard;
}

function hourKeyboard(ctx: BotContext, weekday: number): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  HOURS.forEach((hour, index) => {
    keyboard.text(formatTimeOfDay(hour * 60, contextLanguage(ctx)), tipsButtons.data("at", { weekday, hour }));
    if (index % 5 === 4) keyboard.row();
  });
  return keyboard.row().text(ctx.t("button-back"), tipsButtons.data("open"));
}

function settingsKeyboard(ctx: BotContext): InlineKeyboard {
  return new InlineKeyboard()
    .text(ctx.t("tips-button-change-day"), tipsButtons.data("choose"))
    .text(ctx.t("tips-button-change-zone"), tipsButtons.data("zones"));
}
