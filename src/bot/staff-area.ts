import { Composer, type Middleware } from "grammy";
import type { BotContext } from "./context.js";
import { isStaffButton } from "./callback-data.js";

/**
 * Where staff features answer: the staff chat, and staff members' own private
 * chats, and only to a sender listed in STAFF_IDS. Anywhere else (another
 * group a staff member writes in, a patient's forged button) they stay silent,
 * so patient names and phone numbers are never posted outside the staff chats.
 */
export function inStaffArea(ctx: BotContext): boolean {
  if (!ctx.isStaff) return false;
  // A button on a message Telegram no longer attaches (too old) comes without a chat; it can post nowhere.
  if (!ctx.chat) return ctx.callbackQuery !== undefined;
  return ctx.chat.type === "private" || ctx.chat.id === ctx.config.staffChatId;
}

/**
 * The staff features behind one filter: a staff feature is mounted here and
 * never checks the sender itself. A refused staff button is logged and falls
 * through to the fallback, which answers it as inactive.
 */
export function staffFeatures(...features: Array<Middleware<BotContext>>): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.on("callback_query:data", (ctx, next) => {
    const data = ctx.callbackQuery.data;
    if (!inStaffArea(ctx) && isStaffButton(data)) {
      ctx.logger.warn({ userId: ctx.from.id, chatId: ctx.chat?.id, data: data.slice(0, 64) }, "refused a staff action outside the staff chats");
    }
    return next();
  });
  composer.filter(inStaffArea).use(...features);
  return composer;
}
