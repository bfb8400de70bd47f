/** Messages and their markup: buttons, keyboards, commands, as Telegram validates and shows them. */
import type { BotCommand, Chat, InlineKeyboardMarkup, Message, MessageEntity } from "grammy/types";
import type { Update } from "grammy/types";
import type { MessageContent } from "./chats.js";
import type { ApiParams, ButtonInfo } from "./options.js";
import { badRequest } from "./errors.js";
import { formatText } from "./html.js";

const CAPTION_LIMIT = 1024;
const CALLBACK_DATA_LIMIT_BYTES = 64;

/** Inline keyboard button fields that give the button an action; a button needs exactly one. */
const BUTTON_ACTIONS = [
  "url",
  "callback_data",
  "web_app",
  "login_url",
  "switch_inline_query",
  "switch_inline_query_current_chat",
  "switch_inline_query_chosen_chat",
  "copy_text",
  "callback_game",
  "pay",
];

export function buttonsOf(message: Message | undefined): ButtonInfo[] {
  return (message?.reply_markup?.inline_keyboard ?? []).flat().map((button) => ({
    text: button.text,
    ...("callback_data" in button && { callback_data: button.callback_data }),
    ...("url" in button && { url: button.url }),
  }));
}

/** What a message shows: what an edit must change. */
export function visibleContent(message: Message): string {
  const { text, entities, caption, caption_entities, reply_markup } = message;
  return canonicalJson({ text, entities, caption, caption_entities, reply_markup });
}

/** A message's content without its identity, for copies and forwards. */
export function contentOf(message: Message): MessageContent {
  const content: Record<string, unknown> = { ...message };
  for (const key of ["message_id", "from", "chat", "date", "edit_date", "forward_origin", "reply_to_message", "reply_markup", "sender_chat"]) delete content[key];
  return content;
}

export function defaultChat(id: number): Chat {
  if (id > 0) return { id, type: "private", first_name: `User ${id}` };
  // Supergroup and channel ids are -100 followed by the 10-digit id.
  return id < -1_000_000_000_000 ? { id, type: "supergroup", title: `Supergroup ${id}` } : { id, type: "group", title: `Group ${id}` };
}

export function updateType(update: Update): string {
  return Object.keys(update).find((key) => key !== "update_id") ?? "unknown";
}

export function captionOf(p: ApiParams): { caption?: string; caption_entities?: MessageEntity[] } {
  if (p.caption === undefined || p.caption === null) return {};
  const { text, entities } = formatText(p.caption, p.parse_mode, p.caption_entities);
  if (text.length > CAPTION_LIMIT) throw badRequest("message caption is too long");
  return { caption: text, ...(entities.length > 0 && { caption_entities: entities }) };
}

/** The inline keyboard of a reply_markup, validated like Telegram; other keyboards are not part of a Message. */
export function inlineKeyboard(markup: unknown): InlineKeyboardMarkup | undefined {
  if (markup === undefined || markup === null) return undefined;
  if (!isObject(markup)) throw badRequest("can't parse reply keyboard markup JSON object");
  if (!("inline_keyboard" in markup)) return undefined;
  const rows = markup.inline_keyboard;
  if (!Array.isArray(rows) || !rows.every(Array.isArray)) throw badRequest('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays');
  for (const button of rows.flat() as unknown[]) {
    if (!isObject(button) || typeof button.text !== "string") throw badRequest('can\'t parse inline keyboard button: Field "text" must be of type String');
    if (!BUTTON_ACTIONS.some((action) => button[action] !== undefined)) {
      throw badRequest("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard");
    }
    const data = button.callback_data;
    if (data !== undefined && (typeof data !== "string" || data === "" || Buffer.byteLength(data) > CALLBACK_DATA_LIMIT_BYTES)) {
      throw badRequest("BUTTON_DATA_INVALID");
    }
    if (button.url !== undefined && typeof button.url !== "string") throw badRequest('can\'t parse inline keyboard button: Field "url" must be of type String');
    if (typeof button.url === "string" && !/^(https?|tg):\/\//.test(button.url)) throw badRequest(`inline keyboard button URL '${button.url}' is invalid`);
  }
  return markup as unknown as InlineKeyboardMarkup;
}

export function validCommand(value: unknown): BotCommand {
  if (!isObject(value) || typeof value.command !== "string" || !/^[a-z0-9_]{1,32}$/.test(value.command)) throw badRequest("BOT_COMMAND_INVALID");
  if (typeof value.description !== "string" || value.description.length === 0 || value.description.length > 256) {
    throw badRequest("BOT_COMMAND_DESCRIPTION_INVALID");
  }
  return { command: value.command, description: value.description };
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function isUrl(value: string): boolean {
  return /^https?:\/\/[^\s/]+/i.test(value);
}

const MIME_TYPES: Record<string, string> = {
  pdf: "application/pdf",
  txt: "text/plain",
  csv: "text/csv",
  json: "application/json",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  png: "image/png",
  zip: "application/zip",
  ics: "text/calendar",
};

/** Telegram guesses a document's type from its name (grammY uploads everything as octet-stream). */
export function mimeTypeOf(fileName: string): string {
  return MIME_TYPES[fileName.split(".").pop()?.toLowerCase() ?? ""] ?? "application/octet-stream";
}

/** JSON with object keys sorted, so equal values compare equal whatever their key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    isObject(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}
