import { SourceError, declaredEncoding, decodeText } from "./source-error.js";

/** Limits that keep a slow, huge or looping site from hanging or flooding the bot. */
export interface FetchLimits {
  timeoutMs: number;
  maxBytes: number;
  maxRedirects: number;
}

export const DEFAULT_FETCH_LIMITS: FetchLimits = { timeoutMs: 15_000, maxBytes: 5 * 1024 * 1024, maxRedirects: 5 };

/** Validators from an earlier response, sent back so an unchanged feed costs a 304. */
export interface Validators {
  etag?: string;
  lastModified?: string;
}

export type Fetched =
  | { notModified: true; url: string }
  | { notModified: false; url: string; text: string; contentType: string; headers: Headers; validators: Validators };

export type FetchFn = typeof fetch;

/**
 * GETs a URL as text, in the encoding it declares (HTTP charset, XML prolog, <meta charset>): redirects followed by hand (so a loop is named as
 * one), a timeout over the whole exchange, and a cap on the body's size.
 */
export async function fetchText(
  url: string,
  options: { limits?: Partial<FetchLimits>; validators?: Validators; fetch?: FetchFn; accept?: string } = {},
): Promise<Fetched> {
  const limits = { ...DEFAULT_FETCH_LIMITS, ...options.limits };
  const fetchFn = options.fetch ?? fetch;
  const signal = AbortSignal.timeout(limits.timeoutMs);
  const seen = new Set<string>();
  let current = url;
  try {
    for (;;) {
      if (seen.has(current) || seen.size > limits.maxRedirects) {
        throw new SourceError(url, seen.has(current) ? "redirects in a loop" : `redirects more than ${limits.maxRedirects} times`);
      }
      seen.add(current);
      const headers: Record<string, string> = {
        accept: options.accept ?? "text/html, application/xhtml+xml, application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.5",
        "user-agent": "clinic-care-bot (blog import)",
      };
      if (options.validators?.etag) headers["if-none-match"] = options.validators.etag;
      if (options.validators?.lastModified) headers["if-modified-since"] = options.validators.lastModified;
      const response = await fetchFn(current, { headers, redirect: "manual", signal });
      if (response.status >= 300 && response.status < 400 && response.status !== 304) {
        const location = response.headers.get("location");
        await response.body?.cancel();
        if (!location) throw new SourceError(url, `answered ${response.status} without a Location to follow`);
        current = new URL(location, current).toString();
        continue;
      }
      if (response.status === 304) return { notModified: true, url: current };
      if (!response.ok) {
        await response.body?.cancel();
        throw new SourceError(url, `answered HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""}`);
      }
      const bytes = await readCapped(url, response, limits.maxBytes);
      const etag = response.headers.get("etag") ?? undefined;
      const lastModified = response.headers.get("last-modified") ?? undefined;
      const contentType = response.headers.get("content-type") ?? "";
      return {
        notModified: false,
        url: current,
        text: decodeText(url, bytes, declaredEncoding(bytes, contentType) ?? "utf-8"),
        contentType,
        headers: response.headers,
        validators: { ...(etag ? { etag } : {}), ...(lastModified ? { lastModified } : {}) },
      };
    }
  } catch (error) {
    if (error instanceof SourceError) throw error;
    if (signal.aborted) throw new SourceError(url, `did not answer within ${Math.round(limits.timeoutMs / 1000)} s`);
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new SourceError(url, `could not be fetched (${cause?.code ?? cause?.message ?? (error as Error).message})`);
  }
}

async function readCapped(url: string, response: Response, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(response.headers.get("content-length") ?? "0");
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw new SourceError(url, `is larger than ${formatBytes(maxBytes)} (${formatBytes(declared)})`);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  if (!response.body) return new Uint8Array();
  for await (const chunk of response.body) {
    total += chunk.byteLength;
    if (total > maxBytes) throw new SourceError(url, `is larger than ${formatBytes(maxBytes)}`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} kB`;
}
