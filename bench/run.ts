/**
 * `npm run bench` (add `-- --quick` for the short version): measures the bot at
 * Telegram's limits, prints a table and writes it to BENCHMARKS.md.
 *
 *   --quick        smaller sizes, under a minute
 *   --only=a,b     run some sections only: handlers, tips, broadcast, limits, process
 *   --out=FILE     where to write the table (default BENCHMARKS.md; "-" for nowhere)
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { testProviders } from "../test/kit/test-database.js";
import type { Provider } from "../src/db/schema-files.js";
import { engineBroadcast, naiveBroadcast, type BroadcastResult, type SimulatorSetup } from "./broadcast.js";
import { bareHandlers, clinicHandlers, HANDLER_KINDS, type HandlerResult } from "./handlers.js";
import { TICK_DUE, tipsTick } from "./tips-tick.js";
import { broadcastMemory, coldStart, memoryStages } from "./process.js";
import { CONTENDERS, surge, throttlerBroadcast } from "./load.js";
import { int, machine, mb, median, ms, row, type Row } from "./lib.js";
import { startCommand } from "../test/e2e/harness.js";

const args = process.argv.slice(2);

// The sections measured inside this process (handlers, the delivery engine) run with the node
// options that `npm start` gives the bot, so every figure comes from the settings operators run.
const START = startCommand();
const NODE_OPTIONS = START.slice(0, -1);
if (!NODE_OPTIONS.every((option) => process.execArgv.includes(option))) {
  const rerun = spawnSync(process.execPath, [...NODE_OPTIONS, ...process.execArgv, process.argv[1]!, ...args], { stdio: "inherit" });
  process.exit(rerun.status ?? 1);
}
const quick = args.includes("--quick");
const only = args.find((arg) => arg.startsWith("--only="))?.slice(7).split(",");
const out = args.find((arg) => arg.startsWith("--out="))?.slice(6) ?? "BENCHMARKS.md";
const wanted = (section: string) => !only || only.includes(section);

/** Telegram allows about 30 messages a second; the simulator runs ten times faster so a big broadcast fits in the run. */
const SIM: SimulatorSetup = { limit: 300, latency: { min: 3, max: 8 } };
/** The bot's SEND_RATE_PER_SECOND for that limit: 98% of it. */
const BOT_RATE = 294;
/** Telegram's own scale, flood control at its strictest, Telegram's answer times: the default settings are measured here. */
const LIMITS: SimulatorSetup = { limit: 30, latency: { min: 30, max: 80 }, strict: true };

const sizes = quick
  ? { surge: 150, limitsBroadcast: 300, broadcast: 2_000, naive: 600, tips: [1_000, 50_000], memory: [3_000], memoryLimit: 2_000, handlerSeconds: 2, coldRuns: 2, idleSeconds: 2 }
  : { surge: 600, limitsBroadcast: 1_500, broadcast: 10_000, naive: 10_000, tips: [1_000, 10_000, 100_000], memory: [10_000, 100_000], memoryLimit: 2_000, handlerSeconds: 10, coldRuns: 5, idleSeconds: 10 };

const rows: Row[] = [];
const add = (entry: Row) => {
  rows.push(entry);
  const verdict = entry.pass === undefined ? "" : entry.pass ? "  PASS" : "  FALLS SHORT";
  process.stdout.write(`  ${entry.section} · ${entry.measure}: ${entry.value}${entry.goal ? ` (goal ${entry.goal})` : ""}${verdict}\n`);
};
const log = (text: string) => process.stdout.write(`${text}\n`);
/** The 1-minute load average when each section started: other work on the machine skews the timings. */
const loads: Array<{ section: string; load: number; at: number }> = [];
const section = (name: string, text: string) => {
  const previous = loads.at(-1);
  if (previous) log(`  (${((Date.now() - previous.at) / 1000).toFixed(1)} s)`);
  loads.push({ section: name, load: loadavg()[0]!, at: Date.now() });
  log(`\n${text} (load average ${loadavg()[0]!.toFixed(2)})`);
};
const pct = (part: number, whole: number) => (whole === 0 ? 0 : (100 * part) / whole);

function broadcastRows(section: string, result: BroadcastResult, withGoals: boolean): void {
  const goal = (text: string) => (withGoals ? text : "");
  const verdict = (pass: boolean) => (withGoals ? pass : undefined);
  add(
    row(
      section,
      `effective rate ÷ simulator limit (${int(result.recipients)} recipients)`,
      `${result.rate.toFixed(1)}/s ÷ ${SIM.limit}/s = ${result.ratio.toFixed(3)} (${result.seconds.toFixed(1)} s first to last; ${result.wallSeconds.toFixed(1)} s from Send)`,
      goal("≥ 0.97"),
      verdict(result.ratio >= 0.97),
    ),
  );
  const share = pct(result.rejected429, result.sendCalls);
  const fromMetrics = result.metrics ? `; /metrics: clinic_sends_total{result="rate_limited"} ${result.metrics.rateLimited}, retry_after waited ${result.metrics.retryAfterSeconds} s` : "";
  add(row(section, "429 answers", `${result.rejected429} of ${int(result.sendCalls)} calls (${share.toFixed(2)}%)${fromMetrics}`, goal("< 0.5%"), verdict(share < 0.5)));
  const sent = result.metrics ? `; /metrics: sent ${int(result.metrics.sent)}` : "";
  add(
    row(
      section,
      "duplicates / losses (counted by the simulator)",
      `${result.duplicates} / ${result.losses}${sent}`,
      goal("0 / 0"),
      verdict(result.duplicates === 0 && result.losses === 0),
    ),
  );
}

function handlerRows(section: string, result: HandlerResult, withGoals: boolean): void {
  for (const kind of HANDLER_KINDS) {
    const { p50, p99 } = result.perKind[kind];
    add(row(section, `${kind}: p50 / p99`, `${ms(p50)} / ${ms(p99)}`, withGoals ? "p99 ≤ 25 ms" : "", withGoals ? p99 <= 25 : undefined));
  }
  add(row(section, "all updates: p50 / p99", `${ms(result.all.p50)} / ${ms(result.all.p99)} (${int(result.updates)} updates at ${result.rate.toFixed(0)}/s)`));
}

async function main(): Promise<void> {
  const started = Date.now();
  const box = machine();
  log(`Benchmarks (${quick ? "quick" : "full"}) on ${box.cpu}, ${box.cores} cores, ${box.ramGb} GB, Node ${box.node}`);

  if (wanted("handlers")) {
    section("handlers", `Handler time without Telegram round trips, 200 updates/s for ${sizes.handlerSeconds} s…`);
    handlerRows("Handlers (clinic bot, SQLite)", await clinicHandlers(200, sizes.handlerSeconds), true);
    handlerRows("Handlers (bare grammY bot)", await bareHandlers(200, sizes.handlerSeconds), false);
  }

  if (wanted("tips")) {
    section("tips", "Weekly-tips tick: selecting the due subscriptions…");
    const providers: Provider[] = testProviders;
    for (const provider of providers) {
      const largest = sizes.tips.at(-1)!;
      for (const subscriptions of sizes.tips) {
        const dueCounts = subscriptions === largest ? [10, 100, 500] : [100];
        let result;
        try {
          result = await tipsTick(provider, subscriptions, dueCounts, !quick || subscriptions === largest);
        } catch (error) {
          add(row(`Tips tick (${provider})`, `${int(subscriptions)} subscriptions`, `not measured: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`));
          break;
        }
        const select = result.selectMs[100]!;
        add(row(`Tips tick (${provider})`, `select due, 100 due of ${int(subscriptions)}`, ms(select, 2), "≤ 20 ms", select <= 20));
        if (subscriptions === largest) {
          add(row(`Tips tick (${provider})`, `select due at ${int(subscriptions)}: 10 / 100 / 500 due`, dueCounts.map((due) => ms(result.selectMs[due]!, 2)).join(" / ")));
        }
        if (result.tickMs !== undefined) add(row(`Tips tick (${provider})`, `whole tick queuing 100 tips, ${int(subscriptions)} subscriptions`, ms(result.tickMs, 0)));
        if (result.queuedPerSecond !== undefined) {
          add(
            row(
              `Tips tick (${provider})`,
              `tips queued a second, one tick with ${int(TICK_DUE + 400)} due of ${int(subscriptions)}`,
              `${int(result.queuedPerSecond)}/s (${ms(result.bigTickMs!, 0)})`,
              "≥ 2,000/s",
              result.queuedPerSecond >= 2_000,
            ),
          );
        }
      }
    }
  }

  if (wanted("broadcast")) {
    section("broadcast", `Broadcast: simulator limit ${SIM.limit}/s (Telegram's 30/s ×10), 1/s per chat, answers in ${SIM.latency.min}–${SIM.latency.max} ms; bot SEND_RATE_PER_SECOND ${BOT_RATE}…`);
    const engine = await engineBroadcast({ recipients: sizes.broadcast, sim: SIM, botRate: BOT_RATE });
    broadcastRows("Broadcast (delivery engine + outbox, SQLite)", engine.broadcast, true);
    const naive = await naiveBroadcast({ recipients: sizes.naive, sim: SIM });
    broadcastRows("Broadcast (naive sendMessage loop + auto-retry)", naive, false);
    add(row("Broadcast", "engine rate ÷ naive rate", `${(engine.broadcast.rate / naive.rate).toFixed(2)}×`));

    section("broadcast + patients", "The same broadcast while patients send 20 updates/s…");
    const mixed = await engineBroadcast({ recipients: sizes.broadcast, sim: SIM, botRate: BOT_RATE, patientsPerSecond: 20 });
    const patients = mixed.patients!;
    add(
      row(
        "Broadcast + patients (20 updates/s)",
        "patient's reply sent: p50 / p99",
        `${ms(patients.p50)} / ${ms(patients.p99)} (max ${ms(patients.max)}; ${patients.updates} updates, ${patients.unanswered} unanswered)`,
        "p99 ≤ 1.5 s",
        patients.p99 <= 1500 && patients.unanswered === 0,
      ),
    );
    add(
      row(
        "Broadcast + patients (20 updates/s)",
        "broadcast rate meanwhile (replies take their share of the limit)",
        `${mixed.broadcast.rate.toFixed(1)}/s; 429s ${mixed.broadcast.rejected429}; duplicates / losses ${mixed.broadcast.duplicates} / ${mixed.broadcast.losses}`,
        "0 dup. / 0 lost",
        mixed.broadcast.duplicates === 0 && mixed.broadcast.losses === 0,
      ),
    );
  }

  if (wanted("limits")) {
    section(
      "limits",
      `At Telegram's real limits, enforced strictly (a bucket of ${LIMITS.limit}/s, 1/s per chat, a 3 s pause of the whole bot when it runs dry), answers in ${LIMITS.latency.min}–${LIMITS.latency.max} ms; every setting at its default…`,
    );
    for (const contender of ["clinic", "throttler", "naive"] as const) {
      const result = await surge(contender, sizes.surge, LIMITS);
      const name = `Surge, ${int(result.patients)} × /start within 1 s (${CONTENDERS[contender]})`;
      const share = pct(result.rejected429, result.sendCalls);
      const own = contender === "clinic";
      add(
        row(
          name,
          `time to the last reply ÷ ideal ${int(result.patients)}/${LIMITS.limit} s`,
          `${result.lastReplySeconds.toFixed(1)} s ÷ ${(result.patients / LIMITS.limit).toFixed(0)} s = ${result.ratio.toFixed(2)}`,
          own ? `≤ ${((result.patients / LIMITS.limit + 10) / (result.patients / LIMITS.limit)).toFixed(2)} (+10 s)` : "",
          own ? result.lastReplySeconds <= result.patients / LIMITS.limit + 10 : undefined,
        ),
      );
      add(row(name, "429 answers", `${int(result.rejected429)} of ${int(result.sendCalls)} calls (${share.toFixed(2)}%); whole-bot pauses ${result.floodPauses}`, own ? "< 2%" : "", own ? share < 2 : undefined));
      add(row(name, "patients never answered", int(result.lost), own ? "0" : "", own ? result.lost === 0 : undefined));
    }
    const broadcasts: Array<[string, BroadcastResult, boolean]> = [
      [`Broadcast at the default rate (${CONTENDERS.clinic})`, (await engineBroadcast({ recipients: sizes.limitsBroadcast, sim: LIMITS })).broadcast, true],
      [`Broadcast (${CONTENDERS.throttler})`, await throttlerBroadcast({ recipients: sizes.limitsBroadcast, sim: LIMITS }), false],
      ["Broadcast (naive sendMessage loop + auto-retry)", await naiveBroadcast({ recipients: sizes.limitsBroadcast, sim: LIMITS }), false],
    ];
    for (const [name, result, own] of broadcasts) {
      add(
        row(
          name,
          `effective rate ÷ limit (${int(result.recipients)} recipients)`,
          `${result.rate.toFixed(2)}/s ÷ ${LIMITS.limit}/s = ${result.ratio.toFixed(3)} (${result.seconds.toFixed(1)} s first to last)`,
          own ? "≥ 0.97" : "",
          own ? result.ratio >= 0.97 : undefined,
        ),
      );
      const share = pct(result.rejected429, result.sendCalls);
      add(
        row(
          name,
          "429 answers; duplicates / losses",
          `${int(result.rejected429)} of ${int(result.sendCalls)} calls (${share.toFixed(2)}%); ${result.duplicates} / ${result.losses}`,
          own ? "< 0.5%; 0 / 0" : "",
          own ? share < 0.5 && result.duplicates === 0 && result.losses === 0 : undefined,
        ),
      );
    }
    const mixed = await engineBroadcast({ recipients: sizes.limitsBroadcast, sim: LIMITS, patientsPerSecond: 4 });
    const patients = mixed.patients!;
    add(
      row(
        "Broadcast at the default rate + patients (4 updates/s)",
        "patient's reply sent: p50 / p99",
        `${ms(patients.p50)} / ${ms(patients.p99)} (max ${ms(patients.max)}; ${patients.updates} updates, ${patients.unanswered} unanswered; broadcast meanwhile ${mixed.broadcast.rate.toFixed(1)}/s, 429s ${mixed.broadcast.rejected429}, duplicates / losses ${mixed.broadcast.duplicates} / ${mixed.broadcast.losses})`,
        "p99 ≤ 1.5 s",
        patients.p99 <= 1500 && patients.unanswered === 0 && mixed.broadcast.losses === 0,
      ),
    );
  }

  if (wanted("process")) {
    section("process", `The bot process (node ${START.join(" ")}): cold start, idle memory, memory during a broadcast…`);
    const cold = await coldStart(sizes.coldRuns, sizes.idleSeconds);
    const coldMedian = median(cold.runsMs);
    add(
      row(
        "Process",
        "cold start to first update answered (fresh SQLite file, migrations applied)",
        `median ${ms(coldMedian, 0)} (runs: ${cold.runsMs.map((value) => value.toFixed(0)).join(", ")} ms)`,
        "≤ 2 s",
        coldMedian <= 2000,
      ),
    );
    add(row("Process", `resident memory when idle (${cold.idleSeconds} s after answering)`, mb(cold.idleRss), "≤ 100 MB", cold.idleRss <= 100 * 1024 * 1024));
    const stages = await memoryStages();
    add(row("Process", "resident memory by start-up stage (fresh process)", stages.map((stage) => `${stage.stage}: ${mb(stage.rss)}`).join("; ")));
    const peaks: number[] = [];
    for (const recipients of sizes.memory) {
      const memory = await broadcastMemory(recipients, sizes.memoryLimit);
      peaks.push(memory.peakRss);
      add(
        row(
          "Process",
          `peak resident memory during a ${int(memory.recipients)}-recipient broadcast`,
          `${mb(memory.peakRss)} (sent at ${memory.rate.toFixed(0)}/s, SEND_RATE_PER_SECOND ${Math.min(1000, sizes.memoryLimit * 0.98)}, simulator limit ${sizes.memoryLimit}/s; /metrics: sent ${int(memory.sent)}, rate_limited ${memory.rateLimited}, V8 heap used ${mb(memory.heapUsed)} of ${mb(memory.heapTotal)} at the end; duplicates / losses ${memory.duplicates} / ${memory.losses})`,
          "≤ 200 MB",
          memory.peakRss <= 200 * 1024 * 1024,
        ),
      );
    }
    if (peaks.length > 1) {
      // Ten times the recipients may cost a few megabytes of bookkeeping, not ten times the memory.
      const growth = peaks.at(-1)! / peaks[0]!;
      add(
        row(
          "Process",
          `peak memory at ${int(sizes.memory.at(-1)!)} ÷ at ${int(sizes.memory[0]!)} recipients`,
          `${growth.toFixed(2)}×`,
          "flat with N (≤ 1.2×)",
          growth <= 1.2,
        ),
      );
    }
  }

  section("end", "Finished");
  const seconds = (Date.now() - started) / 1000;
  log(`\nDone in ${seconds.toFixed(0)} s.`);
  const table = renderTable(rows);
  log(`\n${table}`);
  if (out !== "-") {
    writeFileSync(out, renderReport(table, seconds));
    log(`Written to ${out}.`);
  }
}

function renderTable(entries: Row[]): string {
  const lines = ["| Section | Measure | Value | Goal | Result |", "|---|---|---|---|---|"];
  for (const entry of entries) {
    const verdict = entry.pass === undefined ? "" : entry.pass ? "PASS" : "**FALLS SHORT**";
    lines.push(`| ${entry.section} | ${entry.measure} | ${entry.value.replaceAll("|", "\\|")} | ${entry.goal} | ${verdict} |`);
  }
  return lines.join("\n");
}

function renderReport(table: string, seconds: number): string {
  const box = machine();
  return `# Benchmarks

Produced by \`npm run bench${quick ? " -- --quick" : ""}\` (${quick ? "quick" : "full"} mode, ${seconds.toFixed(0)} s) on ${new Date().toISOString().slice(0, 10)}.

- Machine: ${box.cpu}, ${box.cores} cores, ${box.ramGb} GB RAM, ${box.os}
- Node ${box.node}; SQLite (better-sqlite3) and PostgreSQL on the same machine
- 1-minute load average as each section started (the benchmark itself accounts for about 1): ${loads.map((entry) => `${entry.section} ${entry.load.toFixed(2)}`).join(", ")}${
    // "end" is sampled right after the process section, whose bot process and simulator keep two cores busy themselves.
    loads.some((entry) => entry.section !== "end" && entry.load > box.cores) ? ` — **the machine was busy with other work during this run; timings are pessimistic**` : ""
  }

## How it is measured

- **Telegram** is the Bot API peer in \`src/bot-api-peer/\`, over loopback HTTP. Its limits are
  Telegram's scaled ten times so that a large broadcast fits in the run: **${SIM.limit} messages/s** over all chats
  (in any 1000 ms window), 1 message/s per chat (burst of 3), 429 with \`retry_after: 1\` beyond that; it answers each
  call in ${SIM.latency.min}–${SIM.latency.max} ms (Telegram's ~30–80 ms, scaled alike). The bot's \`SEND_RATE_PER_SECOND\` is
  ${BOT_RATE}, 98% of the limit, in the "Broadcast" and "Broadcast + patients" rows.
- **At Telegram's real limits, strictly** (the rows that say "default"/"Surge"): the peer's strict flood control
  (\`STRICT_FLOOD_CONTROL\`): a token bucket of ${LIMITS.limit} messages/s over all chats, exactly 1 message/s per chat, and a
  3-second pause of the whole bot (every send answered 429) whenever a send finds the bucket empty; answers in
  ${LIMITS.latency.min}–${LIMITS.latency.max} ms. The clinic bot runs with **every setting at its default**
  (\`SEND_RATE_PER_SECOND\` 30). Side by side in the same run: **grammY's recommended setup**, a bare grammY bot with
  \`@grammyjs/transformer-throttler\` (its defaults) and \`@grammyjs/auto-retry\` (installed after it, so retries are throttled
  too), and a **naive** bare grammY bot (no throttling, no retry) or send loop. The **surge** is ${int(sizes.surge)} new patients
  sending \`/start\` within one second, all handled concurrently as \`@grammyjs/runner\` does; "time to the last reply" runs
  from the first \`/start\` to the last first reply Telegram accepted, over the ideal ${int(sizes.surge)}/${LIMITS.limit} s; a patient never
  answered is one whose reply failed for good. The **broadcast** goes to ${int(sizes.limitsBroadcast)} recipients (the
  throttled setup hands every message to the throttler at once).
- **Broadcast**: staff's announcement is queued in the outbox (SQLite) and sent by the real delivery engine, as
  \`/broadcast\` → Send does. Rate is counted by the simulator from the first to the last delivered message;
  duplicates and losses per recipient by the simulator; 429s by the simulator and by the bot's own
  \`clinic_sends_total{result="rate_limited"}\` (the counter \`/metrics\` serves). The **naive baseline** is a loop of
  \`bot.api.sendMessage\` one after another with \`@grammyjs/auto-retry\`${quick ? `, to the first ${int(sizes.naive)} recipients in quick mode` : ""}.
- **Patients during a broadcast**: 20 updates/s (\`/start\`, \`/help\`, a question) fed to the bot built as the
  process builds it (\`createServices\` + \`createBot\`), timed until Telegram accepted the reply.
- **Tips tick**: \`findDue\` (one page of at most 500, the tick's batch) with a given number due, median of 9 after
  warm-up; then one real tick queuing 100 tips; then, at the largest size, one tick with 5,400 due at once (as on a
  Monday at 9:00), timed as tips queued per second.
- **Handlers**: 200 updates/s fed to \`bot.handleUpdate\` with Telegram answering instantly (a fake \`fetch\`) and the
  send budget opened wide (\`SEND_RATE_PER_SECOND\` 1000, no per-chat spacing), so only the bot's own work is timed: \`/start\` (patient upsert), a tips settings step (choosing day and hour saves the
  subscription) and \`/stats\` from staff; 3,000 patients in the database. The bare grammY bot answers the same
  updates with constant replies.
- **Process**: \`node ${START.join(" ")}\`, as \`npm start\` runs it (after building), against the simulator. This
  process runs with the same node options. Cold start is from
  spawning to the simulator accepting the reply to a \`/start\` queued beforehand, on a fresh SQLite file (migrations
  applied at start). Memory is the resident set from \`/proc/<pid>/status\` (VmRSS, VmHWM for the peak); the
  broadcast's recipients were queued before the process started.

## Results

${table}

## Notes

${NOTES}
`;
}

const NOTES = `- Where the idle memory goes is in the "by start-up stage" row: Node itself, then the wasm schema engine
  that applies migrations (in a child process, so its memory goes back when it exits), then the Prisma client
  of the configured database with its wasm query compiler (the size-optimised build, \`compilerBuild = "small"\`,
  read from a .wasm file rather than kept as base64 text), then grammY, its plugins and the bot's modules; what
  only some clinics use (the blog import's HTML parsers, node-postgres on SQLite) is loaded when first needed.
  Megabytes here are MiB (2^20 bytes).
- The node options of \`npm start\` trade a little garbage-collection work for memory: a 2 MB young generation
  (\`--max-semi-space-size=2\`) instead of 16 MB, the heap growing by 50% at a time (\`--heap-growing-percent=50\`)
  instead of up to fourfold, and the wasm query compiler kept at its baseline tier (\`--liftoff-only\`; Prisma caches
  each query's plan, so the compiler runs once per query shape), and one V8 background thread instead of four
  (\`--v8-pool-size=1\`: each kept its own few MB of allocator memory; about 5 MB less when idle, handler times alike
  in a side-by-side run). None of them caps the heap.
- To reproduce: \`npm run bench\` (full) or \`npm run bench -- --quick\`. PostgreSQL rows need the test database
  (\`TEST_DATABASE_URL\`, default \`postgresql://postgres@127.0.0.1:5432/test\`); \`TEST_PROVIDERS=sqlite\` skips them.`;

await main();
