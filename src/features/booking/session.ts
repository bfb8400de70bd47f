import { InlineKeyboard, type Context } from "grammy";
import type { Conversation } from "@grammyjs/conversations";
import type { BotContext } from "../../bot/context.js";
import type { BotDeps } from "../../bot/deps.js";
import type { Language } from "../../clinic/clinic-profile.js";
import { bookingStepButtons } from "./buttons.js";
import { bookingWording } from "../booking-wording.js";

/** What the patient chose or typed so far, built up step by step. */
export interface Draft {
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

export function emptyDraft(): Draft {
  return { directBilling: false, insurer: null, billingNote: null, note: null, redFlags: [] };
}

export interface BookingArgs {
  language: Language;
  /** Short random id of this run, carried by its buttons. */
  run: string;
  /** The appointment to move, when rescheduling. */
  reschedule?: number;
}

export type Answer = { kind: "button"; action: string; value: string } | { kind: "text"; text: string } | { kind: "contact"; phone: string; own: boolean };

export type BookingConversation = Conversation<BotContext, Context>;

export type BookingSession = ReturnType<typeof bookingSession>;

/**
 * What every step of one booking run shares: the patient's chat, this run's
 * language and buttons, and `answer`, which waits for this step's input.
 */
export function bookingSession(deps: BotDeps, conversation: BookingConversation, ctx: Context, args: BookingArgs) {
  const { language, run } = args;
  const { clinic, booking } = deps;
  const t = (key: string, vars?: Record<string, string>) => deps.i18n.t(language, key, vars);
  const words = bookingWording(deps.i18n, clinic);
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

  return { deps, conversation, ctx, args, language, clinic, booking, t, words, userId, chatId, now, button, cancelRow, answer, cancel };
}
