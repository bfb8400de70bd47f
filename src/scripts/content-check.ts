/**
 * Checks the clinic's content before it goes live, so a writer sees every
 * problem with its file and line instead of an article silently missing from
 * the bot: the articles, content/clinic.yml and content/safety.yml.
 *
 *   npm run content:check -- [content-dir]     (default: content; after npm run build)
 *
 * Prints `file:line: severity: message` per problem and a summary; exits 1 when
 * there is an error (warnings alone pass).
 */
import { LANGUAGES, loadClinicProfile } from "../clinic/clinic-profile.js";
import type { ContentLibrary, ContentProblem } from "../content/article.js";
import { loadContentLibrary } from "../content/content-folder.js";
import { ContentError } from "../content/yaml-file.js";
import { loadSafetyRules } from "../safety/red-flags.js";

/** A problem whose line may be unknown (a file that cannot be read at all). */
type Finding = Omit<ContentProblem, "line"> & { line?: number };

const contentDir = process.argv[2] ?? "content";
const findings: Finding[] = [];
let library: ContentLibrary | undefined;

try {
  const loaded = loadContentLibrary(contentDir);
  library = loaded.library;
  findings.push(...loaded.problems);
} catch (error) {
  findings.push(asFinding(error));
}
for (const load of [loadClinicProfile, loadSafetyRules]) {
  try {
    load(contentDir);
  } catch (error) {
    findings.push(asFinding(error));
  }
}

for (const finding of findings) {
  console.log(`${finding.file}${finding.line ? `:${finding.line}` : ""}: ${finding.severity}: ${finding.message}`);
}
const errors = findings.filter((finding) => finding.severity === "error").length;
const warnings = findings.length - errors;
const articleCounts = LANGUAGES.map((language) => `${language} ${library?.articles(language).length ?? 0}`).join(", ");
const tipCounts = LANGUAGES.map((language) => `${language} ${library?.tips(language).length ?? 0}`).join(", ");
console.log(
  `content-check ${contentDir}: articles ${articleCounts}; tips ${tipCounts}; ` +
    `${errors} error${errors === 1 ? "" : "s"}, ${warnings} warning${warnings === 1 ? "" : "s"}`,
);
process.exitCode = errors > 0 ? 1 : 0;

/** Content problems are reported; anything else is a bug in the checker and should crash loudly. */
function asFinding(error: unknown): Finding {
  if (!(error instanceof ContentError)) throw error;
  return { file: error.file, ...(error.line ? { line: error.line } : {}), message: error.detail, severity: "error" };
}
