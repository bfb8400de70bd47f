import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.js";

const TOKEN = "123456789:AAFvalidLookingTokenForConfigTests0000";

function errorOf(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("expected a ConfigError");
}

describe("settings", () => {
  it("has working defaults for everything but the token", () => {
    expect(loadConfig({ BOT_TOKEN: TOKEN })).toMatchObject({
      databaseUrl: "file:./data/clinic.db",
      botMode: "polling",
      port: 3000,
      logLevel: "info",
      staffIds: [],
      webhook: undefined,
    });
  });

  it.each([
    [{}, /^BOT_TOKEN is required: create a bot with @BotFather/],
    [{ BOT_TOKEN: "nope" }, /^BOT_TOKEN does not look like a bot token: it should be like 123456789:AAF/],
    [{ BOT_TOKEN: TOKEN, DATABASE_URL: "mysql://x" }, /^DATABASE_URL must be a SQLite file URL like file:/],
    [{ BOT_TOKEN: TOKEN, BOT_MODE: "push" }, /^BOT_MODE must be polling or webhook/],
    [{ BOT_TOKEN: TOKEN, STAFF_IDS: "12, abc" }, /^STAFF_IDS must be numeric Telegram user ids .*"abc"/],
    [{ BOT_TOKEN: TOKEN, STAFF_CHAT_ID: "group" }, /^STAFF_CHAT_ID must be a numeric Telegram id/],
    [{ BOT_TOKEN: TOKEN, PORT: "70000" }, /^PORT must be a TCP port number/],
    [{ BOT_TOKEN: TOKEN, LOG_LEVEL: "loud" }, /^LOG_LEVEL must be one of/],
    [{ BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: "not a url" }, /^TELEGRAM_API_ROOT must be the base URL of a Bot API server/],
  ])("names the bad variable and shows a valid value: %o", (env, message) => {
    expect(errorOf(env)).toMatch(message);
  });

  it("nightly backups: BACKUP_DIR with BACKUP_KEEP (default 7), SQLite only, each setting named when wrong", () => {
    expect(loadConfig({ BOT_TOKEN: TOKEN }).backup).toBeUndefined();
    expect(loadConfig({ BOT_TOKEN: TOKEN, BACKUP_DIR: "/var/backups/clinic" }).backup).toEqual({ dir: "/var/backups/clinic", keep: 7 });
    expect(loadConfig({ BOT_TOKEN: TOKEN, BACKUP_DIR: "backups", BACKUP_KEEP: "30" }).backup).toEqual({ dir: "backups", keep: 30 });
    expect(errorOf({ BOT_TOKEN: TOKEN, BACKUP_DIR: "backups", BACKUP_KEEP: "0" })).toMatch(/^BACKUP_KEEP must be at least 1 backup/);
    expect(errorOf({ BOT_TOKEN: TOKEN, BACKUP_DIR: "backups", BACKUP_KEEP: "a week" })).toMatch(/^BACKUP_KEEP must be how many nightly backups to keep/);
    // As .env.example has it: a count without a folder is no backup, and no error.
    expect(loadConfig({ BOT_TOKEN: TOKEN, BACKUP_DIR: "", BACKUP_KEEP: "7" }).backup).toBeUndefined();
    expect(errorOf({ BOT_TOKEN: TOKEN, BACKUP_DIR: "backups", DATABASE_URL: "postgresql://clinic@db:5432/clinic" })).toMatch(/^BACKUP_DIR backs up the SQLite database only.*pg_dump/);
  });

  it("refuses webhook mode without a URL and a secret", () => {
    expect(errorOf({ BOT_TOKEN: TOKEN, BOT_MODE: "webhook", WEBHOOK_URL: "https://bot.example.com/tg" })).toMatch(
      /^WEBHOOK_SECRET is required when BOT_MODE=webhook/,
    );
    expect(errorOf({ BOT_TOKEN: TOKEN, BOT_MODE: "webhook", WEBHOOK_SECRET: "0123456789abcdef0123" })).toMatch(/^WEBHOOK_URL is required/);
    expect(errorOf({ BOT_TOKEN: TOKEN, BOT_MODE: "webhook", WEBHOOK_URL: "https://bot.example.com/tg", WEBHOOK_SECRET: "short" })).toMatch(
      /^WEBHOOK_SECRET must be 16-256 characters/,
    );
  });

  it("serves the webhook at the path of WEBHOOK_URL and reads staff ids", () => {
    const config = loadConfig({
      BOT_TOKEN: TOKEN,
      BOT_MODE: "webhook",
      WEBHOOK_URL: "https://bot.example.com/telegram/hook",
      WEBHOOK_SECRET: "0123456789abcdef0123",
      STAFF_IDS: "111, 222",
      STAFF_CHAT_ID: "-100123",
      TELEGRAM_API_ROOT: "http://127.0.0.1:8081/",
    });
    expect(config.webhook).toEqual({ url: "https://bot.example.com/telegram/hook", secret: "0123456789abcdef0123", path: "/telegram/hook" });
    expect(config.staffIds).toEqual([111, 222]);
    expect(config.staffChatId).toBe(-100123);
    expect(config.telegramApiRoot).toBe("http://127.0.0.1:8081");
  });

  it("follows the clinic's blog only when CONTENT_FEED_URL is an http(s) address, every hour by default", () => {
    expect(loadConfig({ BOT_TOKEN: TOKEN }).contentFeed).toBeUndefined();
    expect(loadConfig({ BOT_TOKEN: TOKEN, CONTENT_FEED_URL: "https://maplespine.example/feed/" }).contentFeed).toEqual({
      url: "https://maplespine.example/feed/",
      intervalMinutes: 60,
    });
    expect(loadConfig({ BOT_TOKEN: TOKEN, CONTENT_FEED_URL: "https://maplespine.example/", CONTENT_FEED_INTERVAL_MINUTES: "15" }).contentFeed?.intervalMinutes).toBe(15);
    expect(errorOf({ BOT_TOKEN: TOKEN, CONTENT_FEED_URL: "maplespine.example/feed" })).toMatch(/^CONTENT_FEED_URL must be the http\(s\) address/);
    expect(errorOf({ BOT_TOKEN: TOKEN, CONTENT_FEED_URL: "https://maplespine.example/feed/", CONTENT_FEED_INTERVAL_MINUTES: "0" })).toMatch(
      /^CONTENT_FEED_INTERVAL_MINUTES must be at least 1 minute/,
    );
  });
});
