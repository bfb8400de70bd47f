import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { canMakeImmutable } from "../../test/kit/storage-faults.js";
import { createTestDatabase, type TestDatabase } from "../../test/kit/test-database.js";
import { parseDatabaseUrl } from "./database-url.js";

/**
 * A SQLite file that stops taking writes under the open connection (immutable: every write fails with EPERM,
 * which SQLite reports as SQLITE_IOERR_WRITE, as it does for a failing disk): the driver-level watch records
 * the fault, reads go on, nothing stored is lost, and the first write that works clears it.
 */
describe("a SQLite file that cannot be written", () => {
  let database: TestDatabase | undefined;
  let files: string[] = [];
  afterEach(async () => {
    for (const file of files) execFileSync("chattr", ["-i", file]);
    files = [];
    await database?.drop();
  });

  it("is a fault the database reports, until a write works again", async (context) => {
    database = await createTestDatabase("sqlite");
    const file = (parseDatabaseUrl(database.url) as { filePath: string }).filePath;
    if (!canMakeImmutable(file)) return context.skip();
    const { prisma } = database;
    await prisma.user.create({ data: { id: 1n, chatId: 1n, firstName: "Ana" } });
    expect(database.writeFault()).toBeUndefined();
    await database.probe();

    files = [file, `${file}-wal`].filter((path) => existsSync(path));
    for (const path of files) execFileSync("chattr", ["+i", path]);
    await expect(prisma.user.create({ data: { id: 2n, chatId: 2n, firstName: "Ben" } })).rejects.toThrow(/SQLITE_IOERR|disk I\/O/);
    expect(database.writeFault()).toMatchObject({ message: expect.stringMatching(/^SQLITE_IOERR_WRITE: disk I\/O error/) });
    // Reading still works, and the probe, which writes, fails while the file refuses writes.
    expect(await prisma.user.count()).toBe(1);
    await expect(database.probe()).rejects.toThrow();
    expect(database.writeFault()).toBeDefined();

    for (const path of files) execFileSync("chattr", ["-i", path]);
    files = [];
    await database.probe();
    expect(database.writeFault()).toBeUndefined();
    await prisma.user.create({ data: { id: 2n, chatId: 2n, firstName: "Ben" } });
    expect((await prisma.user.findMany({ orderBy: { id: "asc" } })).map((user) => user.firstName)).toEqual(["Ana", "Ben"]);
  });
});
