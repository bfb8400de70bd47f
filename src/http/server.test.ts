import { afterEach, describe, expect, it } from "vitest";
import { webhookCallback } from "grammy";
import { createLogger } from "../logger.js";
import { createTestBot, type TestBot } from "../../test/kit/test-bot.js";
import { command, user } from "../bot-api-peer/updates.js";
import { startHttpServer, type RunningHttpServer } from "./server.js";

const SECRET = "s3cret-webhook-token-0123456789";

describe("the HTTP entry in webhook mode", () => {
  let t: TestBot;
  let http: RunningHttpServer;
  afterEach(async () => {
    await http?.close();
    await t?.close();
  });

  async function start() {
    t = await createTestBot();
    http = await startHttpServer({
      port: 0,
      logger: createLogger("silent"),
      health: async () => ({ ok: await t.database.ping(), checks: { database: await t.database.ping(), bot: true } }),
      webhook: { path: "/telegram", handler: webhookCallback(t.bot, "http", { secretToken: SECRET }) },
    });
    return `http://127.0.0.1:${http.port}`;
  }

  const post = (base: string, body: unknown, secret?: string) =>
    fetch(`${base}/telegram`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(secret === undefined ? {} : { "x-telegram-bot-api-secret-token": secret }) },
      body: JSON.stringify(body),
    });

  it("refuses updates without the right secret header (401) and handles those with it", async () => {
    const base = await start();
    const ana = user(9101, { first_name: "Ana", language_code: "en" });
    expect((await post(base, command(ana, "/start"))).status).toBe(401);
    expect((await post(base, command(ana, "/start"), "wrong-secret-value-000000")).status).toBe(401);
    expect(t.sentTo(ana.id)).toHaveLength(0);
    expect((await post(base, command(ana, "/start"), SECRET)).status).toBe(200);
    expect(t.lastTextTo(ana.id)).toContain("Hello, Ana!");
  });

  it("serves /healthz, and answers other paths and methods plainly", async () => {
    const base = await start();
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok", database: true, bot: true });
    expect((await fetch(`${base}/telegram`)).status).toBe(405);
    expect((await fetch(`${base}/elsewhere`)).status).toBe(404);
  });

  it("reports 503 when the database is unreachable", async () => {
    const base = await start();
    await t.database.close();
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ status: "unavailable", database: false });
  });
});
