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
// The same default and the same provider rule as the bot itself.
import { DEFAULT_DATABASE_URL, databaseProvider } from "./src/db/database-url.js";

if (existsSync(".env")) process.loadEnvFile(".env");

const databaseUrl = process.env.DATABASE_URL?.trim() || DEFAULT_DATABASE_URL;
const provider = databaseProvider(databaseUrl);

export default defineConfig({
  schema: `prisma/${provider}/schema.prisma`,
  migrations: { path: `prisma/${provider}/migrations` },
  datasource: { url: databaseUrl },
});
