import type { ClinicProfile } from "../clinic/clinic-profile.js";
import type { UserRepository } from "../db/repositories/user-repository.js";
import type { Logger } from "../logger.js";
import type { Translator } from "./i18n.js";
import type { StorageAdapter } from "grammy";

/** Everything the bot's features need from the outside world; tests pass fakes or test databases. */
export interface BotDeps {
  logger: Logger;
  clinic: ClinicProfile;
  i18n: Translator;
  users: UserRepository;
  /** Key-value storage for conversation state (survives restarts). */
  conversationStorage: StorageAdapter<unknown>;
  /** The current time; tests pass a fake clock. */
  now: () => Date;
}
