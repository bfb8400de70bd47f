import { GrammyError, HttpError } from "grammy";

/** A loggable summary of an error that never carries the bot token (grammY's HttpError can hold request details). */
export function describeError(error: unknown): Record<string, unknown> {
  if (error instanceof GrammyError) {
    return { type: "GrammyError", method: error.method, code: error.error_code, description: error.description };
  }
  if (error instanceof HttpError) {
    return { type: "HttpError", message: withoutToken(error.message) };
  }
  if (error instanceof Error) {
    return { type: error.name, message: withoutToken(error.message), stack: error.stack && withoutToken(error.stack) };
  }
  return { value: String(error) };
}

/** Bot API URLs carry the token (`/bot<token>/method`); it must never reach a log. */
export function withoutToken(text: string): string {
  return text.replace(/\d{5,16}:[\w-]{30,64}/g, "<token>");
}
