/**
 * No hand-written source file grows past 450 lines: past that, a file is doing several jobs and a newcomer
 * cannot hold it in mind. Generated code (the Prisma clients) is not written by hand and is not counted.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../src/db/schema-files.js";

const MAX_LINES = 450;
const SOURCE = /\.(ts|mts|js|mjs|cjs|css|html)$/;

/** Files git knows (tracked or new, not ignored); outside a git checkout, the source folders walked. */
function handWrittenSources(): string[] {
  let files: string[];
  try {
    files = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard"], { cwd: PROJECT_ROOT, encoding: "utf8" }).split("\n");
  } catch {
    files = ["src", "test", "bench"].flatMap((folder) =>
      readdirSync(join(PROJECT_ROOT, folder), { recursive: true, encoding: "utf8" }).map((file) => join(folder, file)),
    );
  }
  return files.filter((file) => SOURCE.test(file) && !file.startsWith("generated/"));
}

describe("source files", () => {
  it(`are at most ${MAX_LINES} lines each`, () => {
    const files = handWrittenSources();
    expect(files.length).toBeGreaterThan(50);
    const tooLong = files
      .map((file) => ({ file, lines: readFileSync(join(PROJECT_ROOT, file), "utf8").split("\n").length }))
      .filter((entry) => entry.lines > MAX_LINES)
      .map((entry) => `${entry.file}: ${entry.lines} lines`);
    expect(tooLong).toEqual([]);
  });
});
