/**
 * npm run db:migration -- <name>
 *
 * After editing prisma/models.prisma: recomposes the provider schemas, then
 * writes prisma/sqlite/migrations/<timestamp>_<name>/migration.sql and
 * prisma/postgresql/migrations/<timestamp>_<name>/migration.sql holding the
 * change from what the committed migrations build to the models, and
 * regenerates the clients. Prints "no changes" when there is none.
 *
 * Needs a PostgreSQL server for the PostgreSQL side: a temporary schema is
 * created in SHADOW_DATABASE_URL (else TEST_DATABASE_URL, else
 * postgresql://postgres@127.0.0.1:5432/test) and dropped afterwards.
 */
import { spawnSync } from "node:child_process";
import { relative } from "node:path";
import { createMigration } from "../db/migration-authoring.js";
import { describeEngineError } from "../db/migrations.js";
import { PROJECT_ROOT } from "../db/schema-files.js";
import { composeSchemas } from "./compose-schemas.js";

const name = process.argv.slice(2).join(" ").trim();
if (!name) {
  console.error("usage: npm run db:migration -- <name>   e.g. npm run db:migration -- add_appointments");
  process.exit(2);
}

for (const path of composeSchemas()) console.log(`wrote ${relative(PROJECT_ROOT, path)}`);

try {
  const created = await createMigration(name);
  if (created.length === 0) {
    console.log("no changes: the migrations already build prisma/models.prisma");
  } else {
    for (const migration of created) {
      console.log(`wrote ${relative(PROJECT_ROOT, migration.directory)}/migration.sql`);
      console.log(indent(migration.sql));
    }
    console.log("Review the SQL (data moves, defaults for new required columns), then commit it with models.prisma.");
    const generate = spawnSync(process.execPath, ["--import", "tsx", "src/scripts/generate-clients.ts"], { cwd: PROJECT_ROOT, stdio: "inherit" });
    if (generate.status !== 0) process.exitCode = generate.status ?? 1;
  }
} catch (error) {
  console.error(`db:migration failed: ${describeEngineError(error)}`);
  process.exit(1);
}

function indent(text: string): string {
  return text
    .trimEnd()
    .split("\n")
    .map((line) => `    ${line}`)
    .join("\n");
}
