import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { bindMigrationAwareSqlAdapterFactory, type SqlDriverAdapter, type SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import type { SchemaEngine } from "@prisma/schema-engine-wasm";
import { parseDatabaseUrl, type ParsedDatabaseUrl } from "./database-url.js";
import { createPgPool } from "./pg-pool.js";
import { adjustPgAdapter, CharAsTextClient, loadSchemaEngine } from "./prisma-adjustments.js";
import type { Provider } from "./schema-files.js";

/**
 * Prisma's schema engine (migrations, diffs) compiled to WebAssembly, driven
 * through the same driver adapters as the app: nothing native to download, so
 * migrations work offline and in slim containers.
 * How it is loaded, and what is adjusted in the pg adapter for it, is in
 * prisma-adjustments.ts.
 */

export type { SchemaEngine };

export interface SchemaEngineLogger {
  debug(object: object, message?: string): void;
}

export interface SchemaEngineHandle {
  engine: SchemaEngine;
  provider: Provider;
  /** The parsed DATABASE_URL the engine is connected to. */
  target: ParsedDatabaseUrl;
  /** Frees the engine and closes every connection it opened. */
  close(): Promise<void>;
}

export interface CreateSchemaEngineOptions {
  /** Prisma schemas the engine starts with: [path, content] pairs (needed by some commands, not by applyMigrations/diff). */
  datamodels?: [string, string][];
  logger?: SchemaEngineLogger;
}

/** A schema engine connected to the database of `databaseUrl` (file: or postgresql://). */
export async function createSchemaEngine(databaseUrl: string, options: CreateSchemaEngineOptions = {}): Promise<SchemaEngineHandle> {
  const target = parseDatabaseUrl(databaseUrl);
  const SchemaEngineClass = await loadSchemaEngine();
  const { factory, close: closeFactory } = adapterFactoryFor(target);
  const log = (line: unknown) => options.logger?.debug({ engine: typeof line === "string" ? safeJson(line) : line }, "schema engine");
  let engine: SchemaEngine;
  try {
    engine = await SchemaEngineClass.new({ datamodels: options.datamodels }, log, bindMigrationAwareSqlAdapterFactory(factory));
  } catch (error) {
    await closeFactory();
    throw error;
  }
  let closed = false;
  return {
    engine,
    provider: target.provider,
    target,
    async close() {
      if (closed) return;
      closed = true;
      engine.free();
      await closeFactory();
    },
  };
}

/** Runs `work` with an engine for `databaseUrl`, closing it afterwards. */
export async function withSchemaEngine<T>(
  databaseUrl: string,
  work: (handle: SchemaEngineHandle) => Promise<T>,
  options?: CreateSchemaEngineOptions,
): Promise<T> {
  const handle = await createSchemaEngine(databaseUrl, options);
  try {
    return await work(handle);
  } finally {
    await handle.close();
  }
}

/**
 * The driver adapter factory for the engine, wrapped so that every connection
 * the engine opens is closed with it (the engine does not dispose them).
 */
function adapterFactoryFor(target: ParsedDatabaseUrl): { factory: SqlMigrationAwareDriverAdapterFactory; close(): Promise<void> } {
  const opened: SqlDriverAdapter[] = [];
  const closers: (() => Promise<void>)[] = [];
  let inner: SqlMigrationAwareDriverAdapterFactory;
  if (target.provider === "sqlite") {
    inner = new PrismaBetterSqlite3({ url: target.filePath, timeout: 10_000 });
  } else {
    // "char" columns as text, restored by adjustPgAdapter (see prisma-adjustments.ts).
    const pool = createPgPool(target, { max: 2, client: CharAsTextClient });
    closers.push(() => pool.end());
    inner = new PrismaPg(pool, target.schema === "public" ? undefined : { schema: target.schema });
  }
  const track = async (adapter: Promise<SqlDriverAdapter>) => {
    const connected = await adapter;
    opened.push(connected);
    if (target.provider === "postgresql") adjustPgAdapter(connected);
    return connected;
  };
  const factory: SqlMigrationAwareDriverAdapterFactory = {
    provider: inner.provider,
    adapterName: inner.adapterName,
    connect: () => track(inner.connect()),
    connectToShadowDb: () => track(inner.connectToShadowDb()),
  };
  return {
    factory,
    async close() {
      for (const adapter of opened.splice(0)) await adapter.dispose().catch(() => undefined);
      for (const close of closers.splice(0)) await close().catch(() => undefined);
    },
  };
}

function safeJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return line;
  }
}
