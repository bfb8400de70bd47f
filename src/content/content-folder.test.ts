import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it, vi } from "vitest";
import { loadContentLibrary, watchContent } from "./content-folder.js";
import { ContentError } from "./yaml-file.js";


const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const fixtures = fileURLToPath(new URL("./fixtures", import.meta.url));
const validArticles = join(fixtures, "valid", "articles");

function articleSource(front: string[]): string {
  return ["---", ...front, "---", "", "## A tip {#tip}", "", "Text."].join("\n");
}

describe("loadContentLibrary", () => {
  const temporaryDirs: string[] = [];
  afterEach(() => {
    for (const dir of temporaryDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  /** A content folder holding the valid fixtures plus `extra` files. */
  function contentDir(extra: Record<string, string> = {}): string {
    const dir = mkdtempSync(join(tmpdir(), "content-"));
    temporaryDirs.push(dir);
    cpSync(validArticles, join(dir, "articles"), { recursive: true });
    for (const [name, source] of Object.entries(extra)) writeFileSync(join(dir, "articles", name), source);
    return dir;
  }

  it("loads the valid fixtures without problems", () => {
    const { library, problems } = loadContentLibrary(join(fixtures, "valid"));
    expect(problems).toEqual([]);
    expect(library.size).toBe(4);
    expect(library.tips("en")).toHaveLength(4);
    expect(library.tips("fr")).toHaveLength(2);
  });

  it("skips an invalid article, logging a warning that names its file", () => {
    const dir = contentDir({ "broken.en.md": articleSource(["title: Broken", "slug: broken", "date: someday", "language: en"]) });
    const logger = { warn: vi.fn(), error: vi.fn() };
    const { library, problems } = loadContentLibrary(dir, logger);

    expect(library.articles("en").map((article) => article.slug)).toEqual(["desk-posture", "massage-low-back-pain"]);
    expect(problems).toEqual([expect.objectContaining({ file: join(dir, "articles", "broken.en.md"), line: 4, severity: "error" })]);
    expect(logger.warn).toHaveBeenCalledWith(expect.objectContaining({ file: join(dir, "articles", "broken.en.md") }), expect.stringContaining("skipped"));
  });

  it("keeps the article whose file name matches its slug when a copy reuses the slug", () => {
    const copy = readFileSync(join(validArticles, "desk-posture.en.md"), "utf8").replace("Three habits", "A copy");
    const dir = contentDir({ "a-copy.en.md": copy });
    const { library, problems } = loadContentLibrary(dir);

    expect(library.articles("en").find((article) => article.slug === "desk-posture")?.title).toBe("Three habits for a kinder desk posture");
    expect(problems).toEqual([
      expect.objectContaining({ file: join(dir, "articles", "a-copy.en.md"), line: 3, severity: "warning" }),
      {
        file: join(dir, "articles", "a-copy.en.md"),
        line: 3,
        message: `slug desk-posture (en) is already used by ${join(dir, "articles", "desk-posture.en.md")}; this file is skipped`,
        severity: "error",
      },
    ]);
  });

  it("warns when a translation's tip sections differ from the English ones", () => {
    const dir = contentDir();
    const frenchFile = join(dir, "articles", "massage-low-back-pain.fr.md");
    writeFileSync(frenchFile, readFileSync(frenchFile, "utf8").replace("{#gentle-movement}", "{#bouger}"));
    const { library, problems } = loadContentLibrary(dir);

    expect(problems).toEqual([
      {
        file: frenchFile,
        line: 1,
        message: `tip sections differ from ${join(dir, "articles", "massage-low-back-pain.en.md")}: missing #gentle-movement; not in the original: #bouger`,
        severity: "warning",
      },
    ]);
    expect(library.tipFor("massage-low-back-pain#bouger", "fr")).not.toBeNull();
  });

  it("throws a ContentError when the articles folder cannot be read", () => {
    expect(() => loadContentLibrary(join(fixtures, "missing"))).toThrow(ContentError);
  });
});

describe("watchContent", () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const cleanup of cleanups.splice(0)) cleanup();
  });

  function watchedDir() {
    const dir = mkdtempSync(join(tmpdir(), "content-watch-"));
    cpSync(validArticles, join(dir, "articles"), { recursive: true });
    const onChange = vi.fn();
    const logger = { warn: vi.fn(), error: vi.fn() };
    const stop = watchContent(dir, onChange, { intervalMs: 10, logger });
    cleanups.push(() => {
      stop();
      rmSync(dir, { recursive: true, force: true });
    });
    return { dir, onChange, logger };
  }

  it("reloads when an article is added and when one is modified", async () => {
    const { dir, onChange } = watchedDir();
    const added = articleSource(["title: Added", "slug: added", "date: 2026-05-01", "language: en"]);
    writeFileSync(join(dir, "articles", "added.en.md"), added);
    await vi.waitFor(() => expect(onChange.mock.lastCall?.[0].library.tipFor("added#tip", "en")).not.toBeNull(), { timeout: 2000, interval: 10 });

    writeFileSync(join(dir, "articles", "added.en.md"), added.replace("Text.", "Longer, reworded text."));
    await vi.waitFor(
      () => expect(onChange.mock.lastCall?.[0].library.tipFor("added#tip", "en").bodyMarkdown).toBe("Longer, reworded text."),
      { timeout: 2000, interval: 10 },
    );
  });

  it("keeps the previous library when a reload fails", async () => {
    const { dir, onChange, logger } = watchedDir();
    rmSync(join(dir, "articles"), { recursive: true });
    await vi.waitFor(() => expect(logger.error).toHaveBeenCalledWith(expect.objectContaining({ contentDir: dir }), expect.stringContaining("keeping")), {
      timeout: 2000,
      interval: 10,
    });
    expect(onChange).not.toHaveBeenCalled();
  });
});

describe("content-check script", () => {
  function runContentCheck(dir: string) {
    const result = spawnSync(join(repoRoot, "node_modules", ".bin", "tsx"), ["src/scripts/content-check.ts", dir], {
      cwd: repoRoot,
      encoding: "utf8",
    });
    return { status: result.status, lines: result.stdout.trim().split("\n") };
  }

  it("prints each problem with file, line and severity, and exits 1 on errors", () => {
    const dir = "src/content/fixtures/broken";
    const { status, lines } = runContentCheck(dir);
    expect(status).toBe(1);
    expect(lines).toEqual([
      `${dir}/articles/bad-date.en.md:4: error: front matter: date: must be a date like 2026-03-14`,
      `${dir}/articles/bad-heading.en.md:1: error: the article has no tip: mark at least one ## heading with {#section-id}`,
      `${dir}/articles/bad-heading.en.md:8: error: a ## heading must end with {#section-id} (a tip) or {.no-tip} (article only)`,
      `${dir}/articles/renamed.en.md:3: warning: slug desk-stretches does not match the file name (renamed)`,
      `${dir}/clinic.yml: error: cannot be read (ENOENT)`,
      `${dir}/safety.yml: error: cannot be read (ENOENT)`,
      `content-check ${dir}: articles en 1, fr 0; tips en 1, fr 0; 5 errors, 1 warning`,
    ]);
  }, 30_000);

  it("exits 0 on valid content", () => {
    const { status, lines } = runContentCheck("src/content/fixtures/valid");
    expect(lines).toEqual(["content-check src/content/fixtures/valid: articles en 2, fr 1; tips en 4, fr 2; 0 errors, 0 warnings"]);
    expect(status).toBe(0);
  }, 30_000);

  it.skipIf(!existsSync(join(repoRoot, "content", "articles")))("passes on the real content folder", () => {
    const { status, lines } = runContentCheck("content");
    expect(lines.filter((line) => /: error: /.test(line))).toEqual([]);
    expect(status).toBe(0);
  }, 30_000);
});
