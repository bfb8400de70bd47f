import pg from "pg";
import type { PostgresqlUrl } from "./database-url.js";
import { CharAsTextClient } from "./prisma-adjustments.js";

export interface PgPoolOptions {
  /** Most connections the pool opens (node-postgres default: 10). */
  max?: number;
  /** How long to wait for a new connection before failing, in ms (default: no limit). */
  connectionTimeoutMillis?: number;
  /** Told when an idle connection fails (it is dropped; the next query opens another). */
  onError?: (error: Error) => void;
  /**
   * Let columns of PostgreSQL's internal one-byte `"char"` type through
   * @prisma/adapter-pg, which rejects them (see prisma-adjustments.ts). Only for
   * the schema engine, whose catalog queries read such columns.
   */
  charAsText?: boolean;
}

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

/** "name" with embedded quotes doubled. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
