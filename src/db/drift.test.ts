import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import pg from "pg";
import { parseDatabaseUrl } from "./database-url.js";
import { createMigration, diffMigrationsToModels, migrationSlug } from "./migration-authoring.js";
import { applyPendingMigrations, listMigrationNames, NO_FILTERS } from "./migrations.js";
import { withSchemaEngine } from "./schema-engine.js";
import { composeSchema, migrationsPath, PROVIDERS, readModels, schemaPath } from "./schema-files.js";
import { scratchLocation, testProviders } from "../../test/kit/test-database.js";

/**
 * The committed migrations, the provider schemas and prisma/models.prisma
 * must agree: otherwise someone edited models.prisma without running
 * `npm run db:migration -- <name>` (or edited a migration by hand).
 */

describe("provider schemas", () => {
  it.each(PROVIDERS)("prisma/%s/schema.prisma is composed from the current models.prisma (npm run db:schemas)", (provider) => {
    expect(readFileSync(schemaPath(provider), "utf8")).toBe(composeSchema(provider, readModels()));
  });
});

describe.each(testProviders)("migrations vs models on %s", (provider) => {
  it("the committed migrations build exactly the current models (db:migration would find no changes)", async () => {
    expect(await diffMigrationsToModels(provider)).toBeNull();
  });
});

describe.runIf(testProviders.includes("postgresql"))("postgresql catalog check (independent of the engine's introspection)", () => {
  it("a schema built by the migrations equals one built from the models directly", async () => {
    const migrated = scratchLocation("postgresql");
    const direct = scratchLocation("postgresql");
    const changed = scratchLocation("postgresql");
    try {
      await applyPendingMigrations(migrated.url);
      await buildFromModels(direct.url, readModels());
      await buildFromModels(changed.url, readModels().replace('  @@map("users")', '  phone String?\n\n  @@map("users")'));
      const fromMigrations = await describePgSchema(migrated.url);
      expect(fromMigrations.tables.length).toBeGreaterThan(0);
      expect(fromMigrations).toEqual(await describePgSchema(direct.url));
      // The comparison does see a difference when there is one.
      expect(fromMigrations).not.toEqual(await describePgSchema(changed.url));
    } finally {
      await migrated.cleanup();
      await direct.cleanup();
      await changed.cleanup();
    }
  });
});

describe.each(testProviders)("db:migration on %s", (provider) => {
  const folders: string[] = [];
  afterAll(() => {
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  });
  /** A copy of the committed migrations, to write into. */
  function copyOfMigrations() {
    const folder = mkdtempSync(join(tmpdir(), "clinic-migrations-"));
    folders.push(folder);
    cpSync(migrationsPath(provider), folder, { recursive: true });
    return folder;
  }

  it("writes nothing when models.prisma has not changed", async () => {
    const directory = copyOfMigrations();
    const created = await createMigration("nothing", { providers: [provider], directories: { [provider]: directory } });
    expect(created).toEqual([]);
    expect(listMigrationNames(directory)).toEqual(listMigrationNames(migrationsPath(provider)));
  });

  it("writes a migration that brings the database to changed models (new table, relation, index, column)", async () => {
    const directory = copyOfMigrations();
    const models = readModels()
      .replace('  @@map("users")', '  giftCards    GiftCard[]\n  nickname     String?\n\n  @@map("users")')
      .concat(`
model GiftCard {
  id       Int      @id @default(autoincrement())
  userId   BigInt   @map("user_id")
  user     User     @relation(fields: [userId], references: [id], onDelete: Cascade)
  startsAt DateTime @map("starts_at")
  note     String?

  @@index([userId, startsAt])
  @@map("gift_cards")
}
`);
    const created = await createMigration("Add gift cards!", { models, providers: [provider], directories: { [provider]: directory }, now: new Date("2030-01-02T03:04:05Z") });
    expect(created).toHaveLength(1);
    const [migration] = created;
    expect(migration!.directory).toBe(join(directory, "20300102030405_Add_gift_cards"));
    expect(migration!.sql).toMatch(/CREATE TABLE "gift_cards"/);
    expect(migration!.sql).toMatch(/"nickname" TEXT/);
    expect(migration!.sql).toMatch(/FOREIGN KEY \("user_id"\) REFERENCES "users" ?\("id"\) ON DELETE CASCADE/);
    expect(migration!.sql).toMatch(/CREATE INDEX "gift_cards_user_id_starts_at_idx"/);
    expect(migration!.sql).not.toMatch(/prisma_scratch|CREATE SCHEMA/);
    expect(readFileSync(join(migration!.directory, "migration.sql"), "utf8")).toBe(migration!.sql);

    // Applying the new folder leaves nothing to do (the engine reads the foreign key back correctly).
    expect(await diffMigrationsToModels(provider, { models, migrationsDirectory: directory })).toBeNull();
    expect(await createMigration("again", { models, providers: [provider], directories: { [provider]: directory } })).toEqual([]);
  });

});

describe("migration names", () => {
  it("follow Prisma's rule", () => {
    expect(migrationSlug(" add appointments & notes ")).toBe("add_appointments_notes");
    expect(() => migrationSlug("!!!")).toThrow(/migration name/);
  });
});

/** Creates the models' tables in an empty schema with the engine's empty → datamodel script. */
async function buildFromModels(url: string, models: string) {
  await withSchemaEngine(url, async ({ engine }) => {
    const { stdout } = await engine.diff({
      from: { tag: "empty" },
      to: { tag: "schemaDatamodel", files: [{ path: "schema.prisma", content: composeSchema("postgresql", models) }] },
      script: true,
      exitCode: null,
      filters: NO_FILTERS,
    });
    await engine.dbExecute({ datasourceType: { tag: "url", url }, script: stdout ?? "" });
  });
}

/** Tables, columns, indexes and constraints of the schema named by a ?schema= URL, without the schema's name. */
async function describePgSchema(url: string) {
  const target = parseDatabaseUrl(url);
  if (target.provider !== "postgresql") throw new Error("postgresql only");
  const client = new pg.Client({ connectionString: target.connectionString });
  await client.connect();
  try {
    const schema = target.schema;
    const strip = (text: string) => text.split(`"${schema}".`).join("").split(`${schema}.`).join("");
    const tables = await client.query(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_name <> '_prisma_migrations' ORDER BY 1",
      [schema],
    );
    const columns = await client.query(
      `SELECT table_name, column_name, ordinal_position, data_type, udt_name, is_nullable, column_default,
              character_maximum_length, numeric_precision, numeric_scale, datetime_precision
         FROM information_schema.columns WHERE table_schema = $1 AND table_name <> '_prisma_migrations' ORDER BY table_name, ordinal_position`,
      [schema],
    );
    const indexes = await client.query(
      "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = $1 AND tablename <> '_prisma_migrations' ORDER BY 1, 2",
      [schema],
    );
    const constraints = await client.query(
      `SELECT cls.relname AS table_name, con.conname, con.contype::text AS type, pg_get_constraintdef(con.oid) AS definition
         FROM pg_constraint con JOIN pg_class cls ON cls.oid = con.conrelid JOIN pg_namespace ns ON ns.oid = cls.relnamespace
        WHERE ns.nspname = $1 AND cls.relname <> '_prisma_migrations' ORDER BY 1, 2`,
      [schema],
    );
    const sequences = await client.query("SELECT sequence_name, data_type FROM information_schema.sequences WHERE sequence_schema = $1 ORDER BY 1", [schema]);
    return {
      tables: tables.rows,
      columns: columns.rows.map((row) => ({ ...row, column_default: row.column_default === null ? null : strip(row.column_default) })),
      indexes: indexes.rows.map((row) => ({ ...row, indexdef: strip(row.indexdef) })),
      constraints: constraints.rows.map((row) => ({ ...row, definition: strip(row.definition) })),
      sequences: sequences.rows,
    };
  } finally {
    await client.end();
  }
}
