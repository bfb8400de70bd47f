import { afterEach, describe, expect, it } from "vitest";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { parseDatabaseUrl } from "./database-url.js";
import { openDatabase } from "./database.js";
import { applyPendingMigrations, listMigrationNames } from "./migrations.js";
import { migrationsPath } from "./schema-files.js";
import { scratchLocation, testProviders } from "../../test/kit/test-database.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

function scratch(provider: (typeof testProviders)[number]) {
  const location = scratchLocation(provider);
  cleanups.push(location.cleanup);
  return location.url;
}

describe.each(testProviders)("migrations on %s", (provider) => {
  const committed = listMigrationNames(migrationsPath(provider));

  it("apply from empty, then a second apply is a no-op", async () => {
    expect(committed.length).toBeGreaterThan(0);
    const url = scratch(provider);
    expect(await applyPendingMigrations(url)).toEqual(committed);
    expect(await applyPendingMigrations(url)).toEqual([]);

    const database = await openDatabase(url);
    try {
      const rows = await database.prisma.$queryRawUnsafe<{ migration_name: string; finished: unknown; rolled_back_at: unknown }[]>(
        "SELECT migration_name, finished_at AS finished, rolled_back_at FROM _prisma_migrations ORDER BY migration_name",
      );
      expect(rows.map((row) => row.migration_name)).toEqual(committed);
      for (const row of rows) {
        expect(row.finished).not.toBeNull();
        expect(row.rolled_back_at).toBeNull();
      }
    } finally {
      await database.close();
    }
  });

  it("logs what it applies", async () => {
    const url = scratch(provider);
    const lines: unknown[] = [];
    const logger = { info: (object: object) => lines.push(object), debug: () => undefined };
    await applyPendingMigrations(url, logger);
    expect(lines).toEqual(committed.map((migration) => ({ migration })));
  });

  it("stops at a failing migration, rolls it back, and refuses to go on until it is resolved", async () => {
    const directory = mkdtempSync(join(tmpdir(), "clinic-bad-migrations-"));
    cleanups.push(async () => rmSync(directory, { recursive: true, force: true }));
    cpSync(migrationsPath(provider), directory, { recursive: true });
    mkdirSync(join(directory, "20991231000000_broken"));
    // The semicolon inside the string must not split the statement.
    writeFileSync(join(directory, "20991231000000_broken", "migration.sql"), `CREATE TABLE "half_done" ("a" TEXT DEFAULT 'x;y');\nALTER TABLE "missing" ADD COLUMN "b" TEXT;\n`);
    const url = scratch(provider);
    await expect(applyPendingMigrations(url, undefined, { migrationsDirectory: directory })).rejects.toThrow(/Could not migrate the database .*missing/s);
    await expect(applyPendingMigrations(url, undefined, { migrationsDirectory: directory })).rejects.toThrow(/20991231000000_broken/);
    if (provider === "postgresql") {
      const database = await openDatabase(url);
      try {
        // PostgreSQL ran the script as one transaction: nothing half done.
        const rows = await database.prisma.$queryRawUnsafe<{ n: number }[]>("SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name = 'half_done'");
        expect(rows[0]?.n).toBe(0);
      } finally {
        await database.close();
      }
    }
  });

  it("explains a failure with the URL (password hidden)", async () => {
    // SQLite: a "folder" that is a file.
    const url = provider === "sqlite" ? `file:${fileURLToPath(import.meta.url)}/x.db` : "postgresql://nobody:secret@127.0.0.1:1/none";
    const failure = applyPendingMigrations(url);
    await expect(failure).rejects.toThrow(/Could not migrate the database \(DATABASE_URL/);
    await expect(failure).rejects.not.toThrow(/secret/);
  });
});

describe.each(testProviders)("migrations on %s, concurrently", (provider) => {
  it("applies each migration once when several start together", async () => {
    const url = scratch(provider);
    const results = await Promise.all([applyPendingMigrations(url), applyPendingMigrations(url), applyPendingMigrations(url)]);
    expect(results.flat().sort()).toEqual(listMigrationNames(migrationsPath(provider)));

    const database = await openDatabase(url);
    try {
      const rows = await database.prisma.$queryRawUnsafe<{ n: unknown }[]>("SELECT count(*) AS n FROM _prisma_migrations");
      expect(Number(rows[0]?.n)).toBe(listMigrationNames(migrationsPath(provider)).length);
    } finally {
      await database.close();
    }
  });

  it.runIf(provider === "postgresql")("keeps everything in the ?schema= schema", async () => {
    const url = scratch(provider);
    await applyPendingMigrations(url);
    const target = parseDatabaseUrl(url);
    if (target.provider !== "postgresql") throw new Error("unreachable");
    const client = new pg.Client({ connectionString: target.connectionString });
    await client.connect();
    try {
      const tables = await client.query("SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1", [target.schema]);
      const inSchema = tables.rows.map((row) => row.table_name as string);
      expect(inSchema).toEqual(expect.arrayContaining(["_prisma_migrations", "sessions", "users"]));
      // Nothing leaked into the default schema.
      const leaked = await client.query(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name = ANY($1)",
        [inSchema],
      );
      expect(leaked.rows).toEqual([]);
    } finally {
      await client.end();
    }
  });
});
