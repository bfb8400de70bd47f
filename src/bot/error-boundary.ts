import { GrammyError, HttpError, type MiddlewareFn } from "grammy";
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

/** A loggable summary of an error that never carries the bot token (grammY's HttpError can hold request details). */
export function describeError(error: unknown): Record<string, unknown> {
  if (error instanceof GrammyError) {
    return { type: "GrammyError", method: error.method, code: error.error_code, description: error.description };
  }
  if (error instanceof HttpError) {
    return { type: "HttpError", message: withoutToken(error.message) };
  }
  if (error instanceof Error) {
    return { type: error.name, message: withoutToken(error.message), stack: error.stack && withoutToken(error.stack) };
  }
  return { value: String(error) };
}

/** Bot API URLs carry the token (`/bot<token>/method`); it must never reach a log. */
export function withoutToken(text: string): string {
  return text.replace(/\d{5,16}:[\w-]{30,64}/g, "<token>");
}
