/**
 * The sandbox's chat page: static files, a server-sent event stream of what
 * happens in the chats, and the actions a person takes on the page (write,
 * press a button, share a phone number, move the clock, add patients), and
 * the bot's Mini App (the staff desk) opened with signed launch data.
 * Served only by `npm run sandbox`; `npm start` never loads this module.
 */
import { readFileSync } from "node:fs";
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { DESK_PATH } from "../desk/desk-http.js";
import { Sandbox, SandboxError } from "./sandbox.js";

const PAGE_DIR = fileURLToPath(new URL("./page/", import.meta.url));
const STATIC_FILES: Record<string, { file: string; type: string }> = {
  "/": { file: "index.html", type: "text/html; charset=utf-8" },
  "/sandbox.js": { file: "sandbox.js", type: "text/javascript; charset=utf-8" },
  "/sandbox.css": { file: "sandbox.css", type: "text/css; charset=utf-8" },
};
const MAX_BODY_BYTES = 16_384;

const chatId = z.coerce.number().int();
const actions = {
  "/api/patients": z.object({ name: z.string().max(64), language: z.enum(["en", "fr"]) }),
  "/api/send": z.object({ chatId, text: z.string().min(1).max(4096) }),
  "/api/press": z.object({ chatId, messageId: z.number().int(), data: z.string().min(1).max(64) }),
  "/api/contact": z.object({ chatId }),
  "/api/clock": z.object({ to: z.union([z.enum(["next-monday-9", "plus-1h", "plus-1d", "plus-1w"]), z.iso.datetime({ offset: true })]) }),
  "/api/crowd": z.object({ count: z.number().int().min(1).max(5_000) }),
} as const;

export interface RunningPage {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function servePage(sandbox: Sandbox, port: number, host = "127.0.0.1"): Promise<RunningPage> {
  const streams = new Set<ServerResponse>();
  const server: Server = createServer((req, res) => {
    void route(sandbox, streams, req, res).catch((error: unknown) => {
      const status = error instanceof SandboxError || error instanceof z.ZodError || error instanceof SyntaxError ? 400 : 500;
      const message = error instanceof z.ZodError ? error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ") : String(error instanceof Error ? error.message : error);
      if (!res.headersSent) res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: message }));
    });
  });
  const unsubscribe = sandbox.subscribe((event) => {
    const frame = `data: ${JSON.stringify(event)}\n\n`;
    for (const stream of streams) stream.write(frame);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const actualPort = (server.address() as AddressInfo).port;
  return {
    url: `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${actualPort}/`,
    port: actualPort,
    async close() {
      unsubscribe();
      for (const stream of streams) stream.end();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

async function route(sandbox: Sandbox, streams: Set<ServerResponse>, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", "http://sandbox");
  const path = url.pathname;
  // The staff desk is served by the bot itself; through the page's own address it may be framed ('self').
  if (path === DESK_PATH || path.startsWith(`${DESK_PATH}/`)) return proxyToBot(sandbox, req, res);
  if (req.method === "GET") {
    const asset = STATIC_FILES[path];
    if (asset) {
      res.writeHead(200, { "content-type": asset.type, "cache-control": "no-store" }).end(readFileSync(PAGE_DIR + asset.file));
      return;
    }
    if (path === "/events") return openStream(sandbox, streams, res);
    // A web_app button: the Mini App opens with launch data signed for that chat's person, as Telegram does it.
    if (path === "/webapp") {
      const target = new URL(sandbox.webAppLaunchUrl(chatId.parse(url.searchParams.get("chatId")), url.searchParams.get("url") ?? ""));
      // Through the page's own address (see proxyToBot): the desk then works wherever the page does, a phone on the network too.
      res.writeHead(302, { location: `${target.pathname}${target.search}${target.hash}`, "cache-control": "no-store" }).end();
      return;
    }
    if (path.startsWith("/files/")) return sendFile(sandbox, decodeURIComponent(path.slice("/files/".length)), res);
    res.writeHead(404, { "content-type": "text/plain" }).end("not found");
    return;
  }
  if (req.method !== "POST" || !(path in actions)) {
    res.writeHead(404, { "content-type": "text/plain" }).end("not found");
    return;
  }
  const body: unknown = JSON.parse((await readBody(req)) || "{}");
  const result = await act(sandbox, path as keyof typeof actions, body);
  res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(result ?? { ok: true }));
}

async function act(sandbox: Sandbox, path: keyof typeof actions, body: unknown): Promise<unknown> {
  switch (path) {
    case "/api/patients": {
      const { name, language } = actions[path].parse(body);
      return sandbox.addPatient(name, language);
    }
    case "/api/send": {
      const { chatId: id, text } = actions[path].parse(body);
      return sandbox.sendText(id, text);
    }
    case "/api/press": {
      const { chatId: id, messageId, data } = actions[path].parse(body);
      return sandbox.pressButton(id, messageId, data);
    }
    case "/api/contact":
      return sandbox.shareContact(actions[path].parse(body).chatId);
    case "/api/clock": {
      const { to } = actions[path].parse(body);
      const zone = sandbox.clinic.timeZone;
      const target =
        to === "next-monday-9"
          ? sandbox.clock.nextWeekdayAt(1, 9, zone)
          : to === "plus-1h"
            ? sandbox.clock.later({ hours: 1 })
            : to === "plus-1d"
              ? sandbox.clock.later({ days: 1 })
              : to === "plus-1w"
                ? sandbox.clock.later({ days: 7 })
                : new Date(to);
      await sandbox.moveClock(target);
      return { clock: sandbox.clock.now().toISOString() };
    }
    case "/api/crowd":
      return { added: sandbox.addCrowd(actions[path].parse(body).count) };
  }
}

function proxyToBot(sandbox: Sandbox, req: IncomingMessage, res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const upstream = httpRequest(
      { host: "127.0.0.1", port: sandbox.app.http.port, method: req.method, path: req.url, headers: { ...req.headers, host: `127.0.0.1:${sandbox.app.http.port}` } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        answer.on("end", resolve);
      },
    );
    upstream.on("error", (error) => {
      if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain" });
      res.end(`the bot did not answer: ${error.message}`);
      resolve();
    });
    req.pipe(upstream);
  });
}

function openStream(sandbox: Sandbox, streams: Set<ServerResponse>, res: ServerResponse): void {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store", connection: "keep-alive" });
  res.write(`event: snapshot\ndata: ${JSON.stringify(sandbox.snapshot())}\n\n`);
  streams.add(res);
  res.on("close", () => streams.delete(res));
}

function sendFile(sandbox: Sandbox, fileId: string, res: ServerResponse): void {
  const file = sandbox.peer.file(fileId);
  if (!file) {
    res.writeHead(404, { "content-type": "text/plain" }).end("no such file");
    return;
  }
  const type = file.fileName.endsWith(".ics") ? "text/calendar" : file.contentType;
  res
    .writeHead(200, { "content-type": type, "content-disposition": `attachment; filename="${file.fileName.replace(/["\\\r\n]/g, "_")}"` })
    .end(file.data);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new SandboxError("request too large");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}
