/**
 * Builders for the Telegram updates the tests feed to the bot. Each builder
 * returns a complete `Update`, shaped like what Telegram sends, with an
 * update_id (and message_id) that increases across the whole test file, so
 * several updates built in a row can be handled in order.
 */
import type { CallbackQuery, Chat, Message, MessageEntity, PhotoSize, Update, User, UserFromGetMe } from "grammy/types";

/** A chat a user can write to the bot from: anything but a channel. */
export type NonChannelChat = Exclude<Chat, Chat.ChannelChat>;

export interface MessageOptions {
  /** Defaults to the private chat with the sender. */
  chat?: NonChannelChat;
  /** Defaults to the next number of a file-wide counter. */
  messageId?: number;
  /** Unix time in seconds; defaults to now. */
  date?: number;
  /** Makes the message a reply to this one. */
  replyTo?: Message;
}

let lastUpdateId = 0;
let lastMessageId = 0;
let lastFileId = 0;
let lastCallbackQueryId = 0;

/** The current time in Unix seconds, as Telegram dates messages. */
export function unixNow(): number {
  return Math.floor(Date.now() / 1000);
}

/** The bot as `getMe` describes it; pass it as `botInfo` to skip the getMe call. */
export function testBotInfo(overrides: Partial<UserFromGetMe> = {}): UserFromGetMe {
  return {
    id: 7_000_000_001,
    is_bot: true,
    first_name: "Test Bot",
    username: "test_bot",
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
    has_topics_enabled: false,
    allows_users_to_create_topics: false,
    can_manage_bots: false,
    supports_join_request_queries: false,
    ...overrides,
  };
}

export function user(id: number, overrides: Partial<User> = {}): User {
  return { id, is_bot: false, first_name: "Test", last_name: `User${id}`, username: `user${id}`, language_code: "en", ...overrides };
}

export function privateChat(from: User): Chat.PrivateChat {
  return {
    id: from.id,
    type: "private",
    first_name: from.first_name,
    ...(from.last_name !== undefined && { last_name: from.last_name }),
    ...(from.username !== undefined && { username: from.username }),
  };
}

export function groupChat(id: number, title = `Group ${-id}`): Chat.GroupChat {
  return { id, type: "group", title };
}

export function channelChat(id: number, title = `Channel ${-id}`): Chat.ChannelChat {
  return { id, type: "channel", title };
}

/**
 * The next update_id. One counter for every update this process makes, whether a builder made it or the peer
 * queued it: like Telegram's, an update_id is never given twice, so a bot that drops updates it has seen (by
 * their id) drops only real copies.
 */
export function nextUpdateId(): number {
  return ++lastUpdateId;
}

/** Later update ids come after `updateId`: a bot whose database remembers ids from an earlier run sees new ones. */
export function continueUpdateIdsAfter(updateId: number): void {
  lastUpdateId = Math.max(lastUpdateId, updateId);
}

function nextFile(prefix: string): { file_id: string; file_unique_id: string } {
  const n = ++lastFileId;
  return { file_id: `${prefix}-file-${n}`, file_unique_id: `${prefix}-unique-${n}` };
}

/** A message from a user, wrapped in an update; `content` is the text, media, contact... */
function messageUpdate(from: User, content: Partial<Message>, options: MessageOptions = {}): Update {
  const message: Message & Update.NonChannel = {
    ...content,
    message_id: options.messageId ?? ++lastMessageId,
    from,
    chat: options.chat ?? privateChat(from),
    date: options.date ?? unixNow(),
    ...(options.replyTo !== undefined && { reply_to_message: { ...options.replyTo, reply_to_message: undefined } }),
  };
  return { update_id: nextUpdateId(), message };
}

export function textMessage(from: User, text: string, options?: MessageOptions & { entities?: MessageEntity[] }): Update {
  const entities = options?.entities;
  return messageUpdate(from, { text, ...(entities !== undefined && { entities }) }, options);
}

/** A command as the Telegram app sends it: "/start args", with its bot_command entity. */
export function command(from: User, name: string, args?: string, options?: MessageOptions): Update {
  const commandText = name.startsWith("/") ? name : `/${name}`;
  const text = args === undefined || args === "" ? commandText : `${commandText} ${args}`;
  return textMessage(from, text, { ...options, entities: [{ type: "bot_command", offset: 0, length: commandText.length }] });
}

/** The user pressed an inline button with `data`, on `message` when given. */
export function callbackQuery(from: User, data: string, message?: Message): Update {
  const query: CallbackQuery = {
    id: `cbq-${++lastCallbackQueryId}`,
    from,
    chat_instance: `instance-${message?.chat.id ?? from.id}`,
    data,
    ...(message !== undefined && { message }),
  };
  return { update_id: nextUpdateId(), callback_query: query };
}

/** The user shared their own contact (the "share my phone number" button). */
export function contactMessage(from: User, phoneNumber: string, options?: MessageOptions): Update {
  return messageUpdate(
    from,
    { contact: { phone_number: phoneNumber, first_name: from.first_name, user_id: from.id, ...(from.last_name !== undefined && { last_name: from.last_name }) } },
    options,
  );
}

export function stickerMessage(from: User, options?: MessageOptions): Update {
  return messageUpdate(
    from,
    { sticker: { ...nextFile("sticker"), type: "regular", width: 512, height: 512, is_animated: false, is_video: false, emoji: "👍" } },
    options,
  );
}

export function voiceMessage(from: User, options?: MessageOptions & { durationSeconds?: number }): Update {
  return messageUpdate(from, { voice: { ...nextFile("voice"), duration: options?.durationSeconds ?? 3, mime_type: "audio/ogg", file_size: 12_345 } }, options);
}

export function photoMessage(from: User, caption?: string, options?: MessageOptions): Update {
  const photo: PhotoSize[] = [
    { ...nextFile("photo"), width: 90, height: 90, file_size: 1_500 },
    { ...nextFile("photo"), width: 1280, height: 1280, file_size: 120_000 },
  ];
  return messageUpdate(from, { photo, ...(caption !== undefined && { caption }) }, options);
}

/** The user edited their earlier text message `messageId` (in their private chat unless `chat` is given). */
export function editedMessage(from: User, messageId: number, text: string, options?: Omit<MessageOptions, "messageId">): Update {
  const date = options?.date ?? unixNow();
  return {
    update_id: nextUpdateId(),
    edited_message: { message_id: messageId, from, chat: options?.chat ?? privateChat(from), date, edit_date: date, text },
  };
}

/**
 * The user blocked the bot ("kicked") or unblocked / started it again
 * ("member"); Telegram sends this in private chats for exactly these two.
 */
export function myChatMember(from: User, status: "kicked" | "member", bot: User = testBotInfo()): Update {
  const member = { status: "member" as const, user: bot };
  const kicked = { status: "kicked" as const, user: bot, until_date: 0 };
  return {
    update_id: nextUpdateId(),
    my_chat_member: {
      chat: privateChat(from),
      from,
      date: unixNow(),
      old_chat_member: status === "kicked" ? member : kicked,
      new_chat_member: status === "kicked" ? kicked : member,
    },
  };
}

/** A text message in a group (a staff group, say); defaults to group -100. */
export function groupMessage(from: User, text: string, options?: MessageOptions): Update {
  return textMessage(from, text, { ...options, chat: options?.chat ?? groupChat(-100) });
}

/** A post in a channel the bot administers: no sender user, the channel signs it. */
export function channelPost(text: string, chat: Chat.ChannelChat = channelChat(-1_001_000_000_001), options?: Omit<MessageOptions, "chat">): Update {
  return {
    update_id: nextUpdateId(),
    channel_post: { message_id: options?.messageId ?? ++lastMessageId, sender_chat: chat, chat, date: options?.date ?? unixNow(), text },
  };
}
