import type { MiddlewareFn } from "grammy";
import { describeError } from "../shared/errors.js";
import type { BotContext } from "./context.js";
import { contextLanguage } from "./i18n.js";

/**
 * The first middleware: whatever goes wrong while handling an update is logged
 * with the update id, and the patient gets a short apology instead of silence.
 * Nothing thrown here reaches the runner, so no update can stop the bot.
 */
export const errorBoundary: MiddlewareFn<BotContext> = async (ctx, next) => {
  try {
    await next();
  } catch (error) {
    ctx.logger.error({ err: describeError(error), updateId: ctx.update.update_id }, "update failed");
    if (!ctx.chat || ctx.chat.type !== "private") return;
    try {
      if (ctx.callbackQuery) await ctx.answerCallbackQuery().catch(() => undefined);
      await ctx.reply(ctx.deps.i18n.t(contextLanguage(ctx), "error-apology"));
    } catch (replyError) {
      ctx.logger.warn({ err: describeError(replyError), updateId: ctx.update.update_id }, "could not send the apology");
    }
  }
};
