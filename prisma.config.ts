/**
 * Prisma CLI configuration. DATABASE_URL (from the environment or .env)
 * chooses the provider: file:… → prisma/sqlite, postgres(ql)://… →
 * prisma/postgresql; each folder has its schema.prisma (composed from
 * prisma/models.prisma) and its migrations. So, where Prisma's native schema
 * engine can be downloaded, `npx prisma migrate deploy` works as usual. The app
 * itself migrates with the wasm engine (src/db/migrations.ts, npm run db:migrate).
 */
import { existsSync } from "node:fs";
import { defineConfig } from "prisma/config";

if (existsSync(".env")) process.loadEnvFile(".env");

const databaseUrl = process.env.DATABASE_URL?.trim() || "file:./data/clinic.db";

function providerOf(url: string): "sqlite" | "postgresql" {
  if (url.startsWith("file:")) return "sqlite";
  if (/^postgres(ql)?:\/\//i.test(url)) return "postgresql";
  throw new Error(
    "DATABASE_URL must be a SQLite file URL like file:./data/clinic.db or a PostgreSQL URL like postgresql://user:password@host:5432/clinic",
  );
}

const provider = providerOf(databaseUrl);

export default defineConfig({
  schema: `prisma/${provider}/schema.prisma`,
  migrations: { path: `prisma/${provider}/migrations` },
  datasource: { url: databaseUrl },
});
