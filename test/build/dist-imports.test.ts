/**
 * A production install (`npm ci --omit=dev`, and the Docker image after `npm prune --omit=dev`) has only
 * package.json's "dependencies": every package the compiled bot loads must be one of them, and none of the
 * test kit may be compiled into dist/ at all.
 */
import { readdirSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { join, relative } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../src/db/schema-files.js";

const manifest = JSON.parse(readFileSync(join(PROJECT_ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string> };

/** The sources `npm run build` compiles (read from tsconfig.build.json, so a stale file left in dist/ does not count). */
function buildInputs(): string[] {
  const parsed = ts.getParsedCommandLineOfConfigFile(join(PROJECT_ROOT, "tsconfig.build.json"), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"));
    },
  });
  if (!parsed) throw new Error("tsconfig.build.json could not be read");
  return parsed.fileNames.map((file) => relative(PROJECT_ROOT, file));
}

/** Where the build writes a source: src/x/y.ts → dist/x/y.js. */
function compiledPath(source: string): string {
  return join(PROJECT_ROOT, "dist", relative("src", source).replace(/\.ts$/, ".js"));
}

/** Bare specifiers of static imports, re-exports, dynamic imports and require/resolve calls. */
function packagesLoadedBy(source: string): string[] {
  const specifiers = [
    ...source.matchAll(/(?:^|[;\s])(?:import|export)\s[^"';]*?from\s*["']([^"']+)["']/g),
    ...source.matchAll(/(?:^|[;\s])import\s*["']([^"']+)["']/g),
    ...source.matchAll(/\b(?:import|require|require\.resolve)\s*\(\s*["']([^"']+)["']\s*\)/g),
  ].map((match) => match[1]!);
  return specifiers
    .filter((specifier) => !specifier.startsWith(".") && !specifier.startsWith("/") && !specifier.startsWith("#"))
    .map((specifier) => specifier.replace(/^node:/, ""))
    .filter((specifier) => !builtinModules.includes(specifier.split("/")[0]!) && !builtinModules.includes(specifier))
    .map((specifier) => (specifier.startsWith("@") ? specifier.split("/").slice(0, 2).join("/") : specifier.split("/")[0]!));
}

describe("the compiled bot (dist/)", () => {
  const sources = buildInputs();

  it("holds none of the test kit", () => {
    expect(sources).toContain("src/main.ts");
    expect(sources.filter((source) => !source.startsWith("src/") || /\.test\.ts$|^src\/testing\//.test(source))).toEqual([]);
  });

  it("loads only packages a production install has", () => {
    const strays = sources.flatMap((source) =>
      packagesLoadedBy(readFileSync(compiledPath(source), "utf8"))
        .filter((name) => !(name in manifest.dependencies))
        .map((name) => `${relative(PROJECT_ROOT, compiledPath(source))} loads ${name}`),
    );
    expect(strays).toEqual([]);
  });

  it("and so do the Prisma clients it imports from generated/ (#generated/*)", () => {
    const clients = readdirSync(join(PROJECT_ROOT, "generated"), { recursive: true, encoding: "utf8" }).filter((file) => file.endsWith(".js"));
    expect(clients).toEqual(expect.arrayContaining([join("sqlite", "client.js"), join("postgresql", "client.js")]));
    const strays = clients.flatMap((file) =>
      packagesLoadedBy(readFileSync(join(PROJECT_ROOT, "generated", file), "utf8"))
        .filter((name) => !(name in manifest.dependencies))
        .map((name) => `generated/${file} loads ${name}`),
    );
    expect(strays).toEqual([]);
  });
});
