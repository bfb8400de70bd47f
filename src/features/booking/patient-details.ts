import { InlineKeyboard, Keyboard } from "grammy";
import { escapeHtml } from "../../shared/html.js";
import { findRedFlags } from "../../safety/red-flags.js";
import type { BookingSession, Draft } from "./session.js";

/** The booking steps that ask about the patient: name, consent, phone, billing and a note. */

export const CONSENT_PURPOSE = "booking-contact";
export const CONSENT_VERSION = "2026-11";

export const LIMITS = { name: 80, insurer: 80, billingNote: 300, note: 500 } as const;

export async function askName(session: BookingSession, draft: Draft): Promise<void> {
  const { ctx, t, button, cancelRow, answer } = session;
  const fromTelegram = [ctx.from!.first_name, ctx.from!.last_name].filter(Boolean).join(" ").slice(0, LIMITS.name);
  await ctx.reply(t("booking-ask-name", { name: escapeHtml(fromTelegram) }), {
    parse_mode: "HTML",
    reply_markup: InlineKeyboard.from([[button(t("booking-button-use-name", { name: fromTelegram }), "name")], cancelRow()]),
  });
  for (;;) {
    const reply = await answer(["name"], { text: true });
    if (reply.kind === "button") {
      draft.name = fromTelegram;
      return;
    }
    if (reply.kind !== "text") continue;
    if (reply.text.length > LIMITS.name) await ctx.reply(t("booking-too-long", { max: String(LIMITS.name) }));
    else if (!/\p{L}/u.test(reply.text)) await ctx.reply(t("booking-name-invalid"));
    else {
      draft.name = reply.text;
      return;
    }
  }
}

/**
 * Nothing personal beyond the Telegram name is stored before the patient
 * agrees to the current wording: a consent to an earlier version asks again.
 */
export async function askConsent(session: BookingSession): Promise<void> {
  const { deps, conversation, ctx, language, clinic, t, userId, button, answer } = session;
  if (await conversation.external(() => deps.personalData.hasConsent(userId, CONSENT_PURPOSE, CONSENT_VERSION))) return;
  await ctx.reply(t("booking-consent", { policy: clinic.policies.privacy?.[language] ?? "" }), {
    reply_markup: InlineKeyboard.from([[button(t("booking-button-consent-yes"), "consent:yes")], [button(t("booking-button-consent-no"), "consent:no")]]),
  });
  const reply = await answer(["consent"]);
  if (reply.kind === "button" && reply.value === "yes") {
    await conversation.external(() => deps.personalData.recordConsent(userId, CONSENT_PURPOSE, CONSENT_VERSION));
    return;
  }
  await ctx.reply(t("booking-consent-declined", { phone: clinic.phone }));
  return conversation.halt();
}

export async function askPhone(session: BookingSession, draft: Draft): Promise<void> {
  const { ctx, t, answer } = session;
  await ctx.reply(t("booking-ask-phone"), {
    reply_markup: new Keyboard().requestContact(t("booking-button-share-phone")).resized().oneTime(),
  });
  for (;;) {
    const reply = await answer([], { text: true, contact: true });
    if (reply.kind === "contact" && !reply.own) {
      await ctx.reply(t("booking-phone-not-own"));
      continue;
    }
    const phone = normalizePhone(reply.kind === "contact" ? reply.phone : reply.kind === "text" ? reply.text : "");
    if (!phone) {
      await ctx.reply(t("booking-phone-invalid"));
      continue;
    }
    draft.phone = phone;
    await ctx.reply(t("booking-phone-saved", { phone }), { reply_markup: { remove_keyboard: true } });
    return;
  }
}

export async function askText(session: BookingSession, prompt: string, max: number, skippable: boolean): Promise<string | null> {
  const { ctx, t, button, cancelRow, answer } = session;
  await ctx.reply(prompt, { reply_markup: InlineKeyboard.from([...(skippable ? [[button(t("booking-button-skip"), "skip")]] : []), cancelRow()]) });
  for (;;) {
    const reply = await answer(skippable ? ["skip"] : [], { text: true });
    if (reply.kind === "button") return null;
    if (reply.kind !== "text") continue;
    if (reply.text.length > max) await ctx.reply(t("booking-too-long", { max: String(max) }));
    else if (reply.text.length === 0) await ctx.reply(t("booking-send-text"));
    else return reply.text;
  }
}

export async function askBilling(session: BookingSession, draft: Draft): Promise<void> {
  const { ctx, clinic, t, button, cancelRow, answer } = session;
  const service = clinic.services.find((entry) => entry.id === draft.serviceId)!;
  draft.directBilling = false;
  draft.insurer = null;
  draft.billingNote = null;
  if (!service.directBilling) return;
  await ctx.reply(t("booking-ask-billing"), {
    reply_markup: InlineKeyboard.from([[button(t("booking-button-yes"), "bill:yes"), button(t("booking-button-no"), "bill:no")], cancelRow()]),
  });
  const reply = await answer(["bill"]);
  if (reply.kind !== "button" || reply.value !== "yes") return;
  draft.directBilling = true;
  draft.insurer = await askText(session, t("booking-ask-insurer"), LIMITS.insurer, false);
  draft.billingNote = await askText(session, t("booking-ask-billing-note"), LIMITS.billingNote, true);
}

export async function askNote(session: BookingSession, draft: Draft): Promise<void> {
  const { deps, t } = session;
  draft.note = await askText(session, t("booking-ask-note"), LIMITS.note, true);
  // The safety feature has already answered a red flag with urgent-care advice; staff see it on the card.
  draft.redFlags = draft.note ? findRedFlags(deps.safety, draft.note) : [];
}

/** A phone number as typed or shared: digits with an optional leading +, 7 to 15 digits (E.164); null otherwise. */
export function normalizePhone(text: string): string | null {
  const trimmed = text.trim();
  if (!/^\+?[\d\s().-]+$/.test(trimmed)) return null;
  const digits = trimmed.replace(/\D/g, "");
  if (digits.length < 7 || digits.length > 15) return null;
  return `${trimmed.startsWith("+") ? "+" : ""}${digits}`;
}
