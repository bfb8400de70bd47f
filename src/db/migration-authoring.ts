import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { parseDatabaseUrl } from "./database-url.js";
import { applyPendingMigrations, listMigrationNames, migrationLockToml, MIGRATION_LOCK_FILE, NO_FILTERS, type MigrationLogger } from "./migrations.js";
import { quoteIdentifier } from "./pg-pool.js";
import { withSchemaEngine } from "./schema-engine.js";
import { composeSchema, migrationsPath, PROJECT_ROOT, PROVIDERS, readModels, type Provider } from "./schema-files.js";

/**
 * Writing new migrations (npm run db:migration) and checking for drift.
 *
 * For each provider, the committed migrations are applied to a throwaway
 * database (SQLite: a temporary file; PostgreSQL: a temporary schema), which
 * the engine then compares with the schema composed from models.prisma. The
 * difference is the next migration; none means the migrations build exactly
 * the models.
 */

/** Where PostgreSQL migrations are worked out when no URL is given. */
export const DEFAULT_SCRATCH_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test";

/**
 * The PostgreSQL database in which db:migration may create (and then drops) a
 * temporary schema: SHADOW_DATABASE_URL, else TEST_DATABASE_URL, else the local test database.
 */
export function scratchPostgresUrl(env: NodeJS.ProcessEnv = process.env): string {
  return env.SHADOW_DATABASE_URL?.trim() || env.TEST_DATABASE_URL?.trim() || DEFAULT_SCRATCH_POSTGRES_URL;
}

export interface DiffOptions {
  /** The models text (default: prisma/models.prisma). */
  models?: string;
  /** Folder of the provider's migrations (default: prisma/<provider>/migrations). */
  migrationsDirectory?: string;
  /** PostgreSQL database for the temporary schema (default: scratchPostgresUrl()). */
  postgresUrl?: string;
  logger?: MigrationLogger;
}

/**
 * The SQL that takes a database built by the provider's migrations to the
 * models, or null when there is nothing to do.
 */
export async function diffMigrationsToModels(provider: Provider, options: DiffOptions = {}): Promise<string | null> {
  const schema = composeSchema(provider, options.models ?? readModels());
  const directory = options.migrationsDirectory ?? migrationsPath(provider);
  const files = [{ path: join(PROJECT_ROOT, "prisma", provider, "schema.prisma"), content: schema }];
  const hasMigrations = listMigrationNames(directory).length > 0;

  const diffAgainst = async (url: string, connectedSchema: string | null) => {
    const result = await withSchemaEngine(
      url,
      ({ engine }) =>
        engine.diff({
          // A first migration is the plain difference from nothing.
          from: hasMigrations ? { tag: "schemaDatasource", files, configDir: PROJECT_ROOT } : { tag: "empty" },
          to: { tag: "schemaDatamodel", files },
          script: true,
          exitCode: null,
          filters: NO_FILTERS,
        }),
      options.logger ? { logger: options.logger } : {},
    );
    return normalizeScript(result.stdout ?? "", connectedSchema);
  };

  if (provider === "sqlite") {
    const folder = mkdtempSync(join(tmpdir(), "clinic-migration-"));
    try {
      const url = `file:${join(folder, "scratch.db")}`;
      if (hasMigrations) await applyPendingMigrations(url, options.logger, { migrationsDirectory: directory });
      return await diffAgainst(url, null);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  }

  const base = parseDatabaseUrl(options.postgresUrl ?? scratchPostgresUrl());
  if (base.provider !== "postgresql") throw new Error("The scratch database for PostgreSQL migrations must be a postgresql:// URL (SHADOW_DATABASE_URL)");
  const scratchSchema = `prisma_scratch_${randomBytes(6).toString("hex")}`;
  const url = withSchemaParam(base.connectionString, scratchSchema);
  try {
    if (hasMigrations) await applyPendingMigrations(url, options.logger, { migrationsDirectory: directory });
    return await diffAgainst(url, scratchSchema);
  } catch (error) {
    if (isConnectionRefused(error)) {
      throw new Error(
        `PostgreSQL migrations are worked out in a temporary schema, but no PostgreSQL server answered at ${base.connectionString}. ` +
          "Start one, or set SHADOW_DATABASE_URL to a database where a schema may be created and dropped.",
        { cause: error },
      );
    }
    throw error;
  } finally {
    await dropSchema(base.connectionString, scratchSchema);
  }
}

export interface CreateMigrationOptions extends Omit<DiffOptions, "migrationsDirectory"> {
  /** Migrations folder per provider (default: prisma/<provider>/migrations). */
  directories?: Partial<Record<Provider, string>>;
  /** Clock for the folder's timestamp. */
  now?: Date;
  /** Only these providers (default: both). */
  providers?: readonly Provider[];
}

export interface CreatedMigration {
  provider: Provider;
  /** Absolute path of the new migration folder. */
  directory: string;
  sql: string;
}

/**
 * Writes `<timestamp>_<name>/migration.sql` for every provider whose
 * migrations are behind the models (and migration_lock.toml where missing).
 * Returns what was written: an empty list means no changes.
 */
export async function createMigration(name: string, options: CreateMigrationOptions = {}): Promise<CreatedMigration[]> {
  const slug = migrationSlug(name);
  const providers = options.providers ?? PROVIDERS;
  const directories = Object.fromEntries(PROVIDERS.map((provider) => [provider, options.directories?.[provider] ?? migrationsPath(provider)])) as Record<
    Provider,
    string
  >;
  const models = options.models ?? readModels();
  const changes: { provider: Provider; sql: string }[] = [];
  for (const provider of providers) {
    const sql = await diffMigrationsToModels(provider, { ...options, models, migrationsDirectory: directories[provider] });
    if (sql !== null) changes.push({ provider, sql });
  }
  if (changes.length === 0) return [];

  // One timestamp for all providers, later than any migration of either.
  const existing = PROVIDERS.flatMap((provider) => listMigrationNames(directories[provider]));
  const folderName = `${nextTimestamp(options.now ?? new Date(), existing)}_${slug}`;
  return changes.map(({ provider, sql }) => {
    const base = directories[provider];
    const directory = join(base, folderName);
    mkdirSync(directory, { recursive: true });
    writeFileSync(join(directory, "migration.sql"), sql);
    if (!existsSync(join(base, MIGRATION_LOCK_FILE))) writeFileSync(join(base, MIGRATION_LOCK_FILE), migrationLockToml(provider));
    return { provider, directory, sql };
  });
}

/** Prisma's rule for migration folder names: letters, digits and underscores. */
export function migrationSlug(name: string): string {
  const slug = name
    .trim()
    .replace(/[^A-Za-z0-9_]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .slice(0, 200);
  if (!slug) throw new Error(`"${name}" is not usable as a migration name: give a few words like add_appointments`);
  return slug;
}

/** YYYYMMDDHHMMSS (UTC), later than every existing migration so the order holds even with a clock behind. */
function nextTimestamp(now: Date, existingNames: string[]): string {
  let stamp = formatTimestamp(now);
  const latest = existingNames.map((name) => name.slice(0, 14)).filter((prefix) => /^\d{14}$/.test(prefix)).sort().at(-1);
  if (latest && stamp <= latest) {
    const [y, mo, d, h, mi, s] = [0, 4, 6, 8, 10, 12].map((at, i) => Number(latest.slice(at, at + (i === 0 ? 4 : 2))));
    stamp = formatTimestamp(new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, s! + 1)));
  }
  return stamp;
}

function formatTimestamp(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, "").slice(0, 14);
}

/**
 * null for an empty script; otherwise the script without the engine's
 * `CREATE SCHEMA IF NOT EXISTS` for the schema it happened to be connected to
 * (migrations must not name a schema: ?schema= picks it when they run).
 */
function normalizeScript(script: string, connectedSchema: string | null): string | null {
  let sql = script.replace(/\r\n/g, "\n");
  for (const schema of ["public", connectedSchema]) {
    if (!schema) continue;
    const quoted = escapeRegExp(quoteIdentifier(schema));
    sql = sql.replace(new RegExp(`(-- CreateSchema\\n)?CREATE SCHEMA IF NOT EXISTS ${quoted};\\n*`, "g"), "");
    if (schema !== "public") sql = sql.replace(new RegExp(`${quoted}\\.`, "g"), "");
  }
  const meaningful = sql.split("\n").some((line) => line.trim() !== "" && !line.trim().startsWith("--"));
  return meaningful ? `${sql.trim()}\n` : null;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function withSchemaParam(connectionString: string, schema: string): string {
  const url = new URL(connectionString);
  url.searchParams.set("schema", schema);
  return url.toString();
}

async function dropSchema(connectionString: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString });
  client.on("error", () => undefined);
  try {
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${quoteIdentifier(schema)} CASCADE`);
  } catch (error) {
    // Nothing was created if the server could not be reached.
    if (!isConnectionRefused(error)) process.emitWarning(`could not drop the temporary schema ${schema}: ${(error as Error).message}; drop it by hand`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

function isConnectionRefused(error: unknown): boolean {
  for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause) {
    const text = `${(e as { code?: string }).code ?? ""} ${(e as Error).message ?? ""}`;
    if (/ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|DatabaseNotReachable|Can't reach database/i.test(text)) return true;
  }
  return false;
}
