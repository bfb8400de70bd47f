/**
 * Run by the benchmark as its own process, built and with the node options of
 * `npm start` (`node <options> dist/scripts/memory-stages.js <database url>`):
 * prints, as one JSON line, the resident memory after each start-up stage of
 * the bot, to show where the idle figure comes from.
 */
import { setTimeout as sleep } from "node:timers/promises";

const url = process.argv[2]!;
const stages: Array<{ stage: string; rss: number; heap: number }> = [];
async function note(stage: string) {
  await sleep(50);
  const memory = process.memoryUsage();
  stages.push({ stage, rss: memory.rss, heap: memory.heapTotal });
}

await note("node");
// As `npm start` does: in a short-lived child process, whose memory (the wasm schema engine) goes back when it exits.
const { applyMigrationsInChild } = await import("../db/migrate-in-child.js");
const quiet = { info: () => undefined, debug: () => undefined };
await applyMigrationsInChild(url, quiet);
await note("migrations applied (in a child process, which has exited)");
const { openDatabase } = await import("../db/database.js");
const database = await openDatabase(url);
await database.ping();
await note("database open (Prisma client, wasm query compiler)");
await import("../app.js");
await note("bot modules loaded (grammY, plugins, i18n, ...)");
await database.close();
process.stdout.write(`${JSON.stringify(stages)}\n`);
