/**
 * npm install's last step. A development install generates the Prisma clients
 * (src/generated) with the Prisma CLI, run through tsx; both are development
 * packages. A production install (`npm ci --omit=dev`) has neither and needs
 * neither: it runs dist/, which `npm run build` compiled with the clients in it.
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
  if (!existsSync(join(root, "dist", "main.js"))) {
    console.warn("note: installed without development packages and dist/ is not built; build it where they are installed (npm ci && npm run build), then copy dist/ here or run npm prune --omit=dev there");
  }
  process.exit(0);
}

const result = spawnSync(process.execPath, ["--import", "tsx", join("src", "scripts", "generate-clients.ts")], { cwd: root, stdio: "inherit" });
process.exit(result.status ?? 1);
