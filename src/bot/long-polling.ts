import { setTimeout as sleep } from "node:timers/promises";
import { GrammyError, HttpError, type Api, type Bot } from "grammy";
import type { Update } from "grammy/types";
import { createConcurrentSink, createRunner, createSource, type UpdateSupplier } from "@grammyjs/runner";
import type { Logger } from "../logger.js";
import type { BotContext } from "./context.js";
import { describeError } from "../shared/errors.js";

/** Telegram rejected the token: retrying cannot help, the operator must fix BOT_TOKEN. */
export class TokenRejectedError extends Error {
  constructor(what: string) {
    super(`BOT_TOKEN was rejected by Telegram (401 Unauthorized) while trying to ${what}: it is wrong or was revoked; get the current token from @BotFather`);
    this.name = "TokenRejectedError";
  }
}

export interface LongPolling {
  /** False from a failed getUpdates until one succeeds again (a conflict, Telegram out of reach). */
  readonly healthy: boolean;
  /** Updates being handled now. */
  size(): number;
  /** Rejects when the update source dies for good (token rejected, or any unexpected error); never resolves otherwise. */
  readonly died: Promise<never>;
  /** Stops fetching; updates being handled go on (wait with `size()`). */
  stop(): Promise<void>;
}

export interface LongPollingOptions {
  /** A plain Api (no transformers): the poller handles every failure itself. */
  api: Api;
  logger: Logger;
  allowedUpdates: readonly string[];
  /** Longest pause between tries after a failure (default 5 s: back soon after a conflict ends). */
  maxBackoffMs?: number;
  /** Long-poll timeout (default 30 s). */
  timeoutSeconds?: number;
}

/**
 * Long polling with @grammyjs/runner's source, sink and runner (updates of
 * different chats handled concurrently), and a fetcher that tells apart what
 * polling can wait out from what it cannot:
 *
 * - 409 Conflict (another process polls the same token, or a webhook is set):
 *   keep trying with backoff, unhealthy until a poll succeeds again.
 * - Telegram out of reach, 5xx, 429: the same.
 * - 401: the token is wrong or revoked. `died` rejects with a TokenRejectedError.
 * - Anything else (400, 404, a bug): `died` rejects, so the process exits and
 *   its supervisor restarts it, instead of staying up and deaf.
 *
 * After a failure the next poll does not wait (timeout 0), so health comes
 * back as soon as Telegram answers again, not at the end of a long poll.
 */
export function startLongPolling(bot: Bot<BotContext>, options: LongPollingOptions): LongPolling {
  const { api, logger } = options;
  const maxBackoffMs = options.maxBackoffMs ?? 5_000;
  let healthy = true;
  let stopping = false;
  let offset = 0;
  let failures = 0;

  // The runner's signal is typed as the abort-controller polyfill's; only `aborted` and the "abort" event are used.
  async function fetchUpdates(batchSize: number, signal: UpdateSupplier<Update>["supply"] extends (b: number, s: infer S) => unknown ? S : never): Promise<Update[]> {
    for (let delay = 500; ; delay = Math.min(delay * 2, maxBackoffMs)) {
      try {
        const updates = await api.getUpdates(
          {
            offset,
            limit: Math.max(1, Math.min(batchSize, 100)),
            timeout: failures > 0 ? 0 : (options.timeoutSeconds ?? 30),
            allowed_updates: [...options.allowedUpdates] as never,
          },
          signal,
        );
        if (failures > 0) logger.info({ failures }, "polling for updates works again");
        failures = 0;
        healthy = true;
        const last = updates.at(-1);
        if (last) offset = last.update_id + 1;
        return updates;
      } catch (error) {
        if (signal.aborted) throw error;
        const code = error instanceof GrammyError ? error.error_code : undefined;
        if (code === 401) throw new TokenRejectedError("fetch updates (getUpdates)");
        const waitable = code === undefined ? error instanceof HttpError : code === 409 || code === 429 || code >= 500;
        if (!waitable) throw error;
        healthy = false;
        failures++;
        const retryAfterMs = error instanceof GrammyError && error.parameters.retry_after ? error.parameters.retry_after * 1000 : 0;
        const waitMs = Math.max(delay, retryAfterMs);
        // One warning when it starts, then one a minute or so: a long conflict should not flood the log.
        if (failures === 1 || failures % 12 === 0) {
          logger.warn(
            { err: describeError(error), failures, retryInMs: waitMs },
            code === 409 ? "getUpdates conflict: another process polls this bot's token (or a webhook is set); retrying" : "could not fetch updates; retrying",
          );
        }
        await sleep(waitMs, undefined, { signal: signal as unknown as AbortSignal }).catch(() => undefined);
        if (signal.aborted) throw error;
      }
    }
  }

  const source = createSource<Update>({ supply: fetchUpdates });
  const sink = createConcurrentSink<Update, unknown>({ consume: (update) => bot.handleUpdate(update) }, async (error) => {
    try {
      await bot.errorHandler(error as never);
    } catch (unhandled) {
      logger.error({ err: describeError(unhandled) }, "update failed");
    }
  });
  const runner = createRunner(source, sink);
  runner.start();
  const task = runner.task() ?? Promise.resolve();
  const died = task.then(
    () => {
      if (!stopping) throw new Error("the update source stopped by itself");
      return new Promise<never>(() => undefined);
    },
    (error: unknown) => {
      healthy = false;
      throw error;
    },
  );
  // Nobody may be listening yet; `died` is awaited by the process entry.
  died.catch(() => undefined);

  return {
    get healthy() {
      return healthy;
    },
    size: () => runner.size(),
    died,
    async stop() {
      stopping = true;
      if (runner.isRunning()) await runner.stop();
    },
  };
}
