import { describe, expect, it } from "vitest";
import { usePeerAndDatabase } from "./harness.js";

/** GET /metrics of the real bot process: not reachable through a public entry by default. */
describe("who may read /metrics", () => {
  const e2e = usePeerAndDatabase("sqlite");

  it("by default answers only direct requests from this machine, not ones through a proxy; METRICS_TOKEN opens it to a bearer", async () => {
    let bot = await e2e.start();
    const url = `http://127.0.0.1:${bot.port}/metrics`;
    expect((await fetch(url)).status).toBe(200);
    // What a load balancer (compose.yaml's Caddy) forwards: refused.
    const proxied = await fetch(url, { headers: { "x-forwarded-for": "203.0.113.7" } });
    expect(proxied.status).toBe(403);
    expect(await proxied.text()).toContain("METRICS_TOKEN");
    expect((await fetch(`http://127.0.0.1:${bot.port}/healthz`, { headers: { "x-forwarded-for": "203.0.113.7" } })).status).toBe(200);
    expect(await bot.stop("SIGTERM")).toBe(0);

    const token = "a".repeat(32);
    bot = await e2e.start({ METRICS_TOKEN: token });
    const withToken = `http://127.0.0.1:${bot.port}/metrics`;
    expect((await fetch(withToken)).status).toBe(401);
    expect((await fetch(withToken, { headers: { authorization: "Bearer wrong-token-wrong-token" } })).status).toBe(401);
    const scraped = await fetch(withToken, { headers: { authorization: `Bearer ${token}`, "x-forwarded-for": "203.0.113.7" } });
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toContain("clinic_sends_total");
  }, 60_000);
});
