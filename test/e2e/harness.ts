import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
// The class itself: the package's CommonJS default export does not survive ESM interop cleanly.
import { TelegramServer } from "telegram-test-api/lib/telegramServer.js";
import { afterAll, beforeAll } from "vitest";
import { scratchLocation } from "../kit/test-database.js";
import { PROJECT_ROOT, type Provider } from "../../src/db/schema-files.js";
import { freePort } from "../../src/http/free-port.js";

/** The project root, where `npm start` runs. */
export { PROJECT_ROOT };
export { freePort };
export const E2E_TOKEN = "123456789:AAFendToEndTokenForTheClinicBot00000";


/** A loopback Bot API peer (the independent telegram-test-api emulator). */
export async function startTelegramPeer() {
  const server = new TelegramServer({ port: await freePort(), host: "127.0.0.1", storeTimeout: 600 });
  await server.start();
  return { server, apiRoot: server.config.apiURL, stop: () => server.stop() };
}

export interface BotProcess {
  child: ChildProcess;
  port: number;
  output: () => string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  waitForLog(pattern: RegExp, timeoutMs?: number): Promise<void>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * The node options and script that `npm start` runs (package.json's "start",
 * on what `npm run build` compiled), read from there so that the tests, the crash
 * test and the benchmark run exactly what operators run.
 */
export function startCommand(): string[] {
  const scripts = (JSON.parse(readFileSync(join(PROJECT_ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
  const [program, ...args] = scripts.start!.trim().split(/\s+/);
  if (program !== "node" || args.length === 0) throw new Error(`package.json "start" should be "node [options] <script>", not "${scripts.start}"`);
  assertBuilt(join(PROJECT_ROOT, args.at(-1)!));
  return args;
}

/** The compiled bot must exist (`npm run build`; vitest's global setup, `prebench` and `precrash-test` run it). */
function assertBuilt(entry: string): void {
  if (!existsSync(entry)) throw new Error(`${relative(PROJECT_ROOT, entry)} is missing: run \`npm run build\` first`);
}

/** Starts the bot exactly as `npm start` does (the built bot, see `startCommand`), with the given settings. */
export async function startBotProcess(env: Record<string, string>): Promise<BotProcess> {
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const child = spawn(process.execPath, startCommand(), {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", TZ: "UTC", LOG_LEVEL: "info", PORT: String(port), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  let done = false;
  void exited.then(() => (done = true));

  async function waitForLog(pattern: RegExp, timeoutMs = 20_000) {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(output)) {
      if (done) throw new Error(`the bot exited before logging ${pattern}:\n${output}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}:\n${output}`);
      await sleep(50);
    }
  }

  return {
    child,
    port,
    output: () => output,
    exited,
    waitForLog,
    async stop(signal = "SIGTERM") {
      if (!done) child.kill(signal);
      return exited;
    },
  };
}

export interface BotReply {
  text: string;
  messageId: number;
  buttons: Array<{ text: string; callback_data?: string }>;
}

function toReply(messageId: number, message: { text?: unknown; reply_markup?: unknown }): BotReply {
  const markup = message.reply_markup as { inline_keyboard?: Array<Array<{ text: string; callback_data?: string }>> } | undefined;
  return { text: String(message.text ?? ""), messageId, buttons: markup?.inline_keyboard?.flat() ?? [] };
}

type Client = ReturnType<InstanceType<typeof TelegramServer>["getClient"]>;

/** A patient (or staff member) talking to the bot through the peer. */
export function chatClient(peer: Awaited<ReturnType<typeof startTelegramPeer>>, userId: number, firstName: string) {
  const client: Client = peer.server.getClient(E2E_TOKEN, { userId, chatId: userId, firstName, userName: firstName.toLowerCase(), timeout: 15_000, interval: 50 });
  const received: BotReply[] = [];

  async function collect(): Promise<void> {
    const messages = peer.server.storage.botMessages.filter(
      (update) => update.botToken === E2E_TOKEN && String(update.message.chat_id) === String(userId) && !update.isRead,
    );
    for (const update of messages) {
      update.isRead = true;
      received.push(toReply(update.messageId, update.message));
    }
  }

  return {
    received,
    async command(text: string) {
      await client.sendCommand(client.makeCommand(text));
    },
    async text(text: string) {
      await client.sendMessage(client.makeMessage(text));
    },
    async press(reply: BotReply, data: string) {
      if (!reply.buttons.some((button) => button.callback_data === data)) throw new Error(`no button ${data} on: ${reply.text}`);
      await client.sendCallback(client.makeCallbackQuery(data, { message: { message_id: reply.messageId } }));
    },
    /** Waits until the bot edits one of its messages so that its text matches `pattern`. */
    async edited(reply: BotReply, pattern: RegExp, timeoutMs = 15_000): Promise<BotReply> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const stored = peer.server.storage.botMessages.find((update) => update.botToken === E2E_TOKEN && update.messageId === reply.messageId);
        if (stored && pattern.test(String(stored.message.text ?? ""))) return toReply(stored.messageId, stored.message);
        if (Date.now() > deadline) throw new Error(`message ${reply.messageId} was not edited to match ${pattern}`);
        await sleep(50);
      }
    },
    /** Waits for the next message matching `pattern` sent to this chat. */
    async waitFor(pattern: RegExp, timeoutMs = 15_000): Promise<BotReply> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        await collect();
        const match = received.find((reply) => pattern.test(reply.text));
        if (match) {
          received.splice(received.indexOf(match), 1);
          return match;
        }
        if (Date.now() > deadline) throw new Error(`no message matching ${pattern}; got: ${JSON.stringify(received.map((r) => r.text))}`);
        await sleep(50);
      }
    },
  };
}

/** The callback data of the button whose label matches, failing with what the message did offer. */
export function buttonData(reply: BotReply, label: RegExp): string {
  const found = reply.buttons.find((entry) => label.test(entry.text));
  if (!found?.callback_data) throw new Error(`no button ${label} on "${reply.text}": ${JSON.stringify(reply.buttons)}`);
  return found.callback_data;
}

export interface PeerAndDatabase {
  peer: Awaited<ReturnType<typeof startTelegramPeer>>;
  location: ReturnType<typeof scratchLocation>;
  /** Starts the real bot against the peer and the database (plus `env`), once it is ready to serve. */
  start(env?: Record<string, string>): Promise<BotProcess>;
}

/**
 * For one describe block: a telegram-test-api peer and a fresh database,
 * ready before its tests; afterwards the last bot started is killed and both
 * are removed.
 */
export function usePeerAndDatabase(provider: Provider): PeerAndDatabase {
  let bot: BotProcess | undefined;
  const setting = {
    async start(env: Record<string, string> = {}) {
      bot = await startBotProcess({ BOT_TOKEN: E2E_TOKEN, TELEGRAM_API_ROOT: setting.peer.apiRoot, DATABASE_URL: setting.location.url, ...env });
      await bot.waitForLog(/"bot initialised"/);
      return bot;
    },
  } as PeerAndDatabase;
  beforeAll(async () => {
    setting.peer = await startTelegramPeer();
    setting.location = scratchLocation(provider);
  });
  afterAll(async () => {
    await bot?.stop("SIGKILL");
    await setting.peer.stop();
    await setting.location.cleanup();
  });
  return setting;
}
