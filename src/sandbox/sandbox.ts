/**
 * The sandbox: the real bot (startApp: the same createBot, services, scheduler
 * and database code as production) against the in-process Bot API peer, on a
 * throwaway SQLite file unless a DATABASE_URL is given, with a clock that can
 * be moved forward. The chat page (page-server.ts) drives it.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BotCommand, Message, User } from "grammy/types";
import { startApp, type RunningApp } from "../app.js";
import { loadConfig, type Config } from "../config.js";
import { createLogger, type Logger } from "../logger.js";
import { loadClinicProfile, type ClinicProfile } from "../clinic/clinic-profile.js";
import { BotApiSimulator, type PeerEvent } from "../bot-api-peer/index.js";
import { continueUpdateIdsAfter, testBotInfo, user } from "../bot-api-peer/updates.js";
import { SandboxClock } from "./clock.js";
import { signLaunchData } from "../desk/launch-data.js";
import { freePort } from "../http/free-port.js";
import { createSandboxRecords } from "./sandbox-records.js";
import { viewOf, type ChatView, type MenuButtonView, type MessageView, type SandboxEvent } from "./views.js";

export interface SandboxOptions {
  /** A database to use instead of a throwaway SQLite file. */
  databaseUrl?: string;
  contentDir?: string;
  logLevel?: Config["logLevel"];
}

/** The staff member every sandbox starts with; their private chat is the staff chat. */
export const SANDBOX_STAFF: User = user(500_001, { first_name: "Sam", last_name: "Staff", username: "sam_staff", language_code: "en" });
const FIRST_PATIENT_ID = 600_001;
const FIRST_CROWD_ID = 900_001;
/** How many patients of earlier runs (on a given DATABASE_URL) the page shows again. */
const RESUMED_PATIENTS = 20;
/** Made-up patients' ids end here (a run adds at most 5 000 at a time). */
const LAST_CROWD_ID = 1_000_000;
const CROWD_NAMES = ["Alex", "Jordan", "Camille", "Noah", "Léa", "Maya", "Omar", "Chloé", "Liam", "Zoé", "Ravi", "Inès"];

export class Sandbox {
  private readonly listeners = new Set<(event: SandboxEvent) => void>();
  private readonly chats = new Map<number, ChatView>();
  /** When each message first appeared, on the sandbox clock (the peer dates them by the system clock). */
  private readonly shownAt = new Map<string, number>();
  private nextPatientId = FIRST_PATIENT_ID;
  private nextCrowdId = FIRST_CROWD_ID;
  private stopWatchingPeer: () => void = () => undefined;

  private constructor(
    readonly peer: BotApiSimulator,
    readonly clock: SandboxClock,
    readonly app: RunningApp,
    readonly config: Config,
    readonly clinic: ClinicProfile,
    private readonly cleanUp: () => void,
  ) {
    this.chats.set(SANDBOX_STAFF.id, { id: SANDBOX_STAFF.id, kind: "staff", name: `${SANDBOX_STAFF.first_name} (staff)`, language: "en" });
    this.stopWatchingPeer = peer.subscribe((event) => this.onPeerEvent(event));
  }

  static async start(options: SandboxOptions = {}, logger?: Logger): Promise<Sandbox> {
    // A made-up token, new each run: the peer accepts only it, and it signs Mini App launch data.
    const token = `${100_000_000 + (randomBytes(4).readUInt32BE() % 800_000_000)}:SANDBOX${randomBytes(24).toString("base64url")}`;
    const contentDir = options.contentDir ?? "content";
    const clinic = loadClinicProfile(contentDir);
    const peer = new BotApiSimulator({ token, botInfo: testBotInfo({ first_name: clinic.name.en, username: "clinic_sandbox_bot" }) });
    const { apiRoot } = await peer.listen();
    const folder = options.databaseUrl ? undefined : mkdtempSync(join(tmpdir(), "clinic-sandbox-"));
    const cleanUp = () => folder && rmSync(folder, { recursive: true, force: true });
    const deskPort = await freePort();
    const config = loadConfig({
      BOT_TOKEN: token,
      DATABASE_URL: options.databaseUrl ?? `file:${join(folder ?? "", "sandbox.db")}`,
      TELEGRAM_API_ROOT: apiRoot,
      STAFF_IDS: String(SANDBOX_STAFF.id),
      STAFF_CHAT_ID: String(SANDBOX_STAFF.id),
      // The bot's own HTTP entry (/healthz and the staff desk) is not the page: a free port, which the desk's address names.
      PORT: String(deskPort),
      PUBLIC_URL: `http://127.0.0.1:${deskPort}`,
      CONTENT_DIR: contentDir,
      LOG_LEVEL: options.logLevel ?? "warn",
    });
    const clock = new SandboxClock();
    let app: RunningApp | undefined;
    try {
      app = await startApp(config, logger ?? createLogger(config.logLevel), { now: clock.now });
      const sandbox = new Sandbox(peer, clock, app, config, clinic, cleanUp);
      if (options.databaseUrl) await sandbox.resume();
      return sandbox;
    } catch (error) {
      await app?.stop();
      await peer.close();
      cleanUp();
      throw error;
    }
  }

  /**
   * A database given to the sandbox outlives it: a new run goes on from the
   * last one. Its clock resumes at the last time the bot sent something (when
   * that is ahead), the page shows the patients of earlier runs again (the
   * latest ones, without their old messages), and new patients are new
   * people to the bot, not ones it already knows.
   */
  private async resume(): Promise<void> {
    const records = createSandboxRecords(this.app.database.prisma);
    for (const patient of await records.usersBetween(FIRST_PATIENT_ID, FIRST_CROWD_ID, RESUMED_PATIENTS)) {
      this.chats.set(patient.id, { id: patient.id, kind: "patient", name: patient.name || `Patient ${patient.id}`, language: patient.language?.startsWith("fr") ? "fr" : "en" });
    }
    const known = await records.highestUserId(FIRST_PATIENT_ID, FIRST_CROWD_ID);
    if (known !== undefined) this.nextPatientId = known + 1;
    const crowd = await records.highestUserId(FIRST_CROWD_ID, LAST_CROWD_ID);
    if (crowd !== undefined) this.nextCrowdId = crowd + 1;
    // The bot remembers the update ids of the last day and drops an update it has seen: new ones come after those.
    const lastUpdate = await this.app.services.deps.processedUpdates.highest();
    if (lastUpdate !== undefined) continueUpdateIdsAfter(lastUpdate);
    const lastSent = await records.lastSentAt();
    if (lastSent && lastSent > this.clock.now()) {
      this.clock.moveTo(lastSent);
      await this.app.scheduler.runAll();
    }
  }

  get token(): string {
    return this.config.botToken;
  }

  /**
   * Where a web_app button of the bot opens, as Telegram opens it: the
   * address with launch data signed for the person of that chat in its
   * fragment. Only the bot's own address (PUBLIC_URL) is opened.
   */
  webAppLaunchUrl(chatId: number, url: string): string {
    const publicUrl = this.config.publicUrl;
    if (!publicUrl || !(url === publicUrl || url.startsWith(`${publicUrl}/`))) throw new SandboxError("the sandbox opens only the bot's own Mini App");
    const person = this.userOf(chatId);
    const initData = signLaunchData(
      {
        query_id: `sandbox-${randomBytes(6).toString("hex")}`,
        user: JSON.stringify({ id: person.id, first_name: person.first_name, last_name: person.last_name, language_code: person.language_code }),
        // Signed on the sandbox clock, which the bot also reads: a moved clock does not make it stale.
        auth_date: String(Math.floor(this.clock.now().getTime() / 1000)),
      },
      this.token,
    );
    const fragment = new URLSearchParams({ tgWebAppData: initData, tgWebAppVersion: "8.0", tgWebAppPlatform: "web" });
    return `${url.split("#")[0]}#${fragment.toString()}`;
  }

  subscribe(listener: (event: SandboxEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Everything the page shows, for a page that just connected. */
  snapshot(): { chats: Array<ChatView & { messages: MessageView[]; keyboard: unknown; commands: BotCommand[]; menuButton: MenuButtonView | null }>; clock: string; zone: string } {
    return {
      chats: [...this.chats.values()].map((chat) => ({
        ...chat,
        messages: this.peer.messagesIn(chat.id).map((message) => this.view(message)),
        keyboard: this.peer.replyKeyboardOf(chat.id) ?? null,
        commands: this.commandsOf(chat),
        menuButton: this.menuButtonOf(chat.id),
      })),
      clock: this.clock.now().toISOString(),
      zone: this.clinic.timeZone,
    };
  }

  /** A new patient chat, with the name and language chosen on the page. */
  addPatient(name: string, language: string): ChatView {
    const id = this.nextPatientId++;
    const chat: ChatView = { id, kind: "patient", name: name.trim().slice(0, 64) || `Patient ${id}`, language: language === "fr" ? "fr" : "en" };
    this.chats.set(id, chat);
    this.emit({ type: "chat", chat: { ...chat, messages: [], keyboard: null, commands: this.commandsOf(chat) } });
    return chat;
  }

  /** The person of a page chat, as Telegram would describe them. */
  userOf(chatId: number): User {
    if (chatId === SANDBOX_STAFF.id) return SANDBOX_STAFF;
    const chat = this.chats.get(chatId);
    if (!chat) throw new SandboxError(`no chat ${chatId} on the page`);
    const [first, ...rest] = chat.name.split(" ");
    return user(chat.id, { first_name: first || chat.name, last_name: rest.join(" ") || undefined, username: undefined, language_code: chat.language });
  }

  sendText(chatId: number, text: string): void {
    const from = this.userOf(chatId);
    const trimmed = text.trim();
    if (trimmed === "") return;
    const keyboard = this.peer.replyKeyboardOf(chatId);
    const isReplyButton = keyboard?.keyboard.flat().some((button) => (typeof button === "string" ? button : button.text) === trimmed);
    if (isReplyButton) this.peer.pressReplyButton(from, trimmed);
    else if (/^\/[a-z0-9_]+(\s|$)/i.test(trimmed)) this.peer.sendCommand(from, trimmed.split(/\s+/)[0]!, trimmed.split(/\s+/).slice(1).join(" ") || undefined);
    else this.peer.sendText(from, trimmed);
  }

  pressButton(chatId: number, messageId: number, data: string): void {
    const message = this.peer.message(chatId, messageId);
    if (!message) throw new SandboxError("that message is gone");
    try {
      this.peer.pressButton(this.userOf(chatId), message, data);
    } catch (error) {
      throw new SandboxError(error instanceof Error ? error.message : String(error));
    }
  }

  /** The chat's person shares a made-up phone number (a request_contact button). */
  shareContact(chatId: number): void {
    const phone = `+1 613 555 ${String(chatId % 10_000).padStart(4, "0")}`;
    this.peer.sendContact(this.userOf(chatId), phone);
  }

  /** Moves the clock, then runs the scheduled jobs at the new time so what is due shows at once. */
  async moveClock(target: Date): Promise<void> {
    try {
      this.clock.moveTo(target);
    } catch (error) {
      throw new SandboxError(error instanceof Error ? error.message : String(error));
    }
    this.emit({ type: "clock", clock: this.clock.now().toISOString() });
    await this.app.scheduler.runAll();
  }

  /** `count` made-up patients start the bot (a third of them in French), so an announcement has an audience. */
  addCrowd(count: number): number {
    const n = Math.max(0, Math.min(5_000, Math.floor(count)));
    for (let i = 0; i < n; i++) {
      const id = this.nextCrowdId++;
      const patient = user(id, { first_name: CROWD_NAMES[id % CROWD_NAMES.length]!, last_name: `Test${id}`, username: undefined, language_code: id % 3 === 0 ? "fr" : "en" });
      this.peer.sendCommand(patient, "start");
    }
    this.emit({ type: "crowd", added: n, total: this.nextCrowdId - FIRST_CROWD_ID });
    return n;
  }

  async close(): Promise<void> {
    this.stopWatchingPeer();
    await this.app.stop();
    await this.peer.close();
    this.cleanUp();
  }

  private onPeerEvent(event: PeerEvent): void {
    if (event.type === "commands") {
      for (const chat of this.chats.values()) this.emit({ type: "commands", chatId: chat.id, commands: this.commandsOf(chat), menuButton: this.menuButtonOf(chat.id) });
      return;
    }
    const chatId = "message" in event ? event.message.chat.id : event.chatId;
    if (!this.chats.has(chatId)) return;
    switch (event.type) {
      case "message":
      case "edited":
        this.emit({ type: event.type, chatId, message: this.view(event.message) });
        return;
      case "deleted":
        this.emit({ type: "deleted", chatId, messageId: event.messageId });
        return;
      case "action":
        this.emit({ type: "typing", chatId, action: event.action });
        return;
      case "keyboard":
        this.emit({ type: "keyboard", chatId, keyboard: event.keyboard ?? null });
        return;
    }
  }

  private view(message: Message): MessageView {
    const key = `${message.chat.id}:${message.message_id}`;
    let at = this.shownAt.get(key);
    if (at === undefined) {
      at = this.clock.now().getTime();
      this.shownAt.set(key, at);
    }
    return viewOf(message, { at, zone: this.clinic.timeZone, botId: this.peer.botInfo.id });
  }

  /** The menu Telegram would show this chat's person: the peer picks it by Telegram's scope and language rules. */
  private commandsOf(chat: ChatView): BotCommand[] {
    return this.peer.commandMenuShown(chat.id, this.userOf(chat.id));
  }

  /** The chat's menu button when it opens a Mini App (the desk, for staff). */
  private menuButtonOf(chatId: number): MenuButtonView | null {
    const button = this.peer.menuButtonOf(chatId);
    return button?.type === "web_app" ? { text: button.text, webApp: button.web_app.url } : null;
  }

  private emit(event: SandboxEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}

/** A page action that cannot be done (a gone message, an unknown chat): answered 400 with this text. */
export class SandboxError extends Error {}
