// The launch data Telegram hands the desk in the page's fragment (the signed
// initData the server checks, and the theme), kept for a reload of the page.

export function readLaunchParams() {
  const fragment = new URLSearchParams(location.hash.slice(1));
  let initData = fragment.get("tgWebAppData");
  let theme = fragment.get("tgWebAppThemeParams");
  // Telegram passes them once; a reload of the page keeps them for the session.
  try {
    if (initData) sessionStorage.setItem("desk.launch", JSON.stringify({ initData, theme }));
    else ({ initData, theme } = JSON.parse(sessionStorage.getItem("desk.launch") ?? "{}"));
  } catch {
    // storage may be unavailable; the fragment is enough
  }
  return { initData: initData ?? "", theme: theme ? safeJson(theme) : null };
}

export function safeJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
