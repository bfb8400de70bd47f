import { pino, type Logger, type LoggerOptions } from "pino";

export type { Logger };

/**
 * Structured logs. Patient text, phone numbers and the bot token never reach
 * the log at info level: handlers log ids and outcomes, and these paths are
 * redacted in case an object carrying them is logged by mistake.
 */
export function createLogger(level: LoggerOptions["level"] = "info", destination?: pino.DestinationStream): Logger {
  const options: LoggerOptions = {
    level,
    base: undefined,
    redact: {
      paths: ["botToken", "token", "*.botToken", "*.token", "phone", "*.phone", "text", "*.text", "caption", "*.caption"],
      censor: "[redacted]",
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
