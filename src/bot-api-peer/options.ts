/**
 * The peer's options, the public types of what it records, and the method
 * groups its rules apply to.
 */
import type { ResponseParameters, UserFromGetMe } from "grammy/types";
import { testBotInfo } from "./updates.js";
import { mulberry32 } from "./random.js";

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

/** Options as given, with the defaults filled in and checked. */
export function resolveOptions(options: BotApiSimulatorOptions): ResolvedSimulatorOptions {
  return validated({
    ...DEFAULT_OPTIONS,
    botInfo: testBotInfo(),
    blockedChats: new Set(),
    deactivatedChats: new Set(),
    unknownChats: new Set(),
    ...definedOnly(options),
  });
}

/** Options changed at runtime: the given ones replace, the others stay. */
export function updatedOptions(current: ResolvedSimulatorOptions, changes: BotApiSimulatorOptions): ResolvedSimulatorOptions {
  return validated({ ...current, ...definedOnly(changes) });
}

export interface RandomStreams {
  fault: () => number;
  latency: () => number;
}

/** Separate streams, so that adding latency does not change which calls fail. */
export function randomStreams(seed: number): RandomStreams {
  return { fault: mulberry32(seed), latency: mulberry32(seed ^ 0x5bd1e995) };
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
