/**
 * The updates waiting for the bot, and the two ways Telegram hands them over:
 * long polling (getUpdates, one poller at a time, 409 for a second one) and
 * webhooks (posted one at a time, in order, with the secret token).
 */
import { STATUS_CODES } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import type { Update, WebhookInfo } from "grammy/types";
import { ApiError, badRequest } from "./errors.js";
import { isUrl, updateType } from "./markup.js";
import type { ApiParams, ResolvedSimulatorOptions, WebhookDelivery } from "./options.js";
import { integerParam, numberParam } from "./requests.js";
import { nextUpdateId } from "./updates.js";
import { unixNow } from "./updates.js";

/** Update types Telegram sends only when asked for in allowed_updates. */
const OPT_IN_UPDATES = new Set(["chat_member", "message_reaction", "message_reaction_count"]);

interface WebhookState {
  url: string;
  secretToken: string | undefined;
  maxConnections: number;
  lastError: { date: number; message: string } | undefined;
}

type PollWake = "update" | "superseded" | "closed" | "webhook";

export class UpdateQueue {
  /** Updates not yet confirmed (polling) or not yet posted (webhook). */
  private pendingUpdates: Update[] = [];
  private allowedUpdates: Set<string> | undefined;
  private poller: { wake(reason: PollWake): void } | undefined;

  private webhook: WebhookState | undefined;
  private webhookLog: WebhookDelivery[] = [];
  private webhookBusy = false;
  private webhookWorker: Promise<void> | undefined;

  private closed = false;
  /** Aborted by `close()`: stops webhook posts. */
  private readonly lifetime = new AbortController();

  constructor(
    private readonly options: () => ResolvedSimulatorOptions,
    /** Told of each update as it is queued (the chats keep what it says). */
    private readonly onQueued: (update: Update) => void,
  ) {}

  /** Queues an update (with the next update_id, whatever it had) and returns it. */
  push(update: Update): Update {
    if (this.closed) throw new Error("the simulator is closed");
    // From the process-wide counter, never reset: a polling bot's offset stays valid across `reset()`.
    const queued: Update = { ...update, update_id: nextUpdateId() };
    this.onQueued(queued);
    this.pendingUpdates.push(queued);
    this.poller?.wake("update");
    this.kickWebhook();
    return queued;
  }



  /**
   * Hands out again updates it already handed out, with their own update_ids: Telegram does so when the bot
   * stopped after fetching them but before a getUpdates with a later offset told it they were taken.
   */
  deliverAgain(updates: readonly Update[]): void {
    if (this.closed) throw new Error("the simulator is closed");
    const waiting = new Set(this.pendingUpdates.map((update) => update.update_id));
    this.pendingUpdates = [...updates.filter((update) => !waiting.has(update.update_id)), ...this.pendingUpdates].sort((a, b) => a.update_id - b.update_id);
    this.poller?.wake("update");
    this.kickWebhook();
  }

  /** Options changed: a long poll waiting now looks at them again (a getUpdatesError answers it at once). */
  recheck(): void {
    this.poller?.wake("update");
  }

  async getUpdates(p: ApiParams, signal: AbortSignal): Promise<Update[]> {
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
      const injected = this.options().getUpdatesError;
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

  setWebhook(p: ApiParams): true {
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

  deleteWebhook(p: ApiParams): true {
    this.webhook = undefined;
    if (p.drop_pending_updates === true) this.pendingUpdates = [];
    return true;
  }

  webhookInfo(): WebhookInfo {
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
      if (answered || attempt >= this.options().webhookAttempts || this.closed || this.webhook !== webhook) return;
      await sleep(this.options().webhookRetryDelayMs);
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
        signal: AbortSignal.any([this.lifetime.signal, AbortSignal.timeout(this.options().webhookTimeoutMs)]),
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

  get webhookDeliveries(): readonly WebhookDelivery[] {
    return this.webhookLog;
  }

  /** Answers a waiting long poll (with no updates) and stops webhook posts. Final. */
  async close(): Promise<void> {
    this.closed = true;
    this.lifetime.abort();
    this.poller?.wake("closed");
    await this.webhookWorker;
  }

  /** Forgets queued updates, the webhook and its log; update ids keep increasing. */
  reset(): void {
    this.pendingUpdates = [];
    this.allowedUpdates = undefined;
    this.webhook = undefined;
    this.webhookLog = [];
  }
}
