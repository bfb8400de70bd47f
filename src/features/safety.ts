import { Composer } from "grammy";
import type { BotContext } from "../bot/context.js";
import { contextLanguage } from "../bot/i18n.js";
import { findRedFlags } from "../safety/red-flags.js";
import { escapeHtml } from "../shared/html.js";

/**
 * Back-pain content must never keep someone from urgent care. Any message a
 * patient writes that suggests a red flag (saddle numbness, loss of bladder or
 * bowel control, fever, a recent fall, worsening weakness) is answered at once
 * with urgent-care guidance, before any other feature sees it; then the
 * message carries on (a booking conversation still receives it).
 */
export const safetyFeature = new Composer<BotContext>();

/** Updates answered with urgent-care advice: that answer stands alone (no catch-all reply after it). */
const answered = new WeakSet<object>();

export function answeredUrgently(ctx: BotContext): boolean {
  return answered.has(ctx.update);
}

safetyFeature.chatType("private").on(["message:text", "message:caption"], async (ctx, next) => {
  const text = ctx.message.text ?? ctx.message.caption ?? "";
  // Staff write announcements and notes about symptoms; the advice is for patients.
  if (!text.startsWith("/") && !ctx.isStaff) {
    const flags = findRedFlags(ctx.deps.safety, text);
    if (flags.length > 0) {
      // Ids only: the patient's words never reach the log.
      ctx.logger.warn({ userId: ctx.from.id, redFlags: flags }, "message suggests a red flag; urgent advice given");
      await ctx.reply(ctx.t("safety-urgent", { advice: ctx.deps.safety.urgentAdvice[contextLanguage(ctx)] }));
      answered.add(ctx.update);
      await notifyStaff(ctx, flags);
    }
  }
  await next();
});

/**
 * Staff learn that a patient may need a call, without the message itself
 * leaving the chat; in the same staff chat as request cards (the staff group,
 * or the first staff member without one). The alert names the patient, so it
 * is recorded as about them and erased with them.
 */
async function notifyStaff(ctx: BotContext, flags: string[]): Promise<void> {
  if (!ctx.from) return;
  const language = ctx.deps.clinic.defaultLanguage;
  // What lets staff act: the phone the patient gave with a request, the language to call them in, and their chat.
  const details = await ctx.deps.booking.appointments.lastDetailsOf(ctx.from.id);
  const t = (key: string, values: Record<string, string> = {}) => ctx.deps.i18n.t(language, key, values);
  const text = t("safety-staff-alert", {
    name: escapeHtml([ctx.from.first_name, ctx.from.last_name].filter(Boolean).join(" ")),
    chat: `tg://user?id=${ctx.from.id}`,
    username: ctx.from.username ? ` · @${escapeHtml(ctx.from.username)}` : "",
    phone: details ? t("safety-staff-phone", { phone: escapeHtml(details.phone) }) : t("safety-staff-no-phone"),
    language: t(`safety-language-${contextLanguage(ctx)}`),
    userId: String(ctx.from.id),
    flags: flags.join(", "),
  });
  await ctx.deps.booking.notices.tellStaff(`red-flag:${ctx.update.update_id}`, text, ctx.deps.now(), ctx.from.id);
}
