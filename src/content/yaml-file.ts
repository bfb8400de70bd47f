import { readFileSync } from "node:fs";
import { LineCounter, parseDocument, isNode, type Document } from "yaml";
import type { z } from "zod";

/** A content problem located at a file and line, so whoever edits the file can find it. */
export class ContentError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly detail: string,
  ) {
    super(`${file}${line ? `:${line}` : ""}: ${detail}`);
    this.name = "ContentError";
  }
}

/**
 * Reads a YAML file and validates it with a schema. Errors name the file, the
 * line and the field (e.g. `content/clinic.yml:42: services.2.durationMinutes: ...`).
 */
export function readYamlFile<Schema extends z.ZodType>(file: string, schema: Schema): z.output<Schema> {
  let source: string;
  try {
    source = readFileSync(file, "utf8");
  } catch (error) {
    throw new ContentError(file, undefined, `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  return parseYamlSource(file, source, schema);
}

export function parseYamlSource<Schema extends z.ZodType>(
  file: string,
  source: string,
  schema: Schema,
  firstLine = 1,
): z.output<Schema> {
  const lineCounter = new LineCounter();
  const document = parseDocument(source, { lineCounter, prettyErrors: false });
  const [syntaxError] = document.errors;
  if (syntaxError) {
    const line = lineCounter.linePos(syntaxError.pos[0]).line;
    throw new ContentError(file, line + firstLine - 1, `invalid YAML: ${syntaxError.message.split("\n")[0]}`);
  }
  const parsed = schema.safeParse(document.toJS());
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const path = issue.path.map(String);
  const line = lineOf(document, lineCounter, path);
  const field = path.length > 0 ? `${path.join(".")}: ` : "";
  throw new ContentError(file, line === undefined ? undefined : line + firstLine - 1, `${field}${issue.message}`);
}

/** The line of the deepest node that exists along `path`. */
function lineOf(document: Document, lineCounter: LineCounter, path: string[]): number | undefined {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? document.contents : document.getIn(path.slice(0, depth), true);
    if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
  }
  return undefined;
}
