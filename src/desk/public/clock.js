// The clinic's one way of writing a time of day, in each language: "9:00 a.m." (Canadian English) and
// "9 h 00" (Québec French). The bot's messages (src/clinic/format.ts) and the staff desk's page both use
// this file, so a time reads the same in the chat and on the desk. Plain JavaScript with no imports: the
// page loads it as it is (it is served from /desk/clock.js).

/**
 * @param {number} hour 0-23, the clinic's local time
 * @param {number} minute 0-59
 * @param {"en" | "fr"} language
 * @returns {string}
 */
export function formatClock(hour, minute, language) {
  const minutes = String(minute).padStart(2, "0");
  if (language === "fr") return `${hour} h ${minutes}`;
  const twelve = hour % 12 === 0 ? 12 : hour % 12;
  return `${twelve}:${minutes} ${hour < 12 ? "a.m." : "p.m."}`;
}
