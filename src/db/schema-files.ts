import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Where the Prisma files live and how the per-provider schemas are composed
 * from prisma/models.prisma (the one place models are written).
 */

export type Provider = "sqlite" | "postgresql";

export const PROVIDERS: readonly Provider[] = ["sqlite", "postgresql"];

/** The repository root (this file is src/db/schema-files.ts, or dist/db/schema-files.js once built). */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

export const MODELS_PATH = join(PROJECT_ROOT, "prisma", "models.prisma");

/** prisma/<provider>/schema.prisma */
export function schemaPath(provider: Provider): string {
  return join(PROJECT_ROOT, "prisma", provider, "schema.prisma");
}

/** prisma/<provider>/migrations (Prisma's standard layout, with migration_lock.toml). */
export function migrationsPath(provider: Provider): string {
  return join(PROJECT_ROOT, "prisma", provider, "migrations");
}

export const GENERATED_NOTICE = "generated from prisma/models.prisma by npm run db:schemas — edit models.prisma";

/** The generator + datasource block put in front of the models for one provider. */
export function schemaHeader(provider: Provider): string {
  return [
    `// ${GENERATED_NOTICE}`,
    "",
    "generator client {",
    '  provider               = "prisma-client"',
    // TypeScript written in a cache, which npm run db:generate compiles to generated/<provider> (JavaScript).
    `  output                 = "../../node_modules/.cache/prisma-clients/${provider}"`,
    '  moduleFormat           = "esm"',
    '  runtime                = "nodejs"',
    // .ts files importing each other with ".js" specifiers: what NodeNext wants.
    '  generatedFileExtension = "ts"',
    '  importFileExtension    = "js"',
    // The size-optimised wasm query compiler: half the memory of the default
    // "fast" build, and no slower here, since Prisma caches each query's plan.
    '  compilerBuild          = "small"',
    "}",
    "",
    "// The URL is not here: prisma.config.ts reads DATABASE_URL, the app passes it to a driver adapter.",
    "datasource db {",
    `  provider = "${provider}"`,
    "}",
    "",
  ].join("\n");
}

/** The full schema text for one provider, given the models text. */
export function composeSchema(provider: Provider, models: string): string {
  return `${schemaHeader(provider)}\n${models.trimEnd()}\n`;
}

export function readModels(): string {
  return readFileSync(MODELS_PATH, "utf8");
}
