import { createRequire } from "node:module";
import type pg from "pg";
import type { PostgresqlUrl } from "./database-url.js";

// node-postgres is loaded when the first pool is made, not with this module: the modules that
// make pools (the chat lock, the shared send budget) are part of every bot, and on SQLite
// node-postgres would only take memory (it also loads Node's fetch implementation, undici).
const require = createRequire(import.meta.url);
const loadPg = (): typeof pg => require("pg") as typeof pg;

export interface PgPoolOptions {
  /** Most connections the pool opens (node-postgres default: 10). */
  max?: number;
  /** How long to wait for a new connection before failing, in ms (default: no limit). */
  connectionTimeoutMillis?: number;
  /** Told when an idle connection fails (it is dropped; the next query opens another). */
  onError?: (error: Error) => void;
  /**
   * The connection class, when not node-postgres's own: the schema engine passes
   * CharAsTextClient (prisma-adjustments.ts), which lets columns of PostgreSQL's
   * internal one-byte `"char"` type through @prisma/adapter-pg.
   */
  client?: typeof pg.Client;
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
  if (options.client) config.Client = options.client;
  const pool = new (loadPg().Pool)(config);
  // An idle connection dropped by the server must not crash the process; the next query reconnects.
  pool.on("error", (error) => options.onError?.(error));
  return pool;
}

/** "name" with embedded quotes doubled. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
