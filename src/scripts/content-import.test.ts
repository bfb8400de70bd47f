import { execFile } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "../db/database.js";
import { scratchLocation } from "../../test/kit/test-database.js";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const SEED = join("..", "shared", "seeds", "000_88e1540fee92bd7c.txt");
const WXR = join("src", "content", "blog", "fixtures", "export-wxr.xml");

function runImport(env: Record<string, string>, ...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile("npm", ["run", "-s", "content:import", "--", ...args], { cwd: repoRoot, encoding: "utf8", env: { ...process.env, ...env } }, (error, stdout, stderr) =>
      resolve({ status: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe("npm run content:import, storing", () => {
  const location = scratchLocation("sqlite");
  afterAll(() => location.cleanup());

  it("stores the seed as a draft with one summary line, leaves it unchanged the second time, and --publish publishes", async () => {
    const env = { DATABASE_URL: location.url };
    const first = await runImport(env, SEED);
    expect(first).toMatchObject({ status: 0, stderr: "" });
    expect(first.stdout).toBe(
      `${SEED}: 1 article, 5 tips, 0 skipped (1 new); stored as drafts: staff see each preview in the staff chat, with Publish and Skip\n`,
    );
    const again = await runImport(env, SEED);
    expect(again.stdout).toBe(`${SEED}: 1 article, 5 tips, 0 skipped (1 unchanged)\n`);
    const published = await runImport(env, WXR, "--publish");
    expect(published.stdout.split("\n")).toEqual([
      `${WXR}: 1 article, 3 tips, 2 skipped (1 new); published: patients get these tips from now on`,
      "  skipped https://maplespine.example/?p=13: not published on the blog (draft)",
      "  skipped https://maplespine.example/contact/: a page, not a post",
      "",
    ]);

    const database = await openDatabase(location.url);
    try {
      const rows = await database.prisma.blogArticle.findMany({ orderBy: { id: "asc" }, select: { title: true, status: true, date: true } });
      expect(rows).toEqual([
        { title: "Can Massage Therapy Treat Lower Back Pain?", status: "draft", date: "2023-11-02" },
        { title: "Snow shovelling, the easy way", status: "published", date: "2024-01-08" },
      ]);
    } finally {
      await database.close();
    }
  }, 60_000);

  it("stores README's example as README says: one new draft, then unchanged", async () => {
    const env = { DATABASE_URL: location.url };
    const example = join("docs", "examples", "pasted-post.txt");
    expect((await runImport(env, example)).stdout).toBe(
      `${example}: 1 article, 3 tips, 0 skipped (1 new); stored as drafts: staff see each preview in the staff chat, with Publish and Skip\n`,
    );
    expect((await runImport(env, example)).stdout).toBe(`${example}: 1 article, 3 tips, 0 skipped (1 unchanged)\n`);
  }, 60_000);
});
