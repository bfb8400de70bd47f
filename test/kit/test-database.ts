import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { openDatabase, type Database, type OpenDatabaseOptions } from "../../src/db/database.js";
import { parseDatabaseUrl } from "../../src/db/database-url.js";
import { applyPendingMigrations } from "../../src/db/migrations.js";
import { quoteIdentifier } from "../../src/db/pg-pool.js";
import { PROVIDERS, type Provider } from "../../src/db/schema-files.js";

/**
 * Migrated, isolated databases for tests:
 * - SQLite: a file in a fresh temporary folder;
 * - PostgreSQL: a fresh schema t_<random> in TEST_DATABASE_URL
 *   (default postgresql://postgres@127.0.0.1:5432/test).
 * Always call drop() (e.g. in afterAll / afterEach).
 *
 *   describe.each(testProviders)("users on %s", (provider) => {
 *     let db: TestDatabase;
 *     beforeAll(async () => { db = await createTestDatabase(provider); });
 *     afterAll(() => db.drop());
 *     ...
 *   });
 */

export const DEFAULT_TEST_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/test";

/**
 * The providers tests run against: both, unless TEST_PROVIDERS lists fewer
 * (e.g. TEST_PROVIDERS=sqlite where no PostgreSQL server is available).
 */
export const testProviders: Provider[] = selectProviders(process.env.TEST_PROVIDERS);

export function testPostgresUrl(): string {
  return process.env.TEST_DATABASE_URL?.trim() || DEFAULT_TEST_DATABASE_URL;
}

export interface TestDatabase extends Database {
  /** The DATABASE_URL of this database (with ?schema= on PostgreSQL). */
  url: string;
  /** Closes it and deletes everything it holds. Safe to call twice. */
  drop(): Promise<void>;
}

export async function createTestDatabase(provider: Provider, options: OpenDatabaseOptions = {}): Promise<TestDatabase> {
  const { url, cleanup } = scratchLocation(provider);
  let database: Database | undefined;
  try {
    await applyPendingMigrations(url);
    database = await openDatabase(url, { maxConnections: 4, ...options });
  } catch (error) {
    await database?.close().catch(() => undefined);
    await cleanup();
    throw error;
  }
  const opened = database;
  let dropping: Promise<void> | undefined;
  return {
    ...opened,
    url,
    drop: () =>
      (dropping ??= (async () => {
        await opened.close().catch(() => undefined);
        await cleanup();
      })()),
  };
}

/** A URL for a database that does not exist yet (nothing migrated), and how to delete it. */
export function scratchLocation(provider: Provider): { url: string; cleanup: () => Promise<void> } {
  if (provider === "sqlite") {
    const folder = mkdtempSync(join(tmpdir(), "clinic-test-"));
    return {
      url: `file:${join(folder, "test.db")}`,
      cleanup: async () => rmSync(folder, { recursive: true, force: true }),
    };
  }
  const base = parseDatabaseUrl(testPostgresUrl());
  if (base.provider !== "postgresql") throw new Error(`TEST_DATABASE_URL must be a postgresql:// URL, got ${base.provider}`);
  const schema = `t_${randomBytes(6).toString("hex")}`;
  const url = new URL(base.connectionString);
  url.searchParams.set("schema", schema);
  return {
    url: url.toString(),
    cleanup: () => dropPostgresSchema(base.connectionString, schema),
  };
}

export async function dropPostgresSchema(connectionString: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString });
  client.on("error", () => undefined);
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${quoteIdentifier(schema)} CASCADE`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

function selectProviders(raw: string | undefined): Provider[] {
  if (!raw?.trim()) return [...PROVIDERS];
  const wanted = raw.split(",").map((part) => part.trim().toLowerCase()).filter(Boolean);
  const unknown = wanted.filter((name) => !(PROVIDERS as readonly string[]).includes(name));
  if (unknown.length > 0) throw new Error(`TEST_PROVIDERS lists ${unknown.join(", ")}; use sqlite, postgresql or both separated by a comma`);
  return PROVIDERS.filter((provider) => wanted.includes(provider));
}
