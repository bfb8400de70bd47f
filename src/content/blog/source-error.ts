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
  return decodeText(source, bytes, "utf-8");
}

/**
 * The encoding a document declares for itself, in the order a browser honours
 * them: a byte order mark, the HTTP charset, then the XML prolog or
 * `<meta charset>` / `<meta http-equiv="Content-Type">` in its first bytes.
 */
export function declaredEncoding(bytes: Uint8Array, contentType?: string): string | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return "utf-8";
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) return bytes[0] === 0xff ? "utf-16le" : "utf-16be";
  const http = contentType ? /charset\s*=\s*["']?([\w.:-]+)/i.exec(contentType) : null;
  if (http) return http[1]!.toLowerCase();
  // The declarations are ASCII, whatever the encoding: read the head as Latin-1 to find them.
  const head = Buffer.from(bytes.subarray(0, 2048)).toString("latin1");
  const xml = /^\s*<\?xml[^>]*\bencoding\s*=\s*["']([\w.:-]+)["']/i.exec(head);
  if (xml) return xml[1]!.toLowerCase();
  const meta = /<meta[^>]+charset\s*=\s*["']?([\w.:-]+)/i.exec(head);
  return meta ? meta[1]!.toLowerCase() : undefined;
}

/**
 * Decodes bytes in the encoding the document declares (UTF-8 when it declares
 * none). Only bytes that are invalid in that encoding are refused, with the
 * encoding named, so a Latin-1 feed is read as Latin-1 and a mislabelled file
 * is not imported garbled.
 */
export function decodeText(source: string, bytes: Uint8Array, encoding = "utf-8"): string {
  let decoder: InstanceType<typeof TextDecoder>;
  try {
    decoder = new TextDecoder(encoding, { fatal: true });
  } catch {
    throw new SourceError(source, `declares the encoding "${encoding}", which the import does not know (save it as UTF-8 and try again)`);
  }
  try {
    const text = decoder.encoding === "windows-1252" ? decodeWindows1252(bytes) : decoder.decode(bytes);
    return text.replace(/^\uFEFF/, "");
  } catch {
    const utf8 = decoder.encoding === "utf-8";
    throw new SourceError(
      source,
      utf8 ? "is not UTF-8 text and declares no other encoding (save it as UTF-8 and try again)" : `has bytes that are not valid ${decoder.encoding} text, the encoding it declares`,
    );
  }
}

/**
 * Windows-1252 (which the Encoding standard also uses for "ISO-8859-1" and
 * "latin1" labels, as browsers do): Node 20's TextDecoder reads 0x80–0x9F as
 * control characters instead of the curly quotes, dashes and € a clinic's
 * page has there, so those 32 bytes are mapped here.
 */
const WINDOWS_1252_HIGH = "€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ";

function decodeWindows1252(bytes: Uint8Array): string {
  let text = "";
  for (let start = 0; start < bytes.length; start += 8192) {
    const chunk = bytes.subarray(start, start + 8192);
    text += String.fromCharCode(...Array.from(chunk, (byte) => (byte >= 0x80 && byte <= 0x9f ? WINDOWS_1252_HIGH.charCodeAt(byte - 0x80) : byte)));
  }
  return text;
}
