/**
 * What prisma-adjustments.ts relies on in Prisma's packages. When a Prisma upgrade changes any of it, these
 * fail with the reason, before a migration does in production.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import { ColumnTypeEnum } from "@prisma/driver-adapter-utils";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { parseDatabaseUrl, type PostgresqlUrl } from "./database-url.js";
import { createPgPool } from "./pg-pool.js";
import { adjustPgAdapter, CharAsTextClient, loadSchemaEngine, SQLITE_STATEMENT_CACHE_SIZE } from "./prisma-adjustments.js";
import { PROJECT_ROOT } from "./schema-files.js";
import { createTestDatabase, scratchLocation, testProviders } from "../../test/kit/test-database.js";

const require = createRequire(import.meta.url);
const versionOf = (packageJson: string) => (JSON.parse(readFileSync(packageJson, "utf8")) as { version: string }).version;
const manifest = JSON.parse(readFileSync(join(PROJECT_ROOT, "package.json"), "utf8")) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

describe("the schema engine's WebAssembly build", () => {
  it("is the build of the engines the installed Prisma was released with, pinned exactly", () => {
    // prisma → @prisma/engines → @prisma/engines-version names the engines' commit; the wasm build of the same
    // commit is published as @prisma/schema-engine-wasm@<that same version>.
    const engines = createRequire(require.resolve("prisma/package.json")).resolve("@prisma/engines/package.json");
    const enginesVersion = versionOf(createRequire(engines).resolve("@prisma/engines-version/package.json"));
    const wasmVersion = versionOf(join(dirname(require.resolve("@prisma/schema-engine-wasm/schema_engine_bg")), "package.json"));
    expect(wasmVersion, "npm install the @prisma/schema-engine-wasm whose version equals @prisma/engines-version's").toBe(enginesVersion);
    expect(manifest.dependencies["@prisma/schema-engine-wasm"]).toBe(wasmVersion);
    for (const name of ["@prisma/client", "@prisma/adapter-pg", "@prisma/adapter-better-sqlite3", "@prisma/driver-adapter-utils"]) {
      expect(manifest.dependencies[name], `${name} pinned to the Prisma release`).toBe(manifest.devDependencies.prisma);
    }
  });

  it("has the wasm-bindgen glue the hand-made instantiation calls", async () => {
    const gluePath = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
    const glue = (await import("@prisma/schema-engine-wasm/schema_engine_bg")) as Record<string, unknown>;
    expect(typeof glue.__wbg_set_wasm, "__wbg_set_wasm in schema_engine_bg.js").toBe("function");
    expect(Object.keys(glue).some((name) => name.startsWith("__wbg_setTimeout_")), "a __wbg_setTimeout_* import").toBe(true);
    const { WebAssembly } = globalThis as unknown as {
      WebAssembly: { Module: { new (bytes: Uint8Array): object; exports(module: object): { name: string }[] } };
    };
    const exports = WebAssembly.Module.exports(new WebAssembly.Module(readFileSync(join(dirname(gluePath), "schema_engine_bg.wasm"))));
    expect(exports.map((entry) => entry.name)).toContain("__wbindgen_start");
    // The package's own entry still imports the .wasm as a module, which is why the glue is driven by hand.
    expect(readFileSync(join(dirname(gluePath), "schema_engine.js"), "utf8")).toContain("__wbg_set_wasm(wasm)");
  });

  it("is instantiated once per process", async () => {
    const SchemaEngine = await loadSchemaEngine();
    expect(typeof SchemaEngine.new).toBe("function");
    expect(await loadSchemaEngine()).toBe(SchemaEngine);
  });
});

describe.runIf(testProviders.includes("postgresql"))("the pg adapter, as the schema engine uses it", () => {
  async function adjustedAdapter() {
    const location = scratchLocation("postgresql");
    const target = parseDatabaseUrl(location.url) as PostgresqlUrl;
    const pool = createPgPool(target, { max: 2, client: CharAsTextClient });
    const adapter = await new PrismaPg(pool).connect();
    adjustPgAdapter(adapter);
    return {
      adapter,
      pool,
      target,
      async close() {
        await adapter.dispose();
        await pool.end();
        await location.cleanup();
      },
    };
  }

  it("hands over its node-postgres pool (underlyingDriver), which executeScript uses", async () => {
    const { adapter, pool, target, close } = await adjustedAdapter();
    try {
      expect((adapter as { underlyingDriver?: () => unknown }).underlyingDriver?.()).toBe(pool);
      expect(pool).toBeInstanceOf(pg.Pool);
      // Sent whole: a ";" inside a string or a function body does not split the script.
      await adapter.executeScript(
        `CREATE SCHEMA ${target.schema}; CREATE TABLE ${target.schema}.notes (body text); INSERT INTO ${target.schema}.notes VALUES ('a;b'); ` +
          "CREATE FUNCTION pg_temp.one() RETURNS int LANGUAGE sql AS $$ SELECT 1; $$;",
      );
      const result = await adapter.queryRaw({ sql: `SELECT body FROM ${target.schema}.notes`, args: [], argTypes: [] });
      expect(result.rows).toEqual([["a;b"]]);
      // A failing script is a DriverAdapterError carrying PostgreSQL's code, as the engine expects.
      await expect(adapter.executeScript("SELECT * FROM no_such_table")).rejects.toMatchObject({ name: "DriverAdapterError", cause: { code: "42P01" } });
    } finally {
      await close();
    }
  });

  it('reads "char" catalog columns as Character, on the adapter and inside transactions', async () => {
    const { adapter, close } = await adjustedAdapter();
    try {
      const query = { sql: "SELECT relkind FROM pg_class WHERE relname = 'pg_class'", args: [], argTypes: [] };
      const direct = await adapter.queryRaw(query);
      expect(direct.columnNames).toEqual(["relkind"]);
      expect(direct.columnTypes).toEqual([ColumnTypeEnum.Character]);
      expect(direct.rows).toEqual([["r"]]);
      const transaction = await adapter.startTransaction();
      try {
        expect((await transaction.queryRaw(query)).columnTypes).toEqual([ColumnTypeEnum.Character]);
      } finally {
        await transaction.rollback();
      }
    } finally {
      await close();
    }
  });
});

describe("the SQLite adapter's kept statements", () => {
  /** better-sqlite3's own prepare, counted: what keepSqliteStatements saves. */
  function countPrepares() {
    const { prototype } = createRequire(require.resolve("@prisma/adapter-better-sqlite3"))("better-sqlite3") as { prototype: { prepare(sql: string): unknown } };
    const original = prototype.prepare;
    const prepared: string[] = [];
    prototype.prepare = function (this: unknown, sql: string) {
      prepared.push(sql);
      return original.call(this, sql);
    };
    return { prepared, restore: () => void (prototype.prepare = original) };
  }

  it("prepares each SQL text once and runs it with each query's own arguments", async () => {
    const counter = countPrepares();
    const database = await createTestDatabase("sqlite");
    try {
      const { prisma } = database;
      await prisma.user.createMany({ data: [1, 2, 3].map((id) => ({ id, chatId: id, firstName: `P${id}` })) });
      const before = counter.prepared.length;
      for (const id of [1, 2, 3, 2, 1]) expect((await prisma.user.findUnique({ where: { id: BigInt(id) } }))?.firstName).toBe(`P${id}`);
      expect(await prisma.user.findUnique({ where: { id: 4n } })).toBeNull();
      for (const name of ["A", "B"]) await prisma.user.update({ where: { id: 1n }, data: { firstName: name } });
      expect((await prisma.user.findUnique({ where: { id: 1n } }))?.firstName).toBe("B");
      // Nine queries of three texts (findUnique, update, the row update reads back).
      const texts = new Set(counter.prepared.slice(before));
      expect(counter.prepared.length - before).toBe(texts.size);
      expect(texts.size).toBeGreaterThanOrEqual(2);
      expect(texts.size).toBeLessThanOrEqual(3);
    } finally {
      counter.restore();
      await database.drop();
    }
  });

  it("keeps working after a refused write, inside transactions and after a rollback", async () => {
    const database = await createTestDatabase("sqlite");
    try {
      const { prisma } = database;
      await prisma.user.create({ data: { id: 1n, chatId: 1n, firstName: "A" } });
      await expect(prisma.user.create({ data: { id: 1n, chatId: 1n, firstName: "A" } })).rejects.toMatchObject({ code: "P2002" });
      await prisma.user.create({ data: { id: 2n, chatId: 2n, firstName: "B" } });
      await expect(
        prisma.$transaction(async (tx) => {
          await tx.user.update({ where: { id: 2n }, data: { firstName: "changed" } });
          throw new Error("rolled back");
        }),
      ).rejects.toThrow("rolled back");
      await prisma.$transaction(async (tx) => {
        await tx.user.update({ where: { id: 1n }, data: { firstName: "kept" } });
      });
      expect((await prisma.user.findMany({ orderBy: { id: "asc" } })).map((user) => user.firstName)).toEqual(["kept", "B"]);
      expect(await prisma.$queryRawUnsafe<Array<{ n: bigint }>>("SELECT COUNT(*) AS n FROM users WHERE id > ?", 0)).toEqual([{ n: 2n }]);
    } finally {
      await database.drop();
    }
  });

  it("forgets the least recently used text beyond its size", async () => {
    const counter = countPrepares();
    const database = await createTestDatabase("sqlite");
    try {
      const { prisma } = database;
      const texts = Array.from({ length: SQLITE_STATEMENT_CACHE_SIZE + 10 }, (_, i) => `SELECT ${i} AS n`);
      for (const text of texts) await prisma.$queryRawUnsafe(text);
      const before = counter.prepared.length;
      await prisma.$queryRawUnsafe(texts.at(-1)!);
      expect(counter.prepared.length).toBe(before);
      await prisma.$queryRawUnsafe(texts[0]!);
      expect(counter.prepared.length).toBe(before + 1);
    } finally {
      counter.restore();
      await database.drop();
    }
  });
});
