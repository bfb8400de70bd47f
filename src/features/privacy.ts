import { Composer, InlineKeyboard, InputFile } from "grammy";
import type { BotContext } from "../bot/context.js";
import { contextLanguage } from "../bot/i18n.js";
import { escapeHtml } from "../shared/html.js";
import { callbackData } from "../bot/callback-data.js";

/**
 * The patient's privacy rights, in the chat: what is kept and why (/privacy),
 * a copy of everything (/mydata), and erasure (/forget, confirmed first).
 */
export const privacyFeature = new Composer<BotContext>();
const privateChats = privacyFeature.chatType("private");
const privacyButtons = callbackData("privacy", { forget: {}, keep: {} });

privateChats.command("privacy", async (ctx) => {
  const policy = ctx.deps.clinic.policies.privacy?.[contextLanguage(ctx)];
  await ctx.reply([ctx.t("privacy-what-we-keep"), policy && escapeHtml(policy)].filter(Boolean).join("\n\n"), { parse_mode: "HTML" });
});

privateChats.command("mydata", async (ctx) => {
  // Telegram shows "sending a file…" while the export is gathered.
  await ctx.replyWithChatAction("upload_document");
  const data = await ctx.deps.personalData.export(ctx.from.id);
  if (!data) return ctx.reply(ctx.t("privacy-nothing-stored"));
  const json = JSON.stringify(data, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value), 2);
  await ctx.replyWithDocument(new InputFile(Buffer.from(json, "utf8"), "my-data.json"), { caption: ctx.t("privacy-mydata-caption") });
  ctx.logger.info({ userId: ctx.from.id }, "patient downloaded their data");
});

privateChats.command("forget", async (ctx) => {
  await ctx.reply(ctx.t("privacy-forget-confirm"), {
    reply_markup: new InlineKeyboard().text(ctx.t("privacy-forget-yes"), privacyButtons.data("forget")).text(ctx.t("privacy-forget-no"), privacyButtons.data("keep")),
  });
});

privateChats.callbackQuery(privacyButtons.filter("keep"), async (ctx) => {
  await ctx.answerCallbackQuery();
  await ctx.editMessageText(ctx.t("privacy-forget-kept"));
});

privateChats.callbackQuery(privacyButtons.filter("forget"), async (ctx) => {
  // Said in the patient's language before the record of that language is gone.
  const done = ctx.t("privacy-forget-done");
  // A booking left half-way is personal data too; without this the conversations plugin would save it back.
  await ctx.conversation.exitAll();
  const erased = await ctx.deps.personalData.erase(ctx.from.id);
  await ctx.answerCallbackQuery();
  await ctx.editMessageText(erased ? done : ctx.t("privacy-nothing-stored"));
  if (!erased) return;
  ctx.patient = null;
  ctx.logger.info({ userId: ctx.from.id, requests: erased.requestIds.length }, "patient erased their personal data");
  // The request cards already in the staff chat are edited to show no details (best effort: the database holds none).
  const { appointments, notices } = ctx.deps.booking;
  for (const requestId of erased.requestIds) {
    const request = await appointments.findRequest(requestId);
    if (request) await notices.refreshStaffCard(request, await appointments.findAppointmentOfRequest(requestId));
  }
  // Staff hear of it where they see request cards (the staff group, or the first staff member without one).
  const text = ctx.deps.i18n.t(ctx.deps.clinic.defaultLanguage, "privacy-staff-erasure", { userId: String(ctx.from.id) });
  await ctx.deps.booking.notices.tellStaff(`erasure:${ctx.from.id}:${ctx.update.update_id}`, text, ctx.deps.now());
});
