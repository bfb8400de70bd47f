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
   * Returns false when nothing was stored.
   */
  erase(userId: number | bigint): Promise<boolean>;
  recordConsent(userId: number | bigint, purpose: string, textVersion: string): Promise<void>;
  hasConsent(userId: number | bigint, purpose: string): Promise<boolean>;
}

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
      return {
        profile,
        appointmentRequests: requests.map(({ userId: _user, chatId: _chat, handledById: _staff, ...request }) => request),
        appointments: appointments.map(({ userId: _user, chatId: _chat, ...appointment }) => appointment),
        waitlist: waitlist.map(({ userId: _user, chatId: _chat, ...entry }) => entry),
        tipSubscription,
        tipsReceived: tipDeliveries.map(({ tipId, source, deliveredAt }) => ({ tipId, source, deliveredAt })),
        consents: consents.map(({ purpose, textVersion, grantedAt }) => ({ purpose, textVersion, grantedAt })),
        messagesFromTheBot: messages.map(({ payload, ...message }) => ({ ...message, text: textOf(payload) })),
      };
    },

    async erase(userId) {
      const id = BigInt(userId);
      return db.$transaction(async (tx) => {
        const user = await tx.user.findUnique({ where: { id }, select: { chatId: true } });
        if (!user) return false;
        await tx.outboxMessage.updateMany({ where: { chatId: user.chatId, status: { in: ["pending", "claimed"] } }, data: { status: "cancelled" } });
        await tx.outboxMessage.updateMany({ where: { chatId: user.chatId }, data: { payload: null, userId: null } });
        // Conversation state is stored per chat under "conversation:<chat id>".
        await tx.session.deleteMany({ where: { key: { in: [`conversation:${user.chatId}`, String(user.chatId)] } } });
        // Appointments stay in the clinic's records, without the patient's details; requests still open are withdrawn.
        await tx.appointmentRequest.updateMany({ where: { userId: id, status: { in: ["requested", "proposed"] } }, data: { status: "cancelled" } });
        await tx.appointmentRequest.updateMany({
          where: { userId: id },
          data: { userId: null, chatId: null, patientName: null, phone: null, insurer: null, billingNote: null, note: null },
        });
        await tx.appointment.updateMany({ where: { userId: id }, data: { userId: null, chatId: null } });
        await tx.user.delete({ where: { id } });
        return true;
      });
    },

    async recordConsent(userId, purpose, textVersion) {
      await db.consent.upsert({
        where: { userId_purpose: { userId: BigInt(userId), purpose } },
        create: { userId: BigInt(userId), purpose, textVersion },
        update: { textVersion, grantedAt: new Date() },
      });
    },

    async hasConsent(userId, purpose) {
      return (await db.consent.count({ where: { userId: BigInt(userId), purpose } })) > 0;
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
