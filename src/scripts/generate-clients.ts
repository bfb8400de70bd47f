/**
 * npm run db:generate (after db:schemas) and postinstall
 *
 * Runs `prisma generate` for prisma/sqlite/schema.prisma and
 * prisma/postgresql/schema.prisma, then compiles each client (TypeScript, in
 * node_modules/.cache/prisma-clients) to JavaScript and type declarations in
 * generated/sqlite and generated/postgresql, outside src/: the code imports
 * them as `#generated/<provider>/client.js` (package.json "imports"), from the
 * sources and from the build alike. Works offline: the Prisma CLI insists on having
 * its native schema engine before generating, although generation never runs
 * it, and downloading it fails without network; any existing file named by
 * PRISMA_SCHEMA_ENGINE_BINARY satisfies that check.
 *
 * Self-contained on purpose (imports nothing from src/): the Dockerfile runs
 * `npm ci` with only package*.json, prisma/, prisma.config.ts and src/scripts/.
 */
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const providers = ["sqlite", "postgresql"] as const;

const require = createRequire(import.meta.url);
const prismaPackageJson = require.resolve("prisma/package.json");
const prismaCli = join(dirname(prismaPackageJson), (JSON.parse(readFileSync(prismaPackageJson, "utf8")) as { bin: { prisma: string } }).bin.prisma);
const typescriptPackageJson = require.resolve("typescript/package.json");
const tsc = join(dirname(typescriptPackageJson), "bin", "tsc");

/** Where prisma writes a client's TypeScript (the schema's `output`), and where its compiled JavaScript goes. */
const sourceOf = (provider: string) => join(root, "node_modules", ".cache", "prisma-clients", provider);
const outputOf = (provider: string) => join(root, "generated", provider);

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

function run(what: string, args: string[]): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolvePromise() : reject(new Error(`${what} failed (exit ${code}):\n${output}`))));
  });
}

async function generate(provider: (typeof providers)[number]): Promise<void> {
  const source = sourceOf(provider);
  const output = outputOf(provider);
  rmSync(source, { recursive: true, force: true });
  await run(`prisma generate for prisma/${provider}/schema.prisma`, [prismaCli, "generate", "--schema", join(root, "prisma", provider, "schema.prisma")]);
  const wasm = await loadQueryCompilerFromFile(provider, source);
  const files = readdirSync(source, { recursive: true, encoding: "utf8" }).filter((file) => file.endsWith(".ts")).map((file) => join(source, file));
  // A file prisma no longer writes must not linger.
  rmSync(output, { recursive: true, force: true });
  await run(`compiling the ${provider} client`, [
    tsc, "--rootDir", source, "--outDir", output, "--declaration", "--module", "NodeNext", "--moduleResolution", "NodeNext",
    "--target", "ES2022", "--lib", "ES2023", "--types", "node", "--skipLibCheck", "--strict", "false", ...files,
  ]);
  writeFileSync(join(output, "internal", QUERY_COMPILER_FILE), wasm);
  rmSync(source, { recursive: true, force: true });
  console.log(`generated the ${provider} client in generated/${provider}`);
}

const QUERY_COMPILER_FILE = "query-compiler.wasm";

/**
 * Prisma's client for Node embeds its wasm query compiler as a base64 string in a
 * module it imports; an ES module is never unloaded, so the string and that module's
 * source (2.2 MB each) stayed in the heap for the life of the process. The client
 * reads the compiler from a .wasm file beside it instead: the same bytes, decoded
 * once here. Returns those bytes; fails loudly if a new Prisma generates otherwise.
 */
async function loadQueryCompilerFromFile(provider: string, source: string): Promise<Buffer> {
  const classFile = join(source, "internal", "class.ts");
  const code = readFileSync(classFile, "utf8");
  const embedded = /const \{ wasm \} = await import\("(@prisma\/client\/runtime\/[^"]+\.wasm-base64\.mjs)"\);?\s*return await decodeBase64AsWasm\(wasm\);?/.exec(code);
  if (!embedded) throw new Error(`${classFile}: the ${provider} client no longer loads its query compiler as expected (see loadQueryCompilerFromFile)`);
  const { wasm } = (await import(require.resolve(embedded[1]!))) as { wasm: string };
  writeFileSync(
    classFile,
    code.replace(
      embedded[0],
      `const { readFile } = await import("node:fs/promises");\n        return new WebAssembly.Module(await readFile(new URL("./${QUERY_COMPILER_FILE}", import.meta.url)));`,
    ),
  );
  return Buffer.from(wasm, "base64");
}

const models = readFileSync(join(root, "prisma", "models.prisma"), "utf8").trimEnd();
for (const provider of providers) {
  const schema = readFileSync(join(root, "prisma", provider, "schema.prisma"), "utf8");
  if (!schema.trimEnd().endsWith(models)) {
    console.warn(`warning: prisma/${provider}/schema.prisma is older than prisma/models.prisma; run npm run db:schemas (or db:migration)`);
  }
}

// Where the clients used to be generated: a checkout from before holds a stale copy there.
rmSync(join(root, "src", "generated"), { recursive: true, force: true });

try {
  await Promise.all(providers.map(generate));
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
