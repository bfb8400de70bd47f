import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { createLogger } from "../logger.js";
import { watchDatabase } from "./database-monitor.js";

/** A log that keeps its lines. */
function recordingLogger() {
  const lines: Array<{ level: number; msg: string; file?: string }> = [];
  const stream = { write: (line: string) => void lines.push(JSON.parse(line) as (typeof lines)[number]) };
  return { lines, logger: createLogger("info", stream) };
}

describe("the database monitor", () => {
  it("logs a SQLite write fault once, naming the file, is down at once, and recovers when a write works again", async () => {
    const { lines, logger } = recordingLogger();
    let fault: { since: Date; message: string } | undefined;
    let probes = 0;
    const monitor = watchDatabase({
      database: {
        provider: "sqlite",
        location: "/srv/clinic/data/clinic.db",
        writeFault: () => fault,
        // What the driver sees: the probe's write fails while the disk is full, and clears the fault once it works.
        probe: async () => {
          probes++;
          if (fault && full) throw new Error("SQLITE_FULL: database or disk is full");
          fault = undefined;
        },
      },
      logger,
      intervalMs: 20,
    });
    let full = true;
    const recovered: number[] = [];
    monitor.onRecovered((downMs) => recovered.push(downMs));
    expect(monitor.down()).toBe(false);
    fault = { since: new Date(), message: "SQLITE_FULL: database or disk is full" };
    expect(monitor.down()).toBe(true);
    await sleep(150);
    expect(monitor.down()).toBe(true);
    const faultLines = lines.filter((line) => line.level === 50);
    expect(faultLines).toHaveLength(1);
    expect(faultLines[0]!.msg).toContain("/srv/clinic/data/clinic.db cannot be written (SQLITE_FULL: database or disk is full)");
    full = false;
    await sleep(100);
    expect(monitor.down()).toBe(false);
    expect(monitor.faultSince()).toBeUndefined();
    expect(recovered).toHaveLength(1);
    expect(lines.filter((line) => line.msg === "the database works again; resuming")).toHaveLength(1);
    expect(probes).toBeGreaterThan(3);
    monitor.stop();
  });

  it("counts an unreachable server as down only after the grace period, and logs it once", async () => {
    const { lines, logger } = recordingLogger();
    let reachable = false;
    let clock = 1_000_000;
    const monitor = watchDatabase({
      database: {
        provider: "postgresql",
        location: "postgresql://clinic@db.example:5432/clinic",
        writeFault: () => undefined,
        probe: async () => {
          if (!reachable) throw new Error("connect ECONNREFUSED 10.0.0.5:5432");
        },
      },
      logger,
      intervalMs: 10,
      graceMs: 3_000,
      now: () => clock,
    });
    await sleep(60);
    expect(monitor.faultSince()).toEqual(new Date(1_000_000));
    expect(monitor.down()).toBe(false);
    clock += 3_500;
    expect(monitor.down()).toBe(true);
    await sleep(60);
    expect(lines.filter((line) => line.level === 50).map((line) => line.msg)).toEqual([
      "cannot reach the database at postgresql://clinic@db.example:5432/clinic (connect ECONNREFUSED 10.0.0.5:5432): retrying every 0.01 s; nothing is lost",
    ]);
    reachable = true;
    await sleep(60);
    expect(monitor.down()).toBe(false);
    monitor.stop();
  });
});
