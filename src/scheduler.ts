import cron, { type ScheduledTask } from "node-cron";
import type { Logger } from "./logger.js";
import { describeError } from "./bot/error-boundary.js";

/**
 * The periodic jobs of one instance (node-cron). A job never overlaps itself;
 * a failing run is logged and the next minute tries again. Every job is
 * written to be safe when several instances run it at the same minute.
 */
export interface Scheduler {
  every(name: string, expression: string, job: (now: Date) => Promise<unknown>): void;
  /** Stops scheduling and waits for runs in progress. */
  stop(): Promise<void>;
}

export function createScheduler(logger: Logger): Scheduler {
  const tasks: ScheduledTask[] = [];
  const running = new Set<Promise<unknown>>();
  return {
    every(name, expression, job) {
      const task = cron.schedule(
        expression,
        async ({ date }) => {
          const run = job(date).catch((error: unknown) => logger.error({ job: name, err: describeError(error) }, "scheduled job failed"));
          running.add(run);
          await run.finally(() => running.delete(run));
        },
        { name, noOverlap: true, logger: silentCronLogger(logger) },
      );
      tasks.push(task);
    },
    async stop() {
      await Promise.all(tasks.map((task) => task.destroy()));
      await Promise.allSettled(running);
    },
  };
}

function silentCronLogger(logger: Logger) {
  return {
    info: () => undefined,
    debug: () => undefined,
    warn: (message: string) => logger.warn({ source: "node-cron" }, message),
    error: (message: string | Error) => logger.error({ source: "node-cron" }, String(message)),
  };
}
