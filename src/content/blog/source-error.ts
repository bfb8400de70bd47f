/**
 * A blog source that cannot be imported: a file or URL that fails, a feed
 * that is not XML, a page with no article. The message is one line naming the
 * source and what is wrong, which is all an operator needs to see.
 */
export class SourceError extends Error {
  constructor(readonly source: string, readonly detail: string) {
    super(`${source}: ${detail}`);
    this.name = "SourceError";
  }
}

/** Decodes bytes as UTF-8, refusing anything else rather than importing garbled text. */
export function decodeUtf8(source: string, bytes: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes).replace(/^\uFEFF/, "");
  } catch {
    throw new SourceError(source, "is not UTF-8 text (save it as UTF-8 and try again)");
  }
}
