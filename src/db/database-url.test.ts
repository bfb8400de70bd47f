import { describe, expect, it } from "vitest";
import { DatabaseUrlError, databaseProvider, parseDatabaseUrl, redactDatabaseUrl } from "./database-url.js";

describe("parseDatabaseUrl", () => {
  it("resolves relative SQLite paths against the working directory", () => {
    expect(parseDatabaseUrl("file:./data/clinic.db", "/srv/bot")).toEqual({ provider: "sqlite", filePath: "/srv/bot/data/clinic.db", url: "file:/srv/bot/data/clinic.db" });
    expect(parseDatabaseUrl("file:clinic.db", "/srv/bot")).toMatchObject({ filePath: "/srv/bot/clinic.db" });
  });

  it("keeps absolute SQLite paths, with or without //", () => {
    expect(parseDatabaseUrl("file:/data/clinic.db", "/srv")).toMatchObject({ filePath: "/data/clinic.db" });
    expect(parseDatabaseUrl("file:///data/clinic.db", "/srv")).toMatchObject({ filePath: "/data/clinic.db" });
  });

  it("takes Prisma's ?schema= off PostgreSQL URLs", () => {
    expect(parseDatabaseUrl("postgresql://bot:secret@db:5432/clinic?schema=t_1&sslmode=disable")).toEqual({
      provider: "postgresql",
      connectionString: "postgresql://bot:secret@db:5432/clinic?sslmode=disable",
      schema: "t_1",
      url: "postgresql://bot:secret@db:5432/clinic?schema=t_1&sslmode=disable",
    });
    expect(parseDatabaseUrl("postgres://db/clinic")).toMatchObject({ provider: "postgresql", schema: "public" });
  });

  it("rejects other URLs naming DATABASE_URL and showing valid values, without the password", () => {
    const attempt = () => parseDatabaseUrl("mysql://root:hunter2@db/clinic");
    expect(attempt).toThrow(DatabaseUrlError);
    expect(attempt).toThrow(/DATABASE_URL .*file:\.\/data\/clinic\.db.*postgresql:\/\/user:password@host:5432\/clinic/);
    expect(attempt).not.toThrow(/hunter2/);
    expect(() => parseDatabaseUrl("")).toThrow(/DATABASE_URL \(empty\)/);
    expect(() => parseDatabaseUrl("file:")).toThrow(/names no file/);
    expect(() => parseDatabaseUrl("postgresql://db/clinic?schema=a;drop")).toThrow(/schema/);
  });

  it("classifies and redacts", () => {
    expect(databaseProvider("file:x.db")).toBe("sqlite");
    expect(databaseProvider("POSTGRES://h/d")).toBe("postgresql");
    expect(redactDatabaseUrl("postgresql://bot:secret@db/clinic")).toBe("postgresql://bot:***@db/clinic");
    expect(redactDatabaseUrl("file:./data/clinic.db")).toBe("file:./data/clinic.db");
  });
});
