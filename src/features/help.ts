import { Composer } from "grammy";
import type { BotContext } from "../bot/context.js";
import { formatWeekHours } from "../clinic/format.js";
import { contextLanguage } from "../bot/i18n.js";
import { escapeHtml } from "../shared/html.js";

/** /help: every command, and how to reach the clinic directly. */
export const helpFeature = new Composer<BotContext>();

helpFeature.command("help", async (ctx) => {
  const language = contextLanguage(ctx);
  const clinic = ctx.deps.clinic;
  const parts = [
    ctx.t("help-patient"),
    ctx.isStaff ? ctx.t("help-staff") : undefined,
    ctx.t("help-contact", {
      clinic: escapeHtml(clinic.name[language]),
      address: escapeHtml(clinic.address),
      phone: escapeHtml(clinic.phone),
      hours: escapeHtml(formatWeekHours(clinic.openingHours, language, ctx.t("hours-closed"))),
    }),
  ];
  await ctx.reply(parts.filter(Boolean).join("\n\n"), { parse_mode: "HTML" });
});
