/**
 * An in-process Telegram Bot API for tests. One core answers the Bot API
 * methods the bot uses, keeps the chats' messages, and applies Telegram's
 * rules (validation errors, flood limits, blocked users); two transports reach
 * it with the same semantics:
 *
 *  - `await sim.listen()` starts a loopback HTTP server: give its `apiRoot` to
 *    a bot running in another process, or to grammY's `client.apiRoot`.
 *  - `sim.fetch` is a `fetch` function: give it to grammY's `client.fetch`
 *    for in-process tests without sockets.
 *
 * Faults can be injected (latency, 5xx, dropped connections, including ones
 * where the message was delivered but the bot cannot know), drawn from a
 * seeded generator so a failing run can be replayed. Everything is recorded
 * (`calls`, `delivered`, `stats`) for exactly-once and rate assertions, and
 * helpers act as users (`sendText`, `pressButton`) and wait for the bot.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { BotCommand, BotCommandScope, MenuButton, Message, ReplyKeyboardMarkup, Update, User, UserFromGetMe } from "grammy/types";
import { ChatStore, type PeerListener } from "./chats.js";
import { ApiError, badRequest } from "./errors.js";
import { FloodControl } from "./flood-control.js";
import { buttonsOf, defaultChat } from "./markup.js";
import { CommandMenus } from "./command-menus.js";
import { BotApiMethods, type MethodHandler } from "./methods.js";
import {
  randomStreams,
  resolveOptions,
  SEND_METHODS,
  updatedOptions,
  type ApiParams,
  type ApiResponse,
  type BotApiSimulatorOptions,
  type ButtonInfo,
  type RandomStreams,
  type ResolvedSimulatorOptions,
  type SimulatorCall,
  type SimulatorStats,
  type WebhookDelivery,
} from "./options.js";
import { parseParams, type RawRequest, type Reply, type Transport, type UploadedFile } from "./requests.js";
import { fetchTransport, HttpTransport } from "./transport.js";
import { UpdateQueue } from "./update-queue.js";
import { callbackQuery, command, contactMessage, privateChat, textMessage } from "./updates.js";

const WAIT_POLL_MS = 5;
const DEFAULT_WAIT_MS = 2_000;
const API_PATH = /^\/bot([^/]+)\/([^/]+)$/;

interface IncomingCall {
  token: string;
  method: string;
  params: ApiParams;
  transport: Transport;
  /** Aborted when the client gave up (closed the connection, aborted the fetch). */
  signal: AbortSignal;
}

export class BotApiSimulator {
  private opts: ResolvedSimulatorOptions;
  private random: RandomStreams;
  private callLog: SimulatorCall[] = [];

  private readonly chats = new ChatStore(() => this.opts);
  private readonly flood = new FloodControl(() => this.opts);
  private readonly updates = new UpdateQueue(() => this.opts, (update) => this.remember(update));
  private readonly openCallbackQueries = new Set<string>();
  private readonly commandMenus = new CommandMenus();
  private readonly menuButtons = new Map<number | "default", MenuButton>();

  private http: HttpTransport | undefined;
  private closed = false;

  private readonly handlers: Map<string, { name: string; handle: MethodHandler }>;

  constructor(options: BotApiSimulatorOptions = {}) {
    this.opts = resolveOptions(options);
    this.random = randomStreams(this.opts.seed);
    const methods = new BotApiMethods({
      options: () => this.opts,
      chats: this.chats,
      flood: this.flood,
      updates: this.updates,
      openCallbackQueries: this.openCallbackQueries,
      commandMenus: this.commandMenus,
      menuButtons: this.menuButtons,
    });
    // Telegram matches method names case-insensitively.
    this.handlers = new Map(Object.entries(methods.handlers()).map(([name, handle]) => [name.toLowerCase(), { name, handle }]));
  }

  /** Changes options at runtime; a new `seed` restarts the fault and latency draws. */
  configure(options: BotApiSimulatorOptions): void {
    this.opts = updatedOptions(this.opts, options);
    if (options.seed !== undefined) this.random = randomStreams(this.opts.seed);
    if (options.getUpdatesError) this.updates.recheck();
  }

  get options(): Readonly<ResolvedSimulatorOptions> {
    return this.opts;
  }

  get botInfo(): UserFromGetMe {
    return this.opts.botInfo;
  }

  /** Calls `listener` on every change in any chat (messages, edits, deletions, actions, keyboards, menus); returns the unsubscribe. */
  subscribe(listener: PeerListener): () => void {
    return this.chats.subscribe(listener);
  }

  // -------------------------------------------------------------------------
  // Lifecycle and transports

  /** Starts the HTTP server on 127.0.0.1 (port 0: a free one). */
  async listen(port = 0): Promise<{ apiRoot: string; port: number }> {
    if (this.closed) throw new Error("the simulator is closed");
    if (this.http) throw new Error("the simulator is already listening");
    this.http = new HttpTransport((request) => this.receive(request));
    return this.http.listen(port);
  }

  /**
   * Answers pending long polls (with no updates), lets calls being answered
   * finish, then closes the server and its keep-alive connections. Final.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const updatesClosed = this.updates.close();
    await this.http?.close();
    await updatesClosed;
  }

  /**
   * A `fetch` for grammY's `client.fetch`: same semantics as the HTTP server,
   * without sockets. Accepts any API root (`https://api.telegram.org` too).
   */
  readonly fetch = fetchTransport(
    (request) => this.receive(request),
    () => this.closed,
  );

  private async receive(request: RawRequest): Promise<Reply> {
    const route = API_PATH.exec(request.url.pathname);
    if (!route) return { kind: "json", body: { ok: false, error_code: 404, description: "Not Found" } };
    let params: ApiParams;
    try {
      params = parseParams(request);
    } catch {
      return { kind: "json", body: badRequest("can't parse request body").toResponse() };
    }
    return this.handleCall({
      token: decodeURIComponent(route[1] ?? ""),
      method: decodeURIComponent(route[2] ?? ""),
      params,
      transport: request.transport,
      signal: request.signal,
    });
  }

  // -------------------------------------------------------------------------
  // The call pipeline: record, latency, faults, method

  private async handleCall(call: IncomingCall): Promise<Reply> {
    const method = this.handlers.get(call.method.toLowerCase())?.name ?? call.method;
    const record: SimulatorCall = { seq: this.callLog.length + 1, method, params: call.params, transport: call.transport, time: Date.now(), status: "pending" };
    this.callLog.push(record);

    const latency = this.drawLatency();
    if (latency > 0) await sleep(latency);

    const fault = this.drawFault(method);
    let reply: Reply;
    if (fault && !fault.afterExecution) {
      reply = fault.reply;
    } else {
      const body = await this.execute(call, method);
      reply = fault ? fault.reply : { kind: "json", body };
    }

    record.status = reply.kind === "drop" ? "dropped" : reply.kind === "badGateway" ? 502 : reply.body.ok ? 200 : reply.body.error_code;
    if (reply.kind === "json") record.response = reply.body;
    return reply;
  }

  private async execute(call: IncomingCall, method: string): Promise<ApiResponse> {
    if (this.opts.token !== undefined && call.token !== this.opts.token) return { ok: false, error_code: 401, description: "Unauthorized" };
    const handler = this.handlers.get(method.toLowerCase());
    if (!handler) return { ok: false, error_code: 404, description: "Not Found: method not found" };
    try {
      return { ok: true, result: await handler.handle(call.params, call.signal) };
    } catch (error) {
      if (error instanceof ApiError) return error.toResponse();
      throw error;
    }
  }

  private drawLatency(): number {
    const latency = this.opts.latencyMs;
    return typeof latency === "number" ? latency : latency.min + this.random.latency() * (latency.max - latency.min);
  }

  /** Decides whether this call fails, how, and whether it takes effect first. */
  private drawFault(method: string): { reply: Reply; afterExecution: boolean } | undefined {
    const { dropConnectionRate, serverErrorRate } = this.opts;
    if (dropConnectionRate + serverErrorRate === 0 || !this.opts.faultMethods.includes(method)) return undefined;
    const roll = this.random.fault();
    if (roll < dropConnectionRate) {
      return { reply: { kind: "drop" }, afterExecution: this.random.fault() < this.opts.dropAfterDelivery };
    }
    if (roll < dropConnectionRate + serverErrorRate) {
      const afterExecution = this.random.fault() < this.opts.serverErrorAfterDelivery;
      const reply: Reply =
        this.random.fault() < 0.5 ? { kind: "json", body: { ok: false, error_code: 500, description: "Internal Server Error" } } : { kind: "badGateway" };
      return { reply, afterExecution };
    }
    return undefined;
  }

  // -------------------------------------------------------------------------
  // Methods

  // -------------------------------------------------------------------------
  // Acting as users

  /** The user writes `text` to the bot in their private chat. */
  sendText(from: User, text: string): Update {
    return this.pushUpdate(textMessage(from, text, { messageId: this.nextUserMessageId(from) }));
  }

  /** The user sends a command ("/start", or "start"), with optional arguments. */
  sendCommand(from: User, commandName: string, args?: string): Update {
    return this.pushUpdate(command(from, commandName, args, { messageId: this.nextUserMessageId(from) }));
  }

  /**
   * The user presses the inline button carrying `callbackData` on a bot
   * message, as it is now in the chat. Throws when the message is gone or has
   * no such button: a real user could not press it.
   */
  pressButton(from: User, message: Message, callbackData: string): Update {
    const current = this.message(message.chat.id, message.message_id);
    if (!current) throw new Error(`message ${message.message_id} is not in chat ${message.chat.id} (deleted, or never sent)`);
    const buttons = buttonsOf(current);
    if (!buttons.some((button) => button.callback_data === callbackData)) {
      throw new Error(`message ${current.message_id} has no button "${callbackData}"; it has ${JSON.stringify(buttons)}`);
    }
    return this.pushUpdate(callbackQuery(from, callbackData, current));
  }

  /** The user shares their phone number (a reply keyboard's request_contact button). */
  sendContact(from: User, phoneNumber: string): Update {
    this.afterReplyButton(from);
    return this.pushUpdate(contactMessage(from, phoneNumber, { messageId: this.nextUserMessageId(from) }));
  }

  /** The user taps a text button of the reply keyboard the bot shows them: it sends the button's text. */
  pressReplyButton(from: User, text: string): Update {
    const keyboard = this.replyKeyboardOf(from.id);
    if (!keyboard?.keyboard.flat().some((button) => (typeof button === "string" ? button : button.text) === text)) {
      throw new Error(`chat ${from.id} shows no reply button "${text}"`);
    }
    this.afterReplyButton(from);
    return this.sendText(from, text);
  }

  /** The reply keyboard the chat shows now, if any. */
  replyKeyboardOf(chatId: number): ReplyKeyboardMarkup | undefined {
    return this.chats.find(chatId)?.replyKeyboard;
  }

  /** The bot's command menu of exactly one scope and language ("" for all languages), as set with setMyCommands. */
  commandMenu(scope: BotCommandScope = { type: "default" }, languageCode = ""): BotCommand[] | undefined {
    return this.commandMenus.find(scope, languageCode);
  }

  /** The ☰ menu the user's Telegram app shows in that chat (see command-menus.ts); `administrator` in a group they administer. */
  commandMenuShown(chatId: number, viewer: Pick<User, "id" | "language_code">, { administrator = false } = {}): BotCommand[] {
    const chat = this.chats.find(chatId)?.chat ?? defaultChat(chatId);
    return this.commandMenus.shownTo({ chat, user: viewer, administrator });
  }

  /** The chat's menu button as the bot set it (its own, else the default one). */
  menuButtonOf(chatId: number): MenuButton | undefined {
    return this.menuButtons.get(chatId) ?? this.menuButtons.get("default");
  }

  /** A file the bot uploaded (a document, a photo), by file_id. */
  file(fileId: string): UploadedFile | undefined {
    return this.chats.file(fileId);
  }

  private afterReplyButton(from: User): void {
    const chat = this.chats.find(from.id);
    if (chat?.replyKeyboard?.one_time_keyboard === true) this.chats.setReplyKeyboard(chat, undefined);
  }

  /** Queues an update for the bot (with the next update_id, whatever it had) and returns it. */
  pushUpdate(update: Update): Update {
    return this.updates.push(update);
  }

  /** Hands out again updates already handed out, same update_ids (the bot stopped before confirming their offset). */
  deliverAgain(updates: readonly Update[]): void {
    this.updates.deliverAgain(updates);
  }

  /** Keeps what an update tells about chats, messages and callback queries, so the bot can act on them. */
  private remember(update: Update): void {
    const message = update.message ?? update.channel_post;
    if (message) this.chats.receive(message);
    const edited = update.edited_message ?? update.edited_channel_post;
    if (edited) this.chats.replace(this.chats.state(edited.chat.id, edited.chat), edited);
    if (update.callback_query) this.openCallbackQueries.add(update.callback_query.id);
    if (update.my_chat_member) this.chats.state(update.my_chat_member.chat.id, update.my_chat_member.chat);
  }

  private nextUserMessageId(from: User): number {
    return this.chats.state(from.id, privateChat(from)).nextMessageId;
  }


  // -------------------------------------------------------------------------
  // What happened

  get calls(): readonly SimulatorCall[] {
    return this.callLog;
  }

  callsTo(method: string): SimulatorCall[] {
    return this.callLog.filter((call) => call.method === method);
  }

  get webhookDeliveries(): readonly WebhookDelivery[] {
    return this.updates.webhookDeliveries;
  }

  /** The messages the bot delivered to `chatId` (to every chat when omitted), as delivered, in order. */
  delivered(chatId?: number): Message[] {
    return this.chats.delivered(chatId);
  }

  /** What the chat shows now, users' and bot's messages, oldest first (edits applied, deletions gone). */
  messagesIn(chatId: number): Message[] {
    return [...(this.chats.find(chatId)?.messages.values() ?? [])].sort((a, b) => a.message_id - b.message_id);
  }

  /** A message as it is in the chat now (edits applied), or undefined once deleted. */
  message(chatId: number, messageId: number): Message | undefined {
    return this.chats.find(chatId)?.messages.get(messageId);
  }

  /** The bot's latest message still in the chat, as it is now. */
  lastMessageTo(chatId: number): Message | undefined {
    const chat = this.chats.find(chatId);
    if (!chat) return undefined;
    for (let i = chat.delivered.length - 1; i >= 0; i--) {
      const current = chat.messages.get(chat.delivered[i]?.message_id ?? 0);
      if (current) return current;
    }
    return undefined;
  }

  buttonsOf(message: Message | undefined): ButtonInfo[] {
    return buttonsOf(message);
  }

  /** Chat id → number of messages the bot delivered there. */
  deliveryCounts(): Map<number, number> {
    return this.chats.deliveryCounts();
  }

  /** Delivered messages grouped by `key`, keeping only keys seen more than once (undefined keys are skipped). */
  duplicatesBy(key: (message: Message) => string | undefined): Map<string, Message[]> {
    const groups = new Map<string, Message[]>();
    for (const message of this.chats.delivered()) {
      const k = key(message);
      if (k !== undefined) groups.set(k, [...(groups.get(k) ?? []), message]);
    }
    return new Map([...groups].filter(([, messages]) => messages.length > 1));
  }

  /** How many messages delivered to `chatId` have `substring` in their text or caption. */
  countText(chatId: number, substring: string): number {
    return this.delivered(chatId).filter((message) => (message.text ?? message.caption ?? "").includes(substring)).length;
  }

  stats(): SimulatorStats {
    const perMethod: Record<string, number> = {};
    for (const call of this.callLog) perMethod[call.method] = (perMethod[call.method] ?? 0) + 1;
    const withStatus = (test: (status: SimulatorCall["status"]) => boolean): number => this.callLog.filter((call) => test(call.status)).length;
    return {
      calls: this.callLog.length,
      sends: this.callLog.filter((call) => SEND_METHODS.includes(call.method)).length,
      delivered: this.chats.delivered().length,
      rejected429: withStatus((status) => status === 429),
      floodPauses: this.flood.floodPauses,
      errors5xx: withStatus((status) => typeof status === "number" && status >= 500),
      dropped: withStatus((status) => status === "dropped"),
      forbidden: withStatus((status) => status === 403),
      perMethod,
    };
  }

  /** Resolves with the first truthy value `check` returns, polling every few ms; rejects after `timeoutMs`. */
  async waitFor<T>(check: () => T | undefined | null | false, timeoutMs = DEFAULT_WAIT_MS): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = check();
      if (value !== undefined && value !== null && value !== false) return value;
      if (Date.now() >= deadline) {
        throw new Error(`condition not met within ${timeoutMs} ms (${this.callLog.length} calls, ${this.chats.delivered().length} messages delivered)`);
      }
      await sleep(WAIT_POLL_MS);
    }
  }

  /** The first delivered message (any chat, in delivery order) satisfying `predicate`. */
  waitForMessage(predicate: (message: Message) => boolean, timeoutMs?: number): Promise<Message> {
    return this.waitFor(() => this.chats.delivered().find(predicate), timeoutMs);
  }

  /** The first answered call satisfying `predicate`. */
  waitForCall(predicate: (call: SimulatorCall) => boolean, timeoutMs?: number): Promise<SimulatorCall> {
    return this.waitFor(() => this.callLog.find((call) => call.status !== "pending" && predicate(call)), timeoutMs);
  }

  /**
   * Forgets calls, chats, messages, queued updates, the webhook, commands and
   * flood history, and restarts the fault draws; options and the server stay.
   * Update ids keep increasing, so a bot still polling is not confused.
   */
  reset(): void {
    this.callLog = [];
    this.chats.clear();
    this.flood.reset();
    this.updates.reset();
    this.openCallbackQueries.clear();
    this.commandMenus.clear();
    this.menuButtons.clear();
    this.random = randomStreams(this.opts.seed);
  }
}
