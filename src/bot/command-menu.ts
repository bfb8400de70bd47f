import type { Api, MiddlewareFn } from "grammy";
import type { BotCommandScope } from "grammy/types";
import { CommandGroup } from "@grammyjs/commands";
import { LANGUAGES, type Language } from "../clinic/clinic-profile.js";
import type { Config } from "../config.js";
import type { BotContext } from "./context.js";
import type { Translator } from "./i18n.js";
import type { Logger } from "../logger.js";
import { describeError } from "../shared/errors.js";
import { languageFor } from "./i18n.js";

/** Commands shown in Telegram's menu, in order; descriptions come from the locale files (`command-<name>`). */
export const PATIENT_COMMANDS = ["start", "help", "book", "appointments", "subscribe", "settings", "tip", "timezone", "unsubscribe", "language", "privacy", "mydata", "forget"] as const;
export const STAFF_COMMANDS = ["requests", "today", "desk", "broadcast", "broadcasts", "stats", "articles", "cancel"] as const;
/**
 * The commands that answer in the staff group. The others answer in private
 * chats only: booking, tips, language and privacy are a patient's own chat,
 * and writing an announcement (/broadcast, /broadcasts, /stats, /cancel)
 * is a staff member's private chat with the bot.
 */
export const STAFF_GROUP_COMMANDS = ["help", "requests", "today", "desk", "articles"] as const;

type MenuChats = Pick<Config, "staffIds" | "staffChatId">;

/**
 * The bot's command menus, defined with @grammyjs/commands, in every language:
 * - everyone's private chat (the default scope): the patient commands;
 * - each staff member's private chat: the patient commands, then the staff commands;
 * - the staff group (STAFF_CHAT_ID, when it is a group): only what answers there;
 * - any other group the bot is in: /help, the one command that answers in any chat.
 * The commands are answered by the features' own handlers; these are their menus.
 */
export function commandMenus(i18n: Translator, defaultLanguage: Language, chats: MenuChats): CommandGroup<BotContext> {
  const staffPrivateChats: BotCommandScope[] = chats.staffIds.map((id) => ({ type: "chat", chat_id: id }));
  const staffGroup: BotCommandScope[] = chats.staffChatId !== undefined && chats.staffChatId < 0 ? [{ type: "chat", chat_id: chats.staffChatId }] : [];
  const otherGroups: BotCommandScope[] = [{ type: "all_group_chats" }];
  const menus = new CommandGroup<BotContext>();
  const add = (name: string, scopes: BotCommandScope[]) => {
    const command = menus.command(name, i18n.t(defaultLanguage, `command-${name}`));
    for (const language of LANGUAGES) command.localize(language, name, i18n.t(language, `command-${name}`));
    for (const scope of scopes) command.addToScope(scope);
  };
  const inGroup = (name: string) => (STAFF_GROUP_COMMANDS as readonly string[]).includes(name);
  for (const name of PATIENT_COMMANDS) add(name, [{ type: "default" }, ...staffPrivateChats, ...(inGroup(name) ? staffGroup : []), ...(name === "help" ? otherGroups : [])]);
  for (const name of STAFF_COMMANDS) add(name, [...staffPrivateChats, ...(inGroup(name) ? staffGroup : [])]);
  return menus;
}

type MenuCall = ReturnType<CommandGroup<BotContext>["toArgs"]>["scopes"][number];

/**
 * Sets the menus: every one at start (one setMyCommands per scope and
 * language), and a staff member's private-chat menu again the first time they
 * write if Telegram refused it at start (they had never opened the bot's chat).
 * Not essential to serving patients: a failure (a local Bot API server without
 * setMyCommands, say) is logged and the other menus are set all the same.
 * The plugin's own setCommands would stop at the first failure's report and
 * send its bookkeeping fields along; its toArgs gives the same calls to make
 * one by one.
 *
 * Telegram picks a menu by the app's language, but a patient who chose another
 * language in the bot (/language) is spoken to in that one: their private chat
 * then gets its own menu in the language they chose.
 */
export class CommandMenuRegistry {
  private readonly calls: MenuCall[];
  /** Private chats whose menu Telegram refused, set again when their person writes. */
  private readonly refused = new Set<number>();
  /** Private chats given a menu in the language their person chose, and that language. */
  private readonly chosen = new Map<number, Language>();

  constructor(
    menus: CommandGroup<BotContext>,
    private readonly logger: Logger,
    private readonly defaultLanguage: Language,
  ) {
    const { scopes, uncompliantCommands } = menus.toArgs();
    if (uncompliantCommands.length > 0) logger.warn({ uncompliantCommands }, "some commands do not fit Telegram's rules and are left out of the menu");
    this.calls = scopes;
  }

  async registerAll(api: Api): Promise<void> {
    await this.set(api, this.calls, { retryLater: true });
  }

  /**
   * Middleware, in the background of a private chat's update: the menu Telegram
   * refused at start (tried once more only), and a menu in the language the
   * person chose, once the update has been handled (a /language choice included).
   */
  readonly catchUp: MiddlewareFn<BotContext> = async (ctx, next) => {
    const chatId = ctx.chat?.type === "private" ? ctx.chat.id : undefined;
    const refusedAtStart = chatId !== undefined && this.refused.delete(chatId) ? this.set(ctx.api, this.callsOfChat(chatId)) : undefined;
    await next();
    if (chatId === undefined || !ctx.patient) return;
    const language = this.menuLanguageWanted(chatId, ctx.patient.language, ctx.from?.language_code);
    if (language === undefined) return;
    void (async () => {
      await refusedAtStart;
      await this.showIn(ctx.api, chatId, language);
    })();
  };

  /**
   * The language this chat's menu should be set in now, or undefined when it
   * shows the right one already: the person's choice if it differs from the
   * menu their app shows, or the app's own again once the choice is gone.
   */
  private menuLanguageWanted(chatId: number, choice: string | null, appLanguage: string | undefined): Language | null | undefined {
    const chosen = choice === null ? undefined : languageFor(choice, undefined, this.defaultLanguage);
    const setHere = this.chosen.get(chatId);
    if (chosen === undefined) return setHere === undefined ? undefined : null;
    if (setHere === chosen) return undefined;
    if (setHere === undefined && chosen === languageFor(null, appLanguage, this.defaultLanguage)) return undefined;
    return chosen;
  }

  /** Sets the chat's menu in `language` (null: back to the menus set at start, by the app's language). */
  private async showIn(api: Api, chatId: number, language: Language | null): Promise<void> {
    const own = this.callsOfChat(chatId);
    if (language === null) {
      this.chosen.delete(chatId);
      if (own.length > 0) await this.set(api, own);
      else await this.run(api, [{ scope: { type: "chat", chat_id: chatId } }], ({ scope }) => api.deleteMyCommands({ scope }));
      return;
    }
    // A staff member's chat has a menu per app language: each becomes the chosen language's; a patient's gets one.
    const source = own.length > 0 ? own : this.calls.filter((call) => call.scope?.type === "default");
    const commands = (source.find((call) => call.language_code === language) ?? source.find((call) => !call.language_code))?.commands ?? [];
    const targets: MenuCall[] = own.length > 0 ? own.map((call) => ({ ...call, commands })) : [{ scope: { type: "chat", chat_id: chatId }, commands }];
    if (await this.set(api, targets)) this.chosen.set(chatId, language);
  }

  private callsOfChat(chatId: number): MenuCall[] {
    return this.calls.filter((call) => chatOf(call) === chatId);
  }

  /** Sets these menus, each on its own; true when all were set. */
  private async set(api: Api, calls: MenuCall[], { retryLater = false } = {}): Promise<boolean> {
    const failures = await this.run(api, calls, ({ scope, language_code, commands }) =>
      api.setMyCommands(
        commands.map(({ command, description }) => ({ command, description })),
        { scope, ...(language_code && { language_code }) },
      ),
    );
    for (const { call } of retryLater ? failures : []) {
      const chatId = chatOf(call);
      if (chatId !== undefined && chatId > 0) this.refused.add(chatId);
    }
    return failures.length === 0;
  }

  private async run<Call extends Pick<MenuCall, "scope">>(api: Api, calls: Call[], call: (entry: Call) => Promise<unknown>) {
    const results = await Promise.allSettled(calls.map(call));
    const failures = results.flatMap((result, index) => (result.status === "rejected" ? [{ call: calls[index]!, err: describeError(result.reason) }] : []));
    if (failures.length > 0) {
      this.logger.warn({ failed: failures.length, of: calls.length, first: { scope: failures[0]!.call.scope, err: failures[0]!.err } }, "could not register some command menus; carrying on");
    }
    return failures;
  }
}

function chatOf(call: Pick<MenuCall, "scope">): number | undefined {
  return call.scope?.type === "chat" && typeof call.scope.chat_id === "number" ? call.scope.chat_id : undefined;
}
