import { isAbsolute, resolve } from "node:path";
import type { Provider } from "./schema-files.js";

/** Used when DATABASE_URL is not set: a SQLite file under ./data/. */
export const DEFAULT_DATABASE_URL = "file:./data/clinic.db";

export const VALID_DATABASE_URL_HINT =
  `a SQLite file URL like ${DEFAULT_DATABASE_URL} (relative to the working directory) or a PostgreSQL URL like postgresql://user:password@host:5432/clinic (optionally ?schema=name)`;

export class DatabaseUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DatabaseUrlError";
  }
}

export interface SqliteUrl {
  provider: "sqlite";
  /** Absolute path of the database file. */
  filePath: string;
  /** file: URL of the absolute path, for driver adapters and the schema engine. */
  url: string;
}

export interface PostgresqlUrl {
  provider: "postgresql";
  /** The URL without Prisma's `schema` parameter, for node-postgres. */
  connectionString: string;
  /** The PostgreSQL schema (from ?schema=), "public" when absent. */
  schema: string;
  /** The URL as given (with ?schema= if any). */
  url: string;
}

export type ParsedDatabaseUrl = SqliteUrl | PostgresqlUrl;

/** Which database a URL points at, without validating the rest. Throws DatabaseUrlError. */
export function databaseProvider(databaseUrl: string): Provider {
  const url = databaseUrl.trim();
  if (url.startsWith("file:")) return "sqlite";
  if (/^postgres(ql)?:\/\//i.test(url)) return "postgresql";
  throw new DatabaseUrlError(`DATABASE_URL ${describe(url)} is not supported: it must be ${VALID_DATABASE_URL_HINT}`);
}

/**
 * Parses DATABASE_URL. SQLite paths are resolved against `cwd` (the process's
 * working directory by default). Throws DatabaseUrlError naming DATABASE_URL
 * and showing a valid value.
 */
export function parseDatabaseUrl(databaseUrl: string, cwd: string = process.cwd()): ParsedDatabaseUrl {
  const url = databaseUrl.trim();
  const provider = databaseProvider(url);
  if (provider === "sqlite") {
    // file:./x.db, file:x.db, file:/abs/x.db, file:///abs/x.db; query parameters are not used.
    let path = url.slice("file:".length).replace(/[?#].*$/, "");
    if (path.startsWith("//")) {
      try {
        path = new URL(url).pathname;
      } catch {
        throw new DatabaseUrlError(`DATABASE_URL ${describe(url)} is not a valid file URL: it must be ${VALID_DATABASE_URL_HINT}`);
      }
      path = decodeURIComponent(path);
    }
    if (path === "" || path.endsWith("/")) {
      throw new DatabaseUrlError(`DATABASE_URL ${describe(url)} names no file: it must be ${VALID_DATABASE_URL_HINT}`);
    }
    const filePath = isAbsolute(path) ? path : resolve(cwd, path);
    return { provider, filePath, url: `file:${filePath}` };
  }

  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new DatabaseUrlError(`DATABASE_URL ${describe(url)} is not a valid URL: it must be ${VALID_DATABASE_URL_HINT}`);
  }
  if (!parsed.hostname && !parsed.searchParams.get("host")) {
    throw new DatabaseUrlError(`DATABASE_URL ${describe(url)} names no host: it must be ${VALID_DATABASE_URL_HINT}`);
  }
  const schema = parsed.searchParams.get("schema") ?? "public";
  if (!/^[A-Za-z_][A-Za-z0-9_$]{0,62}$/.test(schema)) {
    throw new DatabaseUrlError(
      `DATABASE_URL has schema=${JSON.stringify(schema)}, which is not a plain PostgreSQL identifier (letters, digits, _; e.g. ?schema=clinic)`,
    );
  }
  parsed.searchParams.delete("schema");
  return { provider, connectionString: parsed.toString(), schema, url };
}

/** The URL with any password replaced, for messages and logs. */
export function redactDatabaseUrl(databaseUrl: string): string {
  if (databaseUrl.trim().startsWith("file:")) return databaseUrl.trim();
  try {
    const parsed = new URL(databaseUrl);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return databaseUrl.replace(/\/\/([^:/@]*):[^@/]*@/, "//$1:***@");
  }
}

function describe(url: string): string {
  return url === "" ? "(empty)" : JSON.stringify(redactDatabaseUrl(url));
}
