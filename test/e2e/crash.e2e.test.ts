import { describe, expect, it } from "vitest";
import { testProviders } from "../kit/test-database.js";
import { runCrashTest } from "./crash.js";

/**
 * The quick form of `npm run crash-test` (3 kills instead of 20): the real bot
 * process is killed with SIGKILL while it sends tips and a broadcast, restarted,
 * stopped with SIGTERM mid-send, and restarted again. See test/e2e/crash.ts.
 */
describe.each(testProviders)("crashes on %s", (provider) => {
  it("lose nothing, send nothing twice outside what was in flight (reported unknown), and SIGTERM drains in time", async () => {
    const report = await runCrashTest({ provider, crashes: 3 });
    expect(report.problems, `seed ${report.seed}`).toEqual([]);
    expect(report.lost).toBe(0);
    expect(report.duplicates).toBeLessThanOrEqual(report.inFlightAtCrashes);
    expect(report.unknown).toBeLessThanOrEqual(report.inFlightAtCrashes);
    expect(report.delivered + report.unknown).toBeGreaterThanOrEqual(report.recipients);
    expect(report.sigtermExitCode).toBe(0);
    expect(report.sigtermMs).toBeLessThanOrEqual(10_000);
    expect(report.sendingAfterSigterm).toBe(0);
    expect(report.overlappingAppointments ?? 0).toBe(0);
  }, 90_000);
});
