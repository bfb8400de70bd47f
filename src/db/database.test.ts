import { mkdtempSync, existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PrismaAdapter } from "@grammyjs/storage-prisma";
import { openDatabase } from "./database.js";
import { applyPendingMigrations } from "./migrations.js";
import { createTestDatabase, testProviders, type TestDatabase } from "../../test/kit/test-database.js";

describe("openDatabase on SQLite", () => {
  const folder = mkdtempSync(join(tmpdir(), "clinic-open-"));
  const cwd = process.cwd();
  afterAll(() => {
    process.chdir(cwd);
    rmSync(folder, { recursive: true, force: true });
  });

  it("resolves a relative path against the working directory, creates the folder, uses WAL and a busy timeout", async () => {
    process.chdir(folder);
    const url = "file:./nested/dir/clinic.db";
    await applyPendingMigrations(url);
    const database = await openDatabase(url, { busyTimeoutMs: 7_000 });
    process.chdir(cwd);
    try {
      expect(existsSync(join(folder, "nested", "dir", "clinic.db"))).toBe(true);
      expect(database.provider).toBe("sqlite");
      const [journal] = await database.prisma.$queryRawUnsafe<{ journal_mode: string }[]>("PRAGMA journal_mode");
      expect(journal?.journal_mode).toBe("wal");
      const [busy] = await database.prisma.$queryRawUnsafe<{ timeout: unknown }[]>("PRAGMA busy_timeout");
      expect(Number(busy?.timeout)).toBe(7_000);
      expect(await database.ping()).toBe(true);
    } finally {
      await database.close();
    }
    expect(await database.ping()).toBe(false);
    await database.close(); // twice is fine
  });
});

describe("openDatabase errors", () => {
  it("names DATABASE_URL for an unsupported URL", async () => {
    await expect(openDatabase("mysql://db/clinic")).rejects.toThrow(/DATABASE_URL/);
  });

  it.runIf(testProviders.includes("postgresql"))("names the server (not the password) when PostgreSQL is unreachable", async () => {
    const failure = openDatabase("postgresql://bot:secret@127.0.0.1:1/clinic");
    await expect(failure).rejects.toThrow(/Could not connect to PostgreSQL at postgresql:\/\/bot:\*\*\*@127\.0\.0\.1:1\/clinic \(DATABASE_URL\)/);
  });
});

describe.each(testProviders)("test databases and sessions on %s", (provider) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(provider);
  });
  afterAll(() => database.drop());

  it("is migrated and answers", async () => {
    expect(database.provider).toBe(provider);
    expect(await database.ping()).toBe(true);
    expect(await database.prisma.user.count()).toBe(0);
  });

  it("serves grammY's PrismaAdapter (sessions, conversations)", async () => {
    const storage = new PrismaAdapter<{ step: string; answers: number[] }>(database.prisma.session);
    expect(await storage.read("chat:1")).toBeUndefined();
    await storage.write("chat:1", { step: "ask-day", answers: [1] });
    await storage.write("chat:1", { step: "ask-hour", answers: [1, 9] });
    expect(await storage.read("chat:1")).toEqual({ step: "ask-hour", answers: [1, 9] });
    await storage.delete("chat:1");
    await storage.delete("chat:1"); // deleting what is gone is fine
    expect(await storage.read("chat:1")).toBeUndefined();
  });

  it.runIf(provider === "postgresql")("keeps to its own schema", async () => {
    const other = await createTestDatabase(provider);
    try {
      await other.prisma.session.create({ data: { key: "only-here", value: "{}" } });
      expect(await database.prisma.session.findUnique({ where: { key: "only-here" } })).toBeNull();
      // Raw SQL follows the schema too (search_path).
      const rows = await other.prisma.$queryRawUnsafe<{ n: number }[]>("SELECT count(*)::int AS n FROM sessions");
      expect(rows[0]?.n).toBe(1);
    } finally {
      await other.drop();
    }
  });
});
