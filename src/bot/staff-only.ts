import type { BotContext } from "./context.js";

/** Every staff action re-checks the sender: a forged or forwarded button does nothing. */
export async function staffOnly(ctx: BotContext): Promise<boolean> {
  if (ctx.isStaff) return true;
  ctx.logger.warn({ userId: ctx.from?.id, data: ctx.callbackQuery?.data?.slice(0, 64) }, "refused a staff action from a non-staff user");
  await ctx.answerCallbackQuery({ text: ctx.t("menu-inactive") });
  return false;
}
