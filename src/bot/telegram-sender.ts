import { GrammyError, HttpError, InputFile, type Api } from "grammy";
import type { MessageSender, SendFailure } from "../delivery/delivery-engine.js";
import { isAttachedTextFile } from "../delivery/outbox.js";
import { withoutToken } from "../shared/errors.js";

/**
 * How the delivery engine's messages reach Telegram: one Bot API call per
 * outbox row, on a raw Api without auto-retry (the engine handles 429 and
 * failures itself), and what a failed call means for the row.
 */
export function telegramSender(api: Api): MessageSender {
  return {
    async send(chatId, message) {
      try {
        const params = Object.fromEntries(
          Object.entries(message.params).map(([name, value]) => [name, isAttachedTextFile(value) ? new InputFile(Buffer.from(value.$file.text), value.$file.name) : value]),
        );
        const sent = (await api.raw[message.method]({ ...params, chat_id: chatId } as never)) as { message_id?: number } | undefined;
        return { ok: true, messageId: sent?.message_id ?? null };
      } catch (error) {
        return { ok: false, failure: failureOf(error) };
      }
    },
  };
}

/** What a failed call means: Telegram's answer, or what became of the connection. */
function failureOf(error: unknown): SendFailure {
  if (error instanceof GrammyError) {
    const description = error.description;
    if (error.error_code === 429) return { kind: "rate-limited", retryAfterSeconds: error.parameters.retry_after ?? 1, reason: description };
    if (error.error_code === 403 || /chat not found|user is deactivated|PEER_ID_INVALID/i.test(description)) return { kind: "blocked", reason: description };
    // Telegram's 5xx means the request was not carried out; retrying is safe.
    if (error.error_code >= 500) return { kind: "not-carried-out", retryReason: description, otherwise: "rejected", reason: description };
    return { kind: "rejected", reason: description };
  }
  if (error instanceof HttpError) {
    const reason = withoutToken(error.message);
    if (error.error instanceof SyntaxError) {
      // An HTML error page from Telegram's front proxy (502/504): the Bot API did not answer.
      return { kind: "not-carried-out", retryReason: "bad gateway", otherwise: "lost", reason };
    }
    const code = (error.error as { cause?: { code?: string } } | undefined)?.cause?.code;
    // The request never left this machine: nothing can have been delivered.
    if (code && ["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN"].includes(code)) return { kind: "not-carried-out", retryReason: code, otherwise: "lost", reason };
    // The connection broke after the request may have reached Telegram.
    return { kind: "lost", reason };
  }
  return { kind: "rejected", reason: error instanceof Error ? error.message : String(error) };
}
