import { defineConfig } from "vitest/config";

/**
 * Files whose assertions bound how long something may take (a rate reached, an exit within seconds): they
 * run on their own, one at a time, once the rest has finished, so a busy machine cannot make them fail.
 */
const TIMING_SENSITIVE = [
  "test/e2e/load.e2e.test.ts",
  "test/e2e/crash.e2e.test.ts",
  "test/e2e/update-source.e2e.test.ts",
  "test/e2e/instances.e2e.test.ts",
  "test/e2e/database-outage.e2e.test.ts",
  "test/e2e/sqlite-fault.e2e.test.ts",
  "src/delivery/delivery-sender.test.ts",
  "src/delivery/shared-send-budget.test.ts",
  "src/delivery/send-rate.test.ts",
];

export default defineConfig({
  test: {
    env: { TZ: "UTC" },
    globalSetup: ["test/kit/build-the-bot.ts"],
    // Separate processes: native modules (better-sqlite3) and the wasm schema engine are per process.
    pool: "forks",
    testTimeout: 15_000,
    hookTimeout: 30_000,
    projects: [
      {
        extends: true,
        test: {
          name: "suite",
          include: ["src/**/*.test.ts", "test/**/*.test.ts"],
          exclude: TIMING_SENSITIVE,
          // Most files spend their time waiting (Telegram's one message a second per chat, a real bot process
          // answering), not computing: three at once on two cores.
          maxWorkers: 3,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: "timing",
          include: TIMING_SENSITIVE,
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
