import { createHmac } from "node:crypto";

/**
 * Launch data as Telegram signs it for a Mini App, written from Telegram's
 * description of the rule (not with the code under test): every field but
 * `hash` as sorted `name=value` lines, signed with HMAC-SHA256 keyed by
 * HMAC-SHA256("WebAppData", bot token).
 */
export function signedLaunchData(
  token: string,
  user: { id: number; first_name: string; last_name?: string; language_code?: string },
  options: { authDate?: Date; extra?: Record<string, string> } = {},
): string {
  const fields = new URLSearchParams({
    query_id: "AAHdF6IQAAAAAN0XohDhrOrc",
    user: JSON.stringify({ allows_write_to_pm: true, ...user }),
    auth_date: String(Math.floor((options.authDate ?? new Date()).getTime() / 1000)),
    ...options.extra,
  });
  const check = [...fields.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, value]) => `${name}=${value}`)
    .join("\n");
  const secret = createHmac("sha256", "WebAppData").update(token).digest();
  fields.set("hash", createHmac("sha256", secret).update(check).digest("hex"));
  return fields.toString();
}

/** The URL Telegram opens: launch parameters in the fragment. */
export function deskLaunchUrl(deskUrl: string, initData: string, theme?: Record<string, string>): string {
  const fragment = new URLSearchParams({ tgWebAppData: initData, tgWebAppVersion: "8.0", tgWebAppPlatform: "tdesktop" });
  if (theme) fragment.set("tgWebAppThemeParams", JSON.stringify(theme));
  return `${deskUrl}#${fragment.toString()}`;
}
