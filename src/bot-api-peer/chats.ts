/**
 * The chats the peer knows: what is in each one now (edits applied, deletions
 * gone), what the bot delivered, in order, and the files it sent. Everything
 * that changes a chat is announced to the listeners (the sandbox page shows
 * chats live from these events).
 */
import type { Chat, Document, Message, PhotoSize, ReplyKeyboardMarkup, User } from "grammy/types";
import { badRequest, forbidden } from "./errors.js";
import { defaultChat, isUrl, mimeTypeOf } from "./markup.js";
import type { ResolvedSimulatorOptions } from "./options.js";
import { UploadedFile } from "./requests.js";
import { unixNow } from "./updates.js";

export type MessageContent = Omit<Partial<Message>, "message_id" | "date" | "chat" | "from">;

export interface ChatState {
  chat: Chat;
  nextMessageId: number;
  /** What is in the chat now, users' and bot's messages: edits applied, deletions gone. */
  messages: Map<number, Message>;
  /** What the bot delivered here, as delivered, in order. */
  delivered: Message[];
  /** The reply keyboard the bot last showed here, until it removes it. */
  replyKeyboard: ReplyKeyboardMarkup | undefined;
  /** Per-chat flood allowance (token bucket), created on the first send. */
  sendAllowance: { tokens: number; at: number } | undefined;
  /** Times of the accepted edits in the last minute. */
  editTimes: number[];
}

/** What changed in a chat, for whoever watches the peer live. */
export type PeerEvent =
  | { type: "message"; message: Message }
  | { type: "edited"; message: Message }
  | { type: "deleted"; chatId: number; messageId: number }
  | { type: "action"; chatId: number; action: string }
  | { type: "keyboard"; chatId: number; keyboard: ReplyKeyboardMarkup | undefined }
  /** The command menus or a chat's menu button changed. */
  | { type: "commands" };

export type PeerListener = (event: PeerEvent) => void;

export class ChatStore {
  private chats = new Map<number, ChatState>();
  /** Every message the bot delivered, all chats, in order. */
  private deliveries: Message[] = [];
  private files = new Map<string, UploadedFile>();
  private lastFileNumber = 0;
  private listeners = new Set<PeerListener>();

  constructor(private readonly options: () => ResolvedSimulatorOptions) {}

  /** Calls `listener` on every change; returns the function that stops it. */
  subscribe(listener: PeerListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: PeerEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A watcher's failure is not the bot's: the call still succeeds.
      }
    }
  }

  /** The chat a call targets, after Telegram's checks on it. */
  target(id: number, { allowInactive = false } = {}): ChatState {
    const opts = this.options();
    if (opts.unknownChats.has(id)) throw badRequest("chat not found");
    if (!allowInactive && opts.blockedChats.has(id)) throw forbidden("bot was blocked by the user");
    if (!allowInactive && opts.deactivatedChats.has(id)) throw forbidden("user is deactivated");
    return this.state(id);
  }

  resolveChatId(value: unknown): number {
    if (value === undefined || value === null || value === "") throw badRequest("chat_id is empty");
    if (typeof value === "number" && Number.isInteger(value)) return value;
    if (typeof value === "string" && /^-?\d+$/.test(value)) return Number(value);
    if (typeof value === "string" && value.startsWith("@")) {
      const username = value.slice(1);
      for (const state of this.chats.values()) if (state.chat.username === username) return state.chat.id;
    }
    throw badRequest("chat not found");
  }

  state(id: number, known?: Chat): ChatState {
    let state = this.chats.get(id);
    if (!state) {
      state = {
        chat: known ?? defaultChat(id),
        nextMessageId: 1,
        messages: new Map(),
        delivered: [],
        replyKeyboard: undefined,
        sendAllowance: undefined,
        editTimes: [],
      };
      this.chats.set(id, state);
    } else if (known) {
      state.chat = known;
    }
    return state;
  }

  find(id: number): ChatState | undefined {
    return this.chats.get(id);
  }

  /** A message a user sent (from an update): kept so the bot can reply to, copy or forward it. */
  receive(message: Message): void {
    const chat = this.state(message.chat.id, message.chat);
    const known = chat.messages.has(message.message_id);
    if (!known) chat.messages.set(message.message_id, message);
    chat.nextMessageId = Math.max(chat.nextMessageId, message.message_id + 1);
    if (!known) this.emit({ type: "message", message });
  }

  deliver(chat: ChatState, content: MessageContent): Message {
    const message: Message = { ...content, message_id: chat.nextMessageId++, from: this.botUser(), chat: chat.chat, date: unixNow() };
    chat.messages.set(message.message_id, message);
    chat.delivered.push(message);
    this.deliveries.push(message);
    this.emit({ type: "message", message });
    return message;
  }

  replace(chat: ChatState, message: Message): void {
    chat.messages.set(message.message_id, message);
    this.emit({ type: "edited", message });
  }

  remove(chat: ChatState, messageId: number): boolean {
    if (!chat.messages.delete(messageId)) return false;
    this.emit({ type: "deleted", chatId: chat.chat.id, messageId });
    return true;
  }

  setReplyKeyboard(chat: ChatState, keyboard: ReplyKeyboardMarkup | undefined): void {
    chat.replyKeyboard = keyboard;
    this.emit({ type: "keyboard", chatId: chat.chat.id, keyboard });
  }

  botUser(): User {
    const { id, first_name, username } = this.options().botInfo;
    return { id, is_bot: true, first_name, username };
  }

  /** Every message the bot delivered, or those to one chat, in order. */
  delivered(chatId?: number): Message[] {
    return chatId === undefined ? [...this.deliveries] : [...(this.chats.get(chatId)?.delivered ?? [])];
  }

  photoSizes(value: unknown): PhotoSize[] {
    if (value instanceof UploadedFile) {
      const id = this.keep("photo", value);
      return [
        { file_id: `${id}-s`, file_unique_id: `${id}-s-unique`, width: 90, height: 90, file_size: Math.min(value.size, 2_000) },
        { file_id: id, file_unique_id: `${id}-unique`, width: 1280, height: 1280, file_size: value.size },
      ];
    }
    if (typeof value === "string" && value !== "") {
      const id = isUrl(value) ? this.newFileId("photo") : value;
      return [{ file_id: id, file_unique_id: `${id}-unique`, width: 1280, height: 1280 }];
    }
    throw badRequest("there is no photo in the request");
  }

  document(value: unknown): Document {
    if (value instanceof UploadedFile) {
      const id = this.keep("document", value);
      return { file_id: id, file_unique_id: `${id}-unique`, file_name: value.fileName, mime_type: mimeTypeOf(value.fileName), file_size: value.size };
    }
    if (typeof value === "string" && value !== "") {
      if (!isUrl(value)) return { file_id: value, file_unique_id: `${value}-unique` };
      const id = this.newFileId("document");
      const fileName = new URL(value).pathname.split("/").pop() || "file";
      return { file_id: id, file_unique_id: `${id}-unique`, file_name: fileName, mime_type: mimeTypeOf(fileName) };
    }
    throw badRequest("there is no document in the request");
  }

  /** The bytes of a file the bot uploaded, by its file_id. */
  file(fileId: string): UploadedFile | undefined {
    return this.files.get(fileId);
  }

  private keep(kind: string, file: UploadedFile): string {
    const id = this.newFileId(kind);
    this.files.set(id, file);
    return id;
  }

  private newFileId(kind: string): string {
    return `sim-${kind}-${++this.lastFileNumber}`;
  }

  /** Chat id → number of messages the bot delivered there. */
  deliveryCounts(): Map<number, number> {
    const counts = new Map<number, number>();
    for (const message of this.deliveries) counts.set(message.chat.id, (counts.get(message.chat.id) ?? 0) + 1);
    return counts;
  }

  clear(): void {
    this.chats.clear();
    this.deliveries = [];
    this.files.clear();
    this.lastFileNumber = 0;
  }
}
