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
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import type {
  BotCommand,
  Chat,
  ChatFullInfo,
  Document,
  InlineKeyboardMarkup,
  MenuButton,
  Message,
  MessageEntity,
  PhotoSize,
  ResponseParameters,
  Update,
  User,
  UserFromGetMe,
  WebhookInfo,
} from "grammy/types";
import { callbackQuery, command, privateChat, testBotInfo, textMessage, unixNow } from "./updates.js";
import { mulberry32 } from "./measure.js";

// ---------------------------------------------------------------------------
// Public types

export interface LatencyRange {
  min: number;
  max: number;
}

export interface BotApiSimulatorOptions {
  /** When set, calls made with another token are answered 401 Unauthorized, as Telegram does. */
  token?: string;
  /** What getMe answers, and the `from` of the bot's messages. */
  botInfo?: UserFromGetMe;
  /** Enforce the flood limits below (default true). */
  rateLimits?: boolean;
  /** Messages the bot may send per second over all chats, in any 1000 ms window (default 30). */
  globalRatePerSecond?: number;
  /** Sustained messages per second to one chat (default 1). */
  perChatRatePerSecond?: number;
  /**
   * Messages a chat tolerates at once before its per-second rate applies
   * (default 3). Per chat, sends draw from an allowance of this many that
   * refills at `perChatRatePerSecond`: a sender keeping to the rate never hits
   * the limit even with timer jitter, one going faster does after a few sends.
   */
  perChatBurst?: number;
  /**
   * How the global limit is enforced. "window" (default): at most
   * `globalRatePerSecond` sends in any 1000 ms, 429 with `retryAfterSeconds`
   * beyond. "strict", Telegram at its strictest: a token bucket of
   * `globalRatePerSecond` tokens refilled continuously at that rate, and a send
   * that finds it empty pauses the whole bot for `floodPauseSeconds`: every
   * send until then is answered 429 with the seconds that remain. Per chat, the
   * allowance below still applies (set `perChatBurst: 1` for one a second
   * exactly); see STRICT_FLOOD_CONTROL.
   */
  floodControl?: "window" | "strict";
  /** "strict" flood control: how long an emptied bucket stops the whole bot (default 3 s). */
  floodPauseSeconds?: number;
  /** Edits (editMessage*) per chat in any 60 s window (default 20). */
  editRatePerChatPerMinute?: number;
  /** The retry_after of every 429, in whole seconds (default 1). */
  retryAfterSeconds?: number;
  /** Added to every call before it is handled (default 0). */
  latencyMs?: number | LatencyRange;
  /** Probability (0..1) that a call to one of `faultMethods` fails with 500 or 502. */
  serverErrorRate?: number;
  /** Fraction (0..1) of those server errors that happen after the call took effect (the message is delivered). */
  serverErrorAfterDelivery?: number;
  /** Probability (0..1) that the connection is dropped without an answer (fetch mode: the promise rejects). */
  dropConnectionRate?: number;
  /** Fraction (0..1) of those drops that happen after the call took effect. */
  dropAfterDelivery?: number;
  /** The methods faults are injected into (default: the methods that act on chats, see OUTGOING_METHODS). */
  faultMethods?: readonly string[];
  /** Seed of the fault and latency draws (default 1): the same seed and calls give the same faults. */
  seed?: number;
  /** Chats whose user blocked the bot: 403. The set is live: add to it mid-test. */
  blockedChats?: Set<number>;
  /** Chats whose user deleted their account: 403. */
  deactivatedChats?: Set<number>;
  /** Chats that do not exist (or never started the bot): 400 chat not found. */
  unknownChats?: Set<number>;
  /**
   * When set, every getUpdates (including one waiting now) is answered with
   * this error: 409 Conflict as when another process polls the same token, or
   * any other. `null` (default) turns it off again.
   */
  getUpdatesError?: { error_code: number; description: string } | null;
  /** Tries per update when the webhook answers non-2xx or fails (default 1: no redelivery). */
  webhookAttempts?: number;
  /** Pause between those tries (default 50 ms). */
  webhookRetryDelayMs?: number;
  /** How long the webhook may take to answer (default 10 s). */
  webhookTimeoutMs?: number;
}

export type ResolvedSimulatorOptions = Required<Omit<BotApiSimulatorOptions, "token">> & { token: string | undefined };

export type ApiResponse =
  | { ok: true; result: unknown }
  | { ok: false; error_code: number; description: string; parameters?: ResponseParameters };

export type ApiParams = Record<string, unknown>;

export interface SimulatorCall {
  /** 1, 2, 3... in order of arrival. */
  seq: number;
  method: string;
  params: ApiParams;
  transport: "http" | "fetch";
  /** When the call arrived (ms since the epoch). */
  time: number;
  /** The HTTP status answered, "pending" while handled, "dropped" when the connection was cut. */
  status: number | "pending" | "dropped";
  /** The JSON answered (absent for drops, and for 502s, which are an HTML page like Telegram's proxy sends). */
  response?: ApiResponse;
}

export interface SimulatorStats {
  calls: number;
  /** Calls to SEND_METHODS, whatever their outcome. */
  sends: number;
  /** Messages delivered to chats (including those whose call then failed). */
  delivered: number;
  rejected429: number;
  /** "strict" flood control: how often a send found the global bucket empty and paused the whole bot. */
  floodPauses: number;
  errors5xx: number;
  dropped: number;
  forbidden: number;
  perMethod: Record<string, number>;
}

export interface WebhookDelivery {
  updateId: number;
  attempt: number;
  url: string;
  /** The HTTP status the bot answered, or null when it did not answer. */
  status: number | null;
  error?: string;
  time: number;
  durationMs: number;
}

export interface ButtonInfo {
  text: string;
  callback_data?: string;
  url?: string;
}

/** A file sent in a multipart request. */
export class UploadedFile {
  constructor(
    readonly fileName: string,
    readonly contentType: string,
    readonly data: Buffer,
  ) {}

  get size(): number {
    return this.data.length;
  }

  /** Keeps logs of the calls readable. */
  toJSON(): { fileName: string; contentType: string; size: number } {
    return { fileName: this.fileName, contentType: this.contentType, size: this.size };
  }
}

// ---------------------------------------------------------------------------
// Constants

/** The methods that send a message, subject to the per-chat and global flood limits. */
export const SEND_METHODS: readonly string[] = ["sendMessage", "sendPhoto", "sendDocument", "copyMessage", "forwardMessage"];
/** The methods limited by `editRatePerChatPerMinute`. */
export const EDIT_METHODS: readonly string[] = ["editMessageText", "editMessageReplyMarkup", "editMessageCaption"];
/** The methods that act on chats: where faults are injected by default. */
export const OUTGOING_METHODS: readonly string[] = [...SEND_METHODS, ...EDIT_METHODS, "deleteMessage", "answerCallbackQuery", "sendChatAction"];

/**
 * Telegram's flood control as its strictest reading: 30 messages a second over
 * all chats as a token bucket, exactly one a second per chat, and a 3-second
 * pause of the whole bot whenever a send finds the bucket empty.
 */
export const STRICT_FLOOD_CONTROL = {
  rateLimits: true,
  floodControl: "strict",
  globalRatePerSecond: 30,
  perChatRatePerSecond: 1,
  perChatBurst: 1,
  floodPauseSeconds: 3,
} as const satisfies BotApiSimulatorOptions;

const DEFAULT_OPTIONS: Omit<ResolvedSimulatorOptions, "botInfo" | "blockedChats" | "deactivatedChats" | "unknownChats"> = {
  token: undefined,
  rateLimits: true,
  floodControl: "window",
  floodPauseSeconds: 3,
  globalRatePerSecond: 30,
  perChatRatePerSecond: 1,
  perChatBurst: 3,
  editRatePerChatPerMinute: 20,
  retryAfterSeconds: 1,
  latencyMs: 0,
  serverErrorRate: 0,
  serverErrorAfterDelivery: 0,
  dropConnectionRate: 0,
  dropAfterDelivery: 0,
  faultMethods: OUTGOING_METHODS,
  getUpdatesError: null,
  seed: 1,
  webhookAttempts: 1,
  webhookRetryDelayMs: 50,
  webhookTimeoutMs: 10_000,
};

const TEXT_LIMIT = 4096;
const CAPTION_LIMIT = 1024;
const CALLBACK_DATA_LIMIT_BYTES = 64;
const WAIT_POLL_MS = 5;
const DEFAULT_WAIT_MS = 2_000;

const NOT_MODIFIED =
  "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message";

/** Update types Telegram sends only when asked for in allowed_updates. */
const OPT_IN_UPDATES = new Set(["chat_member", "message_reaction", "message_reaction_count"]);

const CHAT_ACTIONS = new Set([
  "typing",
  "upload_photo",
  "record_video",
  "upload_video",
  "record_voice",
  "upload_voice",
  "upload_document",
  "choose_sticker",
  "find_location",
  "record_video_note",
  "upload_video_note",
]);

/** Message fields that make a message a media message (one whose caption can be edited). */
const MEDIA_FIELDS = ["photo", "document", "video", "audio", "animation", "voice"] as const;

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

const API_PATH = /^\/bot([^/]+)\/([^/]+)$/;

// ---------------------------------------------------------------------------
// Errors answered to the bot

class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly parameters?: ResponseParameters,
  ) {
    super(description);
  }

  toResponse(): ApiResponse {
    return { ok: false, error_code: this.code, description: this.description, ...(this.parameters && { parameters: this.parameters }) };
  }
}

function badRequest(detail: string): ApiError {
  return new ApiError(400, `Bad Request: ${detail}`);
}

function forbidden(detail: string): ApiError {
  return new ApiError(403, `Forbidden: ${detail}`);
}

// ---------------------------------------------------------------------------
// The simulator

type Transport = SimulatorCall["transport"];

/** What the transport does with a handled call. */
type Reply = { kind: "json"; body: ApiResponse } | { kind: "badGateway" } | { kind: "drop" };

interface IncomingCall {
  token: string;
  method: string;
  params: ApiParams;
  transport: Transport;
  /** Aborted when the client gave up (closed the connection, aborted the fetch). */
  signal: AbortSignal;
}

type MethodHandler = (params: ApiParams, signal: AbortSignal) => unknown;

type MessageContent = Omit<Partial<Message>, "message_id" | "date" | "chat" | "from">;

interface ChatState {
  chat: Chat;
  nextMessageId: number;
  /** What is in the chat now, users' and bot's messages: edits applied, deletions gone. */
  messages: Map<number, Message>;
  /** What the bot delivered here, as delivered, in order. */
  delivered: Message[];
  /** Per-chat flood allowance (token bucket), created on the first send. */
  sendAllowance: { tokens: number; at: number } | undefined;
  /** Times of the accepted edits in the last minute. */
  editTimes: number[];
}

interface WebhookState {
  url: string;
  secretToken: string | undefined;
  maxConnections: number;
  lastError: { date: number; message: string } | undefined;
}

type PollWake = "update" | "superseded" | "closed" | "webhook";

export class BotApiSimulator {
  private opts: ResolvedSimulatorOptions;
  private random: RandomStreams;

  private callLog: SimulatorCall[] = [];
  private chats = new Map<number, ChatState>();
  /** Every message the bot delivered, all chats, in order. */
  private deliveries: Message[] = [];
  private globalSendTimes: number[] = [];
  /** "strict" flood control: the global bucket, and until when the whole bot is paused. */
  private globalBucket: { tokens: number; at: number } | undefined;
  private floodPausedUntil = 0;
  private floodPauses = 0;

  /** Updates not yet confirmed (polling) or not yet posted (webhook). */
  private pendingUpdates: Update[] = [];
  /** Never reset: a polling bot's offset must stay valid across `reset()`. */
  private lastUpdateId = 0;
  private allowedUpdates: Set<string> | undefined;
  private poller: { wake(reason: PollWake): void } | undefined;

  private webhook: WebhookState | undefined;
  private webhookLog: WebhookDelivery[] = [];
  private webhookBusy = false;
  private webhookWorker: Promise<void> | undefined;

  private openCallbackQueries = new Set<string>();
  private commandMenus = new Map<string, BotCommand[]>();
  private menuButtons = new Map<number | "default", MenuButton>();
  private lastFileNumber = 0;

  private server: Server | undefined;
  private inFlightHttp = new Set<Promise<void>>();
  private closed = false;
  /** Aborted by `close()`: stops webhook posts. */
  private readonly lifetime = new AbortController();

  private readonly handlers: Map<string, { name: string; handle: MethodHandler }>;

  constructor(options: BotApiSimulatorOptions = {}) {
    this.opts = validated({
      ...DEFAULT_OPTIONS,
      botInfo: testBotInfo(),
      blockedChats: new Set(),
      deactivatedChats: new Set(),
      unknownChats: new Set(),
      ...definedOnly(options),
    });
    this.random = randomStreams(this.opts.seed);
    const handlers = this.methodHandlers();
    // Telegram matches method names case-insensitively.
    this.handlers = new Map(Object.entries(handlers).map(([name, handle]) => [name.toLowerCase(), { name, handle }]));
  }

  /** Changes options at runtime; a new `seed` restarts the fault and latency draws. */
  configure(options: BotApiSimulatorOptions): void {
    this.opts = validated({ ...this.opts, ...definedOnly(options) });
    if (options.seed !== undefined) this.random = randomStreams(this.opts.seed);
    // A long poll waiting now sees a new getUpdatesError at once.
    if (options.getUpdatesError) this.poller?.wake("update");
  }

  get options(): Readonly<ResolvedSimulatorOptions> {
    return this.opts;
  }

  get botInfo(): UserFromGetMe {
    return this.opts.botInfo;
  }

  // -------------------------------------------------------------------------
  // Lifecycle and transports

  /** Starts the HTTP server on 127.0.0.1 (port 0: a free one). */
  async listen(port = 0): Promise<{ apiRoot: string; port: number }> {
    if (this.closed) throw new Error("the simulator is closed");
    if (this.server) throw new Error("the simulator is already listening");
    const server = createServer((req, res) => {
      const handling = this.onHttpRequest(req, res);
      this.inFlightHttp.add(handling);
      void handling.finally(() => this.inFlightHttp.delete(handling));
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => resolve());
    });
    const address = server.address() as AddressInfo;
    return { apiRoot: `http://127.0.0.1:${address.port}`, port: address.port };
  }

  /**
   * Answers pending long polls (with no updates), lets calls being answered
   * finish, then closes the server and its keep-alive connections. Final.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.lifetime.abort();
    this.poller?.wake("closed");
    const server = this.server;
    if (server) {
      const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.allSettled([...this.inFlightHttp]);
      server.closeAllConnections();
      await serverClosed;
    }
    await this.webhookWorker;
  }

  /**
   * A `fetch` for grammY's `client.fetch`: same semantics as the HTTP server,
   * without sockets. Accepts any API root (`https://api.telegram.org` too).
   */
  readonly fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    if (this.closed) throw new TypeError("fetch failed", { cause: networkError("ECONNREFUSED", "connect ECONNREFUSED") });
    const url = new URL(input instanceof Request ? input.url : input.toString());
    const { body, contentType } = await readFetchBody(input, init);
    // grammY on Node passes the signal of the `abort-controller` polyfill: only
    // `aborted` and the "abort" event can be relied on.
    const clientSignal = init?.signal ?? (input instanceof Request ? input.signal : undefined);
    if (clientSignal?.aborted) throw abortError();
    const cancel = new AbortController();
    let onAbort = (): void => {};
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => {
        cancel.abort();
        reject(abortError());
      };
      clientSignal?.addEventListener("abort", onAbort);
    });
    try {
      const reply = await Promise.race([this.receive({ url, contentType, body, transport: "fetch", signal: cancel.signal }), aborted]);
      if (reply.kind === "drop") throw new TypeError("fetch failed", { cause: networkError("UND_ERR_SOCKET", "other side closed") });
      const { status, contentType: type, text } = renderReply(reply);
      return new Response(text, { status, headers: { "content-type": type } });
    } finally {
      clientSignal?.removeEventListener("abort", onAbort);
    }
  };

  private async onHttpRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const cancel = new AbortController();
    res.on("close", () => cancel.abort());
    try {
      const body = await readStream(req);
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const reply = await this.receive({ url, contentType: req.headers["content-type"], body, transport: "http", signal: cancel.signal });
      if (reply.kind === "drop") {
        req.socket.destroy();
        return;
      }
      const { status, contentType, text } = renderReply(reply);
      res.writeHead(status, { "content-type": contentType, "content-length": Buffer.byteLength(text) }).end(text);
    } catch (error) {
      // A bug in the simulator: answer it rather than leave the bot hanging.
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end(`simulator error: ${String(error)}`);
    }
  }

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

  private methodHandlers(): Record<string, MethodHandler> {
    return {
      getMe: () => this.opts.botInfo,
      logOut: () => true,
      close: () => true,
      getUpdates: (p, signal) => this.getUpdates(p, signal),
      setWebhook: (p) => this.setWebhook(p),
      deleteWebhook: (p) => this.deleteWebhook(p),
      getWebhookInfo: () => this.webhookInfo(),

      sendMessage: (p) => {
        const chat = this.targetChat(p);
        const { text, entities } = formatText(p.text, p.parse_mode, p.entities);
        if (text.trim() === "") throw badRequest("message text is empty");
        if (text.length > TEXT_LIMIT) throw badRequest("message is too long");
        const extras = this.sendExtras(chat, p);
        this.takeSendSlot(chat);
        return this.deliver(chat, { text, ...(entities.length > 0 && { entities }), ...extras });
      },
      sendPhoto: (p) => {
        const chat = this.targetChat(p);
        const photo = this.photoSizes(p.photo);
        const content = { photo, ...captionOf(p), ...this.sendExtras(chat, p) };
        this.takeSendSlot(chat);
        return this.deliver(chat, content);
      },
      sendDocument: (p) => {
        const chat = this.targetChat(p);
        const document = this.document(p.document);
        const content = { document, ...captionOf(p), ...this.sendExtras(chat, p) };
        this.takeSendSlot(chat);
        return this.deliver(chat, content);
      },
      copyMessage: (p) => {
        const chat = this.targetChat(p);
        const source = this.sourceMessage(p, "message to copy not found");
        const caption = p.caption !== undefined ? captionOf(p) : {};
        const content = { ...contentOf(source), ...caption, ...this.sendExtras(chat, p) };
        this.takeSendSlot(chat);
        return { message_id: this.deliver(chat, content).message_id };
      },
      forwardMessage: (p) => {
        const chat = this.targetChat(p);
        const source = this.sourceMessage(p, "message to forward not found");
        const origin = source.from
          ? { type: "user" as const, sender_user: source.from, date: source.date }
          : { type: "chat" as const, sender_chat: source.chat, date: source.date };
        this.takeSendSlot(chat);
        return this.deliver(chat, { ...contentOf(source), forward_origin: origin });
      },

      editMessageText: (p) => {
        const { text, entities } = formatText(p.text, p.parse_mode, p.entities);
        if (text.trim() === "") throw badRequest("message text is empty");
        if (text.length > TEXT_LIMIT) throw badRequest("message is too long");
        // Like Telegram, an edit without reply_markup removes the inline keyboard.
        const changes = { text, entities: entities.length > 0 ? entities : undefined, reply_markup: inlineKeyboard(p.reply_markup) };
        return this.edit(p, changes, (message) => {
          if (message.text === undefined) throw badRequest("there is no text in the message to edit");
        });
      },
      editMessageCaption: (p) => {
        const { caption, caption_entities } = captionOf(p);
        const changes = { caption, caption_entities, reply_markup: inlineKeyboard(p.reply_markup) };
        return this.edit(p, changes, (message) => {
          if (!MEDIA_FIELDS.some((field) => message[field] !== undefined)) throw badRequest("there is no caption in the message to edit");
        });
      },
      editMessageReplyMarkup: (p) => this.edit(p, { reply_markup: inlineKeyboard(p.reply_markup) }),
      deleteMessage: (p) => {
        const chat = this.targetChat(p);
        const messageId = integerParam(p, "message_id");
        if (messageId === undefined || !chat.messages.delete(messageId)) throw badRequest("message to delete not found");
        return true;
      },

      answerCallbackQuery: (p) => {
        const id = typeof p.callback_query_id === "string" ? p.callback_query_id : "";
        if (!this.openCallbackQueries.delete(id)) throw badRequest("query is too old and response timeout expired or query ID is invalid");
        return true;
      },
      sendChatAction: (p) => {
        this.targetChat(p);
        if (typeof p.action !== "string" || !CHAT_ACTIONS.has(p.action)) throw badRequest("wrong parameter action in request");
        return true;
      },
      getChat: (p) => this.chatInfo(this.targetChat(p, { allowInactive: true }).chat),

      setMyCommands: (p) => {
        if (!Array.isArray(p.commands)) throw badRequest("parameter \"commands\" is required");
        const commands = p.commands.map(validCommand);
        this.commandMenus.set(commandMenuKey(p), commands);
        return true;
      },
      getMyCommands: (p) => this.commandMenus.get(commandMenuKey(p)) ?? [],
      deleteMyCommands: (p) => {
        this.commandMenus.delete(commandMenuKey(p));
        return true;
      },
      setChatMenuButton: (p) => {
        const key = p.chat_id === undefined ? "default" : this.targetChat(p, { allowInactive: true }).chat.id;
        this.menuButtons.set(key, isObject(p.menu_button) ? (p.menu_button as unknown as MenuButton) : { type: "default" });
        return true;
      },
      getChatMenuButton: (p) => {
        const key = p.chat_id === undefined ? "default" : this.targetChat(p, { allowInactive: true }).chat.id;
        return this.menuButtons.get(key) ?? this.menuButtons.get("default") ?? { type: "default" };
      },
    };
  }

  /** The chat a call targets, after Telegram's checks on it. */
  private targetChat(p: ApiParams, { allowInactive = false, field = "chat_id" } = {}): ChatState {
    const id = this.resolveChatId(p[field]);
    if (this.opts.unknownChats.has(id)) throw badRequest("chat not found");
    if (!allowInactive && this.opts.blockedChats.has(id)) throw forbidden("bot was blocked by the user");
    if (!allowInactive && this.opts.deactivatedChats.has(id)) throw forbidden("user is deactivated");
    return this.chatState(id);
  }

  private resolveChatId(value: unknown): number {
    if (value === undefined || value === null || value === "") throw badRequest("chat_id is empty");
    if (typeof value === "number" && Number.isInteger(value)) return value;
    if (typeof value === "string" && /^-?\d+$/.test(value)) return Number(value);
    if (typeof value === "string" && value.startsWith("@")) {
      const username = value.slice(1);
      for (const state of this.chats.values()) if (state.chat.username === username) return state.chat.id;
    }
    throw badRequest("chat not found");
  }

  private chatState(id: number, known?: Chat): ChatState {
    let state = this.chats.get(id);
    if (!state) {
      state = { chat: known ?? defaultChat(id), nextMessageId: 1, messages: new Map(), delivered: [], sendAllowance: undefined, editTimes: [] };
      this.chats.set(id, state);
    } else if (known) {
      state.chat = known;
    }
    return state;
  }

  private chatInfo(chat: Chat): ChatFullInfo {
    const common = {
      accent_color_id: 0,
      max_reaction_count: 11,
      accepted_gift_types: { unlimited_gifts: false, limited_gifts: false, unique_gifts: false, premium_subscription: false, gifts_from_channels: false },
    };
    return { ...chat, ...common };
  }

  /** Options shared by the send methods: inline keyboard, reply, protection. */
  private sendExtras(chat: ChatState, p: ApiParams): MessageContent {
    const markup = inlineKeyboard(p.reply_markup);
    const replyTo = this.replyTarget(chat, p);
    return {
      ...(markup && { reply_markup: markup }),
      ...(replyTo && { reply_to_message: { ...replyTo, reply_to_message: undefined } }),
      ...(p.protect_content === true && { has_protected_content: true as const }),
    };
  }

  private replyTarget(chat: ChatState, p: ApiParams): Message | undefined {
    const parameters = isObject(p.reply_parameters) ? p.reply_parameters : { message_id: p.reply_to_message_id, allow_sending_without_reply: p.allow_sending_without_reply };
    const messageId = integerParam(parameters, "message_id");
    if (messageId === undefined) return undefined;
    const inChat = parameters.chat_id === undefined ? chat : this.chatState(this.resolveChatId(parameters.chat_id));
    const message = inChat.messages.get(messageId);
    if (!message && parameters.allow_sending_without_reply !== true) throw badRequest("message to be replied not found");
    return message;
  }

  private sourceMessage(p: ApiParams, notFound: string): Message {
    const fromChat = this.targetChat(p, { allowInactive: true, field: "from_chat_id" });
    const messageId = integerParam(p, "message_id");
    const message = messageId === undefined ? undefined : fromChat.messages.get(messageId);
    if (!message) throw badRequest(notFound);
    return message;
  }

  private deliver(chat: ChatState, content: MessageContent): Message {
    const message: Message = { ...content, message_id: chat.nextMessageId++, from: this.botUser(), chat: chat.chat, date: unixNow() };
    chat.messages.set(message.message_id, message);
    chat.delivered.push(message);
    this.deliveries.push(message);
    return message;
  }

  /** Applies an edit to a bot message, or answers true for inline messages (which the simulator does not keep). */
  private edit(p: ApiParams, changes: MessageContent, check?: (message: Message) => void): Message | true {
    if (p.inline_message_id !== undefined) return true;
    const chat = this.targetChat(p);
    const messageId = integerParam(p, "message_id");
    if (messageId === undefined) throw badRequest("message identifier is not specified");
    const before = chat.messages.get(messageId);
    if (!before) throw badRequest("message to edit not found");
    if (before.from?.id !== this.opts.botInfo.id) throw badRequest("message can't be edited");
    check?.(before);
    const after: Message = { ...before, ...changes, edit_date: unixNow() };
    if (visibleContent(after) === visibleContent(before)) throw badRequest(NOT_MODIFIED);
    this.takeEditSlot(chat);
    chat.messages.set(messageId, after);
    return after;
  }

  private botUser(): User {
    const { id, first_name, username } = this.opts.botInfo;
    return { id, is_bot: true, first_name, username };
  }

  private photoSizes(value: unknown): PhotoSize[] {
    if (value instanceof UploadedFile) {
      const id = this.newFileId("photo");
      return [
        { file_id: `${id}-s`, file_unique_id: `${id}-s-unique`, width: 90, height: 90, file_size: Math.min(value.size, 2_000) },
        { file_id: id, file_unique_id: `${id}-unique`, width: 1280, height: 1280, file_size: value.size },
      ];
    }
    if (typeof value === "string" && value !== "") {
      const id = isUrl(value) ? this.newFileId("photo") : value;
      return [{ file_id: id, file_unique_id: `${id}-unique`, width: 1280, height: 1280 }];
    }
    throw badRequest("there is no photo in the request");
  }

  private document(value: unknown): Document {
    if (value instanceof UploadedFile) {
      const id = this.newFileId("document");
      return { file_id: id, file_unique_id: `${id}-unique`, file_name: value.fileName, mime_type: mimeTypeOf(value.fileName), file_size: value.size };
    }
    if (typeof value === "string" && value !== "") {
      if (!isUrl(value)) return { file_id: value, file_unique_id: `${value}-unique` };
      const id = this.newFileId("document");
      const fileName = new URL(value).pathname.split("/").pop() || "file";
      return { file_id: id, file_unique_id: `${id}-unique`, file_name: fileName, mime_type: mimeTypeOf(fileName) };
    }
    throw badRequest("there is no document in the request");
  }

  private newFileId(kind: string): string {
    return `sim-${kind}-${++this.lastFileNumber}`;
  }

  // -------------------------------------------------------------------------
  // Flood limits

  /**
   * Global: a sliding one-second window, or the strict token bucket (see `floodControl`).
   * Per chat: an allowance of `perChatBurst` refilled at `perChatRatePerSecond`.
   */
  private takeSendSlot(chat: ChatState): void {
    if (!this.opts.rateLimits) return;
    const now = Date.now();
    const allowance = refilled(chat.sendAllowance, now, Math.max(1, this.opts.perChatBurst), this.opts.perChatRatePerSecond);
    chat.sendAllowance = allowance;
    if (this.opts.floodControl === "strict") {
      if (now < this.floodPausedUntil) throw this.tooManyRequests(Math.ceil((this.floodPausedUntil - now) / 1000));
      const bucket = refilled(this.globalBucket, now, this.opts.globalRatePerSecond, this.opts.globalRatePerSecond);
      this.globalBucket = bucket;
      if (bucket.tokens < 1) {
        this.floodPausedUntil = now + this.opts.floodPauseSeconds * 1000;
        this.floodPauses++;
        throw this.tooManyRequests(this.opts.floodPauseSeconds);
      }
      if (allowance.tokens < 1) throw this.tooManyRequests();
      bucket.tokens -= 1;
    } else {
      dropOlderThan(this.globalSendTimes, now - 1000);
      if (this.globalSendTimes.length >= this.opts.globalRatePerSecond || allowance.tokens < 1) throw this.tooManyRequests();
      this.globalSendTimes.push(now);
    }
    allowance.tokens -= 1;
  }

  private takeEditSlot(chat: ChatState): void {
    if (!this.opts.rateLimits) return;
    const now = Date.now();
    dropOlderThan(chat.editTimes, now - 60_000);
    if (chat.editTimes.length >= this.opts.editRatePerChatPerMinute) throw this.tooManyRequests();
    chat.editTimes.push(now);
  }

  private tooManyRequests(seconds = this.opts.retryAfterSeconds): ApiError {
    return new ApiError(429, `Too Many Requests: retry after ${seconds}`, { retry_after: seconds });
  }

  // -------------------------------------------------------------------------
  // Updates: the queue, long polling, webhooks

  /** Queues an update for the bot (with the next update_id, whatever it had) and returns it. */
  pushUpdate(update: Update): Update {
    if (this.closed) throw new Error("the simulator is closed");
    const queued: Update = { ...update, update_id: ++this.lastUpdateId };
    this.remember(queued);
    this.pendingUpdates.push(queued);
    this.poller?.wake("update");
    this.kickWebhook();
    return queued;
  }

  /** Keeps what an update tells about chats, messages and callback queries, so the bot can act on them. */
  private remember(update: Update): void {
    const message = update.message ?? update.channel_post;
    if (message) {
      const chat = this.chatState(message.chat.id, message.chat);
      if (!chat.messages.has(message.message_id)) chat.messages.set(message.message_id, message);
      chat.nextMessageId = Math.max(chat.nextMessageId, message.message_id + 1);
    }
    const edited = update.edited_message ?? update.edited_channel_post;
    if (edited) this.chatState(edited.chat.id, edited.chat).messages.set(edited.message_id, edited);
    if (update.callback_query) this.openCallbackQueries.add(update.callback_query.id);
    if (update.my_chat_member) this.chatState(update.my_chat_member.chat.id, update.my_chat_member.chat);
  }

  private async getUpdates(p: ApiParams, signal: AbortSignal): Promise<Update[]> {
    const offset = integerParam(p, "offset");
    const limit = Math.min(100, Math.max(1, integerParam(p, "limit") ?? 100));
    const timeoutSeconds = Math.max(0, numberParam(p, "timeout") ?? 0);
    if (Array.isArray(p.allowed_updates)) this.setAllowedUpdates(p.allowed_updates);
    if (offset !== undefined && offset > 0) this.pendingUpdates = this.pendingUpdates.filter((u) => u.update_id >= offset);
    if (offset !== undefined && offset < 0) this.pendingUpdates = this.pendingUpdates.slice(offset);

    // Like Telegram, a new getUpdates ends the one still waiting with 409.
    this.poller?.wake("superseded");
    const deadline = Date.now() + timeoutSeconds * 1000;
    for (;;) {
      const injected = this.opts.getUpdatesError;
      if (injected) throw new ApiError(injected.error_code, injected.description);
      if (this.webhook) throw new ApiError(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
      const ready = this.deliverableUpdates().slice(0, limit);
      const remaining = deadline - Date.now();
      if (ready.length > 0 || remaining <= 0 || this.closed || signal.aborted) return ready;
      const wake = await this.waitForPollWake(remaining, signal);
      if (wake === "superseded") throw new ApiError(409, "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running");
    }
  }

  private waitForPollWake(ms: number, signal: AbortSignal): Promise<PollWake | "timeout" | "cancelled"> {
    return new Promise((resolve) => {
      const finish = (reason: PollWake | "timeout" | "cancelled"): void => {
        clearTimeout(timer);
        signal.removeEventListener("abort", onAbort);
        if (this.poller === poller) this.poller = undefined;
        resolve(reason);
      };
      const onAbort = (): void => finish("cancelled");
      const timer = setTimeout(() => finish("timeout"), ms);
      const poller = { wake: finish };
      this.poller = poller;
      signal.addEventListener("abort", onAbort);
    });
  }

  private setAllowedUpdates(types: unknown[]): void {
    this.allowedUpdates = types.length > 0 ? new Set(types.filter((t): t is string => typeof t === "string")) : undefined;
  }

  /** The queued updates the bot asked for; the others are dropped, as Telegram would not have kept them. */
  private deliverableUpdates(): Update[] {
    this.pendingUpdates = this.pendingUpdates.filter((update) => {
      const type = updateType(update);
      return this.allowedUpdates ? this.allowedUpdates.has(type) : !OPT_IN_UPDATES.has(type);
    });
    return this.pendingUpdates;
  }

  private setWebhook(p: ApiParams): true {
    const url = typeof p.url === "string" ? p.url : "";
    if (url === "") return this.deleteWebhook(p);
    if (!isUrl(url)) throw badRequest("bad webhook: invalid webhook URL specified");
    const secretToken = typeof p.secret_token === "string" && p.secret_token !== "" ? p.secret_token : undefined;
    if (secretToken !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secretToken)) throw badRequest("bad webhook: secret token contains unallowed characters");
    if (Array.isArray(p.allowed_updates)) this.setAllowedUpdates(p.allowed_updates);
    if (p.drop_pending_updates === true) this.pendingUpdates = [];
    this.webhook = { url, secretToken, maxConnections: integerParam(p, "max_connections") ?? 40, lastError: undefined };
    this.poller?.wake("webhook");
    this.kickWebhook();
    return true;
  }

  private deleteWebhook(p: ApiParams): true {
    this.webhook = undefined;
    if (p.drop_pending_updates === true) this.pendingUpdates = [];
    return true;
  }

  private webhookInfo(): WebhookInfo {
    const webhook = this.webhook;
    const pending = this.pendingUpdates.length;
    if (!webhook) return { url: "", has_custom_certificate: false, pending_update_count: pending };
    return {
      url: webhook.url,
      has_custom_certificate: false,
      pending_update_count: pending,
      max_connections: webhook.maxConnections,
      ...(webhook.lastError && { last_error_date: webhook.lastError.date, last_error_message: webhook.lastError.message }),
      ...(this.allowedUpdates && { allowed_updates: [...this.allowedUpdates] as WebhookInfo["allowed_updates"] }),
    };
  }

  private kickWebhook(): void {
    if (this.webhookBusy || !this.webhook || this.closed) return;
    this.webhookWorker = this.postPendingUpdates();
  }

  /** Posts queued updates one at a time, in order, while a webhook is set. */
  private async postPendingUpdates(): Promise<void> {
    this.webhookBusy = true;
    try {
      for (;;) {
        const webhook = this.webhook;
        const update = this.deliverableUpdates()[0];
        if (!webhook || !update || this.closed) return;
        await this.postUpdate(webhook, update);
        // Answered or not, the update is done with (it may already be gone, if pending updates were dropped meanwhile).
        this.pendingUpdates = this.pendingUpdates.filter((queued) => queued !== update);
      }
    } finally {
      this.webhookBusy = false;
    }
  }

  private async postUpdate(webhook: WebhookState, update: Update): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const delivery = await this.postOnce(webhook, update, attempt);
      this.webhookLog.push(delivery);
      const answered = delivery.status !== null && delivery.status >= 200 && delivery.status < 300;
      if (answered || attempt >= this.opts.webhookAttempts || this.closed || this.webhook !== webhook) return;
      await sleep(this.opts.webhookRetryDelayMs);
    }
  }

  private async postOnce(webhook: WebhookState, update: Update, attempt: number): Promise<WebhookDelivery> {
    const time = Date.now();
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (webhook.secretToken !== undefined) headers["X-Telegram-Bot-Api-Secret-Token"] = webhook.secretToken;
    const base = { updateId: update.update_id, attempt, url: webhook.url, time };
    try {
      const response = await fetch(webhook.url, {
        method: "POST",
        headers,
        body: JSON.stringify(update),
        signal: AbortSignal.any([this.lifetime.signal, AbortSignal.timeout(this.opts.webhookTimeoutMs)]),
      });
      await response.arrayBuffer();
      if (!response.ok) {
        webhook.lastError = { date: unixNow(), message: `Wrong response from the webhook: ${response.status} ${STATUS_CODES[response.status] ?? ""}`.trim() };
      }
      return { ...base, status: response.status, durationMs: Date.now() - time };
    } catch (error) {
      const message = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
      webhook.lastError = { date: unixNow(), message };
      return { ...base, status: null, error: message, durationMs: Date.now() - time };
    }
  }

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

  private nextUserMessageId(from: User): number {
    return this.chatState(from.id, privateChat(from)).nextMessageId;
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
    return this.webhookLog;
  }

  /** The messages the bot delivered to `chatId` (to every chat when omitted), as delivered, in order. */
  delivered(chatId?: number): Message[] {
    return chatId === undefined ? [...this.deliveries] : [...(this.chats.get(chatId)?.delivered ?? [])];
  }

  /** A message as it is in the chat now (edits applied), or undefined once deleted. */
  message(chatId: number, messageId: number): Message | undefined {
    return this.chats.get(chatId)?.messages.get(messageId);
  }

  /** The bot's latest message still in the chat, as it is now. */
  lastMessageTo(chatId: number): Message | undefined {
    const chat = this.chats.get(chatId);
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
    const counts = new Map<number, number>();
    for (const message of this.deliveries) counts.set(message.chat.id, (counts.get(message.chat.id) ?? 0) + 1);
    return counts;
  }

  /** Delivered messages grouped by `key`, keeping only keys seen more than once (undefined keys are skipped). */
  duplicatesBy(key: (message: Message) => string | undefined): Map<string, Message[]> {
    const groups = new Map<string, Message[]>();
    for (const message of this.deliveries) {
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
      delivered: this.deliveries.length,
      rejected429: withStatus((status) => status === 429),
      floodPauses: this.floodPauses,
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
        throw new Error(`condition not met within ${timeoutMs} ms (${this.callLog.length} calls, ${this.deliveries.length} messages delivered)`);
      }
      await sleep(WAIT_POLL_MS);
    }
  }

  /** The first delivered message (any chat, in delivery order) satisfying `predicate`. */
  waitForMessage(predicate: (message: Message) => boolean, timeoutMs?: number): Promise<Message> {
    return this.waitFor(() => this.deliveries.find(predicate), timeoutMs);
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
    this.deliveries = [];
    this.globalSendTimes = [];
    this.globalBucket = undefined;
    this.floodPausedUntil = 0;
    this.floodPauses = 0;
    this.pendingUpdates = [];
    this.allowedUpdates = undefined;
    this.webhook = undefined;
    this.webhookLog = [];
    this.openCallbackQueries.clear();
    this.commandMenus.clear();
    this.menuButtons.clear();
    this.lastFileNumber = 0;
    this.random = randomStreams(this.opts.seed);
  }
}

// ---------------------------------------------------------------------------
// Messages and markup

export function buttonsOf(message: Message | undefined): ButtonInfo[] {
  return (message?.reply_markup?.inline_keyboard ?? []).flat().map((button) => ({
    text: button.text,
    ...("callback_data" in button && { callback_data: button.callback_data }),
    ...("url" in button && { url: button.url }),
  }));
}

/** What a message shows: what an edit must change. */
function visibleContent(message: Message): string {
  const { text, entities, caption, caption_entities, reply_markup } = message;
  return canonicalJson({ text, entities, caption, caption_entities, reply_markup });
}

/** A message's content without its identity, for copies and forwards. */
function contentOf(message: Message): MessageContent {
  const content: Record<string, unknown> = { ...message };
  for (const key of ["message_id", "from", "chat", "date", "edit_date", "forward_origin", "reply_to_message", "reply_markup", "sender_chat"]) delete content[key];
  return content;
}

function defaultChat(id: number): Chat {
  if (id > 0) return { id, type: "private", first_name: `User ${id}` };
  // Supergroup and channel ids are -100 followed by the 10-digit id.
  return id < -1_000_000_000_000 ? { id, type: "supergroup", title: `Supergroup ${id}` } : { id, type: "group", title: `Group ${id}` };
}

function updateType(update: Update): string {
  return Object.keys(update).find((key) => key !== "update_id") ?? "unknown";
}

function captionOf(p: ApiParams): { caption?: string; caption_entities?: MessageEntity[] } {
  if (p.caption === undefined || p.caption === null) return {};
  const { text, entities } = formatText(p.caption, p.parse_mode, p.caption_entities);
  if (text.length > CAPTION_LIMIT) throw badRequest("message caption is too long");
  return { caption: text, ...(entities.length > 0 && { caption_entities: entities }) };
}

/** The inline keyboard of a reply_markup, validated like Telegram; other keyboards are not part of a Message. */
function inlineKeyboard(markup: unknown): InlineKeyboardMarkup | undefined {
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

function validCommand(value: unknown): BotCommand {
  if (!isObject(value) || typeof value.command !== "string" || !/^[a-z0-9_]{1,32}$/.test(value.command)) throw badRequest("BOT_COMMAND_INVALID");
  if (typeof value.description !== "string" || value.description.length === 0 || value.description.length > 256) {
    throw badRequest("BOT_COMMAND_DESCRIPTION_INVALID");
  }
  return { command: value.command, description: value.description };
}

function commandMenuKey(p: ApiParams): string {
  return `${canonicalJson(p.scope ?? { type: "default" })}|${typeof p.language_code === "string" ? p.language_code : ""}`;
}

// ---------------------------------------------------------------------------
// Text formatting (HTML parse mode)

/** Tags that stand for one entity type. */
const STYLE_TAGS: Record<string, "bold" | "italic" | "underline" | "strikethrough" | "spoiler" | "code"> = {
  b: "bold",
  strong: "bold",
  i: "italic",
  em: "italic",
  u: "underline",
  ins: "underline",
  s: "strikethrough",
  strike: "strikethrough",
  del: "strikethrough",
  "tg-spoiler": "spoiler",
  code: "code",
};
/** Tags whose attributes decide their entity (see closeTag). */
const ATTRIBUTE_TAGS = new Set(["a", "pre", "span", "blockquote"]);

const NAMED_CHARACTERS: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"' };

/** The text as Telegram stores it (markup parsed away) and its entities. */
function formatText(raw: unknown, parseMode: unknown, entities: unknown): { text: string; entities: MessageEntity[] } {
  // Telegram takes numbers for text too; anything else counts as no text.
  const source = typeof raw === "string" ? raw : typeof raw === "number" ? String(raw) : "";
  if (parseMode === undefined || parseMode === null || parseMode === "") {
    return { text: source, entities: Array.isArray(entities) ? (entities as MessageEntity[]) : [] };
  }
  if (parseMode === "HTML") return parseHtml(source);
  // Markdown is not parsed: the text is kept as sent.
  if (parseMode === "MarkdownV2" || parseMode === "Markdown") return { text: source, entities: [] };
  throw badRequest("unsupported parse_mode");
}

interface OpenTag {
  name: string;
  offset: number;
  attributes: Record<string, string>;
  /** For <pre>: the language of a <code class="language-x"> inside it. */
  language?: string;
}

function parseHtml(source: string): { text: string; entities: MessageEntity[] } {
  const fail = (detail: string): never => {
    throw badRequest(`can't parse entities: ${detail}`);
  };
  const byteOffset = (index: number): number => Buffer.byteLength(source.slice(0, index));
  let text = "";
  const entities: MessageEntity[] = [];
  const open: OpenTag[] = [];
  let i = 0;
  while (i < source.length) {
    const char = source[i] ?? "";
    if (char === "&") {
      const entity = /^&(#\d{1,7}|#x[0-9a-f]{1,6}|[a-z]+);/i.exec(source.slice(i, i + 12));
      const name = entity?.[1];
      const decoded =
        name === undefined ? undefined : name.startsWith("#") ? decodeCodePoint(name) : NAMED_CHARACTERS[name.toLowerCase()];
      text += decoded ?? "&";
      i += decoded === undefined ? 1 : (entity?.[0].length ?? 1);
      continue;
    }
    if (char !== "<") {
      text += char;
      i += 1;
      continue;
    }
    const end = source.indexOf(">", i);
    if (end === -1) fail(`Unclosed start tag at byte offset ${byteOffset(i)}`);
    const inner = source.slice(i + 1, end);
    if (inner.startsWith("/")) {
      const name = inner.slice(1).trim().toLowerCase();
      const tag = open.pop();
      if (!tag) fail(`Unexpected end tag at byte offset ${byteOffset(i)}`);
      else if (tag.name !== name) fail(`Unmatched end tag at byte offset ${byteOffset(i)}, expected "</${tag.name}>", found "</${name}>"`);
      else closeTag(tag, text.length, open, entities);
    } else {
      const match = /^([a-z][a-z0-9-]*)([\s\S]*)$/i.exec(inner);
      const name = match?.[1]?.toLowerCase() ?? "";
      if (!(name in STYLE_TAGS) && !ATTRIBUTE_TAGS.has(name)) fail(`Unsupported start tag "${name}" at byte offset ${byteOffset(i)}`);
      open.push({ name, offset: text.length, attributes: parseAttributes(match?.[2] ?? "") });
    }
    i = end + 1;
  }
  const unclosed = open.pop();
  if (unclosed) fail(`Can't find end tag corresponding to start tag "${unclosed.name}"`);
  entities.sort((a, b) => a.offset - b.offset);
  return { text, entities };
}

function closeTag(tag: OpenTag, end: number, open: OpenTag[], entities: MessageEntity[]): void {
  const offset = tag.offset;
  const length = end - offset;
  const parent = open[open.length - 1];
  // <pre><code class="language-x"> is one pre entity with a language.
  if (tag.name === "code" && parent?.name === "pre") {
    const language = /^language-(.+)$/.exec(tag.attributes.class ?? "")?.[1];
    if (language !== undefined) parent.language = language;
    return;
  }
  if (length === 0) return;
  switch (tag.name) {
    case "a":
      if (tag.attributes.href !== undefined) entities.push({ type: "text_link", offset, length, url: tag.attributes.href });
      return;
    case "pre":
      entities.push({ type: "pre", offset, length, ...(tag.language !== undefined && { language: tag.language }) });
      return;
    case "span":
      if (tag.attributes.class === "tg-spoiler") entities.push({ type: "spoiler", offset, length });
      return;
    case "blockquote":
      entities.push({ type: "expandable" in tag.attributes ? "expandable_blockquote" : "blockquote", offset, length });
      return;
    default: {
      const type = STYLE_TAGS[tag.name];
      if (type !== undefined) entities.push({ type, offset, length });
    }
  }
}

function parseAttributes(source: string): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const match of source.matchAll(/([a-z-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/gi)) {
    const name = (match[1] ?? "").toLowerCase();
    attributes[name] = decodeAttribute(match[2] ?? match[3] ?? match[4] ?? "");
  }
  return attributes;
}

function decodeAttribute(value: string): string {
  return value.replace(/&(lt|gt|amp|quot);/g, (_, name: string) => NAMED_CHARACTERS[name] ?? "");
}

function decodeCodePoint(reference: string): string | undefined {
  const codePoint = reference.startsWith("#x") || reference.startsWith("#X") ? parseInt(reference.slice(2), 16) : parseInt(reference.slice(1), 10);
  return codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : undefined;
}

// ---------------------------------------------------------------------------
// Requests: bodies, multipart, parameters

interface RawRequest {
  url: URL;
  contentType: string | undefined;
  body: Buffer;
  transport: Transport;
  signal: AbortSignal;
}

/** Fields sent as JSON text in form bodies (multipart, urlencoded, query string). */
const JSON_FIELDS = new Set([
  "reply_markup",
  "entities",
  "caption_entities",
  "reply_parameters",
  "link_preview_options",
  "allowed_updates",
  "commands",
  "scope",
  "menu_button",
  "media",
]);
const BOOLEAN_FIELD = /^(disable_|protect_|show_|drop_|allow_|is_|has_)/;
const INTEGER_FIELD = /(_id|^offset|^limit|^timeout|^max_connections|^cache_time|^duration|^width|^height)$/;

/** The call's parameters: query string, then the JSON, multipart or urlencoded body. */
function parseParams(request: RawRequest): ApiParams {
  const params: ApiParams = {};
  for (const [key, value] of request.url.searchParams) params[key] = fromFormText(key, value);
  const type = request.contentType?.toLowerCase() ?? "";
  if (request.body.length === 0) return params;
  if (type.startsWith("application/json")) {
    const parsed: unknown = JSON.parse(request.body.toString("utf8"));
    if (!isObject(parsed)) throw new Error("the JSON body is not an object");
    return { ...params, ...parsed };
  }
  if (type.startsWith("multipart/form-data")) {
    const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(request.contentType ?? "");
    return { ...params, ...parseMultipart(request.body, boundary?.[1] ?? boundary?.[2] ?? "") };
  }
  for (const [key, value] of new URLSearchParams(request.body.toString("utf8"))) params[key] = fromFormText(key, value);
  return params;
}

/** Form values are all text: gives back the numbers, booleans and JSON objects they stand for. */
function fromFormText(key: string, value: string): unknown {
  if (JSON_FIELDS.has(key)) {
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  }
  if (INTEGER_FIELD.test(key) && /^-?\d+$/.test(value)) return Number(value);
  if (BOOLEAN_FIELD.test(key) && (value === "true" || value === "false")) return value === "true";
  return value;
}

/**
 * Parses multipart/form-data: fields become parameters, files become
 * UploadedFile, both where named and where referenced as attach://name.
 * grammY writes headers as `content-disposition:form-data;name="x";filename=y`
 * (lower case, no spaces, unquoted file name), so all of these are accepted.
 */
function parseMultipart(body: Buffer, boundary: string): ApiParams {
  if (boundary === "") throw new Error("multipart body without a boundary");
  const delimiter = Buffer.from(`--${boundary}`);
  const fields: ApiParams = {};
  const files = new Map<string, UploadedFile>();
  let position = body.indexOf(delimiter);
  while (position !== -1) {
    const partStart = position + delimiter.length;
    if (body.subarray(partStart, partStart + 2).toString() === "--") break;
    const next = body.indexOf(delimiter, partStart);
    if (next === -1) break;
    // Each part sits between "\r\n" after the delimiter and "\r\n" before the next one.
    const part = body.subarray(partStart + 2, next - 2);
    const headerEnd = part.indexOf("\r\n\r\n");
    const headers = part.subarray(0, headerEnd).toString("utf8");
    const content = part.subarray(headerEnd + 4);
    const disposition = /content-disposition:\s*form-data((?:\s*;\s*[^;\r\n]+)*)/i.exec(headers)?.[1] ?? "";
    const name = headerParameter(disposition, "name");
    const fileName = headerParameter(disposition, "filename");
    if (name !== undefined) {
      if (fileName !== undefined) {
        const contentType = /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1]?.trim() ?? "application/octet-stream";
        const file = new UploadedFile(fileName, contentType, Buffer.from(content));
        files.set(name, file);
        fields[name] = file;
      } else {
        fields[name] = fromFormText(name, content.toString("utf8"));
      }
    }
    position = next;
  }
  for (const [key, value] of Object.entries(fields)) {
    if (typeof value === "string" && value.startsWith("attach://")) {
      const file = files.get(value.slice("attach://".length));
      if (file) fields[key] = file;
    }
  }
  return fields;
}

function headerParameter(disposition: string, name: string): string | undefined {
  const match = new RegExp(`;\\s*${name}=(?:"([^"]*)"|([^;\\r\\n]*))`, "i").exec(disposition);
  return match ? (match[1] ?? match[2] ?? "").trim() : undefined;
}

async function readStream(stream: AsyncIterable<Uint8Array | string>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/**
 * The body of a fetch call. grammY sends multipart bodies as a Node stream,
 * which `Request` does not take, so async iterables are read directly;
 * anything else a fetch accepts goes through `Response`.
 */
async function readFetchBody(input: string | URL | Request, init: RequestInit | undefined): Promise<{ body: Buffer; contentType: string | undefined }> {
  const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
  const contentType = headers.get("content-type") ?? undefined;
  const body: unknown = init?.body ?? undefined;
  if (body === undefined || body === null) {
    return { body: input instanceof Request ? Buffer.from(await input.arrayBuffer()) : Buffer.alloc(0), contentType };
  }
  if (isAsyncIterable(body)) return { body: await readStream(body), contentType };
  const response = new Response(body as ConstructorParameters<typeof Response>[0]);
  return { body: Buffer.from(await response.arrayBuffer()), contentType: contentType ?? response.headers.get("content-type") ?? undefined };
}

function renderReply(reply: Exclude<Reply, { kind: "drop" }>): { status: number; contentType: string; text: string } {
  if (reply.kind === "badGateway") {
    // Telegram's front proxy answers 502 with an HTML page, not with JSON.
    return {
      status: 502,
      contentType: "text/html",
      text: "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
    };
  }
  return { status: reply.body.ok ? 200 : reply.body.error_code, contentType: "application/json", text: JSON.stringify(reply.body) };
}

function integerParam(p: Record<string, unknown>, name: string): number | undefined {
  const value = numberParam(p, name);
  if (value !== undefined && !Number.isInteger(value)) throw badRequest(`invalid ${name} specified`);
  return value;
}

function numberParam(p: Record<string, unknown>, name: string): number | undefined {
  const value = p[name];
  if (value === undefined || value === null) return undefined;
  const number = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  if (typeof number !== "number" || Number.isNaN(number)) throw badRequest(`invalid ${name} specified`);
  return number;
}

// ---------------------------------------------------------------------------
// Small helpers

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isAsyncIterable(value: unknown): value is AsyncIterable<Uint8Array | string> {
  return typeof value === "object" && value !== null && Symbol.asyncIterator in value;
}

function isUrl(value: string): boolean {
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
};

/** Telegram guesses a document's type from its name (grammY uploads everything as octet-stream). */
function mimeTypeOf(fileName: string): string {
  return MIME_TYPES[fileName.split(".").pop()?.toLowerCase() ?? ""] ?? "application/octet-stream";
}

/** JSON with object keys sorted, so equal values compare equal whatever their key order. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    isObject(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

/** Removes the leading timestamps at or before `cutoff` from an ascending list. */
function dropOlderThan(times: number[], cutoff: number): void {
  while (times.length > 0 && (times[0] ?? Infinity) <= cutoff) times.shift();
}

interface RandomStreams {
  fault: () => number;
  latency: () => number;
}

/** Separate streams, so that adding latency does not change which calls fail. */
function randomStreams(seed: number): RandomStreams {
  return { fault: mulberry32(seed), latency: mulberry32(seed ^ 0x5bd1e995) };
}


function abortError(): DOMException {
  return new DOMException("This operation was aborted", "AbortError");
}

function networkError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

/** A token bucket of `capacity` (full when new), refilled at `perSecond` up to `now`. */
function refilled(bucket: { tokens: number; at: number } | undefined, now: number, capacity: number, perSecond: number): { tokens: number; at: number } {
  if (!bucket) return { tokens: capacity, at: now };
  return { tokens: Math.min(capacity, bucket.tokens + ((now - bucket.at) * perSecond) / 1000), at: now };
}

function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}

function validated(options: ResolvedSimulatorOptions): ResolvedSimulatorOptions {
  for (const key of ["serverErrorRate", "serverErrorAfterDelivery", "dropConnectionRate", "dropAfterDelivery"] as const) {
    if (!(options[key] >= 0 && options[key] <= 1)) throw new RangeError(`${key} must be between 0 and 1, got ${options[key]}`);
  }
  if (options.serverErrorRate + options.dropConnectionRate > 1) throw new RangeError("serverErrorRate + dropConnectionRate must not exceed 1");
  for (const key of ["globalRatePerSecond", "perChatRatePerSecond", "perChatBurst", "editRatePerChatPerMinute", "webhookAttempts"] as const) {
    if (!(options[key] > 0)) throw new RangeError(`${key} must be positive, got ${options[key]}`);
  }
  if (!Number.isInteger(options.floodPauseSeconds) || options.floodPauseSeconds < 1) {
    throw new RangeError(`floodPauseSeconds must be a whole number of seconds, got ${options.floodPauseSeconds}`);
  }
  if (!Number.isInteger(options.retryAfterSeconds) || options.retryAfterSeconds < 1) {
    throw new RangeError(`retryAfterSeconds must be a whole number of seconds, got ${options.retryAfterSeconds}`);
  }
  const latency = options.latencyMs;
  if (typeof latency === "number" ? latency < 0 : latency.min < 0 || latency.max < latency.min) throw new RangeError("latencyMs must be >= 0 (and min <= max)");
  return options;
}
