import type { Context } from "grammy";
import type { ConversationFlavor } from "@grammyjs/conversations";
import type { I18nFlavor } from "@grammyjs/i18n";
import type { Logger } from "../logger.js";
import type { User } from "../db/repositories/user-repository.js";
import type { BotDeps } from "./deps.js";
import type { Config } from "../config.js";

/** What every handler can reach besides Telegram's own context. */
export interface AppFlavor {
  config: Config;
  deps: BotDeps;
  /** A child of the app logger carrying this update's id. */
  logger: Logger;
  /** The patient record of the sender in a private chat, loaded once per update (null before /start or outside private chats). */
  patient: User | null;
  /** Whether the sender is listed in STAFF_IDS (checked by numeric id on every update). */
  isStaff: boolean;
}

type BaseContext = Context & AppFlavor & I18nFlavor;

/** The one context type of the bot: grammY's context plus the plugin flavours. */
export type BotContext = ConversationFlavor<BaseContext>;

/** The context seen inside conversations (they build their own context objects). */
export type ConversationContext = Context & I18nFlavor;
