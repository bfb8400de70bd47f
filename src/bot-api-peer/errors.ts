/** The errors the peer answers to the bot, worded like Telegram's. */
import type { ResponseParameters } from "grammy/types";
import type { ApiResponse } from "./options.js";

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly parameters?: ResponseParameters,
  ) {
    super(description);
  }

  toResponse(): ApiResponse {
    return { ok: false, error_code: this.code, description: this.description, ...(this.parameters && { parameters: this.parameters }) };
  }
}

export function badRequest(detail: string): ApiError {
  return new ApiError(400, `Bad Request: ${detail}`);
}

export function forbidden(detail: string): ApiError {
  return new ApiError(403, `Forbidden: ${detail}`);
}

