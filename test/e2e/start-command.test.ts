import { readFileSync } from "node:fs";
import { join } from "node:path";
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
    expect(options).toEqual(expect.arrayContaining(["--max-semi-space-size=2", "--heap-growing-percent=50", "--liftoff-only"]));
    expect(options.some((option) => option.startsWith("--max-old-space-size") || option.startsWith("--max-heap-size"))).toBe(false);
  });
});
