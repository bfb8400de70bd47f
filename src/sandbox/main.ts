/**
 * `npm run sandbox`: the real bot against an in-process Bot API peer, with a
 * chat page in the browser. No BOT_TOKEN, no network: try the bot as a
 * patient and as staff in a minute.
 */
import { z } from "zod";
import { Sandbox } from "./sandbox.js";
import { servePage } from "./page-server.js";

const env = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().default("127.0.0.1"),
    DATABASE_URL: z.string().optional(),
    CONTENT_DIR: z.string().default("content"),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("warn"),
  })
  .safeParse(Object.fromEntries(Object.entries(process.env).filter(([, value]) => value !== "")));
if (!env.success) {
  const issue = env.error.issues[0]!;
  process.stderr.write(`Configuration error: ${String(issue.path[0])} ${issue.message}\n`);
  process.exit(2);
}
const { PORT, HOST, DATABASE_URL, CONTENT_DIR, LOG_LEVEL } = env.data;

const sandbox = await Sandbox.start({ databaseUrl: DATABASE_URL, contentDir: CONTENT_DIR, logLevel: LOG_LEVEL }).catch((error: unknown) => {
  // One line naming what to fix (a database that does not exist, a malformed setting, bad content), as `npm start` does.
  process.stderr.write(`Could not start the sandbox: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
const page = await servePage(sandbox, PORT, HOST).catch(async (error: unknown) => {
  await sandbox.close();
  process.stderr.write(`Could not serve the sandbox page on port ${PORT}: ${error instanceof Error ? error.message : String(error)} (set PORT to another port)\n`);
  process.exit(1);
});

process.stdout.write(
  `Sandbox ready: open ${page.url} in your browser.\n` +
    `The real bot runs against a local Bot API peer (no Telegram), on ${DATABASE_URL ? "DATABASE_URL, kept when it stops" : "a throwaway SQLite database"}. Ctrl+C stops it.\n`,
);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await page.close();
  await sandbox.close();
  process.exit(0);
}
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());
