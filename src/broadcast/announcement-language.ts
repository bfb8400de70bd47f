import { franc } from "franc-min";
import type { Language } from "../clinic/clinic-profile.js";

/**
 * The language an announcement is written in, or null when its text is too
 * short (or too mixed) to tell: the preview then says nothing about languages.
 */
export function announcementLanguage(text: string | null): Language | null {
  if (!text) return null;
  const found = franc(text, { only: ["eng", "fra"], minLength: 20 });
  return found === "fra" ? "fr" : found === "eng" ? "en" : null;
}
