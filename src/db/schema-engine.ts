import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import type pg from "pg";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import {
  bindMigrationAwareSqlAdapterFactory,
  ColumnTypeEnum,
  DriverAdapterError,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
  type SqlQueryable,
  type SqlResultSet,
} from "@prisma/driver-adapter-utils";
import type { SchemaEngine } from "@prisma/schema-engine-wasm";
import { parseDatabaseUrl, type ParsedDatabaseUrl } from "./database-url.js";
import { CHAR_COLUMN_MARK, createPgPool } from "./pg-pool.js";
import type { Provider } from "./schema-files.js";

/**
 * Prisma's schema engine (migrations, diffs) compiled to WebAssembly, driven
 * through the same driver adapters as the app: nothing native to download, so
 * migrations work offline and in slim containers.
 *
 * The package's own entry does `import * as wasm from "./schema_engine_bg.wasm"`,
 * which Node 20 only accepts with --experimental-wasm-modules; so the module is
 * instantiated here from the file, wired to its JS glue, once per process.
 */

export type { SchemaEngine };

type WasmExports = Record<string, unknown>;

type Glue = typeof import("@prisma/schema-engine-wasm/schema_engine_bg") & {
  __wbg_set_wasm(exports: WasmExports): void;
};

/** The part of the WebAssembly global used here (this project's TS lib has no DOM/WebAssembly types). */
interface WasmApi {
  instantiate(bytes: Uint8Array, imports: Record<string, unknown>): Promise<{ instance: { exports: WasmExports } }>;
}

let loading: Promise<typeof SchemaEngine> | undefined;

/** Loads and starts the wasm module (once); returns the SchemaEngine class. */
export function loadSchemaEngine(): Promise<typeof SchemaEngine> {
  return (loading ??= (async () => {
    const require = createRequire(import.meta.url);
    const gluePath = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
    const glue = (await import("@prisma/schema-engine-wasm/schema_engine_bg")) as Glue;
    const bytes = await readFile(gluePath.replace(/\.js$/, ".wasm"));
    const imports: Record<string, unknown> = { ...glue };
    for (const name of Object.keys(imports)) {
      // The engine arms timers (e.g. 10 s around each PostgreSQL query) and
      // never clears them; unref'd, they no longer hold a finished process open.
      if (name.startsWith("__wbg_setTimeout_")) imports[name] = unrefSetTimeout;
    }
    const { WebAssembly } = globalThis as unknown as { WebAssembly: WasmApi };
    const { instance } = await WebAssembly.instantiate(bytes, { "./schema_engine_bg.js": imports });
    glue.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return glue.SchemaEngine;
  })());
}

function unrefSetTimeout(callback: () => void, milliseconds: number): NodeJS.Timeout {
  const timer = setTimeout(callback, milliseconds >>> 0);
  timer.unref();
  return timer;
}

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
    // "char" columns as text: the engine reads pg_catalog's internal "char"
    // columns (relkind, contype…) when it introspects, which @prisma/adapter-pg
    // otherwise rejects ("Column type 'char' could not be deserialized").
    const pool = createPgPool(target, { max: 2, charAsText: true });
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

/**
 * Two adjustments to @prisma/adapter-pg for the engine:
 * - second half of the `"char"` workaround (see createPgPool's charAsText):
 *   columns the pool marked get back their name and the Character type the
 *   engine expects, on the adapter and on its transactions;
 * - migration scripts are sent whole, as one simple-protocol query (so
 *   PostgreSQL runs them in one implicit transaction, as the native engine
 *   does), instead of being split at every ";", which breaks on semicolons
 *   inside strings, comments or function bodies.
 */
function adjustPgAdapter(adapter: SqlDriverAdapter): void {
  patchQueryable(adapter);
  const startTransaction = adapter.startTransaction.bind(adapter);
  adapter.startTransaction = async (...args) => {
    const transaction = await startTransaction(...args);
    patchQueryable(transaction);
    return transaction;
  };
  const pool = (adapter as { underlyingDriver?: () => unknown }).underlyingDriver?.() as pg.Pool | undefined;
  if (pool && typeof pool.query === "function") {
    adapter.executeScript = async (script) => {
      try {
        await pool.query(script);
      } catch (error) {
        throw asDriverAdapterError(error);
      }
    };
  }
}

function asDriverAdapterError(error: unknown): unknown {
  if (!(error instanceof Error) || typeof (error as pg.DatabaseError).severity !== "string") return error;
  const e = error as pg.DatabaseError;
  return new DriverAdapterError({
    kind: "postgres",
    code: e.code ?? "",
    severity: e.severity ?? "ERROR",
    message: e.message,
    detail: e.detail,
    column: e.column,
    hint: e.hint,
  });
}

function patchQueryable(queryable: SqlQueryable): void {
  const queryRaw = queryable.queryRaw.bind(queryable);
  queryable.queryRaw = async (query) => restoreMarked(await queryRaw(query));
}

function restoreMarked(result: SqlResultSet): SqlResultSet {
  result.columnNames.forEach((name, index) => {
    if (!name.endsWith(CHAR_COLUMN_MARK)) return;
    result.columnNames[index] = name.slice(0, -CHAR_COLUMN_MARK.length);
    result.columnTypes[index] = ColumnTypeEnum.Character;
  });
  return result;
}

function safeJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return line;
  }
}
