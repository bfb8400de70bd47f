/**
 * What the peer's own tests share: a token, two users, and bots wired to a
 * peer over either transport. Everything made here is closed by `closeAll()`.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Bot, GrammyError, webhookCallback } from "grammy";
import { BotApiSimulator, type ApiResponse, type BotApiSimulatorOptions } from "./index.js";
import { user } from "./updates.js";

export const TOKEN = "123456:TEST-TOKEN";
export const alice = user(1001, { first_name: "Alice" });
export const bob = user(1002, { first_name: "Bob" });

const simulators: BotApiSimulator[] = [];
const servers: Server[] = [];

export async function closeAll(): Promise<void> {
  await Promise.all(simulators.splice(0).map((sim) => sim.close()));
  for (const server of servers.splice(0)) {
    server.close();
    server.closeAllConnections();
  }
}

export function simulator(options?: BotApiSimulatorOptions): BotApiSimulator {
  const sim = new BotApiSimulator(options);
  simulators.push(sim);
  return sim;
}

/** A bot that reaches the simulator over loopback HTTP. */
export async function httpBot(sim: BotApiSimulator, options: { skipGetMe?: boolean } = {}): Promise<Bot> {
  const { apiRoot } = await sim.listen();
  return new Bot(TOKEN, { ...(options.skipGetMe !== false && { botInfo: sim.botInfo }), client: { apiRoot } });
}

/** A bot that reaches the simulator through `sim.fetch`, without sockets. */
export function fetchBot(sim: BotApiSimulator): Bot {
  return new Bot(TOKEN, { botInfo: sim.botInfo, client: { fetch: sim.fetch } });
}

/** Calls a method with exactly these parameters, bypassing grammY's typing. */
export async function callRaw(sim: BotApiSimulator, method: string, params: object): Promise<{ status: number; body: ApiResponse }> {
  const response = await sim.fetch(`https://api.telegram.org/bot${TOKEN}/${method}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(params),
  });
  return { status: response.status, body: (await response.json()) as ApiResponse };
}

/** The GrammyError (or other error) a call fails with. */
export async function failure(call: Promise<unknown>): Promise<GrammyError> {
  const error: unknown = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof GrammyError)) throw new Error(`expected a GrammyError, got ${String(error)}`);
  return error;
}

export async function listenWebhook(bot: Bot, secretToken: string): Promise<string> {
  const handleUpdate = webhookCallback(bot, "http", { secretToken });
  const server = createServer((req, res) => void handleUpdate(req, res));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`;
}
