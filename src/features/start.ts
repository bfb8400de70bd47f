import { Composer, InlineKeyboard } from "grammy";
import type { BotContext } from "../bot/context.js";
import { escapeHtml } from "../shared/html.js";
import { contextLanguage } from "../bot/i18n.js";
import { bookButtons } from "./booking/buttons.js";
import { tipsButtons } from "./tips-buttons.js";

/**
 * /start: remembers the patient (or refreshes their names and chat) and
 * greets them with what the clinic's bot can do for them.
 */
export const startFeature = new Composer<BotContext>();

startFeature.chatType("private").command("start", async (ctx) => {
  // The row read for this update is passed along: a /start that tells nothing new writes nothing.
  ctx.patient = await ctx.deps.users.upsertFromTelegram(ctx.from, ctx.chat.id, ctx.patient);
  await ctx.i18n.renegotiateLocale();
  await ctx.reply(
    ctx.t("start-greeting", { name: escapeHtml(ctx.from.first_name), clinic: escapeHtml(ctx.deps.clinic.name[contextLanguage(ctx)]) }),
    { parse_mode: "HTML", reply_markup: new InlineKeyboard().text(ctx.t("booking-button-book"), bookButtons.data("open")).row().text(ctx.t("tips-button-subscribe"), tipsButtons.data("open")) },
  );
  ctx.logger.info({ userId: ctx.from.id }, "patient started the bot");
});
