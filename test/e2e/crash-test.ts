/**
 * `npm run crash-test`: kills the real bot process with SIGKILL at random
 * moments while it sends tips and a broadcast, restarts it, and checks that
 * nothing was lost or sent twice (see test/e2e/crash.ts). 20 crashes per
 * database; `--quick` does 3. `--seed N` replays a run's kill moments,
 * `--provider sqlite|postgresql` picks one database (default: TEST_PROVIDERS, or both).
 */
import { runCrashTest } from "./crash.js";
import { testProviders } from "../kit/test-database.js";
import type { Provider } from "../../src/db/schema-files.js";

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const valueOf = (name: string) => {
  const index = args.indexOf(name);
  return index === -1 ? undefined : args[index + 1];
};
const seed = valueOf("--seed") === undefined ? undefined : Number(valueOf("--seed"));
const providers = (valueOf("--provider")?.split(",") as Provider[] | undefined) ?? testProviders;

let failed = false;
for (const provider of providers) {
  const report = await runCrashTest({ provider, crashes: quick ? 3 : 20, seed, log: (line) => console.log(line) });
  const { problems, ...figures } = report;
  console.log(JSON.stringify(figures));
  if (problems.length === 0) {
    console.log(`crash test on ${provider}: passed (replay with --seed ${report.seed})`);
  } else {
    failed = true;
    console.log(`crash test on ${provider}: FAILED (replay with --seed ${report.seed})`);
    for (const problem of problems) console.log(`  - ${problem}`);
  }
}
process.exit(failed ? 1 : 0);
