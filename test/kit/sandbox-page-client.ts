import { setTimeout as sleep } from "node:timers/promises";
import type { MessageView, SandboxEvent } from "../../src/sandbox/views.js";

/**
 * The sandbox page without a browser: what the page's script does over HTTP
 * (its actions as POSTs, what the chats show from the server-sent events),
 * for tests about what happens in the chats rather than how it is drawn.
 */
export class SandboxPageClient {
  /** Each chat's messages as the page shows them now: edits applied, deletions gone. */
  private readonly chats = new Map<number, Map<number, MessageView>>();
  private clockIso = "";
  /** The chats on the page: id → name. */
  readonly chatNames = new Map<number, string>();

  private constructor(
    private readonly base: string,
    private readonly stream: AbortController,
  ) {}

  /** Connects to the page's event stream and waits for its first snapshot. */
  static async connect(pageUrl: string): Promise<SandboxPageClient> {
    const stream = new AbortController();
    const client = new SandboxPageClient(pageUrl.replace(/\/$/, ""), stream);
    const response = await fetch(`${client.base}/events`, { signal: stream.signal });
    if (!response.ok || !response.body) throw new Error(`GET /events answered ${response.status}`);
    let snapshot = false;
    void client.read(response.body, () => (snapshot = true)).catch(() => undefined);
    const deadline = Date.now() + 10_000;
    while (!snapshot) {
      if (Date.now() > deadline) throw new Error("no snapshot on /events");
      await sleep(10);
    }
    return client;
  }

  close(): void {
    this.stream.abort();
  }

  /** The sandbox clock as the page shows it. */
  get clock(): string {
    return this.clockIso;
  }

  async post<T = unknown>(path: string, body: object): Promise<T> {
    const response = await fetch(`${this.base}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const answer = (await response.json()) as T & { error?: string };
    if (!response.ok) throw new Error(`POST ${path} answered ${response.status}: ${answer.error}`);
    return answer;
  }

  async addPatient(name: string, language: "en" | "fr" = "en"): Promise<number> {
    return (await this.post<{ id: number }>("/api/patients", { name, language })).id;
  }

  send(chatId: number, text: string): Promise<unknown> {
    return this.post("/api/send", { chatId, text });
  }

  shareContact(chatId: number): Promise<unknown> {
    return this.post("/api/contact", { chatId });
  }

  /** One of the page's clock controls, or an exact time. */
  async moveClock(to: "plus-1h" | "plus-1d" | "next-monday-9" | "plus-1w" | Date): Promise<string> {
    return (await this.post<{ clock: string }>("/api/clock", { to: to instanceof Date ? to.toISOString() : to })).clock;
  }

  /** The bot's messages in the chat as shown now, oldest first, as plain text. */
  botTexts(chatId: number): string[] {
    return [...(this.chats.get(chatId)?.values() ?? [])].filter((message) => message.fromBot).map(plainText);
  }

  /** Waits for the bot's latest message in the chat whose text matches. */
  async waitFor(chatId: number, pattern: RegExp, timeoutMs = 15_000): Promise<MessageView & { text: string }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = [...(this.chats.get(chatId)?.values() ?? [])].reverse().find((message) => message.fromBot && pattern.test(plainText(message)));
      if (found) return { ...found, text: plainText(found) };
      if (Date.now() > deadline) throw new Error(`chat ${chatId} shows no message matching ${pattern}; it shows: ${JSON.stringify(this.botTexts(chatId))}`);
      await sleep(20);
    }
  }

  /** Waits for the bot's message matching `pattern`, then presses its button whose label matches `label`. */
  async press(chatId: number, pattern: RegExp, label: RegExp): Promise<void> {
    const message = await this.waitFor(chatId, pattern);
    const button = message.buttons.flat().find((entry) => entry.data !== undefined && label.test(entry.text));
    if (!button) throw new Error(`no button ${label} on "${message.text}": ${JSON.stringify(message.buttons)}`);
    await this.post("/api/press", { chatId, messageId: message.id, data: button.data });
  }

  private async read(body: ReadableStream<Uint8Array>, onSnapshot: () => void): Promise<void> {
    const decoder = new TextDecoder();
    let buffered = "";
    for await (const chunk of body) {
      buffered += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buffered.indexOf("\n\n")) >= 0) {
        const frame = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        const event = /^event: (.*)$/m.exec(frame)?.[1];
        const data = /^data: (.*)$/m.exec(frame)?.[1];
        if (data === undefined) continue;
        if (event === "snapshot") {
          const snapshot = JSON.parse(data) as { chats: Array<{ id: number; name: string; messages: MessageView[] }>; clock: string };
          for (const chat of snapshot.chats) {
            this.chats.set(chat.id, new Map(chat.messages.map((message) => [message.id, message])));
            this.chatNames.set(chat.id, chat.name);
          }
          this.clockIso = snapshot.clock;
          onSnapshot();
        } else {
          this.apply(JSON.parse(data) as SandboxEvent);
        }
      }
    }
  }

  private apply(event: SandboxEvent): void {
    const chat = (id: number) => this.chats.get(id) ?? this.chats.set(id, new Map()).get(id)!;
    switch (event.type) {
      case "message":
      case "edited":
        chat(event.chatId).set(event.message.id, event.message);
        return;
      case "deleted":
        chat(event.chatId).delete(event.messageId);
        return;
      case "chat":
        this.chats.set(event.chat.id, new Map(event.chat.messages.map((message) => [message.id, message])));
        this.chatNames.set(event.chat.id, event.chat.name);
        return;
      case "clock":
        this.clockIso = event.clock;
        return;
      default:
        return;
    }
  }
}

/** The text a person reads in a message the page drew (its safe HTML without tags). */
function plainText(message: MessageView): string {
  return message.html
    .replace(/<br>/g, "\n")
    .replace(/<[^>]+>/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");
}
