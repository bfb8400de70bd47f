import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { PrismaClient as SqlitePrismaClient } from "#generated/sqlite/client.js";
import { parseDatabaseUrl, redactDatabaseUrl } from "./database-url.js";
import type { Provider } from "./schema-files.js";

/**
 * The Prisma client type the code is written against, whatever the database.
 *
 * Both clients are generated from the same models (prisma/models.prisma), so
 * their model delegates, inputs and results are the same types; they differ
 * only where PostgreSQL offers more (e.g. `mode: "insensitive"` in string
 * filters), which the SQLite type leaves out. Typing everything with the
 * SQLite client therefore keeps the code to what works on both, and the
 * PostgreSQL client can be used where this type is expected (cast below).
 */
export type Db = SqlitePrismaClient;

export interface Database {
  prisma: Db;
  provider: Provider;
  /** Disconnects; safe to call twice. */
  close(): Promise<void>;
  /** Whether the database answers a trivial query (within a few seconds). */
  ping(): Promise<boolean>;
  /**
   * Checks that the database can be used, within a few seconds, and throws what is wrong: PostgreSQL
   * answers; a SQLite file whose last write failed (disk full, file read-only) takes a write again.
   */
  probe(): Promise<void>;
  /** SQLite: the storage fault the last write met, while no write has worked since. */
  writeFault(): { since: Date; message: string } | undefined;
  /** Where the data is, for an operator's log line: the SQLite file, or the PostgreSQL URL without its password. */
  readonly location: string;
}

export interface OpenDatabaseOptions {
  /** PostgreSQL: most connections in the pool (default 10). */
  maxConnections?: number;
  /** SQLite: how long a write waits for another connection's lock, in ms (default 5000). */
  busyTimeoutMs?: number;
  /** Told about errors of idle PostgreSQL connections (which are otherwise dropped and replaced). */
  onConnectionError?: (error: Error) => void;
}

const PING_TIMEOUT_MS = 3_000;

/**
 * Connects to DATABASE_URL: `file:` (SQLite, path relative to the working
 * directory; folder created; WAL journal) or `postgresql://` (optionally
 * `?schema=name`). Checks the connection before returning. Does not migrate:
 * call applyPendingMigrations first.
 */
export async function openDatabase(databaseUrl: string, options: OpenDatabaseOptions = {}): Promise<Database> {
  const target = parseDatabaseUrl(databaseUrl);
  let prisma: Db;
  let release: () => Promise<void> = async () => undefined;
  let writeFault: { since: Date; message: string } | undefined;

  // Only the configured database's client and driver are loaded: each weighs tens of megabytes of memory.
  if (target.provider === "sqlite") {
    const [{ PrismaClient: SqlitePrismaClient }, { PrismaBetterSqlite3 }, { keepSqliteStatements }] = await Promise.all([
      import("#generated/sqlite/client.js"),
      import("@prisma/adapter-better-sqlite3"),
      import("./prisma-adjustments.js"),
    ]);
    mkdirSync(dirname(target.filePath), { recursive: true });
    const busyTimeoutMs = options.busyTimeoutMs ?? 5_000;
    // Each SQL text prepared once per connection, not once per query (see prisma-adjustments.ts).
    // Writes are watched: a full disk or a file that cannot be written is a fault of the whole bot (see probe()).
    const observer = {
      fault: (error: Error & { code: string }) => void (writeFault ??= { since: new Date(), message: `${error.code}: ${error.message}` }),
      wrote: () => void (writeFault = undefined),
    };
    prisma = new SqlitePrismaClient({ adapter: keepSqliteStatements(new PrismaBetterSqlite3({ url: target.filePath, timeout: busyTimeoutMs }), undefined, observer) });
    try {
      // WAL: readers do not block the writer; NORMAL sync is safe with WAL.
      await prisma.$queryRawUnsafe("PRAGMA journal_mode = WAL");
      await prisma.$queryRawUnsafe(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
      await prisma.$executeRawUnsafe("PRAGMA synchronous = NORMAL");
      await prisma.$executeRawUnsafe("PRAGMA foreign_keys = ON");
    } catch (error) {
      await prisma.$disconnect().catch(() => undefined);
      throw new Error(`Could not open the SQLite database ${target.filePath} (DATABASE_URL): ${messageOf(error)}`, { cause: error });
    }
  } else {
    const [{ PrismaClient: PostgresqlPrismaClient }, { PrismaPg }, { createPgPool }] = await Promise.all([
      import("#generated/postgresql/client.js"),
      import("@prisma/adapter-pg"),
      import("./pg-pool.js"),
    ]);
    const pool = createPgPool(target, {
      ...(options.maxConnections !== undefined ? { max: options.maxConnections } : {}),
      connectionTimeoutMillis: 10_000,
      ...(options.onConnectionError ? { onError: options.onConnectionError } : {}),
    });
    const adapter = new PrismaPg(pool, target.schema === "public" ? undefined : { schema: target.schema });
    // Same models, same delegate types: see the comment on Db.
    prisma = new PostgresqlPrismaClient({ adapter }) as unknown as Db;
    release = () => pool.end();
    try {
      await prisma.$queryRawUnsafe("SELECT 1");
    } catch (error) {
      await prisma.$disconnect().catch(() => undefined);
      await release().catch(() => undefined);
      throw new Error(`Could not connect to PostgreSQL at ${redactDatabaseUrl(databaseUrl)} (DATABASE_URL): ${messageOf(error)}`, { cause: error });
    }
  }

  let closing: Promise<void> | undefined;
  const withinPingTimeout = async <T>(work: Promise<T>): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${PING_TIMEOUT_MS / 1000} s`)), PING_TIMEOUT_MS);
      timer.unref();
    });
    try {
      return await Promise.race([work, timeout]);
    } finally {
      clearTimeout(timer);
    }
  };
  return {
    prisma,
    provider: target.provider,
    location: target.provider === "sqlite" ? target.filePath : redactDatabaseUrl(databaseUrl),
    writeFault: () => writeFault,
    async probe() {
      if (closing) throw new Error("the database is closed");
      if (target.provider === "sqlite" && writeFault) {
        // The smallest real write: the header's user_version, set to what it is (the bot does not use it).
        const [row] = await prisma.$queryRawUnsafe<Array<{ user_version: number | bigint }>>("PRAGMA user_version");
        await prisma.$executeRawUnsafe(`PRAGMA user_version = ${Number(row?.user_version ?? 0)}`);
        return;
      }
      await withinPingTimeout(prisma.$queryRawUnsafe("SELECT 1"));
    },
    close: () =>
      (closing ??= (async () => {
        await prisma.$disconnect();
        await release();
      })()),
    async ping() {
      if (closing) return false;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), PING_TIMEOUT_MS);
        timer.unref();
      });
      try {
        return await Promise.race([prisma.$queryRawUnsafe("SELECT 1").then(() => true, () => false), timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
