import type { Db } from "../db/database.js";

/**
 * Everything the bot keeps about one person, in one place, so that /mydata
 * exports all of it and /forget erases all of it. A feature that stores new
 * personal data adds it here (export and erase), next to its siblings.
 */
export interface PersonalDataRepository {
  /** A plain, JSON-ready copy of what is stored about the patient. */
  export(userId: number | bigint): Promise<Record<string, unknown> | null>;
  /**
   * Erases the patient's personal data: their user row (and with it, by
   * cascade, their subscription, tips received and consents), the messages
   * still waiting for them, the text of messages already sent, and their
   * conversation state; their appointment requests and appointments keep only
   * what the clinic's records need (service, practitioner, time, status).
   * Staff notices about them (request cards, red-flag alerts, cancellation
   * and stale-request notices) lose their text too, and what still waits to be
   * sent about or to them (announcements held by a pause included) is cancelled.
   * Returns the ids of their appointment requests (whose staff cards now show
   * no details), or null when nothing was stored.
   */
  erase(userId: number | bigint): Promise<{ requestIds: number[] } | null>;
  recordConsent(userId: number | bigint, purpose: string, textVersion: string): Promise<void>;
  /** Whether the patient agreed to this purpose in this version of its wording (a newer wording asks again). */
  hasConsent(userId: number | bigint, purpose: string, textVersion: string): Promise<boolean>;
  /**
   * Deletes conversations nobody touched since `before` (a booking left
   * half-way), even if the patient never writes again. Returns how many.
   */
  deleteConversationsIdleSince(before: Date): Promise<number>;
}

/** Conversation state is stored per chat under this prefix (see create-bot.ts). */
export const CONVERSATION_KEY_PREFIX = "conversation:";

export function createPersonalDataRepository(db: Db): PersonalDataRepository {
  return {
    async export(userId) {
      const id = BigInt(userId);
      const user = await db.user.findUnique({
        where: { id },
        include: { tipSubscription: true, tipDeliveries: { orderBy: { deliveredAt: "asc" } }, consents: true },
      });
      if (!user) return null;
      const { tipSubscription, tipDeliveries, consents, ...profile } = user;
      const messages = await db.outboxMessage.findMany({
        where: { chatId: user.chatId },
        orderBy: { id: "asc" },
        select: { kind: true, status: true, dueAt: true, sentAt: true, payload: true },
      });
      const requests = await db.appointmentRequest.findMany({ where: { userId: id }, orderBy: { id: "asc" } });
      const appointments = await db.appointment.findMany({ where: { userId: id }, orderBy: { id: "asc" } });
      const waitlist = await db.waitlistEntry.findMany({ where: { userId: id }, orderBy: { id: "asc" } });
      const conversation = await db.session.findUnique({ where: { key: `${CONVERSATION_KEY_PREFIX}${user.chatId}` } });
      return {
        profile,
        appointmentRequests: requests.map(({ userId: _user, chatId: _chat, handledById: _staff, ...request }) => request),
        appointments: appointments.map(({ userId: _user, chatId: _chat, ...appointment }) => appointment),
        waitlist: waitlist.map(({ userId: _user, chatId: _chat, ...entry }) => entry),
        tipSubscription,
        tipsReceived: tipDeliveries.map(({ tipId, source, deliveredAt }) => ({ tipId, source, deliveredAt })),
        consents: consents.map(({ purpose, textVersion, grantedAt }) => ({ purpose, textVersion, grantedAt })),
        messagesFromTheBot: messages.map(({ payload, ...message }) => ({ ...message, text: textOf(payload) })),
        bookingInProgress: conversation ? { lastChangedAt: conversation.updatedAt, ...whatTheConversationHolds(conversation.value) } : null,
      };
    },

    async erase(userId) {
      const id = BigInt(userId);
      return db.$transaction(async (tx) => {
        const user = await tx.user.findUnique({ where: { id }, select: { chatId: true } });
        if (!user) return null;
        const toThem = { OR: [{ chatId: user.chatId }, { userId: id }] };
        const aboutThem = { aboutUserId: id };
        const waiting = { status: { in: ["pending", "held", "claimed"] } };
        await tx.outboxMessage.updateMany({ where: { ...toThem, ...waiting }, data: { status: "cancelled" } });
        await tx.outboxMessage.updateMany({ where: { ...aboutThem, ...waiting }, data: { status: "cancelled" } });
        await tx.outboxMessage.updateMany({ where: toThem, data: { payload: null, userId: null } });
        await tx.outboxMessage.updateMany({ where: aboutThem, data: { payload: null, aboutUserId: null } });
        await tx.session.deleteMany({ where: { key: { in: [`${CONVERSATION_KEY_PREFIX}${user.chatId}`, String(user.chatId)] } } });
        const requests = await tx.appointmentRequest.findMany({ where: { userId: id }, select: { id: true } });
        // Appointments stay in the clinic's records, without the patient's details; requests still open are withdrawn.
        await tx.appointmentRequest.updateMany({ where: { userId: id, status: { in: ["requested", "proposed"] } }, data: { status: "cancelled" } });
        await tx.appointmentRequest.updateMany({
          where: { userId: id },
          data: { userId: null, chatId: null, patientName: null, phone: null, insurer: null, billingNote: null, note: null, redFlags: null, declineReason: null },
        });
        await tx.appointment.updateMany({ where: { userId: id }, data: { userId: null, chatId: null } });
        // Waitlist entries, their offers, consents, the subscription and tips received go with the user row (cascade).
        await tx.user.delete({ where: { id } });
        return { requestIds: requests.map((request) => request.id) };
      });
    },

    async recordConsent(userId, purpose, textVersion) {
      await db.consent.upsert({
        where: { userId_purpose: { userId: BigInt(userId), purpose } },
        create: { userId: BigInt(userId), purpose, textVersion },
        update: { textVersion, grantedAt: new Date() },
      });
    },

    async hasConsent(userId, purpose, textVersion) {
      return (await db.consent.count({ where: { userId: BigInt(userId), purpose, textVersion } })) > 0;
    },

    async deleteConversationsIdleSince(before) {
      const { count } = await db.session.deleteMany({ where: { key: { startsWith: CONVERSATION_KEY_PREFIX }, updatedAt: { lt: before } } });
      return count;
    },
  };
}

function textOf(payload: string | null): string | null {
  if (!payload) return null;
  try {
    const params = (JSON.parse(payload) as { params?: { text?: unknown; caption?: unknown } }).params;
    return typeof params?.text === "string" ? params.text : typeof params?.caption === "string" ? params.caption : null;
  } catch {
    return null;
  }
}

/**
 * What a stored conversation holds about the patient, readably: what they
 * typed or shared and which buttons they pressed, in order. The plugin keeps
 * each update it replays, so this is read from those.
 */
function whatTheConversationHolds(value: string): { youSent: string[]; youChose: string[] } {
  const youSent: string[] = [];
  const youChose: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== "object" || node === null) return;
    const update = node as { update_id?: unknown; message?: { text?: string; contact?: { phone_number?: string } }; callback_query?: CallbackLike };
    if (typeof update.update_id === "number") {
      if (update.message?.text !== undefined) youSent.push(update.message.text);
      if (update.message?.contact?.phone_number) youSent.push(update.message.contact.phone_number);
      const label = labelOf(update.callback_query);
      if (label) youChose.push(label);
      return;
    }
    for (const child of Object.values(node)) visit(typeof child === "string" && /^[[{]/.test(child) ? parseOrNull(child) : child);
  };
  visit(parseOrNull(value));
  return { youSent, youChose };
}

type CallbackLike = { data?: string; message?: { reply_markup?: { inline_keyboard?: Array<Array<{ text: string; callback_data?: string }>> } } };

function labelOf(query: CallbackLike | undefined): string | undefined {
  if (!query?.data) return undefined;
  return query.message?.reply_markup?.inline_keyboard?.flat().find((button) => button.callback_data === query.data)?.text ?? query.data;
}

function parseOrNull(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
