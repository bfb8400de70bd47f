import type { Database } from "../../src/db/database.js";

/**
 * Every table of the bot's schema except bookkeeping: Prisma's migrations, and the ids of the updates the bot
 * took on (processed_updates: a record of what arrived, holding nothing about anyone, which every update adds to).
 */
const BOOKKEEPING = new Set(["_prisma_migrations", "processed_updates"]);

async function tableNames(database: Database): Promise<string[]> {
  const rows =
    database.provider === "sqlite"
      ? await database.prisma.$queryRawUnsafe<Array<{ name: string }>>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
      : await database.prisma.$queryRawUnsafe<Array<{ name: string }>>("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'");
  return rows.map((row) => row.name).filter((name) => !BOOKKEEPING.has(name)).sort();
}

function quote(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Every row of every table as text, table by table, rows in a stable order: for "nothing changed" and "nothing left" checks. */
export async function databaseContents(database: Database): Promise<Record<string, string[]>> {
  const contents: Record<string, string[]> = {};
  for (const table of await tableNames(database)) {
    const rows = await database.prisma.$queryRawUnsafe<Array<Record<string, unknown>>>(`SELECT * FROM ${quote(table)}`);
    contents[table] = rows.map((row) => JSON.stringify(row, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value))).sort();
  }
  return contents;
}

/** The places (table and row) where any of `needles` still appears in any column. */
export async function whereStored(database: Database, needles: string[]): Promise<string[]> {
  const found: string[] = [];
  for (const [table, rows] of Object.entries(await databaseContents(database))) {
    for (const row of rows) {
      // JSON escapes inside stored JSON text (a payload) are undone, so escaped copies are found too.
      const plain = row.replace(/\\+"/g, '"').replace(/\\\\/g, "\\");
      for (const needle of needles) if (row.includes(needle) || plain.includes(needle)) found.push(`${table}: ${needle} in ${row.slice(0, 300)}`);
    }
  }
  return found;
}
