import cron, { type ScheduledTask } from "node-cron";
import type { Logger } from "./logger.js";
import { describeError } from "./shared/errors.js";

/**
 * The periodic jobs of one instance (node-cron). A job never overlaps itself;
 * a failing run is logged and the next minute tries again. Every job is
 * written to be safe when several instances run it at the same minute.
 */
export interface Scheduler {
  every(name: string, expression: string, job: (now: Date) => Promise<unknown>): void;
  /** Runs every job once now (each still never overlaps itself): the sandbox does after moving its clock. */
  runAll(): Promise<void>;
  /** Stops scheduling and waits for runs in progress. */
  stop(): Promise<void>;
}

/**
 * `now` is the clock the jobs are given. Cron fires on the system clock's
 * minutes; with another clock (the sandbox's, moved forward) each run is
 * handed that clock's time instead.
 */
export function createScheduler(logger: Logger, now?: () => Date): Scheduler {
  const tasks: ScheduledTask[] = [];
  const running = new Set<Promise<unknown>>();
  /** The run in progress of each job, so that runAll() does not overlap cron's run. */
  const current = new Map<string, Promise<unknown>>();
  const runJob = async (name: string, job: (now: Date) => Promise<unknown>, at: Date): Promise<void> => {
    const inProgress = current.get(name);
    if (inProgress) await inProgress;
    const run = job(now?.() ?? at).catch((error: unknown) => logger.error({ job: name, err: describeError(error) }, "scheduled job failed"));
    running.add(run);
    current.set(name, run);
    await run.finally(() => {
      running.delete(run);
      if (current.get(name) === run) current.delete(name);
    });
  };
  const jobs = new Map<string, (now: Date) => Promise<unknown>>();
  return {
    every(name, expression, job) {
      jobs.set(name, job);
      const task = cron.schedule(expression, ({ date }) => runJob(name, job, date), { name, noOverlap: true, logger: silentCronLogger(logger) });
      tasks.push(task);
    },
    async runAll() {
      for (const [name, job] of jobs) await runJob(name, job, new Date());
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
