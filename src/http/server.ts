import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "../logger.js";

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface HttpServerOptions {
  port: number;
  logger: Logger;
  /** Reports whether the app can serve (database usable, bot initialised, updates coming, messages sent) and details. */
  health: () => Promise<{ ok: boolean; checks: Record<string, unknown> }>;
  /** POST handler for Telegram's webhook, mounted at `webhookPath` (webhook mode only). */
  webhook?: { path: string; handler: RequestHandler };
  /** Extra GET routes, e.g. /metrics. */
  routes?: Record<string, RequestHandler>;
  /** Handlers of whole path prefixes, any method, e.g. "/desk" for /desk and everything under /desk/. */
  mounts?: Record<string, RequestHandler>;
}

export interface RunningHttpServer {
  port: number;
  close(): Promise<void>;
}

/** One small HTTP entry per instance: /healthz, the webhook and metrics. */
export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const server: Server = createServer((req, res) => {
    void route(req, res).catch((error: unknown) => {
      options.logger.error({ err: error instanceof Error ? error.message : String(error), path: req.url }, "http request failed");
      if (!res.headersSent) res.writeHead(500).end();
      else res.end();
    });
  });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if (req.method === "GET" && path === "/healthz") {
      const health = await options.health();
      res.writeHead(health.ok ? 200 : 503, { "content-type": "application/json" });
      res.end(JSON.stringify({ status: health.ok ? "ok" : "unavailable", ...health.checks }));
      return;
    }
    if (options.webhook && path === options.webhook.path) {
      if (req.method !== "POST") {
        res.writeHead(405, { allow: "POST" }).end();
        return;
      }
      await options.webhook.handler(req, res);
      return;
    }
    const mount = Object.entries(options.mounts ?? {}).find(([prefix]) => path === prefix || path.startsWith(`${prefix}/`));
    if (mount) {
      await mount[1](req, res);
      return;
    }
    const extra = req.method === "GET" ? options.routes?.[path] : undefined;
    if (extra) {
      await extra(req, res);
      return;
    }
    res.writeHead(404, { "content-type": "text/plain" }).end("not found");
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, () => {
      server.off("error", reject);
      resolve();
    });
  });
  server.keepAliveTimeout = 5_000;
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 2_000).unref();
      }),
  };
}
