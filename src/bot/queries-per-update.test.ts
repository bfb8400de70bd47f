/**
 * The SQL statements one update costs, counted where they run (better-sqlite3's statements): a handler that
 * reads the same row twice, or writes what did not change, fails here rather than only slowing every update.
 * Counts, not timings: what each kind of update needs is listed next to its limit.
 */
import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Update } from "grammy/types";
import { createTestBot, STAFF_ID, type TestBot } from "../../test/kit/test-bot.js";
import { command, user } from "../bot-api-peer/updates.js";

interface StatementPrototype {
  run(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown;
  get(...params: unknown[]): unknown;
  iterate(...params: unknown[]): unknown;
}

/** Every statement better-sqlite3 runs in this process, by its SQL, while recording. */
function recordStatements() {
  const require = createRequire(createRequire(import.meta.url).resolve("@prisma/adapter-better-sqlite3"));
  const Database = require("better-sqlite3") as new (path: string) => { prepare(sql: string): object; close(): void };
  const probe = new Database(":memory:");
  const prototype = Object.getPrototypeOf(probe.prepare("SELECT 1")) as StatementPrototype;
  probe.close();
  const ran: string[] = [];
  let recording = false;
  const originals = new Map<keyof StatementPrototype, (...params: unknown[]) => unknown>();
  for (const method of ["run", "all", "get", "iterate"] as const) {
    const original = prototype[method];
    originals.set(method, original);
    prototype[method] = function (this: { source: string }, ...params: unknown[]) {
      if (recording) ran.push(this.source.replace(/\s+/g, " "));
      return original.apply(this, params);
    };
  }
  return {
    async during(work: () => Promise<void>): Promise<string[]> {
      ran.length = 0;
      recording = true;
      try {
        await work();
      } finally {
        recording = false;
      }
      return [...ran];
    },
    restore() {
      for (const [method, original] of originals) prototype[method] = original;
    },
  };
}

/** The table a statement reads or writes first: "users", "sessions"... */
function tableOf(sql: string): string {
  const match = /(?:FROM|INTO|UPDATE)\s+(?:`main`\.)?`?(\w+)`?/i.exec(sql);
  return `${/^\s*(INSERT|UPDATE|DELETE)/i.test(sql) ? "write" : "read"} ${match?.[1] ?? sql.slice(0, 40)}`;
}

describe("SQL statements per update (SQLite)", () => {
  let t: TestBot;
  let statements: ReturnType<typeof recordStatements>;
  const ana = user(7101, { first_name: "Ana", language_code: "en" });
  const ben = user(7102, { first_name: "Ben", language_code: "fr" });
  const staff = user(STAFF_ID, { first_name: "Sam", language_code: "en" });

  beforeAll(async () => {
    statements = recordStatements();
    t = await createTestBot({ provider: "sqlite" });
    for (const patient of [ana, ben]) await t.send(command(patient, "/start"));
  });
  afterAll(async () => {
    statements.restore();
    await t?.close();
  });

  async function tablesOf(update: Update): Promise<string[]> {
    return (await statements.during(() => t.send(update))).map(tableOf);
  }

  it("/start from a known patient: their row and the conversation state, nothing written", async () => {
    const tables = await tablesOf(command(ana, "/start"));
    expect(tables).toEqual(["write processed_updates", "read users", "read sessions"]);
    expect(t.lastTextTo(ana.id)).toContain("Ana");
  });

  it("/start with a new name: the row is written once", async () => {
    const renamed = { ...ana, first_name: "Anna" };
    expect(await tablesOf(command(renamed, "/start"))).toEqual(["write processed_updates", "read users", "read sessions", "write users"]);
  });

  it("/book's first step: the row, the conversation, the patient's upcoming requests and appointments (one statement), the conversation saved", async () => {
    const tables = await tablesOf(command(ben, "/book"));
    expect(tables).toEqual(["write processed_updates", "read users", "read sessions", "read appointment_requests", "write sessions"]);
    expect(t.sim.buttonsOf(t.sim.lastMessageTo(ben.id)!).some((button) => button.callback_data?.startsWith("bk:"))).toBe(true);
  });

  it("a tips slot chosen: the row, the conversation, the subscription read and saved", async () => {
    await t.send(t.sim.pressButton(ana, t.sim.lastMessageTo(ana.id)!, "tips:open"));
    await t.send(t.sim.pressButton(ana, t.sim.lastMessageTo(ana.id)!, "tips:day:3"));
    const tables = await tablesOf(t.sim.pressButton(ana, t.sim.lastMessageTo(ana.id)!, "tips:at:3:9"));
    expect(tables).toEqual(["write processed_updates", "read users", "read sessions", "read tip_subscriptions", "write tip_subscriptions"]);
    expect(t.lastTextTo(ana.id)).toContain("Wednesday");
  });

  it("/stats: the staff member's row and conversation, every count in one statement, the recent announcements", async () => {
    const tables = await tablesOf(command(staff, "/stats"));
    // (Each announcement listed adds one statement: its delivery figures. There is none here.)
    expect(tables).toEqual(["write processed_updates", "read users", "read sessions", "read tip_subscriptions", "read broadcasts"]);
    expect(t.lastTextTo(staff.id)).toMatch(/\b2\b/);
  });
});
