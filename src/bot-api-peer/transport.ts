/**
 * The two ways a bot reaches the peer, with the same semantics: a loopback
 * HTTP server (for a bot in another process, or grammY's `client.apiRoot`)
 * and a `fetch` function (grammY's `client.fetch`, no sockets).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { abortError, networkError, readFetchBody, readStream, renderReply, type RawRequest, type Reply } from "./requests.js";

export type Receive = (request: RawRequest) => Promise<Reply>;

export function fetchTransport(receive: Receive, isClosed: () => boolean): (input: string | URL | Request, init?: RequestInit) => Promise<Response> {
  return async (input, init) => {
    if (isClosed()) throw new TypeError("fetch failed", { cause: networkError("ECONNREFUSED", "connect ECONNREFUSED") });
    const url = new URL(input instanceof Request ? input.url : input.toString());
    const { body, contentType } = await readFetchBody(input, init);
    // grammY on Node passes the signal of the `abort-controller` polyfill: only
    // `aborted` and the "abort" event can be relied on.
    const clientSignal = init?.signal ?? (input instanceof Request ? input.signal : undefined);
    if (clientSignal?.aborted) throw abortError();
    const cancel = new AbortController();
    let onAbort = (): void => {};
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => {
        cancel.abort();
        reject(abortError());
      };
      clientSignal?.addEventListener("abort", onAbort);
    });
    try {
      const reply = await Promise.race([receive({ url, contentType, body, transport: "fetch", signal: cancel.signal }), aborted]);
      if (reply.kind === "drop") throw new TypeError("fetch failed", { cause: networkError("UND_ERR_SOCKET", "other side closed") });
      const { status, contentType: type, text } = renderReply(reply);
      return new Response(text, { status, headers: { "content-type": type } });
    } finally {
      clientSignal?.removeEventListener("abort", onAbort);
    }
  };
}

export class HttpTransport {
  private server: Server | undefined;
  private inFlight = new Set<Promise<void>>();

  constructor(private readonly receive: Receive) {}

  async listen(port: number): Promise<{ apiRoot: string; port: number }> {
    const server = createServer((req, res) => {
      const handling = this.onRequest(req, res);
      this.inFlight.add(handling);
      void handling.finally(() => this.inFlight.delete(handling));
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => resolve());
    });
    const address = server.address() as AddressInfo;
    return { apiRoot: `http://127.0.0.1:${address.port}`, port: address.port };
  }

  /** Lets calls being answered finish, then closes the server and its keep-alive connections. */
  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
    await Promise.allSettled([...this.inFlight]);
    server.closeAllConnections();
    await serverClosed;
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const cancel = new AbortController();
    // Only a client gone before its answer cancels the call: aborting after every answer cost the peer,
    // which shares the bench's CPU with the bot, a DOMException (and its stack trace) a request.
    res.on("close", () => {
      if (!res.writableFinished) cancel.abort();
    });
    try {
      const body = await readStream(req);
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const reply = await this.receive({ url, contentType: req.headers["content-type"], body, transport: "http", signal: cancel.signal });
      if (reply.kind === "drop") {
        req.socket.destroy();
        return;
      }
      const { status, contentType, text } = renderReply(reply);
      res.writeHead(status, { "content-type": contentType, "content-length": Buffer.byteLength(text) }).end(text);
    } catch (error) {
      // A bug in the simulator: answer it rather than leave the bot hanging.
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end(`simulator error: ${String(error)}`);
    }
  }
}
