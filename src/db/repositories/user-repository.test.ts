import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, testProviders, type TestDatabase } from "../../../test/kit/test-database.js";
import { createUserRepository, type UserRepository } from "./user-repository.js";

/** Larger than 2^32 (and than 2^31, where 32-bit ints end). */
const BIG_ID = 7_345_678_901;
const BIG_CHAT = 8_000_000_123;

describe.each(testProviders)("user repository on %s", (provider) => {
  let database: TestDatabase;
  let users: UserRepository;
  const clock = new Date("2026-03-01T10:00:00Z");

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    users = createUserRepository(database.prisma, () => clock);
  });
  afterAll(() => database.drop());
  beforeEach(async () => {
    await database.prisma.user.deleteMany();
  });

  it("records a Telegram user with ids beyond 2^32 and reads it back", async () => {
    const created = await users.upsertFromTelegram({ id: BIG_ID, first_name: "Léa", last_name: "Martin", username: "lea_m", language_code: "fr" }, BIG_CHAT);
    expect(created).toMatchObject({
      id: BigInt(BIG_ID),
      chatId: BigInt(BIG_CHAT),
      firstName: "Léa",
      lastName: "Martin",
      username: "lea_m",
      languageCode: "fr",
      language: null,
      timeZone: null,
      status: "active",
      blockedAt: null,
    });
    expect(created.createdAt).toBeInstanceOf(Date);
    expect(await users.findById(BIG_ID)).toEqual(created);
    expect(await users.findById(BigInt(BIG_ID))).toEqual(created);
    expect(await users.findById(1)).toBeNull();
  });

  it("refreshes Telegram's fields on a second upsert and keeps the patient's choices", async () => {
    await users.upsertFromTelegram({ id: BIG_ID, first_name: "Léa", language_code: "fr" }, BIG_CHAT);
    await users.setLanguage(BIG_ID, "en");
    await users.setTimeZone(BIG_ID, "Europe/Paris");
    await users.setStatus(BIG_ID, "blocked");
    const updated = await users.upsertFromTelegram({ id: BIG_ID, first_name: "Lea", username: "lea" }, BIG_CHAT + 1);
    expect(updated).toMatchObject({ firstName: "Lea", username: "lea", languageCode: null, chatId: BigInt(BIG_CHAT + 1), language: "en", timeZone: "Europe/Paris", status: "active", blockedAt: null });
  });

  it("writes nothing when the row read in the update already says what Telegram tells, and writes any change", async () => {
    const from = { id: BIG_ID, first_name: "Léa", last_name: "Martin", username: "lea_m", language_code: "fr" };
    const known = await users.upsertFromTelegram(from, BIG_CHAT);
    // A row that differs from the database's shows whether it was written: returned as it is, nothing changed.
    const marked = { ...known, timeZone: "Europe/Paris" };
    expect(await users.upsertFromTelegram(from, BIG_CHAT, marked)).toBe(marked);
    expect((await users.findById(BIG_ID))?.timeZone).toBeNull();
    const changes: Array<[typeof from, number]> = [
      [{ ...from, first_name: "Lea" }, BIG_CHAT],
      [{ ...from, last_name: "Roy" }, BIG_CHAT],
      [{ ...from, username: "lea" }, BIG_CHAT],
      [{ ...from, language_code: "en" }, BIG_CHAT],
      [from, BIG_CHAT + 1],
    ];
    for (const [told, chat] of changes) {
      const written = await users.upsertFromTelegram(told, chat, known);
      expect(written).toMatchObject({ firstName: told.first_name, lastName: told.last_name, username: told.username, languageCode: told.language_code, chatId: BigInt(chat) });
      expect(await users.findById(BIG_ID)).toEqual(written);
    }
    // Blocked: someone who writes has not blocked the bot, so the row is written.
    await users.upsertFromTelegram(from, BIG_CHAT);
    await users.setStatus(BIG_ID, "blocked");
    const blocked = (await users.findById(BIG_ID))!;
    expect(await users.upsertFromTelegram(from, BIG_CHAT, blocked)).toMatchObject({ status: "active", blockedAt: null });
    expect(await users.findById(BIG_ID)).toMatchObject({ status: "active", blockedAt: null });
    // Someone else's row is no row of theirs.
    expect((await users.upsertFromTelegram({ ...from, id: BIG_ID + 1 }, BIG_CHAT, blocked)).id).toBe(BigInt(BIG_ID + 1));
  });

  it("setStatus says whether anything changed and stamps blockedAt", async () => {
    await users.upsertFromTelegram({ id: BIG_ID, first_name: "Léa" }, BIG_CHAT);
    expect(await users.setStatus(BIG_ID, "active")).toBe(false);
    expect(await users.setStatus(BIG_ID, "blocked")).toBe(true);
    expect(await users.setStatus(BIG_ID, "blocked")).toBe(false);
    expect((await users.findById(BIG_ID))?.blockedAt).toEqual(clock);
    expect(await users.setStatus(BIG_ID, "active")).toBe(true);
    expect((await users.findById(BIG_ID))?.blockedAt).toBeNull();
    expect(await users.setStatus(42, "blocked")).toBe(false);
  });

  it("setLanguage and setTimeZone return the user, or null for an unknown one", async () => {
    await users.upsertFromTelegram({ id: BIG_ID, first_name: "Léa" }, BIG_CHAT);
    expect((await users.setLanguage(BIG_ID, "fr"))?.language).toBe("fr");
    expect((await users.setLanguage(BIG_ID, null))?.language).toBeNull();
    expect((await users.setTimeZone(BIG_ID, "America/Montreal"))?.timeZone).toBe("America/Montreal");
    expect(await users.setLanguage(42, "fr")).toBeNull();
    expect(await users.setTimeZone(42, "UTC")).toBeNull();
  });

  it("counts users by status", async () => {
    expect(await users.countByStatus()).toEqual({ active: 0, blocked: 0 });
    for (const id of [1, 2, 3]) await users.upsertFromTelegram({ id: BIG_ID + id, first_name: `P${id}` }, BIG_CHAT + id);
    await users.setStatus(BIG_ID + 2, "blocked");
    expect(await users.countByStatus()).toEqual({ active: 2, blocked: 1 });
  });

  it("survives two first messages from the same new user at once", async () => {
    const from = { id: BIG_ID, first_name: "Léa" };
    const [a, b] = await Promise.all([users.upsertFromTelegram(from, BIG_CHAT), users.upsertFromTelegram(from, BIG_CHAT)]);
    expect(a.id).toBe(b.id);
    expect(await database.prisma.user.count()).toBe(1);
  });
});
