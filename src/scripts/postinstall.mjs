/**
 * npm install's last step. A development install generates the Prisma clients
 * (generated/) with the Prisma CLI and TypeScript, run through tsx; all are
 * development packages. A production install (`npm ci --omit=dev`) has none
 * and needs none: it runs dist/ with the clients in generated/, both built
 * where the development packages are.
 * Plain JavaScript, so that it runs in both.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const require = createRequire(import.meta.url);

function installed(name) {
  try {
    require.resolve(`${name}/package.json`);
    return true;
  } catch {
    return false;
  }
}

if (!installed("prisma") || !installed("tsx")) {
  if (!existsSync(join(root, "dist", "main.js")) || !existsSync(join(root, "generated", "sqlite", "client.js"))) {
    console.warn("note: installed without development packages and dist/ or generated/ is missing; build them where they are installed (npm ci && npm run build), then copy dist/ and generated/ here or run npm prune --omit=dev there");
  }
  process.exit(0);
}

const result = spawnSync(process.execPath, ["--import", "tsx", join("src", "scripts", "generate-clients.ts")], { cwd: root, stdio: "inherit" });
process.exit(result.status ?? 1);
