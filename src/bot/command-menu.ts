import type { Api } from "grammy";
import type { BotCommand } from "grammy/types";
import { LANGUAGES } from "../clinic/clinic-profile.js";
import type { Translator } from "./i18n.js";
import type { Logger } from "../logger.js";
import { describeError } from "../shared/errors.js";

/** Commands shown in Telegram's menu, in order; descriptions come from the locale files (`command-<name>`). */
export const PATIENT_COMMANDS = ["start", "help", "book", "appointments", "subscribe", "settings", "tip", "timezone", "unsubscribe", "language", "privacy", "mydata", "forget"] as const;
export const STAFF_COMMANDS = ["requests", "today", "desk", "broadcast", "broadcasts", "stats", "articles", "cancel"] as const;

function commandsFor(names: readonly string[], i18n: Translator, language: string): BotCommand[] {
  return names.map((command) => ({ command, description: i18n.t(language, `command-${command}`) }));
}

/**
 * Registers the command menu for every language, and the staff commands in the
 * staff chat. Not essential to serving patients: a failure (for instance a local
 * Bot API server that does not implement setMyCommands) is logged and ignored.
 */
export async function registerCommandMenu(api: Api, i18n: Translator, staffChatId: number | undefined, logger: Logger): Promise<void> {
  const calls: Array<Promise<unknown>> = [api.setMyCommands(commandsFor(PATIENT_COMMANDS, i18n, "en"))];
  for (const language of LANGUAGES) {
    calls.push(api.setMyCommands(commandsFor(PATIENT_COMMANDS, i18n, language), { language_code: language }));
  }
  if (staffChatId !== undefined && STAFF_COMMANDS.length > 0) {
    calls.push(
      api.setMyCommands(commandsFor([...PATIENT_COMMANDS, ...STAFF_COMMANDS], i18n, "en"), { scope: { type: "chat", chat_id: staffChatId } }),
    );
  }
  const results = await Promise.allSettled(calls);
  const failure = results.find((result) => result.status === "rejected");
  if (failure) logger.warn({ err: describeError(failure.reason) }, "could not register the command menu; carrying on");
}
