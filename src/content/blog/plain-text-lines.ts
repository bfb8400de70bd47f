import { DATE_IN_WORDS, cleanTitle, parseDate } from "./blog-article.js";
import { SENTENCE_END, words, type Unit } from "./plain-text-shapes.js";

/** What a pasted page's lines are when they are not the post's: the site around it, a byline, a date. */

export const READ_MORE = /^(read more|continue reading|keep reading|read the (full )?(article|post)|lire la suite|en savoir plus|lire l['’]article|voir l['’]article)\b.{0,20}$/iu;
export const PHONE = /(?:^|[\s:(])(?:\+?\d{1,3}[\s.-]?)?\(?\d{2,4}\)?(?:[\s.-]?\d{2,4}){2,4}\s*$/u;
const EMAIL = /\b[\w.+-]+@[\w-]+(\.[\w-]+)+\b/u;
const POSTCODE = /\b[A-CEGHJ-NPR-TVXY]\d[A-CEGHJ-NPR-TV-Z][\s-]?\d[A-CEGHJ-NPR-TV-Z]\d\b|\b[A-Z]{1,2}\d[A-Z\d]?\s\d[A-Z]{2}\b|\b(?:[A-Z]{2}|[A-Z][a-z]+)\s+\d{5}(?:-\d{4})?\b|\b\d{5}\s+[A-ZÉÈ][\p{L}'-]+|\b(?:QLD|NSW|VIC|WA|SA|TAS|ACT|NT)\s+\d{4}\b/u;
const STREET = /^\d{1,5}[a-z]?,?\s+(?:[\p{L}'-]+\s+){0,4}(rue|avenue|av\.?|boulevard|boul\.?|bd|chemin|ch\.|route|place|allée|impasse|quai|cours|street|st\.?|road|rd\.?|lane|ln\.?|drive|dr\.?|way|court|ct\.?|crescent|terrace|parade|highway|hwy|suite|unit|bureau)\b/iu;
export const STOCK_PHOTO = /\b(unsplash|pexels|shutterstock|istock(photo)?|getty ?images|adobe ?stock|freepik|pixabay|depositphotos|dreamstime|123rf|canva)\b/iu;

/** A line that belongs to the site, not to the post, told by its shape alone. */
export function isChromeLine(text: string): boolean {
  const short = text.length <= 80;
  const words = text.split(/\s+/).length;
  if (short && /^(skip|jump) to\b|^(aller|passer|sauter) (directement )?(au|à|aux)\b|^(top|bottom) of (the )?page$|^back to (the )?top$|^(retour|remonter) (en )?haut|^(menu|search|rechercher|recherche|close|fermer|toggle navigation|main menu|menu principal)$/iu.test(text)) return true;
  // Reading time, relative dates, view and comment counts, ratings.
  if (short && /\b\d+\s*(min(ute)?s?|mn)\.?\s*(read|de lecture|lecture)\b|^(reading time|temps de lecture|durée de lecture)\b/iu.test(text) && parseDate(text) === null) return true;
  if (short && /^(il y a \d+|\d+\s+(seconds?|minutes?|hours?|days?|weeks?|months?|years?)\s+ago$|(updated|last updated|mis à jour|modifié)( le| on)?\s*:?)/iu.test(text) && words <= 8 && parseDate(text) === null) return true;
  if (/^[|•·\s]*\d+([.,]\d)?\s*(\/\s*5|stars?|étoiles|★+)?[|•·\s]*$/u.test(text)) return true;
  if (short && /^(\d+|no|aucun)\s+(comments?|commentaires?|likes?|j['’]aime|views?|vues|responses?|réponses?|shares?|partages?)\s*$/iu.test(text)) return true;
  if (/^[★☆⭐✩✪\s]+/u.test(text) && short) return true;
  // Share and follow lines, and a row of social networks.
  if (short && /^(share|partager|partagez|partage|follow|suivez|suivre)\b(?!\s+(the|your|a|les|vos|ce|cette)\b)/iu.test(text) && words <= 8) return true;
  if (short && (text.match(/\b(facebook|instagram|twitter|linkedin|youtube|pinterest|tiktok|whatsapp|x\.com|e-?mail|print|imprimer|copy link)\b/giu)?.length ?? 0) >= 2 && words <= 10) return true;
  if (/^(facebook|instagram|twitter|x|linkedin|youtube|pinterest|tiktok|whatsapp|threads|bluesky|e-?mail|courriel|print|imprimer|copy link|copier le lien)$/iu.test(text)) return true;
  // Images: a file name, a credit, an alt text the copy kept.
  if (/\S+\.(jpe?g|png|gif|webp|svg|avif|heic|tiff?)\b/iu.test(text) && words <= 8) return true;
  if (text.length <= 160 && /^(photo|image|picture|illustration)s?\b/iu.test(text) && /\b(courtesy|creative commons|licen[cs]ed|licen[cs]ing|used under|used with permission|avec l['’]autorisation|sous licence)\b/iu.test(text)) return true;
  // A line with no letter or digit ("| | | |"), and WordPress's default category, which only a meta row shows.
  if (!/[\p{L}\p{N}]/u.test(text)) return true;
  if (short && /\b(uncategori[sz]ed|non classé)(?!\p{L})/iu.test(text) && !SENTENCE_END.test(text)) return true;
  if (short && ((STOCK_PHOTO.test(text) && words <= 6) || /^(photo|image|crédit|credit|illustration|source)s?\s*(photo\s*)?(by|de|par|:|©|credit)\b/iu.test(text) || /\b(source image|image source)\b/iu.test(text))) return true;
  // Categories, tags, "filed under" lines and meta rows with bars.
  if (short && /^(posted|filed|classé|publié|published|catégorisé)\s+(in|under|dans|sous|en)\b|^(categories|category|catégories?|tags?|étiquettes?|mots[- ]clés|topics?|sujets?)\s*:/iu.test(text)) return true;
  // Banners: a cookie notice, a shop's offer, a newsletter box, a lone button.
  if (text.length <= 200 && /\bcookies?\b/iu.test(text) && /\b(use|uses|utilise|utilisons|accept|accepter|consent|consentement)\b/iu.test(text)) return true;
  if (short && /\b(free shipping|livraison gratuite|promo code|code promo|\d+\s?% off|shop now|add to cart|ajouter au panier|gift cards?|cartes?[- ]cadeaux?)\b/iu.test(text)) return true;
  if (short && /\b(subscribe|abonnez-vous|inscrivez-vous|sign up|join)\b/iu.test(text) && /\b(newsletter|infolettre|mailing list|updates|nouvelles|our list)\b|^(subscribe|abonnez-vous|inscrivez-vous)\b/iu.test(text) && words <= 12) return true;
  if (words <= 5 && /^(book( now| online| an appointment| your appointment)?|shop|buy now|order now|call now|contact us|nous joindre|contactez-nous|réserver( en ligne| maintenant)?|prendre rendez-vous( en ligne)?|prenez rendez-vous( en ligne)?|get started|learn more|en savoir plus)\s*[!.→»>]*$/iu.test(text)) return true;
  if (READ_MORE.test(text)) return true;
  // A phone number, an e-mail address or a street address on a short line of its own.
  if (short && !SENTENCE_END.test(text) && (PHONE.test(text) || EMAIL.test(text) || POSTCODE.test(text) || STREET.test(text)) && words <= 10) return true;
  if (/^(tel|tél|phone|téléphone|fax|mobile|cell|email|e-mail|courriel|adresse|address)\b\.?\s*:?\s*\S/iu.test(text) && short) return true;
  if (/^(hours|heures d['’]ouverture|horaires?|opening hours)\s*:?/iu.test(text) && short) return true;
  return false;
}

/** "By Anne Roy", "Par Dr Luc Martin, ostéopathe", "Reviewed by …", "Written by … | March 4, 2021". */
export function isByline(text: string): boolean {
  // A meta row with bars and a date: "2025-03-18T09:12:44+00:00March 18th, 2025|Back Health, General|".
  if (text.length <= 160 && /\|/.test(text) && !SENTENCE_END.test(text) && parseDate(text) !== null) return true;
  if (text.length > 120) return false;
  if (/^(by|par|written by|écrit par|rédigé par|posted by|publié par|author|auteur|autrice|auteure)\s*:?\s+(\p{Lu}|\d|dr\b|le |la |l['’])/iu.test(text) && !/[.!?]["”’»)]*$/u.test(text.replace(/\b(dr|st|inc|ltd|jr|sr|m)\.$/iu, ""))) return true;
  if (/^(medically |clinically )?(reviewed|fact[- ]checked|verified|approved|edited)\s+by\b|^(révisé|relu|vérifié|validé|approuvé|revu)e?s?\s+par\b/iu.test(text)) return true;
  return false;
}

/** A line that is a date with at most a few words of the page's own around it ("Posted on March 4, 2021", "21. February 2022"). */
export function isDateLine(text: string): boolean {
  if (/^\d{4}-\d{2}(-\d{2})?$/.test(text)) return true;
  if (text.length > 140 || /[.!?]["”’»)]*$/u.test(text.replace(/\d\.$/, ""))) return false;
  const withoutDates = text.replace(new RegExp(DATE_IN_WORDS, "giu"), " ").replace(/\b(jan|feb|mar|apr|may|jun|jul|aug|sept?|oct|nov|dec|janv|févr|avr|mai|juin|juil|août|déc)[a-zé]*\.?\s+\d{1,2}(st|nd|rd|th)?\b|\b\d{1,2}\s+(jan|feb|mar|apr|may|jun|jul|aug|sept?|oct|nov|dec|janv|févr|mars|avr|mai|juin|juil|août|sept|oct|nov|déc)[a-zé]*\.?\b/giu, " ");
  if (withoutDates === text) return false;
  const rest = withoutDates.replace(/[|•·,–—:-]/g, " ").trim();
  return rest.split(/\s+/).filter(Boolean).length <= 6 && !/[.!?]/.test(rest);
}

/** "Ice or heat after a sprain?November 5, 2023": a headline the copy glued to its date (the date is cut from the title). */
export function isTitleWithDate(text: string): boolean {
  const rest = cleanTitle(text);
  return rest !== text && words(rest) >= 3 && /^\p{Lu}/u.test(rest) && !/\|/.test(text) && !/^(by|par|posted|published|publié|updated|mis à jour|le|on)\b/iu.test(rest);
}

/**
 * A block of short lines with a phone number, an e-mail or an address: the
 * clinic's card. Its other short lines (the clinic's name, "Suite 200") go with it.
 */
export function markContactBlocks(units: Unit[]): void {
  const byParagraph = new Map<number, Unit[]>();
  for (const unit of units) {
    const lines = byParagraph.get(unit.paragraph);
    if (lines) lines.push(unit);
    else byParagraph.set(unit.paragraph, [unit]);
  }
  for (const lines of byParagraph.values()) {
    if (lines.length < 2) continue;
    const hasContact = lines.some((unit) => unit.kind === "chrome" && (PHONE.test(unit.text) || EMAIL.test(unit.text) || POSTCODE.test(unit.text) || STREET.test(unit.text)));
    const allShort = lines.every((unit) => unit.text.length <= 60 && !SENTENCE_END.test(unit.text));
    if (hasContact && allShort) for (const unit of lines) unit.kind = "chrome";
  }
}
