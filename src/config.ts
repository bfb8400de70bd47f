import { z } from "zod";
import { DEFAULT_DATABASE_URL, databaseProvider, VALID_DATABASE_URL_HINT } from "./db/database-url.js";

/**
 * Every setting the bot reads, validated once at start. A bad value stops the
 * start with one line that names the variable and shows what a valid value
 * looks like, before any network call is made.
 */

function isSupportedDatabaseUrl(url: string): boolean {
  try {
    databaseProvider(url);
    return true;
  } catch {
    return false;
  }
}

/** Nightly backups kept when BACKUP_KEEP is not set: a week. */
const DEFAULT_BACKUPS_KEPT = 7;

const PUBLIC_URL_HINT = "must be the bot's public https address, where Telegram opens the staff desk, e.g. https://bot.example.com";

const telegramId = z
  .string()
  .trim()
  .regex(/^-?\d{1,20}$/, "must be a numeric Telegram id");

const configSchema = z
  .object({
    BOT_TOKEN: z
      .string({ error: "is required: create a bot with @BotFather in Telegram (/newbot) and copy the token it gives you, e.g. BOT_TOKEN=123456789:AAF..." })
      .trim()
      .regex(
        /^\d{5,16}:[A-Za-z0-9_-]{30,64}$/,
        "does not look like a bot token: it should be like 123456789:AAFx... as given by @BotFather (/newbot or /token)",
      ),
    DATABASE_URL: z
      .string()
      .trim()
      .default(DEFAULT_DATABASE_URL)
      .refine((url) => isSupportedDatabaseUrl(url), { message: `must be ${VALID_DATABASE_URL_HINT}` }),
    BOT_MODE: z.enum(["polling", "webhook"], { error: "must be polling or webhook" }).default("polling"),
    WEBHOOK_URL: z
      .url({ protocol: /^https?$/, error: "must be the public https URL Telegram posts updates to, e.g. https://bot.example.com/telegram" })
      .optional(),
    WEBHOOK_SECRET: z
      .string()
      .regex(/^[A-Za-z0-9_-]{16,256}$/, "must be 16-256 characters of A-Z, a-z, 0-9, _ or - (e.g. the output of: openssl rand -hex 32)")
      .optional(),
    OUTBOX_RETENTION_DAYS: z.coerce
      .number({ error: "must be a number of days, e.g. 30" })
      .int("must be a whole number of days, e.g. 30")
      .min(1, "must be at least 1 day, e.g. 30")
      .max(3650, "must be at most 3650 days")
      .default(30),
    METRICS_TOKEN: z
      .string()
      .regex(/^[A-Za-z0-9_-]{16,256}$/, "must be 16-256 characters of A-Z, a-z, 0-9, _ or - (e.g. the output of: openssl rand -hex 32)")
      .optional(),
    TELEGRAM_API_ROOT: z
      .url({ error: "must be the base URL of a Bot API server, e.g. http://127.0.0.1:8081" })
      .optional(),
    PUBLIC_URL: z
      .url({ protocol: /^https?$/, error: PUBLIC_URL_HINT })
      // Telegram opens Mini Apps over https only; plain http is for a desk tried on this machine.
      .refine((url) => url.startsWith("https:") || /^http:\/\/(localhost|127\.0\.0\.1)(:\d+)?(\/|$)/.test(url), { message: PUBLIC_URL_HINT })
      .optional(),
    STAFF_IDS: z
      .string()
      .default("")
      .transform((raw, ctx) => {
        const parts = raw.split(",").map((part) => part.trim()).filter(Boolean);
        const ids: number[] = [];
        for (const part of parts) {
          if (!/^\d{1,16}$/.test(part)) {
            ctx.addIssue({ code: "custom", message: `must be numeric Telegram user ids separated by commas, e.g. 11111111,22222222 ("${part}" is not one)` });
            return z.NEVER;
          }
          ids.push(Number(part));
        }
        return ids;
      }),
    STAFF_CHAT_ID: telegramId.transform(Number).optional(),
    PORT: z.coerce
      .number({ error: "must be a TCP port number, e.g. 3000" })
      .int()
      .min(0, "must be a TCP port number between 0 and 65535, e.g. 3000")
      .max(65535, "must be a TCP port number between 0 and 65535, e.g. 3000")
      .default(3000),
    LOG_LEVEL: z
      .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], {
        error: "must be one of fatal, error, warn, info, debug, trace, silent",
      })
      .default("info"),
    CONTENT_DIR: z.string().default("content"),
    CONTENT_FEED_URL: z
      .url({ protocol: /^https?$/, error: "must be the http(s) address of the clinic's blog feed or WordPress site, e.g. https://clinic.example/feed/" })
      .optional(),
    CONTENT_FEED_INTERVAL_MINUTES: z.coerce
      .number({ error: "must be a number of minutes, e.g. 60" })
      .int("must be a whole number of minutes, e.g. 60")
      .min(1, "must be at least 1 minute, e.g. 60")
      .max(10080, "must be at most 10080 minutes (a week)")
      .default(60),
    BACKUP_DIR: z.string().trim().optional(),
    BACKUP_KEEP: z.coerce
      .number({ error: "must be how many nightly backups to keep, e.g. 7" })
      .int("must be a whole number of backups, e.g. 7")
      .min(1, "must be at least 1 backup, e.g. 7")
      .max(3650, "must be at most 3650 backups")
      .optional(),
    SEND_RATE_PER_SECOND: z.coerce
      .number({ error: "must be a number of messages per second, e.g. 30" })
      .positive("must be a positive number of messages per second, e.g. 30")
      .max(1000, "must be at most 1000 messages per second")
      .default(30),
  })
  .superRefine((env, ctx) => {
    if (env.BACKUP_DIR && isSupportedDatabaseUrl(env.DATABASE_URL) && databaseProvider(env.DATABASE_URL) === "postgresql") {
      ctx.addIssue({
        code: "custom",
        path: ["BACKUP_DIR"],
        message: "backs up the SQLite database only; DATABASE_URL is PostgreSQL: back it up with pg_dump instead (README, \"Backups\")",
      });
    }
    if (env.BOT_MODE !== "webhook") return;
    if (!env.WEBHOOK_URL) {
      ctx.addIssue({ code: "custom", path: ["WEBHOOK_URL"], message: "is required when BOT_MODE=webhook, e.g. https://bot.example.com/telegram" });
    }
    if (!env.WEBHOOK_SECRET) {
      ctx.addIssue({
        code: "custom",
        path: ["WEBHOOK_SECRET"],
        message: "is required when BOT_MODE=webhook: 16-256 characters of A-Z, a-z, 0-9, _ or - (e.g. the output of: openssl rand -hex 32)",
      });
    }
  });

export interface Config {
  botToken: string;
  databaseUrl: string;
  botMode: "polling" | "webhook";
  webhook?: { url: string; secret: string; path: string };
  telegramApiRoot?: string;
  /**
   * The bot's public https address (no trailing slash): the staff desk is served at
   * `${publicUrl}/desk/`. In webhook mode it defaults to the origin of WEBHOOK_URL;
   * without it the desk is off.
   */
  publicUrl?: string;
  staffIds: readonly number[];
  staffChatId?: number;
  port: number;
  logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
  contentDir: string;
  /** The clinic's blog to follow (a feed or a WordPress site); absent: no following. */
  contentFeed?: { url: string; intervalMinutes: number };
  sendRatePerSecond: number;
  /** Bearer token that opens GET /metrics to other hosts; without it /metrics answers only direct loopback requests. */
  metricsToken?: string;
  /** Finished outbox rows are deleted this many days after they ended. */
  outboxRetentionDays: number;
  /** SQLite: a backup written every night into `dir` (03:00 in the clinic's time zone), the last `keep` kept; absent: none. */
  backup?: { dir: string; keep: number };
}

export class ConfigError extends Error {
  constructor(readonly variable: string, detail: string) {
    super(`${variable} ${detail}`);
    this.name = "ConfigError";
  }
}

/** Parses the environment. Throws a ConfigError naming the first bad variable. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ""));
  const parsed = configSchema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const variable = String(issue.path[0] ?? "environment");
    throw new ConfigError(variable, issue.message);
  }
  const values = parsed.data;
  return {
    botToken: values.BOT_TOKEN,
    databaseUrl: values.DATABASE_URL,
    botMode: values.BOT_MODE,
    webhook:
      values.BOT_MODE === "webhook" && values.WEBHOOK_URL && values.WEBHOOK_SECRET
        ? { url: values.WEBHOOK_URL, secret: values.WEBHOOK_SECRET, path: new URL(values.WEBHOOK_URL).pathname }
        : undefined,
    telegramApiRoot: values.TELEGRAM_API_ROOT?.replace(/\/+$/, ""),
    publicUrl: (values.PUBLIC_URL ?? (values.BOT_MODE === "webhook" && values.WEBHOOK_URL ? new URL(values.WEBHOOK_URL).origin : undefined))?.replace(/\/+$/, ""),
    staffIds: values.STAFF_IDS,
    staffChatId: values.STAFF_CHAT_ID,
    port: values.PORT,
    logLevel: values.LOG_LEVEL,
    contentDir: values.CONTENT_DIR,
    contentFeed: values.CONTENT_FEED_URL ? { url: values.CONTENT_FEED_URL, intervalMinutes: values.CONTENT_FEED_INTERVAL_MINUTES } : undefined,
    sendRatePerSecond: values.SEND_RATE_PER_SECOND,
    metricsToken: values.METRICS_TOKEN,
    outboxRetentionDays: values.OUTBOX_RETENTION_DAYS,
    backup: values.BACKUP_DIR ? { dir: values.BACKUP_DIR, keep: values.BACKUP_KEEP ?? DEFAULT_BACKUPS_KEPT } : undefined,
  };
}
