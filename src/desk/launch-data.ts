import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Checks the launch data Telegram gives a Mini App (`initData`), by the rule of
 * https://core.telegram.org/bots/webapps#validating-data-received-via-the-mini-app:
 * the data-check string is every field but `hash`, sorted by name, as
 * `name=value` lines; the secret is HMAC-SHA256 of the bot token keyed with
 * "WebAppData"; `hash` is the hex HMAC-SHA256 of the data-check string with
 * that secret. The comparison takes the same time however many characters
 * match, so the signature cannot be guessed byte by byte.
 *
 * Written here rather than taken from @telegram-apps/init-data-node, whose
 * validate() compares the signatures with `!==`.
 */

export interface LaunchUser {
  id: number;
  firstName: string;
  lastName?: string;
  languageCode?: string;
}

export type LaunchCheck =
  | { ok: true; user: LaunchUser; authDate: Date }
  | { ok: false; reason: "missing" | "malformed" | "bad-signature" | "expired" };

/** Launch data older than this is refused: a copied link or a leaked header stops working within a day. */
export const LAUNCH_DATA_MAX_AGE_SECONDS = 24 * 3600;

export function launchSecret(botToken: string): Buffer {
  return createHmac("sha256", "WebAppData").update(botToken).digest();
}

/** The data-check string of the fields (all but `hash`), sorted by name. */
export function dataCheckString(fields: URLSearchParams): string {
  return [...fields.entries()]
    .filter(([name]) => name !== "hash")
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join("\n");
}

/**
 * Signs launch data as Telegram does. Only the sandbox uses it, standing in
 * for Telegram when its chat page opens the desk.
 */
export function signLaunchData(fields: Record<string, string>, botToken: string): string {
  const data = new URLSearchParams(fields);
  data.set("hash", createHmac("sha256", launchSecret(botToken)).update(dataCheckString(data)).digest("hex"));
  return data.toString();
}

export function verifyLaunchData(raw: string | undefined, botToken: string, now: Date, maxAgeSeconds = LAUNCH_DATA_MAX_AGE_SECONDS): LaunchCheck {
  if (!raw) return { ok: false, reason: "missing" };
  let fields: URLSearchParams;
  try {
    fields = new URLSearchParams(raw);
  } catch {
    return { ok: false, reason: "malformed" };
  }
  const hash = fields.get("hash");
  if (!hash) return { ok: false, reason: "missing" };
  if (!/^[0-9a-f]{64}$/i.test(hash)) return { ok: false, reason: "bad-signature" };
  const expected = createHmac("sha256", launchSecret(botToken)).update(dataCheckString(fields)).digest();
  if (!timingSafeEqual(expected, Buffer.from(hash, "hex"))) return { ok: false, reason: "bad-signature" };

  // Only signed data is read from here on.
  const authSeconds = Number(fields.get("auth_date"));
  if (!Number.isInteger(authSeconds) || authSeconds <= 0) return { ok: false, reason: "malformed" };
  const authDate = new Date(authSeconds * 1000);
  if (now.getTime() - authDate.getTime() > maxAgeSeconds * 1000) return { ok: false, reason: "expired" };
  const user = parseUser(fields.get("user"));
  if (!user) return { ok: false, reason: "malformed" };
  return { ok: true, user, authDate };
}

function parseUser(json: string | null): LaunchUser | null {
  if (!json) return null;
  try {
    const value = JSON.parse(json) as { id?: unknown; first_name?: unknown; last_name?: unknown; language_code?: unknown };
    if (typeof value.id !== "number" || !Number.isSafeInteger(value.id) || typeof value.first_name !== "string") return null;
    return {
      id: value.id,
      firstName: value.first_name,
      ...(typeof value.last_name === "string" && { lastName: value.last_name }),
      ...(typeof value.language_code === "string" && { languageCode: value.language_code }),
    };
  } catch {
    return null;
  }
}
