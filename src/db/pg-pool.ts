import pg from "pg";
import type { PostgresqlUrl } from "./database-url.js";

export interface PgPoolOptions {
  /** Most connections the pool opens (node-postgres default: 10). */
  max?: number;
  /** How long to wait for a new connection before failing, in ms (default: no limit). */
  connectionTimeoutMillis?: number;
  /** Told when an idle connection fails (it is dropped; the next query opens another). */
  onError?: (error: Error) => void;
  /**
   * Let columns of PostgreSQL's internal one-byte `"char"` type through
   * @prisma/adapter-pg, which rejects them: they are reported as text with
   * CHAR_COLUMN_MARK appended to their name (see markCharColumns). Only for
   * the schema engine, whose catalog queries read such columns.
   */
  charAsText?: boolean;
}

const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;

/** Appended to the name of a `"char"` column by the charAsText pool. */
export const CHAR_COLUMN_MARK = "\u0000pg-char";

/**
 * A node-postgres pool for a parsed DATABASE_URL. A non-public schema
 * (?schema=) is made the connection's search_path at start-up, so that
 * unqualified names (migration scripts, raw SQL) land in it.
 */
export function createPgPool(target: PostgresqlUrl, options: PgPoolOptions = {}): pg.Pool {
  const url = new URL(target.connectionString);
  if (target.schema !== "public") {
    // Startup "options" from the URL win over the pool config in node-postgres, so add ours there.
    const existing = url.searchParams.get("options");
    const searchPath = `-c search_path=${quoteIdentifier(target.schema)}`;
    url.searchParams.set("options", existing ? `${existing} ${searchPath}` : searchPath);
  }
  const config: pg.PoolConfig = { connectionString: url.toString() };
  if (options.max !== undefined) config.max = options.max;
  if (options.connectionTimeoutMillis !== undefined) config.connectionTimeoutMillis = options.connectionTimeoutMillis;
  if (options.charAsText) config.Client = CharAsTextClient as unknown as typeof pg.Client;
  const pool = new pg.Pool(config);
  // An idle connection dropped by the server must not crash the process; the next query reconnects.
  pool.on("error", (error) => options.onError?.(error));
  return pool;
}

class CharAsTextClient extends pg.Client {
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

/** "name" with embedded quotes doubled. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
