/**
 * The last step of `npm run build`: the files the bot reads next to its code
 * (the Fluent messages, the staff desk's page) are copied into dist/, so the
 * built bot reads its own copy and needs nothing from src/ at run time. Plain
 * JavaScript: it runs right after tsc, with node.
 */
import { cpSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** Folders under src/ holding what the code reads at run time, copied to the same place under dist/. */
export const ASSET_FOLDERS = ["locales", "desk/public"];

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
for (const folder of ASSET_FOLDERS) {
  const target = join(root, "dist", folder);
  // A file removed from src/ must not linger in the build.
  rmSync(target, { recursive: true, force: true });
  cpSync(join(root, "src", folder), target, { recursive: true });
}
