import type { StorageAdapter } from "grammy";
import type { ClinicProfile } from "../clinic/clinic-profile.js";
import type { UserRepository } from "../db/repositories/user-repository.js";
import type { ProcessedUpdateRepository } from "../db/repositories/processed-update-repository.js";
import type { FiguresRepository } from "../db/repositories/figures-repository.js";
import type { Logger } from "../logger.js";
import type { Translator } from "./i18n.js";
import type { TipRepository } from "../tips/tip-repository.js";
import type { TipCatalog } from "../tips/enqueue-due-tips.js";
import type { OutboxStore } from "../delivery/outbox.js";
import type { SendRateLimiter } from "../delivery/send-rate.js";
import type { SafetyRules } from "../safety/red-flags.js";
import type { PersonalDataRepository } from "../privacy/personal-data-repository.js";
import type { BroadcastRepository } from "../broadcast/broadcast-repository.js";
import type { BroadcastService } from "../broadcast/broadcast-service.js";
import type { BookingDeps } from "../booking/booking-deps.js";
import type { ChatLock } from "./chat-lock.js";
import type { Metrics } from "../metrics.js";
import type { BlogArticleRepository } from "../content/blog/blog-article-repository.js";
import type { TipLibrary } from "../content/tip-library.js";

/** Everything the bot's features need from the outside world; tests build it with createServices too. */
export interface BotDeps {
  logger: Logger;
  clinic: ClinicProfile;
  i18n: Translator;
  users: UserRepository;
  /** The update ids already taken on: an update delivered again is dropped (once-per-update.ts). */
  processedUpdates: ProcessedUpdateRepository;
  /** The clinic's figures for /stats, read in one statement. */
  figures: FiguresRepository;
  tips: TipRepository;
  tipCatalog: TipCatalog;
  /** The tip library (content/ files and published blog articles); refresh() picks up what another instance published. */
  tipLibrary: TipLibrary;
  /** The clinic's blog articles and their review state. */
  blog: BlogArticleRepository;
  outbox: OutboxStore;
  /** Shared with the delivery engine, so replies to patients count against Telegram's global rate. */
  limiter: SendRateLimiter;
  /** Export, erasure and consent of a patient's personal data. */
  personalData: PersonalDataRepository;
  broadcasts: BroadcastRepository;
  broadcastService: BroadcastService;
  /** Red-flag phrases and the urgent-care advice (content/safety.yml). */
  safety: SafetyRules;
  /** Key-value storage for conversation state (survives restarts). */
  conversationStorage: StorageAdapter<unknown>;
  /** The current time; tests pass a fake clock. */
  now: () => Date;
  /** Prometheus metrics of this app instance (updates by type, handling time). */
  metrics?: Metrics;
  /** Appointment requests, appointments and the waitlist, with what they tell patients and staff. */
  booking: BookingDeps;
  /** Several instances on PostgreSQL: one update per chat at a time across all of them (absent otherwise). */
  chatLock?: ChatLock;
}
