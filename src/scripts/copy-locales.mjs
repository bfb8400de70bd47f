/**
 * The last step of `npm run build`: the Fluent files go next to the compiled
 * code (dist/locales), so the built bot reads its own copy and needs nothing
 * from src/ at run time. Plain JavaScript: it runs right after tsc, with node.
 */
import { cpSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const target = join(root, "dist", "locales");
// A file removed from src/locales must not linger in the build.
rmSync(target, { recursive: true, force: true });
cpSync(join(root, "src", "locales"), target, { recursive: true });
