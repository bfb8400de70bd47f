import type { Logger } from "../logger.js";
import { describeError } from "../shared/errors.js";
import type { Database } from "./database.js";

/**
 * Watches whether this instance can use its database: PostgreSQL answers, and a
 * SQLite file whose last write failed (disk full, file read-only) takes writes
 * again. A fault is logged once, in one line naming the file or server, and its
 * end once; parts that stopped during the fault (the scheduled jobs, the blog
 * follower) are told when it ends, so that what fell due meanwhile runs then.
 */
export interface DatabaseMonitor {
  /** Since when this instance has been unable to use the database; undefined while it can. */
  faultSince(): Date | undefined;
  /** Whether the current fault has lasted more than the grace period (a blip is not an outage), or SQLite failed a write. */
  down(at?: number): boolean;
  /** Called when a fault ends, with how long it lasted. */
  onRecovered(listener: (downMs: number) => void): void;
  stop(): void;
}

export interface DatabaseMonitorOptions {
  database: Pick<Database, "probe" | "writeFault" | "location" | "provider">;
  logger: Logger;
  /** How often the database is probed (default 1 s). */
  intervalMs?: number;
  /** How long a fault lasts before this instance reports itself down (default 3 s). */
  graceMs?: number;
  now?: () => number;
}

export function watchDatabase(options: DatabaseMonitorOptions): DatabaseMonitor {
  const { database, logger } = options;
  const intervalMs = options.intervalMs ?? 1_000;
  const graceMs = options.graceMs ?? 3_000;
  const clock = options.now ?? Date.now;
  const listeners: Array<(downMs: number) => void> = [];
  let since: number | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const describe = (error: unknown): string => (error instanceof Error ? error.message.trim().split("\n").filter(Boolean).at(-1) ?? error.message : String(error));
  const faulted = (at: number, reason: string) => {
    if (since !== undefined) return;
    since = at;
    if (database.provider === "sqlite") {
      logger.error({ file: database.location, reason }, `the SQLite database ${database.location} cannot be written (${reason}): patients get an apology and nothing is sent until writing works again; check free disk space and the file's permissions`);
    } else {
      logger.error({ database: database.location, reason }, `cannot reach the database at ${database.location} (${reason}): retrying every ${intervalMs / 1000} s; nothing is lost`);
    }
  };
  const recovered = (at: number) => {
    if (since === undefined) return;
    const downMs = at - since;
    since = undefined;
    logger.info({ database: database.location, downMs }, "the database works again; resuming");
    for (const listener of listeners) {
      try {
        listener(downMs);
      } catch (error) {
        logger.error({ err: describeError(error) }, "resuming after the database fault failed");
      }
    }
  };

  const check = async () => {
    const fault = database.writeFault();
    if (fault) faulted(fault.since.getTime(), fault.message);
    try {
      await database.probe();
      if (!database.writeFault()) recovered(clock());
    } catch (error) {
      faulted(clock(), database.writeFault()?.message ?? describe(error));
    }
  };
  const loop = () => {
    if (stopped) return;
    timer = setTimeout(() => void check().finally(loop), intervalMs);
    timer.unref();
  };
  loop();

  return {
    faultSince: () => {
      const fault = database.writeFault();
      if (fault && since === undefined) faulted(fault.since.getTime(), fault.message);
      return since === undefined ? undefined : new Date(since);
    },
    down(at = clock()) {
      // A SQLite write that failed on storage is a fault at once; an unanswered query may be a blip.
      if (database.writeFault()) return true;
      const start = this.faultSince();
      return start !== undefined && at - start.getTime() > graceMs;
    },
    onRecovered: (listener) => void listeners.push(listener),
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
