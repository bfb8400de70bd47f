import { randomUUID } from "node:crypto";
import { Composer, InlineKeyboard, Keyboard, type Context } from "grammy";
import { createConversation, type Conversation } from "@grammyjs/conversations";
import { DateTime } from "luxon";
import type { BotContext } from "../bot/context.js";
import type { BotDeps } from "../bot/deps.js";
import { contextLanguage } from "../bot/i18n.js";
import { escapeHtml } from "../shared/html.js";
import type { Language } from "../clinic/clinic-profile.js";
import { formatShortDate, formatTime } from "../clinic/format.js";
import { availableSlots, eligiblePractitioners, openDays } from "../booking/available-slots.js";
import { requestAppointment } from "../booking/request-appointment.js";
import { joinWaitlist } from "../booking/join-waitlist.js";
import { BOOKING_WAIT_LIMIT_MS, busyAhead } from "../booking/booking-deps.js";
import { formatReference } from "../booking/reference.js";
import { findRedFlags } from "../safety/red-flags.js";
import { bookButtons, bookingStepButtons } from "../bot/buttons.js";

/**
 * /book: a patient asks for an appointment, top to bottom:
 * service → practitioner (or no preference) → day → time → name → consent →
 * phone → direct billing → note → summary → Confirm / Change / Cancel.
 *
 * It is a conversation (@grammyjs/conversations), stored in the database, so a
 * restart in the middle resumes at the same step. Every button carries this
 * run's id, so buttons of an earlier booking are answered as no longer active.
 * /cancel or Cancel leaves at any step; other commands work as usual while the
 * booking waits. The same conversation reschedules an appointment: the
 * details are kept and only the day and time are asked again.
 */

export const CONSENT_PURPOSE = "booking-contact";
export const CONSENT_VERSION = "2026-11";

const LIMITS = { name: 80, insurer: 80, billingNote: 300, note: 500 } as const;

export interface BookingArgs {
  language: Language;
  /** Short random id of this run, carried by its buttons. */
  run: string;
  /** The appointment to move, when rescheduling. */
  reschedule?: number;
}

interface Draft {
  serviceId?: string;
  /** null: no preference. */
  practitionerId?: string | null;
  date?: string;
  slot?: { start: number; practitionerId: string };
  name?: string;
  phone?: string;
  directBilling: boolean;
  insurer: string | null;
  billingNote: string | null;
  note: string | null;
  redFlags: string[];
}

type Answer = { kind: "button"; action: string; value: string } | { kind: "text"; text: string } | { kind: "contact"; phone: string; own: boolean };

type BookingConversation = Conversation<BotContext, Context>;

export function bookingFeature(deps: BotDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.use(createConversation<BotContext, Context>((conversation, ctx, args: BookingArgs) => book(deps, conversation, ctx, args), {
    id: "book",
    maxMillisecondsToWait: BOOKING_WAIT_LIMIT_MS,
  }));

  const privateChats = feature.chatType("private");
  privateChats.command("book", (ctx) => startBooking(ctx));
  privateChats.callbackQuery(bookButtons.filter("open"), async (ctx) => {
    await ctx.answerCallbackQuery();
    await startBooking(ctx);
  });
  // Buttons of a booking that ended (finished, cancelled, expired, or from before a /book restart).
  feature.on("callback_query:data").filter((ctx) => bookingStepButtons.owns(ctx.callbackQuery.data), (ctx) => ctx.answerCallbackQuery({ text: ctx.t("menu-inactive") }));
  return feature;
}

/** Starts a booking, or a reschedule of one of the patient's appointments. */
export async function startBooking(ctx: BotContext, reschedule?: number): Promise<void> {
  if (!ctx.from || !ctx.chat) return;
  ctx.patient ??= await ctx.deps.users.upsertFromTelegram(ctx.from, ctx.chat.id);
  const { appointments } = ctx.deps.booking;
  const max = ctx.deps.clinic.booking.maxUpcomingPerPatient;
  if (reschedule === undefined && (await appointments.countUpcoming(ctx.from.id, ctx.deps.now())) >= max) {
    await ctx.reply(ctx.t("booking-limit", { max: String(max) }));
    return;
  }
  // A new /book replaces a booking left half-way.
  await ctx.conversation.exitAll();
  const args: BookingArgs = { language: contextLanguage(ctx), run: randomUUID().slice(0, 8) };
  if (reschedule !== undefined) args.reschedule = reschedule;
  await ctx.conversation.enter("book", args);
}

async function book(deps: BotDeps, conversation: BookingConversation, ctx: Context, args: BookingArgs): Promise<void> {
  const { language, run } = args;
  const { clinic, booking } = deps;
  const t = (key: string, vars?: Record<string, string>) => deps.i18n.t(language, key, vars);
  const userId = ctx.from!.id;
  const chatId = ctx.chat!.id;
  const now = async () => new Date(await conversation.external(() => deps.now().getTime()));
  const button = (label: string, choice: string) => {
    const [action, value = ""] = choice.split(/:(.*)/s) as [string, string?];
    return InlineKeyboard.text(label, bookingStepButtons.data("step", { run, action, value }));
  };
  const cancelRow = () => [button(t("booking-button-cancel"), "cancel")];

  /** Waits for a press of one of this step's buttons, or typed text / a shared contact where the step takes them. */
  async function answer(actions: string[], accepts: { text?: boolean; contact?: boolean } = {}): Promise<Answer> {
    for (;;) {
      const update = await conversation.wait();
      const query = update.callbackQuery;
      if (query) {
        const step = bookingStepButtons.parse("step", query.data);
        // Someone else's buttons (tips, appointments...) are answered by their own feature.
        if (!step) return conversation.skip({ next: true });
        const { run: buttonRun, action, value } = step;
        if (buttonRun !== run) {
          await update.answerCallbackQuery({ text: t("menu-inactive") });
          continue;
        }
        if (action === "cancel") {
          await update.answerCallbackQuery();
          return cancel();
        }
        if (!actions.includes(action)) {
          await update.answerCallbackQuery({ text: t("booking-old-step") });
          continue;
        }
        await update.answerCallbackQuery();
        return { kind: "button", action, value };
      }
      const message = update.message;
      if (!message) return conversation.skip({ next: true });
      if (message.text?.startsWith("/")) {
        if (/^\/cancel(@\w+)?(\s|$)/i.test(message.text)) return cancel();
        // /help, /privacy... answer as usual (a new /book starts over); this step keeps waiting.
        return conversation.skip({ next: true });
      }
      if (accepts.contact && message.contact) {
        return { kind: "contact", phone: message.contact.phone_number, own: message.contact.user_id === userId };
      }
      if (accepts.text && message.text !== undefined) return { kind: "text", text: message.text.trim() };
      await update.reply(t(accepts.text ? "booking-send-text" : "booking-use-buttons"));
    }
  }

  async function cancel(): Promise<never> {
    await ctx.reply(t("booking-cancelled"), { reply_markup: { remove_keyboard: true } });
    return conversation.halt();
  }

  // --- The steps -----------------------------------------------------------

  async function chooseService(draft: Draft): Promise<void> {
    const keyboard = InlineKeyboard.from([...clinic.services.map((service) => [button(service.name[language], `svc:${service.id}`)]), cancelRow()]);
    await ctx.reply(t("booking-choose-service"), { reply_markup: keyboard });
    for (;;) {
      const reply = await answer(["svc"]);
      if (reply.kind === "button" && clinic.services.some((service) => service.id === reply.value)) {
        draft.serviceId = reply.value;
        return;
      }
    }
  }

  async function choosePractitioner(draft: Draft): Promise<void> {
    const people = eligiblePractitioners(clinic, draft.serviceId!);
    const keyboard = InlineKeyboard.from([
      ...people.map((person) => [button(person.name, `pr:${person.id}`)]),
      [button(t("booking-button-no-preference"), "pr:*")],
      cancelRow(),
    ]);
    await ctx.reply(t("booking-choose-practitioner"), { reply_markup: keyboard });
    for (;;) {
      const reply = await answer(["pr"]);
      if (reply.kind !== "button") continue;
      if (reply.value === "*") draft.practitionerId = null;
      else if (people.some((person) => person.id === reply.value)) draft.practitionerId = reply.value;
      else continue;
      return;
    }
  }

  /** Day then time; false when the patient asked for the waitlist instead. */
  async function chooseDayAndTime(draft: Draft): Promise<boolean> {
    for (;;) {
      const days = await conversation.external(async () => {
        const at = deps.now();
        return openDays(clinic, { serviceId: draft.serviceId!, practitionerId: draft.practitionerId ?? null, now: at, busy: await busyAhead(booking, at) });
      });
      if (days.length === 0) {
        await ctx.reply(t("booking-no-days", { days: String(clinic.booking.horizonDays), phone: clinic.phone }), { reply_markup: { remove_keyboard: true } });
        return conversation.halt();
      }
      const dayButtons = days.map((day) => button(formatShortDate(day, language), `day:${day}`));
      await ctx.reply(t("booking-choose-day"), { reply_markup: InlineKeyboard.from([...inRows(dayButtons, 3), cancelRow()]) });
      draft.date = await pickDay(days);

      const slots = await conversation.external(async () => {
        const at = deps.now();
        return availableSlots(clinic, { serviceId: draft.serviceId!, practitionerId: draft.practitionerId ?? null, now: at, busy: await busyAhead(booking, at), date: draft.date! })
          .map((slot) => ({ start: slot.start.getTime(), practitionerId: slot.practitionerId }));
      });
      if (slots.length === 0) {
        await ctx.reply(t("booking-day-full"));
        continue;
      }
      const labels = slots.map((slot) => formatTime(new Date(slot.start), clinic.timeZone, language));
      const timeButtons = slots.map((_, index) => button(labels[index]!, `t:${index}`));
      await ctx.reply(t("booking-choose-time", { day: formatShortDate(draft.date, language), zone: clinic.timeZone }), {
        reply_markup: InlineKeyboard.from([...inRows(timeButtons, 4), [button(t("booking-button-other-day"), "back")], [button(t("booking-button-waitlist"), "wait")], cancelRow()]),
      });
      for (;;) {
        const reply = await answer(["t", "back", "wait"], { text: true });
        if (reply.kind === "button" && reply.action === "back") break;
        if (reply.kind === "button" && reply.action === "wait") return false;
        // A time typed instead of pressed ("14:30", "2:30 pm") is fine if it is one of the free ones.
        const index = reply.kind === "button" ? Number(reply.value) : labels.findIndex((_, i) => sameClockTime(reply.kind === "text" ? reply.text : "", slots[i]!.start, clinic.timeZone));
        const slot = slots[index];
        if (slot) {
          draft.slot = slot;
          return true;
        }
        await ctx.reply(t("booking-time-unavailable"));
      }
    }
  }

  async function pickDay(days: string[]): Promise<string> {
    for (;;) {
      const reply = await answer(["day"], { text: true });
      if (reply.kind === "button" && days.includes(reply.value)) return reply.value;
      if (reply.kind !== "text") continue;
      // A date typed instead of pressed: accepted if it is one of the open days, explained otherwise.
      const typed = DateTime.fromISO(reply.text, { zone: clinic.timeZone });
      if (!typed.isValid) {
        await ctx.reply(t("booking-use-buttons"));
        continue;
      }
      const today = DateTime.fromJSDate(await now(), { zone: clinic.timeZone }).toISODate()!;
      const day = typed.toISODate()!;
      if (days.includes(day)) return day;
      await ctx.reply(t(day < today ? "booking-date-past" : "booking-date-unavailable"));
    }
  }

  async function askName(draft: Draft): Promise<void> {
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
  async function askConsent(): Promise<void> {
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

  async function askPhone(draft: Draft): Promise<void> {
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

  async function askText(prompt: string, max: number, skippable: boolean): Promise<string | null> {
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

  async function askBilling(draft: Draft): Promise<void> {
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
    draft.insurer = await askText(t("booking-ask-insurer"), LIMITS.insurer, false);
    draft.billingNote = await askText(t("booking-ask-billing-note"), LIMITS.billingNote, true);
  }

  async function askNote(draft: Draft): Promise<void> {
    draft.note = await askText(t("booking-ask-note"), LIMITS.note, true);
    // The safety feature has already answered a red flag with urgent-care advice; staff see it on the card.
    draft.redFlags = draft.note ? findRedFlags(deps.safety, draft.note) : [];
  }

  function summary(draft: Draft): string {
    const service = clinic.services.find((entry) => entry.id === draft.serviceId)!;
    return t("booking-summary", {
      service: escapeHtml(service.name[language]),
      practitioner: escapeHtml(booking.notices.practitionerName(draft.slot!.practitionerId)),
      when: booking.notices.when(new Date(draft.slot!.start), language),
      zone: clinic.timeZone,
      name: escapeHtml(draft.name!),
      phone: escapeHtml(draft.phone!),
      billing: draft.directBilling ? t("booking-summary-billing-yes", { insurer: escapeHtml(draft.insurer ?? "—") }) : t("booking-summary-billing-no"),
      note: escapeHtml(draft.note ?? "—"),
    });
  }

  // --- The flow --------------------------------------------------------------

  const draft: Draft = { directBilling: false, insurer: null, billingNote: null, note: null, redFlags: [] };
  if (args.reschedule !== undefined) {
    const old = await conversation.external(async () => {
      const appointment = await booking.appointments.findAppointment(args.reschedule!);
      if (!appointment || appointment.userId !== BigInt(userId) || appointment.status !== "confirmed") return null;
      const { request } = appointment;
      return { serviceId: appointment.serviceId, practitionerId: appointment.practitionerId, startsAt: appointment.startsAt.getTime(), name: request.patientName, phone: request.phone, directBilling: request.directBilling, insurer: request.insurer, billingNote: request.billingNote, note: request.note };
    });
    if (!old?.name || !old.phone) {
      await ctx.reply(t("booking-reschedule-gone"));
      return;
    }
    Object.assign(draft, { serviceId: old.serviceId, practitionerId: old.practitionerId, name: old.name, phone: old.phone, directBilling: old.directBilling, insurer: old.insurer, billingNote: old.billingNote, note: old.note });
    await ctx.reply(t("booking-reschedule-intro", { appointment: booking.notices.describe({ serviceId: old.serviceId, practitionerId: old.practitionerId, startsAt: new Date(old.startsAt) }, language) }));
    if (!(await chooseDayAndTime(draft))) return waitForFreedTime(draft);
    // The new request stores the phone number again: under the consent wording of today.
    await askConsent();
  } else {
    await chooseService(draft);
    await choosePractitioner(draft);
    if (!(await chooseDayAndTime(draft))) return waitForFreedTime(draft);
    await askName(draft);
    await askConsent();
    await askPhone(draft);
    await askBilling(draft);
    await askNote(draft);
  }

  for (;;) {
    await ctx.reply(summary(draft), {
      parse_mode: "HTML",
      reply_markup: InlineKeyboard.from([[button(t("booking-button-confirm-request"), "ok")], [button(t("booking-button-change"), "change")], cancelRow()]),
    });
    const reply = await answer(["ok", "change"]);
    if (reply.kind === "button" && reply.action === "change") {
      await change(draft);
      continue;
    }
    const result = await conversation.external(async () => {
      const outcome = await requestAppointment(booking, {
        userId,
        chatId,
        serviceId: draft.serviceId!,
        practitionerId: draft.slot!.practitionerId,
        anyPractitioner: draft.practitionerId === null,
        startsAt: new Date(draft.slot!.start),
        patientName: draft.name!,
        phone: draft.phone!,
        directBilling: draft.directBilling,
        insurer: draft.insurer,
        billingNote: draft.billingNote,
        note: draft.note,
        redFlags: draft.redFlags,
        language,
        replacesAppointmentId: args.reschedule ?? null,
      });
      return outcome.ok ? { ok: true as const, reference: formatReference(outcome.request.id) } : { ok: false as const, reason: outcome.reason };
    });
    if (result.ok) {
      await ctx.reply([t("booking-requested", { reference: result.reference, hours: String(clinic.booking.requestStaleAfterHours) }), clinic.disclaimer[language]].join("\n\n"));
      return;
    }
    if (result.reason === "limit") {
      await ctx.reply(t("booking-limit", { max: String(clinic.booking.maxUpcomingPerPatient) }));
      return;
    }
    // Taken meanwhile, or the notice period ran out while the patient was typing.
    await ctx.reply(t("booking-slot-gone"));
    if (!(await chooseDayAndTime(draft))) return waitForFreedTime(draft);
  }

  async function change(current: Draft): Promise<void> {
    const options = [
      [button(t("booking-change-time"), "ch:time")],
      [button(t("booking-change-name"), "ch:name")],
      [button(t("booking-change-phone"), "ch:phone")],
      [button(t("booking-change-billing"), "ch:billing")],
      [button(t("booking-change-note"), "ch:note")],
      cancelRow(),
    ];
    await ctx.reply(t("booking-change-what"), { reply_markup: InlineKeyboard.from(options) });
    const reply = await answer(["ch"]);
    if (reply.kind !== "button") return;
    if (reply.value === "time") {
      if (args.reschedule === undefined) {
        await chooseService(current);
        await choosePractitioner(current);
      }
      if (!(await chooseDayAndTime(current))) return waitForFreedTime(current);
      // Another service may not be billable directly.
      if (args.reschedule === undefined) await askBilling(current);
    }
    if (reply.value === "name") await askName(current);
    if (reply.value === "phone") await askPhone(current);
    if (reply.value === "billing") await askBilling(current);
    if (reply.value === "note") await askNote(current);
  }

  /** Nothing suits: the patient leaves a name and number and is offered any time that frees up that day. */
  async function waitForFreedTime(current: Draft): Promise<never> {
    if (!current.name) await askName(current);
    await askConsent();
    if (!current.phone) await askPhone(current);
    const joined = await conversation.external(async () =>
      (await joinWaitlist(booking, {
        userId,
        chatId,
        serviceId: current.serviceId!,
        practitionerId: current.practitionerId ?? null,
        date: current.date!,
        patientName: current.name!,
        phone: current.phone!,
        language,
      })).ok,
    );
    if (!joined) {
      await ctx.reply(t("booking-waitlist-limit", { max: String(clinic.booking.maxWaitlistPerPatient), phone: clinic.phone }), { reply_markup: { remove_keyboard: true } });
      return conversation.halt();
    }
    await ctx.reply(t("booking-waitlist-added", { day: formatShortDate(current.date!, language) }), { reply_markup: { remove_keyboard: true } });
    return conversation.halt();
  }
}

function inRows<T>(items: T[], perRow: number): T[][] {
  const rows: T[][] = [];
  for (let i = 0; i < items.length; i += perRow) rows.push(items.slice(i, i + perRow));
  return rows;
}

/** A phone number as typed or shared: digits with an optional leading +, 7 to 15 digits (E.164); null otherwise. */
export function normalizePhone(text: string): string | null {
  const trimmed = text.trim();
  if (!/^\+?[\d\s().-]+$/.test(trimmed)) return null;
  const digits = trimmed.replace(/\D/g, "");
  if (digits.length < 7 || digits.length > 15) return null;
  return `${trimmed.startsWith("+") ? "+" : ""}${digits}`;
}

/** Whether a typed time such as "14:30", "2:30 pm" or "14 h 30" reads the same as this instant in the clinic's zone. */
function sameClockTime(text: string, instant: number, zone: string): boolean {
  const match = /^(\d{1,2})\s*(?:[:h]\s*(\d{2}))?\s*([ap]\.?\s*m\.?)?$/i.exec(text.trim());
  if (!match) return false;
  let hour = Number(match[1]);
  const minute = Number(match[2] ?? "0");
  const meridiem = match[3]?.toLowerCase().replace(/[^ap]/g, "");
  if (meridiem === "p" && hour < 12) hour += 12;
  if (meridiem === "a" && hour === 12) hour = 0;
  const local = DateTime.fromMillis(instant, { zone });
  return local.hour === hour && local.minute === minute;
}
