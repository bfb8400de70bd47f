import type { Message, User } from "grammy/types";
import type { TestBot } from "./test-bot.js";
import { command, contactMessage, textMessage } from "../../src/bot-api-peer/updates.js";

/**
 * Drives the /book conversation the way a patient does: by reading the last
 * message and pressing one of its buttons. Tests use the step helpers for the
 * parts they are not about, and plain updates for the parts they are.
 */
export function bookingSteps(t: TestBot) {
  const lastTo = (chatId: number): Message => {
    const message = t.sim.lastMessageTo(chatId);
    if (!message) throw new Error(`nothing was sent to ${chatId}`);
    return message;
  };

  /** Presses the button whose label contains `label` (or whose data ends with it) on the latest message with buttons. */
  async function press(who: User, label: string | RegExp, chatId: number = who.id): Promise<void> {
    const withButtons = [...t.sentTo(chatId)].reverse().find((message) => t.sim.buttonsOf(message).length > 0);
    if (!withButtons) throw new Error(`no message with buttons in chat ${chatId}`);
    const current = t.sim.message(chatId, withButtons.message_id)!;
    const button = t.sim.buttonsOf(current).find((entry) =>
      typeof label === "string" ? entry.text.includes(label) || entry.callback_data?.endsWith(label) : label.test(entry.text),
    );
    if (!button?.callback_data) throw new Error(`no button "${String(label)}" in ${JSON.stringify(t.sim.buttonsOf(current))}`);
    await t.send(t.sim.pressButton(who, current, button.callback_data));
  }

  async function say(who: User, text: string): Promise<void> {
    await t.send(textMessage(who, text));
  }

  /**
   * From /book to just after the name (the patient's Telegram name), choosing the first day and time offered:
   * the bot then asks for consent, or for the phone number when the patient already agreed to the current wording.
   */
  async function upToConsent(who: User, options: { service?: string; practitioner?: string } = {}): Promise<void> {
    await t.send(command(who, "/book"));
    await press(who, options.service ?? "60 min");
    await press(who, options.practitioner ?? "No preference");
    await press(who, /^(?!.*Cancel)/);
    await press(who, /^\d/);
    await press(who, "Use");
  }

  /** From /book to the summary, choosing the first day and time offered. */
  async function upToSummary(who: User, options: { service?: string; practitioner?: string; note?: string | null; billing?: boolean } = {}): Promise<void> {
    await upToConsent(who, options);
    if (t.lastTextTo(who.id)?.includes("Do you agree")) await press(who, "I agree");
    await t.send(contactMessage(who, "+1 613 555 0199"));
    await press(who, options.billing ? "Yes" : "No");
    if (options.billing) {
      await say(who, "Sun Life");
      await press(who, "Skip");
    }
    if (options.note === undefined || options.note === null) await press(who, "Skip");
    else await say(who, options.note);
  }

  async function bookRequest(who: User, options: Parameters<typeof upToSummary>[1] = {}): Promise<string> {
    await upToSummary(who, options);
    await press(who, "Send my request");
    const reply = t.lastTextTo(who.id) ?? "";
    const reference = /MS-\d+-\d/.exec(reply)?.[0];
    if (!reference) throw new Error(`no reference in "${reply}"`);
    return reference;
  }

  return { press, say, upToConsent, upToSummary, bookRequest, lastTo };
}
