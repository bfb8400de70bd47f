import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    env: { TZ: "UTC" },
    globalSetup: ["test/kit/build-the-bot.ts"],
    // Separate processes: native modules (better-sqlite3) and the wasm schema engine are per process.
    pool: "forks",
    testTimeout: 15_000,
    hookTimeout: 30_000,
  },
});
