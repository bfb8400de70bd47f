import { Composer } from "grammy";
import type { BotContext } from "../bot/context.js";

/**
 * Telegram tells us when a patient blocks or unblocks the bot. Blocked patients
 * get nothing more until they come back; then everything resumes.
 */
export const membershipFeature = new Composer<BotContext>();

membershipFeature.on("my_chat_member", async (ctx) => {
  if (ctx.chat.type !== "private") return;
  const status = ctx.myChatMember.new_chat_member.status;
  const blocked = status === "kicked" || status === "left";
  const changed = await ctx.deps.users.setStatus(ctx.myChatMember.from.id, blocked ? "blocked" : "active");
  if (changed) ctx.logger.info({ userId: ctx.myChatMember.from.id, status: blocked ? "blocked" : "active" }, "patient changed bot membership");
});
