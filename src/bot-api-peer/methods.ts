/**
 * The Bot API methods the peer answers, with Telegram's checks: text limits,
 * keyboards, replies, edits that change nothing, file ids, command menus.
 */
import type { Chat, ChatFullInfo, Message, MenuButton, ReplyKeyboardMarkup } from "grammy/types";
import type { ChatState, ChatStore, MessageContent } from "./chats.js";
import type { CommandMenus } from "./command-menus.js";
import { badRequest } from "./errors.js";
import type { FloodControl } from "./flood-control.js";
import { formatText } from "./html.js";
import { captionOf, contentOf, inlineKeyboard, isObject, visibleContent } from "./markup.js";
import type { ApiParams, ResolvedSimulatorOptions } from "./options.js";
import { integerParam } from "./requests.js";
import type { UpdateQueue } from "./update-queue.js";
import { unixNow } from "./updates.js";

const TEXT_LIMIT = 4096;

const NOT_MODIFIED =
  "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message";

const CHAT_ACTIONS = new Set([
  "typing",
  "upload_photo",
  "record_video",
  "upload_video",
  "record_voice",
  "upload_voice",
  "upload_document",
  "choose_sticker",
  "find_location",
  "record_video_note",
  "upload_video_note",
]);

/** Message fields that make a message a media message (one whose caption can be edited). */
const MEDIA_FIELDS = ["photo", "document", "video", "audio", "animation", "voice"] as const;

export type MethodHandler = (params: ApiParams, signal: AbortSignal) => unknown;

/** The parts of the peer the methods act on. */
export interface PeerCore {
  options(): ResolvedSimulatorOptions;
  chats: ChatStore;
  flood: FloodControl;
  updates: UpdateQueue;
  openCallbackQueries: Set<string>;
  commandMenus: CommandMenus;
  menuButtons: Map<number | "default", MenuButton>;
}

export class BotApiMethods {
  constructor(private readonly core: PeerCore) {}

  /** Method name (as Telegram spells it) → handler. */
  handlers(): Record<string, MethodHandler> {
    return {
      getMe: () => this.core.options().botInfo,
      logOut: () => true,
      close: () => true,
      getUpdates: (p, signal) => this.core.updates.getUpdates(p, signal),
      setWebhook: (p) => this.core.updates.setWebhook(p),
      deleteWebhook: (p) => this.core.updates.deleteWebhook(p),
      getWebhookInfo: () => this.core.updates.webhookInfo(),

      sendMessage: (p) => {
        const chat = this.targetChat(p);
        const { text, entities } = formatText(p.text, p.parse_mode, p.entities);
        if (text.trim() === "") throw badRequest("message text is empty");
        if (text.length > TEXT_LIMIT) throw badRequest("message is too long");
        const extras = this.sendExtras(chat, p);
        this.core.flood.takeSendSlot(chat);
        return this.core.chats.deliver(chat, { text, ...(entities.length > 0 && { entities }), ...extras });
      },
      sendPhoto: (p) => {
        const chat = this.targetChat(p);
        const photo = this.core.chats.photoSizes(p.photo);
        const content = { photo, ...captionOf(p), ...this.sendExtras(chat, p) };
        this.core.flood.takeSendSlot(chat);
        return this.core.chats.deliver(chat, content);
      },
      sendDocument: (p) => {
        const chat = this.targetChat(p);
        const document = this.core.chats.document(p.document);
        const content = { document, ...captionOf(p), ...this.sendExtras(chat, p) };
        this.core.flood.takeSendSlot(chat);
        return this.core.chats.deliver(chat, content);
      },
      copyMessage: (p) => {
        const chat = this.targetChat(p);
        const source = this.sourceMessage(p, "message to copy not found");
        const caption = p.caption !== undefined ? captionOf(p) : {};
        const content = { ...contentOf(source), ...caption, ...this.sendExtras(chat, p) };
        this.core.flood.takeSendSlot(chat);
        return { message_id: this.core.chats.deliver(chat, content).message_id };
      },
      forwardMessage: (p) => {
        const chat = this.targetChat(p);
        const source = this.sourceMessage(p, "message to forward not found");
        const origin = source.from
          ? { type: "user" as const, sender_user: source.from, date: source.date }
          : { type: "chat" as const, sender_chat: source.chat, date: source.date };
        this.core.flood.takeSendSlot(chat);
        return this.core.chats.deliver(chat, { ...contentOf(source), forward_origin: origin });
      },

      editMessageText: (p) => {
        const { text, entities } = formatText(p.text, p.parse_mode, p.entities);
        if (text.trim() === "") throw badRequest("message text is empty");
        if (text.length > TEXT_LIMIT) throw badRequest("message is too long");
        // Like Telegram, an edit without reply_markup removes the inline keyboard.
        const changes = { text, entities: entities.length > 0 ? entities : undefined, reply_markup: inlineKeyboard(p.reply_markup) };
        return this.edit(p, changes, (message) => {
          if (message.text === undefined) throw badRequest("there is no text in the message to edit");
        });
      },
      editMessageCaption: (p) => {
        const { caption, caption_entities } = captionOf(p);
        const changes = { caption, caption_entities, reply_markup: inlineKeyboard(p.reply_markup) };
        return this.edit(p, changes, (message) => {
          if (!MEDIA_FIELDS.some((field) => message[field] !== undefined)) throw badRequest("there is no caption in the message to edit");
        });
      },
      editMessageReplyMarkup: (p) => this.edit(p, { reply_markup: inlineKeyboard(p.reply_markup) }),
      deleteMessage: (p) => {
        const chat = this.targetChat(p);
        const messageId = integerParam(p, "message_id");
        if (messageId === undefined || !this.core.chats.remove(chat, messageId)) throw badRequest("message to delete not found");
        return true;
      },

      answerCallbackQuery: (p) => {
        const id = typeof p.callback_query_id === "string" ? p.callback_query_id : "";
        if (!this.core.openCallbackQueries.delete(id)) throw badRequest("query is too old and response timeout expired or query ID is invalid");
        return true;
      },
      sendChatAction: (p) => {
        const chat = this.targetChat(p);
        if (typeof p.action !== "string" || !CHAT_ACTIONS.has(p.action)) throw badRequest("wrong parameter action in request");
        this.core.chats.emit({ type: "action", chatId: chat.chat.id, action: p.action });
        return true;
      },
      getFile: (p) => {
        const fileId = typeof p.file_id === "string" ? p.file_id : "";
        const file = this.core.chats.file(fileId);
        if (!file) throw badRequest("invalid file_id");
        return { file_id: fileId, file_unique_id: `${fileId}-unique`, file_size: file.size, file_path: `documents/${fileId}/${file.fileName}` };
      },
      getChat: (p) => this.chatInfo(this.targetChat(p, { allowInactive: true }).chat),

      setMyCommands: (p) => {
        this.scopeChat(p);
        this.core.commandMenus.set(p);
        this.core.chats.emit({ type: "commands" });
        return true;
      },
      getMyCommands: (p) => this.core.commandMenus.get(p),
      deleteMyCommands: (p) => {
        this.scopeChat(p);
        this.core.commandMenus.delete(p);
        this.core.chats.emit({ type: "commands" });
        return true;
      },
      setChatMenuButton: (p) => {
        const key = p.chat_id === undefined ? "default" : this.targetChat(p, { allowInactive: true }).chat.id;
        this.core.menuButtons.set(key, isObject(p.menu_button) ? (p.menu_button as unknown as MenuButton) : { type: "default" });
        this.core.chats.emit({ type: "commands" });
        return true;
      },
      getChatMenuButton: (p) => {
        const key = p.chat_id === undefined ? "default" : this.targetChat(p, { allowInactive: true }).chat.id;
        return this.core.menuButtons.get(key) ?? this.core.menuButtons.get("default") ?? { type: "default" };
      },
    };
  }

  /** A command scope naming a chat must name one the bot can reach ("chat not found" otherwise). */
  private scopeChat(p: ApiParams): void {
    const scope = p.scope;
    if (isObject(scope) && scope.chat_id !== undefined && this.core.options().unknownChats.has(this.core.chats.resolveChatId(scope.chat_id))) {
      throw badRequest("chat not found");
    }
  }

  /** The chat a call targets, after Telegram's checks on it. */
  private targetChat(p: ApiParams, { allowInactive = false, field = "chat_id" } = {}): ChatState {
    return this.core.chats.target(this.core.chats.resolveChatId(p[field]), { allowInactive });
  }

  private chatInfo(chat: Chat): ChatFullInfo {
    const common = {
      accent_color_id: 0,
      max_reaction_count: 11,
      accepted_gift_types: { unlimited_gifts: false, limited_gifts: false, unique_gifts: false, premium_subscription: false, gifts_from_channels: false },
    };
    return { ...chat, ...common };
  }

  /** Options shared by the send methods: inline keyboard, reply, protection. */
  private sendExtras(chat: ChatState, p: ApiParams): MessageContent {
    const markup = inlineKeyboard(p.reply_markup);
    this.noteReplyKeyboard(chat, p.reply_markup);
    const replyTo = this.replyTarget(chat, p);
    return {
      ...(markup && { reply_markup: markup }),
      ...(replyTo && { reply_to_message: { ...replyTo, reply_to_message: undefined } }),
      ...(p.protect_content === true && { has_protected_content: true as const }),
    };
  }

  private replyTarget(chat: ChatState, p: ApiParams): Message | undefined {
    const parameters = isObject(p.reply_parameters) ? p.reply_parameters : { message_id: p.reply_to_message_id, allow_sending_without_reply: p.allow_sending_without_reply };
    const messageId = integerParam(parameters, "message_id");
    if (messageId === undefined) return undefined;
    const inChat = parameters.chat_id === undefined ? chat : this.core.chats.state(this.core.chats.resolveChatId(parameters.chat_id));
    const message = inChat.messages.get(messageId);
    if (!message && parameters.allow_sending_without_reply !== true) throw badRequest("message to be replied not found");
    return message;
  }

  private sourceMessage(p: ApiParams, notFound: string): Message {
    const fromChat = this.targetChat(p, { allowInactive: true, field: "from_chat_id" });
    const messageId = integerParam(p, "message_id");
    const message = messageId === undefined ? undefined : fromChat.messages.get(messageId);
    if (!message) throw badRequest(notFound);
    return message;
  }

  /** Applies an edit to a bot message, or answers true for inline messages (which the simulator does not keep). */
  private edit(p: ApiParams, changes: MessageContent, check?: (message: Message) => void): Message | true {
    if (p.inline_message_id !== undefined) return true;
    const chat = this.targetChat(p);
    const messageId = integerParam(p, "message_id");
    if (messageId === undefined) throw badRequest("message identifier is not specified");
    const before = chat.messages.get(messageId);
    if (!before) throw badRequest("message to edit not found");
    if (before.from?.id !== this.core.options().botInfo.id) throw badRequest("message can't be edited");
    check?.(before);
    const after: Message = { ...before, ...changes, edit_date: unixNow() };
    if (visibleContent(after) === visibleContent(before)) throw badRequest(NOT_MODIFIED);
    this.core.flood.takeEditSlot(chat);
    this.core.chats.replace(chat, after);
    return after;
  }


  /**
   * A reply keyboard is not part of the Message Telegram returns, but the chat
   * shows it until the bot removes it (or a one-time keyboard is used).
   */
  private noteReplyKeyboard(chat: ChatState, markup: unknown): void {
    if (!isObject(markup)) return;
    if (Array.isArray(markup.keyboard)) this.core.chats.setReplyKeyboard(chat, markup as unknown as ReplyKeyboardMarkup);
    else if (markup.remove_keyboard === true) this.core.chats.setReplyKeyboard(chat, undefined);
  }
}
