import { Agent as HttpAgent, type ClientRequest } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import { createRequire } from "node:module";

/** The parts of node-fetch 2 (grammY's own fetch on Node, CommonJS, untyped) used here. */
interface NodeFetchInit {
  agent?: HttpAgent | ((url: URL) => HttpAgent);
  body?: unknown;
  signal?: { aborted: boolean } | null;
}
interface NodeFetch {
  (url: string, init?: NodeFetchInit): Promise<unknown>;
  FetchError: new (...args: never[]) => Error & { type: string; code?: string };
}
const nodeFetch = createRequire(import.meta.url)("node-fetch") as NodeFetch;

/**
 * grammY's fetch (node-fetch over a kept-alive connection), safe against the
 * keep-alive race: a connection left idle is closed by the server just as a
 * request is written on it, and the request fails with ECONNRESET or EPIPE
 * although the server never read it. That happens most after the event loop
 * was busy for a while (queueing thousands of rows), and a send that fails so
 * is one whose outcome the delivery engine cannot know: it is marked unknown
 * and never resent, so the patient never gets the message.
 *
 * Such a request is tried once more, on a new connection, only when it went on
 * a reused connection and failed before any answer, with a body that can be
 * sent again: exactly the case Node's documentation gives for retrying
 * (`request.reusedSocket`). A reset on a fresh connection, or after Telegram
 * started answering, still fails as before.
 */
export function keepAliveSafeFetch(): typeof fetch {
  const agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };
  return (async (url: string, init: NodeFetchInit = {}) => {
    const given = init.agent;
    const shared = typeof given === "function" ? given(new URL(url)) : (given ?? (url.startsWith("https:") ? agents.https : agents.http));
    for (let attempt = 1; ; attempt++) {
      let request: ClientRequest | undefined;
      let answered = false;
      const agent = watching(shared, (req) => {
        request = req;
        req.once("response", () => (answered = true));
      });
      try {
        return await nodeFetch(url, { ...init, agent });
      } catch (error) {
        const raced = attempt === 1 && request?.reusedSocket === true && !answered && wroteNothingAnswered(error);
        if (!raced || init.signal?.aborted || !replayable(init.body)) throw error;
      }
    }
  }) as unknown as typeof fetch;
}

/** `shared` as the request's agent (same pool of connections), telling `onRequest` which request it was given. */
function watching(shared: HttpAgent, onRequest: (request: ClientRequest) => void): HttpAgent {
  const agent = Object.create(shared) as HttpAgent & { addRequest(request: ClientRequest, options: unknown): void };
  const addRequest = (shared as unknown as { addRequest(request: ClientRequest, options: unknown): void }).addRequest;
  agent.addRequest = (request, options) => {
    addRequest.call(shared, request, options);
    onRequest(request);
  };
  return agent;
}

function wroteNothingAnswered(error: unknown): boolean {
  return error instanceof nodeFetch.FetchError && error.type === "system" && (error.code === "ECONNRESET" || error.code === "EPIPE");
}

/** A JSON call's body is a string and can be sent again; an upload's is a stream, read once. */
function replayable(body: unknown): boolean {
  return body === undefined || body === null || typeof body === "string" || body instanceof Uint8Array;
}
