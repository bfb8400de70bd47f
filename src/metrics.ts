import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { Context, MiddlewareFn } from "grammy";
import type { DeliveryOutcome } from "./delivery/delivery-engine.js";
import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { RequestHandler } from "./http/server.js";

/** What a send through the outbox ended as, as counted in `clinic_sends_total`. */
export const SEND_RESULTS = ["sent", "rate_limited", "retry", "blocked", "failed", "unknown", "skipped"] as const;
export type SendResult = (typeof SEND_RESULTS)[number];

/** Where the figures collected on each scrape come from (read from the database then, not kept in memory). */
export interface MetricsSources {
  /** Outbox rows grouped by kind and status. */
  outboxCounts?: () => Promise<Array<{ kind: string; status: string; count: number }>>;
  /** Broadcasts still going out, with their delivery figures. */
  broadcastProgress?: () => Promise<Array<{ id: number; sent: number; failed: number; remaining: number }>>;
  /** Milliseconds the sender has spent paused by Telegram's retry_after so far. */
  retryAfterPausedMs?: () => number;
}

export interface MetricsOptions extends MetricsSources {
  /** Adds the process metrics (CPU, resident memory, event loop lag); off in tests that build many. */
  processMetrics?: boolean;
}

/**
 * The bot's Prometheus metrics, in a registry of its own (not prom-client's
 * global one), so that tests and benchmarks can run several apps in one process.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly updates: Counter<"type">;
  readonly repeatedUpdates: Counter;
  readonly handlerSeconds: Histogram<"type">;
  readonly sends: Counter<"result">;
  readonly retryAfterSeconds: Counter;

  constructor(options: MetricsOptions = {}) {
    const registers = [this.registry];
    this.updates = new Counter({
      name: "clinic_updates_total",
      help: "Telegram updates handled, by update type (message, callback_query, ...).",
      labelNames: ["type"],
      registers,
    });
    this.repeatedUpdates = new Counter({
      name: "clinic_updates_repeated_total",
      help: "Updates Telegram delivered again (same update_id) and the bot dropped, having taken them on already.",
      registers,
    });
    this.handlerSeconds = new Histogram({
      name: "clinic_update_handling_seconds",
      help: "Time from an update entering the bot to its handlers finishing, replies included.",
      labelNames: ["type"],
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.sends = new Counter({
      name: "clinic_sends_total",
      help: "Outbox messages the delivery engine tried to send, by result (rate_limited is a 429 with retry_after).",
      labelNames: ["result"],
      registers,
    });
    for (const result of SEND_RESULTS) this.sends.inc({ result }, 0);

    let pausedMsSeen = 0;
    const pausedMs = options.retryAfterPausedMs;
    this.retryAfterSeconds = new Counter({
      name: "clinic_send_retry_after_seconds_total",
      help: "Seconds sending was paused because Telegram answered 429 with retry_after.",
      registers,
      collect() {
        if (!pausedMs) return;
        const now = pausedMs();
        if (now > pausedMsSeen) this.inc((now - pausedMsSeen) / 1000);
        pausedMsSeen = now;
      },
    });

    const outboxCounts = options.outboxCounts;
    new Gauge({
      name: "clinic_outbox_messages",
      help: "Outbox rows by kind and status, read from the database on each scrape.",
      labelNames: ["kind", "status"],
      registers,
      async collect() {
        if (!outboxCounts) return;
        this.reset();
        for (const group of await outboxCounts()) this.set({ kind: group.kind, status: group.status }, group.count);
      },
    });

    const broadcastProgress = options.broadcastProgress;
    new Gauge({
      name: "clinic_broadcast_messages",
      help: "Messages of the broadcasts still going out, by broadcast id and state (sent; failed: ended without arriving, blocked included; remaining).",
      labelNames: ["broadcast_id", "state"],
      registers,
      async collect() {
        if (!broadcastProgress) return;
        this.reset();
        for (const broadcast of await broadcastProgress()) {
          const id = String(broadcast.id);
          this.set({ broadcast_id: id, state: "sent" }, broadcast.sent);
          this.set({ broadcast_id: id, state: "failed" }, broadcast.failed);
          this.set({ broadcast_id: id, state: "remaining" }, broadcast.remaining);
        }
      },
    });

    if (options.processMetrics) collectDefaultMetrics({ register: this.registry });
  }

  /** Counts one delivery outcome reported by the delivery engine. */
  observeSend(outcome: DeliveryOutcome): void {
    this.sends.inc({ result: sendResultOf(outcome) });
  }

  /** How many sends ended with `result` so far. */
  async sendCount(result: SendResult): Promise<number> {
    const metric = await this.sends.get();
    return metric.values.find((value) => value.labels.result === result)?.value ?? 0;
  }

  /** The Prometheus text exposition of every metric. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  /** `GET /metrics` for the HTTP server, open to anyone who reaches it (tests; see `guardedHandler`). */
  readonly handler: RequestHandler = async (_req, res) => {
    const body = await this.text();
    res.writeHead(200, { "content-type": this.registry.contentType }).end(body);
  };

  /**
   * `GET /metrics` as the bot serves it on PORT, which a load balancer may
   * expose to the internet. With `token`, only requests carrying
   * `Authorization: Bearer <token>` are answered. Without one, only direct
   * requests from this machine (loopback, no proxy's forwarding header) are:
   * a scrape through the public entry is refused.
   */
  guardedHandler(token: string | undefined): RequestHandler {
    return async (req, res) => {
      if (!metricsAllowed(req, token)) {
        res.writeHead(token ? 401 : 403, { "content-type": "text/plain", ...(token ? { "www-authenticate": "Bearer" } : {}) });
        res.end(token ? "a bearer token is required\n" : "metrics are served to this machine only; set METRICS_TOKEN to scrape from elsewhere\n");
        return;
      }
      await this.handler(req, res);
    };
  }
}

export function sendResultOf(outcome: DeliveryOutcome): SendResult {
  if (outcome.result === "retry") return outcome.rateLimited ? "rate_limited" : "retry";
  return outcome.result;
}

/** The first field of an update besides its id: message, callback_query, my_chat_member... */
export function updateType(update: object): string {
  for (const key of Object.keys(update)) if (key !== "update_id") return key;
  return "unknown";
}

/**
 * Counts every update by type and times its handling. Put it first, so the
 * time includes everything the update goes through. Without metrics it only
 * passes the update on.
 */
export function updateMetrics<C extends Context>(metrics: Metrics | undefined): MiddlewareFn<C> {
  if (!metrics) return (_ctx, next) => next();
  return async (ctx, next) => {
    const type = updateType(ctx.update);
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      metrics.updates.inc({ type });
      metrics.handlerSeconds.observe({ type }, Number(process.hrtime.bigint() - started) / 1e9);
    }
  };
}

const FORWARDING_HEADERS = ["forwarded", "x-forwarded-for", "x-real-ip"];

export function metricsAllowed(req: IncomingMessage, token: string | undefined): boolean {
  if (token) {
    const given = Buffer.from(req.headers.authorization ?? "");
    const wanted = Buffer.from(`Bearer ${token}`);
    return given.length === wanted.length && timingSafeEqual(given, wanted);
  }
  const remote = req.socket.remoteAddress ?? "";
  const loopback = remote === "::1" || remote.startsWith("127.") || remote.startsWith("::ffff:127.");
  return loopback && !FORWARDING_HEADERS.some((header) => header in req.headers);
}
