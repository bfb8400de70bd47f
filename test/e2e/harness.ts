import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { Message, Update, User } from "grammy/types";
import { afterAll, beforeAll } from "vitest";
import { scratchLocation } from "../kit/test-database.js";
import { PROJECT_ROOT, type Provider } from "../../src/db/schema-files.js";
import { freePort } from "../../src/http/free-port.js";
import { BotApiSimulator, buttonsOf } from "../../src/bot-api-peer/index.js";
import { callbackQuery, privateChat, user } from "../../src/bot-api-peer/updates.js";

/** The project root, where `npm start` runs. */
export { PROJECT_ROOT };
export { freePort };
export const E2E_TOKEN = "123456789:AAFendToEndTokenForTheClinicBot00000";


/**
 * The project's Bot API peer (src/bot-api-peer) on loopback HTTP, with
 * Telegram's flood limits, accepting only E2E_TOKEN: the built bot process
 * reaches it through TELEGRAM_API_ROOT.
 */
export async function startTelegramPeer(): Promise<{ peer: BotApiSimulator; apiRoot: string; stop: () => Promise<void> }> {
  const peer = new BotApiSimulator({ token: E2E_TOKEN });
  const { apiRoot } = await peer.listen();
  return { peer, apiRoot, stop: () => peer.close() };
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
  /** The text as the chat shows it (Telegram's HTML parsed away). */
  text: string;
  messageId: number;
  chatId: number;
  buttons: Array<{ text: string; callback_data?: string }>;
}

function toReply(message: Message): BotReply {
  return { text: message.text ?? message.caption ?? "", messageId: message.message_id, chatId: message.chat.id, buttons: buttonsOf(message) };
}

/** A patient (or staff member) talking to the bot in their private chat through the peer, as the Telegram app would. */
export function chatClient(peer: BotApiSimulator, userId: number, firstName: string, profile: Partial<User> = {}) {
  const from = user(userId, { first_name: firstName, last_name: undefined, username: firstName.toLowerCase(), ...profile });
  const received: BotReply[] = [];
  /** How many of the bot's deliveries to this chat are already in `received` (or taken from it). */
  let seen = 0;

  function collect(): void {
    const delivered = peer.delivered(userId);
    for (const message of delivered.slice(seen)) received.push(toReply(message));
    seen = delivered.length;
  }

  return {
    user: from,
    received,
    async command(text: string) {
      const [name, ...args] = text.trim().split(/\s+/);
      peer.sendCommand(from, name!, args.join(" ") || undefined);
    },
    async text(text: string) {
      peer.sendText(from, text);
    },
    /** Presses the button carrying `data` on the bot's message as the chat shows it now (the peer refuses a button that is not there). */
    async press(reply: BotReply, data: string) {
      const message = peer.message(reply.chatId, reply.messageId);
      if (!message) throw new Error(`message ${reply.messageId} is gone from chat ${reply.chatId}`);
      peer.pressButton(from, message, data);
    },
    /**
     * What a modified client can send: a button press carrying `data` from
     * this person's own chat (or on `on`, a message of another chat they are in),
     * whatever the bot offered there. Returns the update, whose id the answer names.
     */
    async forgePress(data: string, on?: BotReply): Promise<Update> {
      const message = (on && peer.message(on.chatId, on.messageId)) ?? peer.lastMessageTo(userId) ?? { message_id: 1, date: 0, chat: privateChat(from) };
      return peer.pushUpdate(callbackQuery(from, data, message as Message));
    },
    /** Waits until the bot edits one of its messages so that its text matches `pattern`. */
    async edited(reply: BotReply, pattern: RegExp, timeoutMs = 15_000): Promise<BotReply> {
      const current = await peer
        .waitFor(() => {
          const message = peer.message(reply.chatId, reply.messageId);
          return message && pattern.test(message.text ?? message.caption ?? "") ? message : undefined;
        }, timeoutMs)
        .catch(() => {
          throw new Error(`message ${reply.messageId} was not edited to match ${pattern}; it reads: ${peer.message(reply.chatId, reply.messageId)?.text}`);
        });
      return toReply(current);
    },
    /** Waits for the next message matching `pattern` sent to this chat. */
    async waitFor(pattern: RegExp, timeoutMs = 15_000): Promise<BotReply> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        collect();
        const match = received.find((reply) => pattern.test(reply.text));
        if (match) {
          received.splice(received.indexOf(match), 1);
          return match;
        }
        if (Date.now() > deadline) throw new Error(`no message matching ${pattern}; got: ${JSON.stringify(received.map((r) => r.text))}`);
        await sleep(20);
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
  peer: BotApiSimulator;
  location: ReturnType<typeof scratchLocation>;
  /** Starts the real bot against the peer and the database (plus `env`), once it is ready to serve. */
  start(env?: Record<string, string>): Promise<BotProcess>;
}

/**
 * For one describe block: the Bot API peer on loopback and a fresh database,
 * ready before its tests; afterwards the last bot started is killed and both
 * are removed.
 */
export function usePeerAndDatabase(provider: Provider): PeerAndDatabase {
  let bot: BotProcess | undefined;
  let served: Awaited<ReturnType<typeof startTelegramPeer>>;
  const setting = {
    async start(env: Record<string, string> = {}) {
      bot = await startBotProcess({ BOT_TOKEN: E2E_TOKEN, TELEGRAM_API_ROOT: served.apiRoot, DATABASE_URL: setting.location.url, ...env });
      await bot.waitForLog(/"bot initialised"/);
      return bot;
    },
  } as PeerAndDatabase;
  beforeAll(async () => {
    served = await startTelegramPeer();
    setting.peer = served.peer;
    setting.location = scratchLocation(provider);
  });
  afterAll(async () => {
    await bot?.stop("SIGKILL");
    await served?.stop();
    await setting.location.cleanup();
  });
  return setting;
}
