import type { Scheduler } from "./scheduler.js";
import type { Services } from "./services.js";
import type { DatabaseMonitor } from "./db/database-monitor.js";

/** The periodic jobs every instance runs (each safe when several instances run it at the same minute). */
export function scheduleJobs(scheduler: Scheduler, services: Services): void {
  const { deps } = services;
  scheduler.every("weekly-tips", "* * * * *", (now) => services.runTipsTick(now));
  scheduler.every("scheduled-broadcasts", "* * * * *", (now) => services.runScheduledBroadcasts(now));
  scheduler.every("stale-requests", "*/5 * * * *", (now) => services.runStaleRequests(now));
  scheduler.every("abandoned-bookings", "*/10 * * * *", (now) => services.runAbandonedBookings(now));
  // Announcements whose last rows ended without an outcome (unknown after a crash, blocked, erased) still finish,
  // and one whose queueing a crash interrupted gets the rest of its audience.
  scheduler.every("broadcast-settle", "* * * * *", () => services.runBroadcastSettle());
  scheduler.every("outbox-retention", "17 * * * *", (now) => services.runOutboxRetention(now));
  // Published blog articles join the library, and drafts imported from the command line get their preview.
  scheduler.every("blog-previews", "* * * * *", async (now) => {
    await deps.tipLibrary.refresh();
    return services.runBlogPreviews(now);
  });
  scheduler.every("outbox-recovery", "*/5 * * * *", (at) => deps.outbox.recover(new Date(at.getTime() - 120_000)));
}

/**
 * When the database works again after a fault, what fell due meanwhile runs at once rather than at the next
 * cron minute: every job (the tips tick within its grace hours, stale-request notices...), the engine (queued
 * reminders and announcements), and `more` (the blog follower's next check).
 */
export function resumeAfterDatabaseFault(monitor: Pick<DatabaseMonitor, "onRecovered">, parts: { scheduler: Scheduler; services: Services; more?: () => void }): void {
  monitor.onRecovered(() => {
    parts.services.engine.wake();
    void parts.scheduler.runAll();
    parts.more?.();
  });
}
