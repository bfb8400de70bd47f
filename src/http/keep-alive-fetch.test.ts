import { Agent, createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { Api, HttpError } from "grammy";
import { keepAliveSafeFetch } from "./keep-alive-fetch.js";

const TOKEN = "123456789:AAFtestTokenForTheClinicBotTests0000";

/**
 * A Bot API that drops a kept-alive connection when the next request comes on it, as a server closing an idle
 * connection does when the request crosses its close: the request is not carried out (no message), the client
 * sees ECONNRESET. `dropReused: false` drops a request on a fresh connection instead.
 */
async function botApi(options: { dropReused: boolean }): Promise<{ apiRoot: string; delivered: string[]; server: Server }> {
  const delivered: string[] = [];
  let dropped = false;
  const server = createServer((request, response) => {
    const socket = request.socket as typeof request.socket & { requestsSeen?: number };
    socket.requestsSeen = (socket.requestsSeen ?? 0) + 1;
    const drop = !dropped && (options.dropReused ? socket.requestsSeen === 2 : delivered.length === 1);
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString()));
    request.on("end", () => {
      if (drop) {
        dropped = true;
        socket.destroy();
        return;
      }
      delivered.push((JSON.parse(body) as { text: string }).text);
      response.setHeader("content-type", "application/json");
      response.end(JSON.stringify({ ok: true, result: { message_id: delivered.length, date: 0, chat: { id: 1, type: "private" }, text: "" } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { apiRoot: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, delivered, server };
}

describe("the Bot API fetch over kept-alive connections", () => {
  const servers: Server[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
  });

  it("sends again, once, a message whose reused connection was closed before Telegram read it", async () => {
    const peer = await botApi({ dropReused: true });
    servers.push(peer.server);
    const api = new Api(TOKEN, { apiRoot: peer.apiRoot, fetch: keepAliveSafeFetch() });
    await api.sendMessage(1, "first");
    const second = await api.sendMessage(1, "second");
    expect(second.message_id).toBe(2);
    expect(peer.delivered).toEqual(["first", "second"]);
  });

  it("does not send again when a fresh connection broke (the message may have arrived)", async () => {
    const peer = await botApi({ dropReused: false });
    servers.push(peer.server);
    const api = new Api(TOKEN, { apiRoot: peer.apiRoot, fetch: keepAliveSafeFetch() });
    await api.sendMessage(1, "first");
    // Each call on a connection of its own, so the one that breaks is fresh.
    const separate = new Api(TOKEN, { apiRoot: peer.apiRoot, fetch: keepAliveSafeFetch(), baseFetchConfig: { agent: new Agent({ keepAlive: false }) } });
    await expect(separate.sendMessage(1, "second")).rejects.toBeInstanceOf(HttpError);
    expect(peer.delivered).toEqual(["first"]);
  });
});
