import { InlineKeyboard } from "grammy";
import { DateTime } from "luxon";
import { formatShortDate, formatTime } from "../../clinic/format.js";
import { availableSlots, eligiblePractitioners, openDays } from "../../booking/available-slots.js";
import { busyAhead } from "../../booking/booking-deps.js";
import type { BookingSession, Draft } from "./session.js";
import { localDate } from "../../shared/time.js";

/** The booking steps that choose what and when: service, practitioner, day and time. */

export async function chooseService(session: BookingSession, draft: Draft): Promise<void> {
  const { ctx, language, clinic, t, button, cancelRow, answer } = session;
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

export async function choosePractitioner(session: BookingSession, draft: Draft): Promise<void> {
  const { ctx, clinic, t, button, cancelRow, answer } = session;
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
export async function chooseDayAndTime(session: BookingSession, draft: Draft): Promise<boolean> {
  const { deps, conversation, ctx, language, clinic, booking, t, button, cancelRow, answer } = session;
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
    draft.date = await pickDay(session, days);

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

export async function pickDay(session: BookingSession, days: string[]): Promise<string> {
  const { ctx, clinic, t, now, answer } = session;
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
    const today = localDate(await now(), clinic.timeZone);
    const day = typed.toISODate()!;
    if (days.includes(day)) return day;
    await ctx.reply(t(day < today ? "booking-date-past" : "booking-date-unavailable"));
  }
}

function inRows<T>(items: T[], perRow: number): T[][] {
  const rows: T[][] = [];
  for (let i = 0; i < items.length; i += perRow) rows.push(items.slice(i, i + perRow));
  return rows;
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
