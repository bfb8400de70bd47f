/**
 * vitest's global setup: the end-to-end tests start the compiled bot exactly as
 * `npm start` does, so it is built first (incremental: about a second when
 * nothing changed).
 */
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { PROJECT_ROOT } from "../db/schema-files.js";

export default function buildTheBot(): void {
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  execFileSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], { cwd: PROJECT_ROOT, stdio: "inherit" });
}
