/**
 * What arrives over either transport: the body (JSON, multipart, urlencoded)
 * turned into the call's parameters, and the reply turned back into HTTP.
 */
import type { ApiParams, ApiResponse, SimulatorCall } from "./options.js";
import { badRequest } from "./errors.js";
import { isObject } from "./markup.js";

export type Transport = SimulatorCall["transport"];

/** What the transport does with a handled call. */
export type Reply = { kind: "json"; body: ApiResponse } | { kind: "badGateway" } | { kind: "drop" };

/** A file sent in a multipart request. */
export class UploadedFile {
  constructor(
    readonly fileName: string,
    readonly contentType: string,
    readonly data: Buffer,
  ) {}

  get size(): number {
    return this.data.length;
  }

  /** Keeps logs of the calls readable. */
  toJSON(): { fileName: string; contentType: string; size: number } {
    return { fileName: this.fileName, contentType: this.contentType, size: this.size };
  }
}

export interface RawRequest {
  url: URL;
  contentType: string | undefined;
  body: Buffer;
  transport: Transport;
  signal: AbortSignal;
}

/** Fields sent as JSON text in form bodies (multipart, urlencoded, query string). */
const JSON_FIELDS = new Set([
  "reply_markup",
  "entities",
  "caption_entities",
  "reply_parameters",
  "link_preview_options",
  "allowed_updates",
  "commands",
  "scope",
  "menu_button",
  "media",
]);
const BOOLEAN_FIELD = /^(disable_|protect_|show_|drop_|allow_|is_|has_)/;
const INTEGER_FIELD = /(_id|^offset|^limit|^timeout|^max_connections|^cache_time|^duration|^width|^height)$/;

/** The call's parameters: query string, then the JSON, multipart or urlencoded body. */
export function parseParams(request: RawRequest): ApiParams {
  const params: ApiParams = {};
  for (const [key, value] of request.url.searchParams) params[key] = fromFormText(key, value);
  const type = request.contentType?.toLowerCase() ?? "";
  if (request.body.length === 0) return params;
  if (type.startsWith("application/json")) {
    const parsed: unknown = JSON.parse(request.body.toString("utf8"));
    if (!isObject(parsed)) throw new Error("the JSON body is not an object");
    return { ...params, ...parsed };
  }
  if (type.startsWith("multipart/form-data")) {
    const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(request.contentType ?? "");
    return { ...params, ...parseMultipart(request.body, boundary?.[1] ?? boundary?.[2] ?? "") };
  }
  for (const [key, value] of new URLSearchParams(request.body.toString("utf8"))) params[key] = fromFormText(key, value);
  return params;
}

/** Form values are all text: gives back the numbers, booleans and JSON objects they stand for. */
function fromFormText(key: string, value: string): unknown {
  if (JSON_FIELDS.has(key)) {
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  }
  if (INTEGER_FIELD.test(key) && /^-?\d+$/.test(value)) return Number(value);
  if (BOOLEAN_FIELD.test(key) && (value === "true" || value === "false")) return value === "true";
  return value;
}

/**
 * Parses multipart/form-data: fields become parameters, files become
 * UploadedFile, both where named and where referenced as attach://name.
 * grammY writes headers as `content-disposition:form-data;name="x";filename=y`
 * (lower case, no spaces, unquoted file name), so all of these are accepted.
 */
function parseMultipart(body: Buffer, boundary: string): ApiParams {
  if (boundary === "") throw new Error("multipart body without a boundary");
  const delimiter = Buffer.from(`--${boundary}`);
  const fields: ApiParams = {};
  const files = new Map<string, UploadedFile>();
  let position = body.indexOf(delimiter);
  while (position !== -1) {
    const partStart = position + delimiter.length;
    if (body.subarray(partStart, partStart + 2).toString() === "--") break;
    const next = body.indexOf(delimiter, partStart);
    if (next === -1) break;
    // Each part sits between "\r\n" after the delimiter and "\r\n" before the next one.
    const part = body.subarray(partStart + 2, next - 2);
    const headerEnd = part.indexOf("\r\n\r\n");
    const headers = part.subarray(0, headerEnd).toString("utf8");
    const content = part.subarray(headerEnd + 4);
    const disposition = /content-disposition:\s*form-data((?:\s*;\s*[^;\r\n]+)*)/i.exec(headers)?.[1] ?? "";
    const name = headerParameter(disposition, "name");
    const fileName = headerParameter(disposition, "filename");
    if (name !== undefined) {
      if (fileName !== undefined) {
        const contentType = /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1]?.trim() ?? "application/octet-stream";
        const file = new UploadedFile(fileName, contentType, Buffer.from(content));
        files.set(name, file);
        fields[name] = file;
      } else {
        fields[name] = fromFormText(name, content.toString("utf8"));
      }
    }
    position = next;
  }
  for (const [key, value] of Object.entries(fields)) {
    if (typeof value === "string" && value.startsWith("attach://")) {
      const file = files.get(value.slice("attach://".length));
      if (file) fields[key] = file;
    }
  }
  return fields;
}

function headerParameter(disposition: string, name: string): string | undefined {
  const match = new RegExp(`;\\s*${name}=(?:"([^"]*)"|([^;\\r\\n]*))`, "i").exec(disposition);
  return match ? (match[1] ?? match[2] ?? "").trim() : undefined;
}

export async function readStream(stream: AsyncIterable<Uint8Array | string>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/**
 * The body of a fetch call. grammY sends multipart bodies as a Node stream,
 * which `Request` does not take, so async iterables are read directly;
 * anything else a fetch accepts goes through `Response`.
 */
export async function readFetchBody(input: string | URL | Request, init: RequestInit | undefined): Promise<{ body: Buffer; contentType: string | undefined }> {
  const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
  const contentType = headers.get("content-type") ?? undefined;
  const body: unknown = init?.body ?? undefined;
  if (body === undefined || body === null) {
    return { body: input instanceof Request ? Buffer.from(await input.arrayBuffer()) : Buffer.alloc(0), contentType };
  }
  if (isAsyncIterable(body)) return { body: await readStream(body), contentType };
  const response = new Response(body as ConstructorParameters<typeof Response>[0]);
  return { body: Buffer.from(await response.arrayBuffer()), contentType: contentType ?? response.headers.get("content-type") ?? undefined };
}

export function renderReply(reply: Exclude<Reply, { kind: "drop" }>): { status: number; contentType: string; text: string } {
  if (reply.kind === "badGateway") {
    // Telegram's front proxy answers 502 with an HTML page, not with JSON.
    return {
      status: 502,
      contentType: "text/html",
      text: "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
    };
  }
  return { status: reply.body.ok ? 200 : reply.body.error_code, contentType: "application/json", text: JSON.stringify(reply.body) };
}

export function integerParam(p: Record<string, unknown>, name: string): number | undefined {
  const value = numberParam(p, name);
  if (value !== undefined && !Number.isInteger(value)) throw badRequest(`invalid ${name} specified`);
  return value;
}

export function numberParam(p: Record<string, unknown>, name: string): number | undefined {
  const value = p[name];
  if (value === undefined || value === null) return undefined;
  const number = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  if (typeof number !== "number" || Number.isNaN(number)) throw badRequest(`invalid ${name} specified`);
  return number;
}

function isAsyncIterable(value: unknown): value is AsyncIterable<Uint8Array | string> {
  return typeof value === "object" && value !== null && Symbol.asyncIterator in value;
}

export function abortError(): DOMException {
  return new DOMException("This operation was aborted", "AbortError");
}

export function networkError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}
