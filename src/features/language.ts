import { Composer, InlineKeyboard } from "grammy";
import type { BotContext } from "../bot/context.js";
import { LANGUAGES } from "../clinic/clinic-profile.js";
import { callbackData } from "../bot/callback-data.js";

/**
 * /language: the bot follows Telegram's language until the patient picks one
 * here; the choice is stored and wins from then on (tips included).
 */
export const languageFeature = new Composer<BotContext>();
const languageButtons = callbackData("language", { choose: { language: LANGUAGES } });
const privateChats = languageFeature.chatType("private");

privateChats.command("language", async (ctx) => {
  const keyboard = new InlineKeyboard();
  for (const language of LANGUAGES) keyboard.text(ctx.t(`language-name-${language}`), languageButtons.data("choose", { language }));
  await ctx.reply(ctx.t("language-choose"), { reply_markup: keyboard });
});

privateChats.callbackQuery(languageButtons.filter("choose"), async (ctx) => {
  const { language } = languageButtons.parse("choose", ctx.callbackQuery.data)!;
  ctx.patient = (await ctx.deps.users.setLanguage(ctx.from.id, language)) ?? (await savePatientWithLanguage(ctx, language));
  await ctx.i18n.renegotiateLocale();
  await ctx.answerCallbackQuery();
  await ctx.editMessageText(ctx.t("language-saved"));
  ctx.logger.info({ userId: ctx.from.id, language }, "patient chose a language");
});

/** Someone who never sent /start: remember them first, then their choice. */
async function savePatientWithLanguage(ctx: BotContext, language: string) {
  await ctx.deps.users.upsertFromTelegram(ctx.from!, ctx.chat!.id);
  return ctx.deps.users.setLanguage(ctx.from!.id, language);
}
