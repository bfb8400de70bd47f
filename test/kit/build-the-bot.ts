/**
 * vitest's global setup: the end-to-end tests start the compiled bot exactly as
 * `npm start` does, so it is built first, by the same `npm run build`
 * (incremental: about a second when nothing changed).
 */
import { execFileSync } from "node:child_process";
import { PROJECT_ROOT } from "../../src/db/schema-files.js";

export default function buildTheBot(): void {
  execFileSync("npm", ["run", "--silent", "build"], { cwd: PROJECT_ROOT, stdio: "inherit" });
}
