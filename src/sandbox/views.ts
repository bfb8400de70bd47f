import { DateTime } from "luxon";
import type { BotCommand, Message, ReplyKeyboardMarkup } from "grammy/types";
import { renderEntities } from "./render.js";

/** A chat on the page. */
export interface ChatView {
  id: number;
  kind: "patient" | "staff";
  name: string;
  language: "en" | "fr";
}

export interface ButtonView {
  text: string;
  data?: string;
  url?: string;
  /** A Mini App button: the page opens it with launch data. */
  webApp?: string;
}

/** A message as the page draws it: safe HTML, its buttons, its file. */
export interface MessageView {
  id: number;
  /** True for the bot's messages. */
  fromBot: boolean;
  html: string;
  buttons: ButtonView[][];
  document?: { fileId: string; name: string; size: number | undefined };
  photo?: boolean;
  contact?: string;
  edited: boolean;
  /** The time shown, on the sandbox clock in the clinic's zone ("Mon 09:00"). */
  time: string;
}

/** A menu button that opens a Mini App. */
export interface MenuButtonView {
  text: string;
  webApp: string;
}

type ChatSnapshot = ChatView & { messages: MessageView[]; keyboard: ReplyKeyboardMarkup | null | unknown; commands: BotCommand[]; menuButton?: MenuButtonView | null };

/** What the page is told, live. */
export type SandboxEvent =
  | { type: "message" | "edited"; chatId: number; message: MessageView }
  | { type: "deleted"; chatId: number; messageId: number }
  | { type: "typing"; chatId: number; action: string }
  | { type: "keyboard"; chatId: number; keyboard: ReplyKeyboardMarkup | null }
  | { type: "commands"; chatId: number; commands: BotCommand[]; menuButton: MenuButtonView | null }
  | { type: "chat"; chat: ChatSnapshot }
  | { type: "clock"; clock: string }
  | { type: "crowd"; added: number; total: number };

export function viewOf(message: Message, options: { at: number; zone: string; botId: number }): MessageView {
  const text = message.text ?? message.caption ?? "";
  const entities = message.entities ?? message.caption_entities ?? [];
  const buttons = (message.reply_markup?.inline_keyboard ?? []).map((row) =>
    row.map((button): ButtonView => ({
      text: button.text,
      ...("callback_data" in button && { data: button.callback_data }),
      ...("url" in button && { url: button.url }),
      ...("web_app" in button && button.web_app && { webApp: button.web_app.url }),
    })),
  );
  return {
    id: message.message_id,
    fromBot: message.from?.id === options.botId,
    html: renderEntities(text, entities),
    buttons,
    ...(message.document && { document: { fileId: message.document.file_id, name: message.document.file_name ?? "file", size: message.document.file_size } }),
    ...(message.photo && { photo: true }),
    ...(message.contact && { contact: message.contact.phone_number }),
    edited: message.edit_date !== undefined,
    time: DateTime.fromMillis(options.at, { zone: options.zone }).toFormat("ccc HH:mm"),
  };
}
