/**
 * npm run db:schemas
 *
 * Writes prisma/sqlite/schema.prisma and prisma/postgresql/schema.prisma from
 * prisma/models.prisma (a provider header + the models). Run after editing the
 * models; db:generate and db:migration run it too.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { composeSchema, PROJECT_ROOT, PROVIDERS, readModels, schemaPath } from "../db/schema-files.js";

/** Writes the provider schemas; returns the paths that changed. */
export function composeSchemas(): string[] {
  const models = readModels();
  const changed: string[] = [];
  for (const provider of PROVIDERS) {
    const path = schemaPath(provider);
    const text = composeSchema(provider, models);
    let current: string | undefined;
    try {
      current = readFileSync(path, "utf8");
    } catch {
      current = undefined;
    }
    if (current === text) continue;
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    changed.push(path);
  }
  return changed;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const changed = composeSchemas();
  if (changed.length === 0) console.log("provider schemas are up to date");
  for (const path of changed) console.log(`wrote ${relative(PROJECT_ROOT, path)}`);
}
