/**
 * npm run db:generate (after db:schemas) and postinstall
 *
 * Runs `prisma generate` for prisma/sqlite/schema.prisma and
 * prisma/postgresql/schema.prisma, writing src/generated/sqlite and
 * src/generated/postgresql. Works offline: the Prisma CLI insists on having
 * its native schema engine before generating, although generation never runs
 * it, and downloading it fails without network; any existing file named by
 * PRISMA_SCHEMA_ENGINE_BINARY satisfies that check.
 *
 * Self-contained on purpose (imports nothing from src/): the Dockerfile runs
 * `npm ci` with only package*.json, prisma/, prisma.config.ts and src/scripts/.
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const providers = ["sqlite", "postgresql"] as const;

const require = createRequire(import.meta.url);
const prismaPackageJson = require.resolve("prisma/package.json");
const prismaCli = join(dirname(prismaPackageJson), (JSON.parse(readFileSync(prismaPackageJson, "utf8")) as { bin: { prisma: string } }).bin.prisma);

const env: NodeJS.ProcessEnv = {
  ...process.env,
  // Keep a real engine if one is configured and present; otherwise any existing file will do.
  PRISMA_SCHEMA_ENGINE_BINARY:
    process.env.PRISMA_SCHEMA_ENGINE_BINARY && existsSync(process.env.PRISMA_SCHEMA_ENGINE_BINARY)
      ? process.env.PRISMA_SCHEMA_ENGINE_BINARY
      : prismaPackageJson,
  PRISMA_HIDE_UPDATE_MESSAGE: "1",
  CHECKPOINT_DISABLE: "1",
};

function generate(provider: (typeof providers)[number]): Promise<void> {
  const schema = join(root, "prisma", provider, "schema.prisma");
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [prismaCli, "generate", "--schema", schema], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) {
        console.log(`generated the ${provider} client in src/generated/${provider}`);
        resolvePromise();
      } else {
        reject(new Error(`prisma generate failed for prisma/${provider}/schema.prisma (exit ${code}):\n${output}`));
      }
    });
  });
}

const models = readFileSync(join(root, "prisma", "models.prisma"), "utf8").trimEnd();
for (const provider of providers) {
  const schema = readFileSync(join(root, "prisma", provider, "schema.prisma"), "utf8");
  if (!schema.trimEnd().endsWith(models)) {
    console.warn(`warning: prisma/${provider}/schema.prisma is older than prisma/models.prisma; run npm run db:schemas (or db:migration)`);
  }
}

try {
  await Promise.all(providers.map(generate));
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
