/**
 * What the running bot holds from the start: modules an ES import loads are
 * never unloaded, so what the bot needs only sometimes is loaded when first
 * needed, and the Prisma client reads its wasm query compiler from a file
 * rather than from a base64 string kept in the heap (see BENCHMARKS.md, the
 * memory rows, and src/scripts/generate-clients.ts).
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../src/db/schema-files.js";

const dist = join(PROJECT_ROOT, "dist");

/** Specifiers of a module's static imports and re-exports (what loads with it), not its `import()` calls. */
function staticImports(source: string): string[] {
  return [
    ...source.matchAll(/(?:^|[;\s])(?:import|export)\s[^"';]*?from\s*["']([^"']+)["']/g),
    ...source.matchAll(/(?:^|[;\s])import\s*["']([^"']+)["']/g),
  ].map((match) => match[1]!);
}

/** Packages loaded, directly or through the bot's own modules, as soon as `entry` is imported. */
function packagesLoadedWith(entry: string): Set<string> {
  const packages = new Set<string>();
  const seen = new Set<string>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const specifier of staticImports(readFileSync(file, "utf8"))) {
      if (specifier.startsWith(".")) pending.push(resolve(dirname(file), specifier));
      else if (!specifier.startsWith("node:") && !specifier.startsWith("#")) {
        packages.add(specifier.startsWith("@") ? specifier.split("/").slice(0, 2).join("/") : specifier.split("/")[0]!);
      }
    }
  }
  return packages;
}

describe("what the bot loads at start", () => {
  it("leaves the blog import's HTML and feed parsers until a blog is followed or imported", () => {
    const atStart = packagesLoadedWith(join(dist, "app.js"));
    expect(atStart.has("grammy")).toBe(true);
    for (const parser of ["linkedom", "@mozilla/readability", "sanitize-html", "fast-xml-parser", "franc-min"]) {
      expect(atStart.has(parser), `${parser} is loaded at start (${relative(PROJECT_ROOT, dist)}/app.js imports it statically)`).toBe(false);
    }
    // node-postgres (and, through it, Node's fetch implementation) only where DATABASE_URL is PostgreSQL.
    for (const driver of ["pg", "@prisma/adapter-pg"]) {
      expect(atStart.has(driver), `${driver} is loaded at start, on SQLite too`).toBe(false);
    }
    // The import script still has them from its first line.
    expect(packagesLoadedWith(join(dist, "scripts", "content-import.js")).has("linkedom")).toBe(true);
  });

  for (const provider of ["sqlite", "postgresql"]) {
    it(`has the ${provider} client read its query compiler from a .wasm file, not a base64 module`, () => {
      const internal = join(PROJECT_ROOT, "generated", provider, "internal");
      const client = readFileSync(join(internal, "class.js"), "utf8");
      expect(client).not.toMatch(/wasm-base64/);
      expect(client).toContain("query-compiler.wasm");
      const wasm = readFileSync(join(internal, "query-compiler.wasm"));
      // The wasm magic number: the file is the compiler itself, not its base64 text.
      expect([...wasm.subarray(0, 4)]).toEqual([0x00, 0x61, 0x73, 0x6d]);
      expect(existsSync(join(internal, "query-compiler.wasm"))).toBe(true);
    });
  }
});
