import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT, startCommand } from "./harness.js";

/** The JSON array of the Dockerfile's CMD line. */
function dockerCommand(): string[] {
  const line = readFileSync(join(PROJECT_ROOT, "Dockerfile"), "utf8")
    .split("\n")
    .find((text) => text.startsWith("CMD "));
  if (!line) throw new Error("the Dockerfile has no CMD");
  return JSON.parse(line.slice(4)) as string[];
}

describe("how the bot is started", () => {
  it("runs the compiled bot with plain node, the same way in `npm start`, the Docker image and the tests", () => {
    const command = startCommand();
    expect(command.at(-1)).toBe("dist/main.js");
    expect(dockerCommand()).toEqual(["node", ...command]);
  });

  it("names each node option that keeps memory low, and none that caps the heap", () => {
    const options = startCommand().slice(0, -1);
    expect(options).toEqual(expect.arrayContaining(["--max-semi-space-size=2", "--heap-growing-percent=50", "--liftoff-only", "--v8-pool-size=1"]));
    expect(options.some((option) => option.startsWith("--max-old-space-size") || option.startsWith("--max-heap-size"))).toBe(false);
  });
});

describe("a production install (npm ci --omit=dev next to a built dist/)", () => {
  const manifest = JSON.parse(readFileSync(join(PROJECT_ROOT, "package.json"), "utf8")) as {
    scripts: Record<string, string>;
    dependencies: Record<string, string>;
  };

  it("starts without building: npm start runs nothing before node, and install scripts need only node", () => {
    expect(manifest.scripts.prestart).toBeUndefined();
    expect(manifest.scripts.postinstall).toMatch(/^node [^&|;]+\.mjs$/);
    expect(manifest.scripts["db:migrate"]).toMatch(/^node dist\//);
    for (const tool of ["tsx", "prisma", "typescript", "vitest"]) expect(Object.keys(manifest.dependencies)).not.toContain(tool);
  });

  it("runs on the locales shipped in dist/, the same files as src/locales", async () => {
    const built = (await import(pathToFileURL(join(PROJECT_ROOT, "dist", "bot", "i18n.js")).href)) as { LOCALES_DIR: string };
    expect(built.LOCALES_DIR).toBe(join(PROJECT_ROOT, "dist", "locales"));
  });

  it("has in dist/ a copy of every file the code reads next to itself (locales, the desk's page)", async () => {
    const { ASSET_FOLDERS } = (await import(pathToFileURL(join(PROJECT_ROOT, "src", "scripts", "copy-assets.mjs")).href)) as { ASSET_FOLDERS: string[] };
    expect(ASSET_FOLDERS).toEqual(expect.arrayContaining(["locales", "desk/public"]));
    for (const folder of ASSET_FOLDERS) {
      const files = readdirSync(join(PROJECT_ROOT, "src", folder), { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
      expect(files.length, folder).toBeGreaterThan(0);
      for (const entry of files) {
        const path = join(relative(join(PROJECT_ROOT, "src"), entry.parentPath), entry.name);
        expect(readFileSync(join(PROJECT_ROOT, "dist", path), "utf8"), path).toBe(readFileSync(join(PROJECT_ROOT, "src", path), "utf8"));
      }
    }
  });
});
