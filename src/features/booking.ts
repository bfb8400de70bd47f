import { randomUUID } from "node:crypto";
import { Composer, type Context } from "grammy";
import { createConversation } from "@grammyjs/conversations";
import type { BotContext } from "../bot/context.js";
import type { BotDeps } from "../bot/deps.js";
import { contextLanguage } from "../bot/i18n.js";
import { BOOKING_WAIT_LIMIT_MS } from "../booking/booking-deps.js";
import { bookButtons, bookingStepButtons } from "./booking/buttons.js";
import { bookingSession, emptyDraft, type BookingArgs, type BookingConversation } from "./booking/session.js";
import { chooseDayAndTime, choosePractitioner, chooseService } from "./booking/choose-slot.js";
import { askBilling, askConsent, askName, askNote, askPhone } from "./booking/patient-details.js";
import { change, confirmSummary, loadAppointmentToMove, submitRequest, waitForFreedTime } from "./booking/request.js";

export type { BookingArgs } from "./booking/session.js";
export { CONSENT_PURPOSE, CONSENT_VERSION, normalizePhone } from "./booking/patient-details.js";

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
  const session = bookingSession(deps, conversation, ctx, args);
  const { t, clinic } = session;
  const draft = emptyDraft();

  if (args.reschedule !== undefined) {
    // Rescheduling keeps the details and asks only the day and time again.
    if (!(await loadAppointmentToMove(session, draft, args.reschedule))) return;
    if (!(await chooseDayAndTime(session, draft))) return waitForFreedTime(session, draft);
    // The new request stores the phone number again: under the consent wording of today.
    await askConsent(session);
  } else {
    await chooseService(session, draft);
    await choosePractitioner(session, draft);
    if (!(await chooseDayAndTime(session, draft))) return waitForFreedTime(session, draft);
    await askName(session, draft);
    await askConsent(session);
    await askPhone(session, draft);
    await askBilling(session, draft);
    await askNote(session, draft);
  }

  for (;;) {
    if ((await confirmSummary(session, draft)) === "change") {
      await change(session, draft);
      continue;
    }
    const result = await submitRequest(session, draft);
    if (result.ok) {
      // The health disclaimer belongs to tips and health answers, not to a booking.
      await ctx.reply(t("booking-requested", { reference: result.reference, hours: String(clinic.booking.requestStaleAfterHours) }));
      return;
    }
    if (result.reason === "limit") {
      await ctx.reply(t("booking-limit", { max: String(clinic.booking.maxUpcomingPerPatient) }));
      return;
    }
    // Taken meanwhile, or the notice period ran out while the patient was typing.
    await ctx.reply(t("booking-slot-gone"));
    if (!(await chooseDayAndTime(session, draft))) return waitForFreedTime(session, draft);
  }
}
