import { execFile } from "node:child_process";
import { chownSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { freePort } from "../../src/http/free-port.js";

const run = promisify(execFile);

/**
 * A PostgreSQL server of a test's own, in a temporary folder on a free port: a
 * test can crash it (`pg_ctl stop -m immediate`, as a power cut or a failover
 * does) and start it again without touching the shared test server. Needs
 * initdb and pg_ctl on the PATH and, when the tests run as root, the `postgres`
 * system user (PostgreSQL refuses to run as root).
 */
export interface PrivatePostgres {
  port: number;
  /** A DATABASE_URL on this server (database `postgres`), with `?schema=` and any other parameters given. */
  url(params?: Record<string, string>): string;
  /** Stops it at once, as a crash would: no checkpoint, every connection cut. */
  crash(): Promise<void>;
  start(): Promise<void>;
  /** Stops it (if running) and removes its folder. */
  remove(): Promise<void>;
}

/** Whether a private server can be made here (initdb found and, as root, a postgres user). */
export async function canRunPrivatePostgres(): Promise<boolean> {
  try {
    await asPostgres("initdb", ["--version"]);
    return true;
  } catch {
    return false;
  }
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const folder = mkdtempSync(join(tmpdir(), "clinic-pg-"));
  if (process.getuid?.() === 0) chownSync(folder, Number((await run("id", ["-u", "postgres"])).stdout.trim()), Number((await run("id", ["-g", "postgres"])).stdout.trim()));
  const data = join(folder, "data");
  const port = await freePort();
  await asPostgres("initdb", ["-D", data, "--auth=trust", "-U", "postgres", "-E", "UTF8", "--no-sync"]);
  const pgCtl = (...args: string[]) => asPostgres("pg_ctl", ["-D", data, ...args]);
  const start = async () => {
    await pgCtl("-o", `-p ${port} -k ${folder} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off`, "-l", join(folder, "log"), "-w", "start");
  };
  await start();
  let running = true;
  return {
    port,
    url(params = {}) {
      const url = new URL(`postgresql://postgres@127.0.0.1:${port}/postgres`);
      for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
      return url.toString();
    },
    async crash() {
      await pgCtl("-m", "immediate", "-w", "stop");
      running = false;
    },
    async start() {
      await start();
      running = true;
    },
    async remove() {
      if (running) await pgCtl("-m", "immediate", "-w", "stop").catch(() => undefined);
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

function asPostgres(program: string, args: string[]): Promise<{ stdout: string }> {
  if (process.getuid?.() !== 0) return run(program, args);
  const quoted = [program, ...args].map((part) => `'${part.replace(/'/g, "'\\''")}'`).join(" ");
  return run("su", ["postgres", "-c", quoted]);
}

/**
 * Ends every connection of one test's bot processes on a (shared) server, and only those: the bot names them
 * with the `application_name` of its DATABASE_URL. Returns how many were ended.
 */
export async function terminateConnections(connectionString: string, applicationName: string): Promise<number> {
  const client = new pg.Client({ connectionString });
  client.on("error", () => undefined);
  await client.connect();
  try {
    const { rows } = await client.query<{ ended: boolean }>(
      "SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()",
      [applicationName],
    );
    return rows.filter((row) => row.ended).length;
  } finally {
    await client.end().catch(() => undefined);
  }
}
