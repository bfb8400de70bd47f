/**
 * The bot's command menus as setMyCommands leaves them, by scope and language,
 * and the menu a Telegram app shows a user in a chat, chosen by Telegram's
 * rules ("Determining list of commands" in the Bot API): the most specific
 * scope set for that chat and user, each first in the user's language, then
 * for all languages.
 */
import type { BotCommand, BotCommandScope, Chat } from "grammy/types";
import { badRequest } from "./errors.js";
import { canonicalJson, isObject, validCommand } from "./markup.js";
import type { ApiParams } from "./options.js";

const COMMANDS_LIMIT = 100;

const SCOPE_TYPES = new Set(["default", "all_private_chats", "all_group_chats", "all_chat_administrators", "chat", "chat_administrators", "chat_member"]);

/** Who looks at the menu, and in which chat. */
export interface MenuViewer {
  chat: Pick<Chat, "id" | "type">;
  user: { id: number; language_code?: string };
  /** The user administers that group (the peer has no members list: the caller says so). */
  administrator?: boolean;
}

export class CommandMenus {
  private readonly menus = new Map<string, BotCommand[]>();

  /** setMyCommands: replaces the menu of one scope and language, after Telegram's checks. */
  set(p: ApiParams): void {
    if (!Array.isArray(p.commands)) throw badRequest('parameter "commands" is required');
    if (p.commands.length > COMMANDS_LIMIT) throw badRequest("BOT_COMMANDS_TOO_MUCH");
    this.menus.set(menuKey(p), p.commands.map(validCommand));
  }

  /** getMyCommands: exactly the menu of that scope and language, as Telegram answers it (no fallback). */
  get(p: ApiParams): BotCommand[] {
    return this.menus.get(menuKey(p)) ?? [];
  }

  delete(p: ApiParams): void {
    this.menus.delete(menuKey(p));
  }

  clear(): void {
    this.menus.clear();
  }

  /** The menu set for one scope and language, if any ("" for all languages). */
  find(scope: BotCommandScope, languageCode = ""): BotCommand[] | undefined {
    return this.menus.get(menuKey({ scope, language_code: languageCode }));
  }

  /** What the user's app shows in the chat's ☰ menu. */
  shownTo({ chat, user, administrator = false }: MenuViewer): BotCommand[] {
    const language = (user.language_code ?? "").slice(0, 2).toLowerCase();
    for (const scope of scopesInOrder(chat, user.id, administrator)) {
      for (const code of language === "" ? [""] : [language, ""]) {
        const commands = this.find(scope, code);
        if (commands) return commands;
      }
    }
    return [];
  }
}

/** The scopes that apply to a user in a chat, most specific first. */
function scopesInOrder(chat: Pick<Chat, "id" | "type">, userId: number, administrator: boolean): BotCommandScope[] {
  if (chat.type === "private") return [{ type: "chat", chat_id: chat.id }, { type: "all_private_chats" }, { type: "default" }];
  if (chat.type === "channel") return [{ type: "default" }];
  return [
    { type: "chat_member", chat_id: chat.id, user_id: userId },
    ...(administrator ? [{ type: "chat_administrators" as const, chat_id: chat.id }] : []),
    { type: "chat", chat_id: chat.id },
    ...(administrator ? [{ type: "all_chat_administrators" as const }] : []),
    { type: "all_group_chats" },
    { type: "default" },
  ];
}

/** One key per scope and language; the scope checked as Telegram checks it. */
function menuKey(p: ApiParams): string {
  const scope = p.scope ?? { type: "default" };
  if (!isObject(scope) || typeof scope.type !== "string" || !SCOPE_TYPES.has(scope.type)) throw badRequest("unsupported bot command scope type");
  const needsChat = scope.type === "chat" || scope.type === "chat_administrators" || scope.type === "chat_member";
  if (needsChat && (typeof scope.chat_id !== "number" && typeof scope.chat_id !== "string")) throw badRequest("chat_id is empty");
  if (scope.type === "chat_member" && typeof scope.user_id !== "number") throw badRequest("user_id is empty");
  const language = p.language_code ?? "";
  if (typeof language !== "string" || !/^([a-z]{2})?$/.test(language)) throw badRequest("invalid language code specified");
  const canonical = needsChat ? { ...scope, chat_id: Number(scope.chat_id) } : { type: scope.type };
  return `${canonicalJson(canonical)}|${language}`;
}
