import type { User as UserRow } from "#generated/sqlite/client.js";
import type { Db } from "../database.js";

/**
 * Patients (and staff) known to the bot. Repositories like this one are the
 * only code that talks to Prisma; the rest of the app sees these functions
 * and plain objects.
 */

/** active: can be written to; blocked: the user blocked the bot (Telegram said so, or a send failed with 403). */
export type UserStatus = "active" | "blocked";

export const USER_STATUSES: readonly UserStatus[] = ["active", "blocked"];

export type User = Omit<UserRow, "status"> & { status: UserStatus };

/** What Telegram tells about a user (grammY's `ctx.from`). */
export interface TelegramUserInfo {
  id: number;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
}

export type UserId = number | bigint;

export interface UserRepository {
  /**
   * Records the user, or refreshes their names, chat and Telegram language.
   * Marks them active again: someone who writes to the bot has not blocked it.
   * Keeps what they chose in the bot (language, time zone).
   * `known`: their row as read earlier in this update; when Telegram tells nothing new and they are
   * active already, it is returned as it is, with no write.
   */
  upsertFromTelegram(from: TelegramUserInfo, chatId: UserId, known?: User | null): Promise<User>;
  findById(id: UserId): Promise<User | null>;
  /** Returns whether the status changed (false if already so, or no such user). */
  setStatus(id: UserId, status: UserStatus): Promise<boolean>;
  /** The language the patient chose (null: follow Telegram's); null if no such user. */
  setLanguage(id: UserId, language: string | null): Promise<User | null>;
  /** The patient's IANA time zone (null: the clinic's); null if no such user. */
  setTimeZone(id: UserId, timeZone: string | null): Promise<User | null>;
  /** How many users have each status (zeros included). */
  countByStatus(): Promise<Record<UserStatus, number>>;
}

export function createUserRepository(db: Db, now: () => Date = () => new Date()): UserRepository {
  const updateOrNull = async (id: UserId, data: { language?: string | null; timeZone?: string | null }) => {
    try {
      return toUser(await db.user.update({ where: { id: BigInt(id) }, data }));
    } catch (error) {
      if (prismaCode(error) === "P2025") return null;
      throw error;
    }
  };

  return {
    async upsertFromTelegram(from, chatId, known) {
      const id = BigInt(from.id);
      if (known && unchanged(known, from, chatId)) return known;
      const fields = {
        chatId: BigInt(chatId),
        firstName: from.first_name,
        lastName: from.last_name ?? null,
        username: from.username ?? null,
        languageCode: from.language_code ?? null,
        status: "active",
        blockedAt: null,
      };
      const upsert = () => db.user.upsert({ where: { id }, create: { id, ...fields }, update: fields });
      try {
        return toUser(await upsert());
      } catch (error) {
        // Two updates from a new user at once: the other one created the row first.
        if (prismaCode(error) !== "P2002") throw error;
        return toUser(await upsert());
      }
    },

    async findById(id) {
      const row = await db.user.findUnique({ where: { id: BigInt(id) } });
      return row ? toUser(row) : null;
    },

    async setStatus(id, status) {
      const { count } = await db.user.updateMany({
        where: { id: BigInt(id), status: { not: status } },
        data: { status, blockedAt: status === "blocked" ? now() : null },
      });
      return count > 0;
    },

    setLanguage: (id, language) => updateOrNull(id, { language }),

    setTimeZone: (id, timeZone) => updateOrNull(id, { timeZone }),

    async countByStatus() {
      const groups = await db.user.groupBy({ by: ["status"], _count: { _all: true } });
      const counts: Record<UserStatus, number> = { active: 0, blocked: 0 };
      for (const group of groups) {
        if (isUserStatus(group.status)) counts[group.status] = group._count._all;
      }
      return counts;
    },
  };
}

/** Whether the row already says what Telegram tells about the user, and that they are active. */
function unchanged(row: User, from: TelegramUserInfo, chatId: UserId): boolean {
  return (
    row.id === BigInt(from.id) &&
    row.chatId === BigInt(chatId) &&
    row.firstName === from.first_name &&
    row.lastName === (from.last_name ?? null) &&
    row.username === (from.username ?? null) &&
    row.languageCode === (from.language_code ?? null) &&
    row.status === "active" &&
    row.blockedAt === null
  );
}

function isUserStatus(value: string): value is UserStatus {
  return (USER_STATUSES as readonly string[]).includes(value);
}

function toUser(row: UserRow): User {
  return row as User;
}

function prismaCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}
