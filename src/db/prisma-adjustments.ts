/**
 * Everything this project does to Prisma that relies on more than Prisma's documented API, in one place, so
 * that a Prisma upgrade which breaks any of it fails prisma-adjustments.test.ts loudly instead of the bot at
 * its next migration:
 * - the schema engine's WebAssembly build is instantiated by hand through its wasm-bindgen glue
 *   (`__wbg_set_wasm`, `__wbindgen_start`, the `__wbg_setTimeout_*` import): the package's own entry does
 *   `import * as wasm from "./schema_engine_bg.wasm"`, which Node 20 only accepts with
 *   --experimental-wasm-modules;
 * - PostgreSQL's internal one-byte `"char"` columns, which the engine reads when it introspects
 *   (relkind, contype…) and @prisma/adapter-pg rejects, pass through as marked text and get their type back;
 * - migration scripts go to PostgreSQL whole, as one simple-protocol query (so PostgreSQL runs them in one
 *   implicit transaction, as the native engine does), instead of being split at every ";", which breaks on
 *   semicolons inside strings, comments or function bodies;
 * - @prisma/adapter-better-sqlite3 prepares a new statement for every query (`client.prepare(sql).bind(args)`,
 *   a statement binds once only); the bot's SQLite connection keeps its statements and runs them again with the
 *   next query's arguments.
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import pg from "pg";
import {
  ColumnTypeEnum,
  DriverAdapterError,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
  type SqlQueryable,
  type SqlResultSet,
} from "@prisma/driver-adapter-utils";
import type { SchemaEngine } from "@prisma/schema-engine-wasm";

type WasmExports = Record<string, unknown>;

type Glue = typeof import("@prisma/schema-engine-wasm/schema_engine_bg") & {
  __wbg_set_wasm(exports: WasmExports): void;
};

/** The part of the WebAssembly global used here (this project's TS lib has no DOM/WebAssembly types). */
interface WasmApi {
  instantiate(bytes: Uint8Array, imports: Record<string, unknown>): Promise<{ instance: { exports: WasmExports } }>;
}

let loading: Promise<typeof SchemaEngine> | undefined;

/** Loads and starts the wasm module (once per process); returns the SchemaEngine class. */
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

// ---------------------------------------------------------------------------
// PostgreSQL "char" columns through @prisma/adapter-pg

const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;

/** Appended to the name of a `"char"` column by a pool of CharAsTextClient connections. */
export const CHAR_COLUMN_MARK = "\u0000pg-char";

/** A pg.Client that reports `"char"` columns as text, marked (for createPgPool's `client` option). */
export class CharAsTextClient extends pg.Client {
  constructor(config?: string | pg.ClientConfig) {
    super(config);
    const query = (this.query as (...args: unknown[]) => unknown).bind(this);
    (this as { query: unknown }).query = (...args: unknown[]): unknown => {
      const last = args.length - 1;
      const callback = args[last];
      if (typeof callback === "function") {
        // Callback style, as pg.Pool#query calls it.
        args[last] = (error: unknown, result: unknown) => (callback as (e: unknown, r: unknown) => void)(error, error ? result : markCharColumns(result));
        return query(...args);
      }
      const returned = query(...args);
      return returned instanceof Promise ? returned.then(markCharColumns) : returned;
    };
  }
}

function markCharColumns(result: unknown): unknown {
  for (const one of Array.isArray(result) ? result : [result]) {
    for (const field of (one as pg.QueryResult | undefined)?.fields ?? []) {
      if (field.dataTypeID === PG_CHAR_OID) {
        field.dataTypeID = PG_TEXT_OID;
        field.name += CHAR_COLUMN_MARK;
      }
    }
  }
  return result;
}

/**
 * Two adjustments to @prisma/adapter-pg for the engine:
 * - second half of the `"char"` workaround (CharAsTextClient above):
 *   columns the pool marked get back their name and the Character type the
 *   engine expects, on the adapter and on its transactions;
 * - migration scripts are sent whole, as one simple-protocol query (so
 *   PostgreSQL runs them in one implicit transaction, as the native engine
 *   does), instead of being split at every ";", which breaks on semicolons
 *   inside strings, comments or function bodies.
 */
export function adjustPgAdapter(adapter: SqlDriverAdapter): void {
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

// ---------------------------------------------------------------------------
// Prepared statements kept by @prisma/adapter-better-sqlite3's connection

/** The part of a better-sqlite3 statement the adapter uses. */
interface SqliteStatement {
  readonly reader: boolean;
  columns(): Array<{ name: string; type: string | null }>;
  raw(toggle?: boolean): SqliteStatement;
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): unknown;
  bind(...params: unknown[]): SqliteStatement;
}

interface SqliteConnection {
  prepare(sql: string): SqliteStatement;
  readonly inTransaction?: boolean;
}

/** Distinct SQL texts a connection keeps prepared; the least recently used goes first (IN lists of every length...). */
export const SQLITE_STATEMENT_CACHE_SIZE = 500;

/**
 * The SQLite adapter factory whose connection prepares each SQL text once. The adapter runs every query as
 * `client.prepare(sql).bind(args)` then `run()`, or `reader`, `columns()` and `raw().all()`; preparing costs about
 * as much as running a small query, and each statement is garbage after one use. Here `prepare` hands out the
 * kept statement behind an object with those members, the arguments given to `run`/`all` instead of bound
 * (better-sqlite3 binds a statement once for good). SQLite re-prepares a kept statement itself when the
 * schema changed. Transactions run on the same connection, so they share the statements.
 */
export function keepSqliteStatements<F extends SqlMigrationAwareDriverAdapterFactory>(factory: F, size = SQLITE_STATEMENT_CACHE_SIZE, observer?: SqliteWriteObserver): F {
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const adapter = await connect();
    const connection = (adapter as unknown as { client?: SqliteConnection }).client;
    if (!connection || typeof connection.prepare !== "function") {
      throw new Error("@prisma/adapter-better-sqlite3 no longer keeps its better-sqlite3 connection as `client`: see keepSqliteStatements in prisma-adjustments.ts");
    }
    const prepare = connection.prepare.bind(connection);
    connection.prepare = statementCache(observer ? observedPrepare(prepare, () => connection.inTransaction === true, observer) : prepare, size);
    return adapter;
  };
  return factory;
}

/**
 * Told what became of the statements that write (run without rows back): a storage fault (the disk is full,
 * the file cannot be written, an I/O error), or a write that worked. Every statement of the bot goes through
 * the connection's prepare(), so nothing slips past.
 */
export interface SqliteWriteObserver {
  fault(error: Error & { code: string }): void;
  wrote(): void;
}

/** better-sqlite3's codes for a database that cannot be written: full, read-only, or failing I/O. */
export function isSqliteStorageFault(error: unknown): error is Error & { code: string } {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === "string" && /^SQLITE_(FULL|READONLY|IOERR|CANTOPEN)/.test(code);
}

/** Statements whose success, outside a transaction, means data reached the file. */
const WRITES = /^\s*(INSERT|UPDATE|DELETE|REPLACE|COMMIT|END|PRAGMA\s+user_version\s*=)/i;

function observedPrepare(prepare: (sql: string) => SqliteStatement, inTransaction: () => boolean, observer: SqliteWriteObserver): (sql: string) => SqliteStatement {
  const watch = <T>(call: () => T, writes: boolean): T => {
    try {
      const result = call();
      // A write inside a transaction only reached memory: its COMMIT tells.
      if (writes && !inTransaction()) observer.wrote();
      return result;
    } catch (error) {
      if (isSqliteStorageFault(error)) observer.fault(error);
      throw error;
    }
  };
  const observe = (statement: SqliteStatement, writes: boolean): SqliteStatement =>
    statementRunning(statement, {
      all: (...params) => watch(() => statement.all(...params), writes),
      run: (...params) => watch(() => statement.run(...params), writes),
      bind: (...params) => observe(statement.bind(...params), writes),
    });
  return (sql) => observe(watch(() => prepare(sql), false), WRITES.test(sql));
}

function statementCache(prepare: (sql: string) => SqliteStatement, size: number): (sql: string) => SqliteStatement {
  const kept = new Map<string, SqliteStatement>();
  return (sql) => {
    let statement = kept.get(sql);
    if (statement) {
      kept.delete(sql);
    } else {
      statement = prepare(sql);
      if (kept.size >= size) kept.delete(kept.keys().next().value!);
    }
    kept.set(sql, statement);
    return withArguments(statement, []);
  };
}

/** A kept statement as the adapter uses it, run with `params` each time. */
function withArguments(statement: SqliteStatement, params: unknown[]): SqliteStatement {
  return statementRunning(statement, {
    all: () => statement.all(...params),
    run: () => statement.run(...params),
    bind: (...given) => withArguments(statement, given),
  });
}

/** `statement` as the adapter sees it, with `how` running it: its reader flag, columns and raw mode stay its own. */
function statementRunning(statement: SqliteStatement, how: Pick<SqliteStatement, "all" | "run" | "bind">): SqliteStatement {
  const wrapped: SqliteStatement = {
    get reader() {
      return statement.reader;
    },
    columns: () => statement.columns(),
    raw: (toggle = true) => {
      statement.raw(toggle);
      return wrapped;
    },
    ...how,
  };
  return wrapped;
}
