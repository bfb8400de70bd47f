import { Composer } from "grammy";
import type { BotContext } from "../bot/context.js";
import { answeredUrgently } from "./safety.js";

/**
 * Whatever no feature handled. Patients get a pointer to /help instead of
 * silence; buttons of menus that no longer exist are answered so the
 * patient's spinner stops and they know why nothing happened.
 */
export const fallbackFeature = new Composer<BotContext>();

fallbackFeature.on("callback_query", async (ctx) => {
  ctx.logger.debug({ data: ctx.callbackQuery.data?.slice(0, 64) }, "callback from an inactive menu");
  await ctx.answerCallbackQuery({ text: ctx.t("menu-inactive"), show_alert: false });
});

const privateChats = fallbackFeature.chatType("private");

privateChats.on("message::bot_command", async (ctx) => {
  await ctx.reply(ctx.t("unknown-command"));
});

privateChats.on("message", async (ctx) => {
  // After urgent-care advice, "I answer commands…" would only distract from it.
  if (answeredUrgently(ctx)) return;
  await ctx.reply(ctx.t("unknown-message"));
});
