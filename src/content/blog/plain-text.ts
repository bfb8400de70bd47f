import { DATE_IN_WORDS, cleanTitle, firstSentence, parseDate, slugify } from "./blog-article.js";
import type { PageMetadata } from "./page-blocks.js";
import { stripShortcodes } from "./shortcodes.js";
import { toHtml } from "./plain-text-html.js";
import { LEAD_IN, SENTENCE_END, isLeadPhrase, isSentence, words, type Kind, type Unit } from "./plain-text-shapes.js";

/**
 * Text copied from a blog page has no markup, only the shape the page had.
 * This reads that shape as the equivalent HTML, so pasted text goes through
 * the same article model as a page, a feed or a WordPress post:
 *
 * - the site around the post is told by the shape, place and kind of each
 *   line (a skip link, a phone/e-mail/address block, a byline, a date, a
 *   reading time, an image's file name or credit, a share or follow line, a
 *   banner), never by the words of one site; a line no rule is sure of stays;
 * - the title is the heading-like line above the post's first sentence (the
 *   one repeated, else the one next to the byline or date, else the fullest),
 *   or, when the copy has none, the first sentence, shortened;
 * - headings are short lines of their own (bare, ALL CAPS, questions, ending
 *   in a colon), numbered items are "1." / "1)" / "1-" / "Step 1:" lines with
 *   what follows them, bullets keep their bold-style lead-in ("Position: …"),
 *   and a line broken in the middle of a sentence is joined again.
 */

export interface PlainTextPost {
  html: string;
  metadata: PageMetadata;
}

/** A page listing several posts whose excerpts cannot be told apart into whole posts. */
export class ArchivePage extends Error {
  constructor(readonly excerpts: number) {
    super(`is a list of ${excerpts} posts with "Read more" links, not one post: copy one post's own page (or import the blog's feed)`);
  }
}

const BULLET = /^(?:[•·▪◦●○■□►▸▹✓✔✗✘➤➢→⁃∙*+]|[-–—](?=\s))\s*(\S.*)$/u;
const LONE_BULLET = /^(?:[•·▪◦●○■□►▸▹✓✔➤➢→⁃∙*+]|[-–—])$/u;
const NUMBERED = /^(?:(\d{1,2})\s*[.)\-–:]|\((\d{1,2})\)|(?:step|étape|exercise|exercice|tip|conseil|astuce|tip #|conseil n[°o])\s*#?\s*(\d{1,2})\s*[:.)\-–]?)\s*(\S.*)$/iu;
const READ_MORE = /^(read more|continue reading|keep reading|read the (full )?(article|post)|lire la suite|en savoir plus|lire l['’]article|voir l['’]article)\b.{0,20}$/iu;
const TRUNCATED = /(\[(…|\.\.\.)\]|…|\.\.\.)\s*$/u;
/** Once the post has begun, a line after which the page holds comments, other posts, the sidebar's widgets or the footer. */
const END_OF_POST =
  /^(©|\(c\)\s|copyright\b|all rights reserved|tous droits réservés|leave a (reply|comment)|laisser un commentaire|laissez un commentaire|\d+ (comments?|commentaires?)|comments?$|commentaires$|related (posts|articles)|recent posts|you (may|might) also like|articles? (similaires|récents|reliés|connexes)|à lire aussi|vous aimerez aussi|post navigation|previous (post|article)|next (post|article)|article (précédent|suivant)|← |« )|^(categories|catégories|archives|tags|étiquettes|search|rechercher|recent (posts|articles)|popular (posts|articles)|articles populaires|quick links|liens rapides|useful links|liens utiles|follow us|suivez-nous|connect with us|get in touch|contact us|contactez-nous|nous joindre|opening hours|hours|heures d['’]ouverture|horaires|newsletter|infolettre|about us|à propos( de nous)?|share this( post| article)?|partager cet article)\s*:?$/iu;

export function plainTextPosts(text: string): PlainTextPost[] {
  const units = classify(readLines(text));
  const segments = splitArchive(units);
  return segments.map((segment) => postOf(segment));
}

/** One post's text, for callers that expect exactly one. */
export function plainTextToHtml(text: string): PlainTextPost {
  return plainTextPosts(text)[0]!;
}

// ---------------------------------------------------------------- lines

interface Line {
  text: string;
  indent: number;
  paragraph: number;
}

function readLines(raw: string): Line[] {
  const text = stripShortcodes(raw)
    .replace(/\r\n?/g, "\n")
    .replace(/[\u00a0\u2007\u202f]/g, " ")
    .replace(/[\u200b-\u200d\u2060\ufeff\u00ad]/g, "")
    .replace(/\t/g, "    ")
    // An address hidden by the site's spam protection is not text.
    .replace(/\[\s*email[\s\u00a0]*protected\s*\]/giu, "");
  const lines: Line[] = [];
  let paragraph = 0;
  let previousBlank = true;
  for (const rawLine of text.split("\n")) {
    const trimmed = rawLine.trim().replace(/\s+/g, " ");
    if (trimmed === "") {
      if (!previousBlank) paragraph++;
      previousBlank = true;
      continue;
    }
    previousBlank = false;
    const indent = rawLine.length - rawLine.trimStart().length;
    // "date 2021-02 The title…": a date stamp a saved copy put in front of the first line is a line of its own.
    const stamped = /^date\s+(\d{4}-\d{2}(?:-\d{2})?)\s+(\S.*)$/iu.exec(trimmed);
    if (stamped) {
      lines.push({ text: stamped[1]!, indent, paragraph }, { text: stamped[2]!, indent, paragraph: ++paragraph });
      continue;
    }
    lines.push({ text: trimmed, indent, paragraph });
  }
  // A bullet on a line of its own belongs to the line after it.
  const joined: Line[] = [];
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    const next = lines[index + 1];
    if (LONE_BULLET.test(line.text) && next && !LONE_BULLET.test(next.text)) {
      const bulleted = `• ${next.text}`;
      joined.push({ ...next, text: bulleted, indent: line.indent });
      index++;
    } else if (/^\d{1,2}[.)]$/.test(line.text) && next) {
      const numbered = `${line.text} ${next.text}`;
      joined.push({ ...next, text: numbered, indent: line.indent });
      index++;
    } else joined.push(line);
  }
  // A sentence broken across lines: the next line, in the same paragraph, goes on in lower case.
  const merged: Line[] = [];
  for (const line of joined) {
    const previous = merged.at(-1);
    if (
      previous &&
      previous.paragraph === line.paragraph &&
      /^[a-zà-ÿ(]/u.test(line.text) &&
      !/[.!?:;]["”’»)]*$/u.test(previous.text) &&
      !BULLET.test(line.text) &&
      (NUMBERED.test(previous.text) || BULLET.test(previous.text) || (previous.text.length > 40 && !isAllCaps(previous.text))) &&
      /\s/.test(line.text)
    ) {
      previous.text = `${previous.text} ${line.text}`;
    } else merged.push({ ...line });
  }
  return merged;
}

// ---------------------------------------------------------------- what each line is

function classify(lines: Line[]): Unit[] {
  const units: Unit[] = lines.map((line) => ({ ...line, kind: kindOf(line.text) }));
  markContactBlocks(units);
  // "Good for: tight hips" right under a heading is the section's first line, with a bold-style lead-in, not a heading.
  const firstSentenceAt = units.findIndex((unit) => unit.kind === "prose" && SENTENCE_END.test(unit.text));
  for (let index = Math.max(1, firstSentenceAt + 1); firstSentenceAt >= 0 && index < units.length; index++) {
    const unit = units[index]!;
    const lead = LEAD_IN.exec(unit.text);
    const previous = units[index - 1]!;
    if (unit.kind === "heading" && lead && isLeadPhrase(lead[1]!) && words(lead[1]!) <= 3 && (previous.kind === "heading" || previous.kind === "numbered")) unit.kind = "prose";
  }
  numberLostFirstItem(units);
  for (const unit of units) {
    if (unit.kind === "bullet") {
      const body = BULLET.exec(unit.text)![1]!;
      const lead = LEAD_IN.exec(body);
      unit.text = body;
      if (lead && isLeadPhrase(lead[1]!)) [unit.lead, unit.rest] = [lead[1]!.trim(), lead[2]!];
    } else if (unit.kind === "numbered") {
      const match = NUMBERED.exec(unit.text)!;
      unit.number = Number(match[1] ?? match[2] ?? match[3]);
      unit.text = match[4]!.replace(/^[.)\-–:]\s*/u, "");
    }
  }
  return units;
}

/** "Pelvic tilts", then "2. Knee-to-chest", "3. Bridge": the first item of a numbered list that lost its number is the heading before "2.". */
function numberLostFirstItem(units: Unit[]): void {
  for (let index = 0; index < units.length; index++) {
    const unit = units[index]!;
    if (unit.kind !== "numbered" || !/^\s*2\s*[.)\-–]/u.test(unit.text) || isSentence(unit.text)) continue;
    // The nearest heading that starts a block of its own (not an item of a list written without bullets).
    for (let back = index - 1; back >= 0; back--) {
      const candidate = units[back]!;
      if (candidate.kind === "numbered") break;
      const before = units[back - 1];
      const startsBlock = !before || !(before.kind === "heading" || /:$/u.test(before.text));
      if (candidate.kind === "heading" && !/[:?]$/u.test(candidate.text) && startsBlock) {
        candidate.kind = "numbered";
        candidate.text = `1. ${candidate.text}`;
        break;
      }
    }
  }
}

function kindOf(text: string): Kind {
  if (/^\d{4}-\d{2}(-\d{2})?$/.test(text)) return "byline";
  if (isChromeLine(text)) return "chrome";
  if (isByline(text)) return "byline";
  if (isDateLine(text)) return isTitleWithDate(text) ? "heading" : "byline";
  if (BULLET.test(text)) return "bullet";
  if (NUMBERED.test(text) && !/^\d{1,2}[.:]\d/.test(text) && !/^\d{1,2}\s*-\s*\d/.test(text)) return "numbered";
  return isHeadingLike(text) ? "heading" : "prose";
}

/** A short line of its own without a sentence's ending: a title, a heading, a question, "Key advice:". */
function isHeadingLike(text: string): boolean {
  if (/^[a-zà-ÿ]/u.test(text)) return false;
  if (/\?["”’»)]*$/u.test(text)) return text.length <= 160;
  if (text.length > 100) return false;
  if (/:$/u.test(text)) return text.length <= 90;
  return !SENTENCE_END.test(text) || (isAllCaps(text) && text.length <= 90);
}

function isAllCaps(text: string): boolean {
  const letters = text.replace(/[^\p{L}]/gu, "");
  return letters.length >= 4 && letters === letters.toUpperCase();
}

const PHONE = /(?:^|[\s:(])(?:\+?\d{1,3}[\s.-]?)?\(?\d{2,4}\)?(?:[\s.-]?\d{2,4}){2,4}\s*$/u;
const EMAIL = /\b[\w.+-]+@[\w-]+(\.[\w-]+)+\b/u;
const POSTCODE = /\b[A-CEGHJ-NPR-TVXY]\d[A-CEGHJ-NPR-TV-Z][\s-]?\d[A-CEGHJ-NPR-TV-Z]\d\b|\b[A-Z]{1,2}\d[A-Z\d]?\s\d[A-Z]{2}\b|\b(?:[A-Z]{2}|[A-Z][a-z]+)\s+\d{5}(?:-\d{4})?\b|\b\d{5}\s+[A-ZÉÈ][\p{L}'-]+|\b(?:QLD|NSW|VIC|WA|SA|TAS|ACT|NT)\s+\d{4}\b/u;
const STREET = /^\d{1,5}[a-z]?,?\s+(?:[\p{L}'-]+\s+){0,4}(rue|avenue|av\.?|boulevard|boul\.?|bd|chemin|ch\.|route|place|allée|impasse|quai|cours|street|st\.?|road|rd\.?|lane|ln\.?|drive|dr\.?|way|court|ct\.?|crescent|terrace|parade|highway|hwy|suite|unit|bureau)\b/iu;
const STOCK_PHOTO = /\b(unsplash|pexels|shutterstock|istock(photo)?|getty ?images|adobe ?stock|freepik|pixabay|depositphotos|dreamstime|123rf|canva)\b/iu;

/** A line that belongs to the site, not to the post, told by its shape alone. */
function isChromeLine(text: string): boolean {
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
function isByline(text: string): boolean {
  // A meta row with bars and a date: "2025-03-18T09:12:44+00:00March 18th, 2025|Back Health, General|".
  if (text.length <= 160 && /\|/.test(text) && !SENTENCE_END.test(text) && parseDate(text) !== null) return true;
  if (text.length > 120) return false;
  if (/^(by|par|written by|écrit par|rédigé par|posted by|publié par|author|auteur|autrice|auteure)\s*:?\s+(\p{Lu}|\d|dr\b|le |la |l['’])/iu.test(text) && !/[.!?]["”’»)]*$/u.test(text.replace(/\b(dr|st|inc|ltd|jr|sr|m)\.$/iu, ""))) return true;
  if (/^(medically |clinically )?(reviewed|fact[- ]checked|verified|approved|edited)\s+by\b|^(révisé|relu|vérifié|validé|approuvé|revu)e?s?\s+par\b/iu.test(text)) return true;
  return false;
}

/** A line that is a date with at most a few words of the page's own around it ("Posted on March 4, 2021", "21. February 2022"). */
function isDateLine(text: string): boolean {
  if (/^\d{4}-\d{2}(-\d{2})?$/.test(text)) return true;
  if (text.length > 140 || /[.!?]["”’»)]*$/u.test(text.replace(/\d\.$/, ""))) return false;
  const withoutDates = text.replace(new RegExp(DATE_IN_WORDS, "giu"), " ").replace(/\b(jan|feb|mar|apr|may|jun|jul|aug|sept?|oct|nov|dec|janv|févr|avr|mai|juin|juil|août|déc)[a-zé]*\.?\s+\d{1,2}(st|nd|rd|th)?\b|\b\d{1,2}\s+(jan|feb|mar|apr|may|jun|jul|aug|sept?|oct|nov|dec|janv|févr|mars|avr|mai|juin|juil|août|sept|oct|nov|déc)[a-zé]*\.?\b/giu, " ");
  if (withoutDates === text) return false;
  const rest = withoutDates.replace(/[|•·,–—:-]/g, " ").trim();
  return rest.split(/\s+/).filter(Boolean).length <= 6 && !/[.!?]/.test(rest);
}

/** "Ice or heat after a sprain?November 5, 2023": a headline the copy glued to its date (the date is cut from the title). */
function isTitleWithDate(text: string): boolean {
  const rest = cleanTitle(text);
  return rest !== text && words(rest) >= 3 && /^\p{Lu}/u.test(rest) && !/\|/.test(text) && !/^(by|par|posted|published|publié|updated|mis à jour|le|on)\b/iu.test(rest);
}

/**
 * A block of short lines with a phone number, an e-mail or an address: the
 * clinic's card. Its other short lines (the clinic's name, "Suite 200") go with it.
 */
function markContactBlocks(units: Unit[]): void {
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

// ---------------------------------------------------------------- archives

/**
 * A blog's list or tag page: several posts one after the other. Whole posts
 * (a title, then a date or byline, then their text) are cut apart; a list of
 * excerpts with "Read more" cannot be, and says so.
 */
function splitArchive(units: Unit[]): Unit[][] {
  const raw = units.map((unit) => unit.text);
  const truncated = units.filter((unit, index) => unit.kind !== "chrome" && TRUNCATED.test(unit.text) && unit.text.length > 60 && !/^\s*(…|\.\.\.)/.test(raw[index + 1] ?? "")).length;
  const readMore = units.filter((unit) => READ_MORE.test(unit.text)).length;
  const starts: number[] = [];
  for (let index = 0; index < units.length; index++) {
    if (units[index]!.kind !== "heading") continue;
    let next = index + 1;
    while (next < units.length && units[next]!.kind === "chrome") next++;
    if (units[next]?.kind === "byline") starts.push(index);
  }
  const excerpts = Math.max(truncated, readMore);
  if (starts.length >= 2) {
    const segments = starts.map((start, position) => units.slice(start, starts[position + 1] ?? units.length));
    const whole = segments.filter((segment) => segment.filter((unit) => unit.kind === "prose" || unit.kind === "bullet" || unit.kind === "numbered").length >= 3);
    if (whole.length === segments.length && excerpts < 2) return segments;
  }
  if (excerpts >= 2 && (starts.length >= 2 || readMore >= 2 || truncated >= 2)) {
    const body = units.filter((unit) => unit.kind === "prose" && !TRUNCATED.test(unit.text)).length;
    if (body <= excerpts * 2) throw new ArchivePage(excerpts);
  }
  return [units];
}

// ---------------------------------------------------------------- one post

function postOf(all: Unit[]): PlainTextPost {
  // Everything after the end of the post (comments, related posts, the footer) goes.
  const firstProse = all.findIndex((unit) => unit.kind === "prose");
  const end = all.findIndex((unit, index) => index > firstProse && firstProse >= 0 && END_OF_POST.test(unit.text) && unit.text.length <= 120);
  const units = (end === -1 ? all : all.slice(0, end)).filter((unit) => unit.kind !== "chrome");

  const bodyStart = units.findIndex((unit) => (unit.kind === "prose" && (isSentence(unit.text) || /^\p{Lu}/u.test(unit.text))) || unit.kind === "bullet" || (unit.kind === "numbered" && isSentence(unit.text)));
  const top = bodyStart === -1 ? units : units.slice(0, bodyStart);
  const laterQuestions = bodyStart === -1 ? 0 : units.slice(bodyStart).filter((unit) => unit.kind === "heading" && /\?$/u.test(unit.text)).length;
  const { title, titleIndex } = chooseTitle(top, laterQuestions);
  const dateLine = top.find((unit) => unit.kind === "byline" && parseDate(unit.text) !== null) ?? units.find((unit, index) => index < 12 && unit.kind === "byline" && parseDate(unit.text) !== null);
  const titleDate = titleIndex >= 0 && parseDate(top[titleIndex]!.text) !== null ? top[titleIndex]!.text : undefined;
  const metadata: PageMetadata = {
    ...(title ? { title } : {}),
    ...(dateLine ? { date: dateLine.text } : titleDate ? { date: titleDate } : {}),
  };

  // Between the title and the first sentence: categories, tags, a subtitle, an image's alt text. The last heading
  // there stays when the post has others (it is the first section's), unless it is a list of tags.
  let rest = units.slice(bodyStart === -1 ? titleIndex + 1 : bodyStart).filter((unit) => unit.kind !== "byline");
  if (bodyStart > 0) {
    const between = top.slice(titleIndex + 1).filter((unit) => unit.kind === "heading" && !sameAs(unit.text, title));
    const last = between.at(-1);
    const laterHeadings = rest.filter((unit) => unit.kind === "heading");
    // Kept when shaped like the later headings: a question among questions, a "…:" heading among such.
    // Below the title's byline or date, a heading right above the text is the first section's ("Introduction: …", "What's changed?").
    const afterByline = top.slice(titleIndex + 1).some((unit) => unit.kind === "byline") && (/[?:]$/u.test(last?.text ?? "") || words(last?.text ?? "") >= 3);
    const shapedLikeLater = afterByline || (/\?$/u.test(last?.text ?? "") && laterHeadings.some((unit) => /\?$/u.test(unit.text))) || (/:$/u.test(last?.text ?? "") && laterHeadings.some((unit) => /:$/u.test(unit.text)));
    if (last && shapedLikeLater && !isTagList(last.text) && top.at(-1) === last) rest = [last, ...rest];
  }
  rest = rest.filter((unit) => !(unit.kind === "heading" && title && sameAs(unit.text, title)));
  // A headline written as a sentence ("… Votre ostéopathe répond."): the page's first line, alone, with the site's meta row under it.
  const firstLine = all.findIndex((unit) => unit.kind !== "chrome");
  const underFirst = all[firstLine + 1];
  if (!title && firstLine >= 0 && all[firstLine]!.kind === "prose" && all[firstLine]!.text.length <= 120 && (underFirst?.kind === "chrome" || underFirst?.kind === "byline") && underFirst.paragraph !== all[firstLine]!.paragraph) {
    metadata.title = cleanTitle(all[firstLine]!.text.replace(/\.$/u, ""));
    rest = rest.filter((unit) => unit !== all[firstLine]);
  }
  if (!metadata.title) {
    const first = rest.find((unit) => unit.kind === "prose");
    if (first) metadata.title = firstSentence(first.text);
    // A first line that is only that sentence ("Your good posture guide.") was the headline: it is not the post's text too.
    if (first && metadata.title === first.text.replace(/[.!]$/u, "").trim() && first.text.length <= 100) rest = rest.filter((unit) => unit !== first);
  }
  return { html: toHtml(dropImageAltText(rest)), metadata };
}

function chooseTitle(top: Unit[], laterQuestions: number): { title: string | undefined; titleIndex: number } {
  const text = (unit: Unit) => (unit.kind === "numbered" ? `${unit.number ?? ""} ${unit.text}`.trim() : unit.text);
  const all = top.map((unit, index) => ({ unit, index }));
  // A title copied in lower case counts when the page repeats it; other short lower-case lines are alt texts and labels.
  const isCandidate = ({ unit }: { unit: Unit }) =>
    unit.text.length >= 3 &&
    (unit.kind === "heading" || (unit.kind === "numbered" && !isSentence(unit.text)) || (unit.kind === "prose" && !isSentence(unit.text) && top.some((other) => other !== unit && sameAs(other.text, unit.text))));
  let candidates = all.filter(isCandidate);
  if (candidates.length === 0) return { title: undefined, titleIndex: -1 };
  // The last heading above the text, shaped like the post's later headings (a question among questions), is its first section.
  const last = candidates.at(-1)!;
  if (candidates.length > 1 && top.at(-1) === last.unit && /\?$/u.test(last.unit.text) && laterQuestions > 0) candidates = candidates.slice(0, -1);
  const byline = top.findIndex((unit) => unit.kind === "byline");
  let chosen: (typeof candidates)[number];
  const beforeByline = candidates.filter((candidate) => candidate.index < byline).at(-1);
  const afterBylineCandidate = candidates.find((candidate) => candidate.index > byline);
  // "Claire Dubé", a date, "3 min read", then the title: the author's name sits above the date on some platforms.
  const isAuthorName = beforeByline !== undefined && afterBylineCandidate !== undefined && beforeByline.index === byline - 1 && /^\p{Lu}[\p{L}'’-]+(\s\p{Lu}[\p{L}'’.-]+){1,2}$/u.test(beforeByline.unit.text);
  if (byline >= 0 && beforeByline && !isAuthorName) chosen = beforeByline;
  else if (byline >= 0 && candidates.some((candidate) => candidate.index > byline)) chosen = candidates.find((candidate) => candidate.index > byline)!;
  else {
    // The fullest line wins, a repeated one and the one right above the text more so; a question loses to a fuller statement (it is the subtitle).
    const statements = candidates.filter((candidate) => !/\?$/u.test(candidate.unit.text) && words(text(candidate.unit)) >= 4);
    const score = (candidate: (typeof candidates)[number]) =>
      words(text(candidate.unit)) +
      (candidates.some((other) => other !== candidate && sameAs(text(other.unit), text(candidate.unit))) ? 3 : 0) +
      (candidate.index === top.length - 1 ? 3 : 0) -
      (/\?$/u.test(candidate.unit.text) && statements.length > 0 ? 100 : 0);
    chosen = candidates.reduce((best, candidate) => (score(candidate) >= score(best) ? candidate : best));
  }
  // A title written in capitals reads as a sentence in a tip's header.
  // A photo credit the copy glued to the headline ("… ? iStock") is not part of it.
  const raw = cleanTitle(text(chosen.unit).replace(new RegExp(`\\s+${STOCK_PHOTO.source}\\s*$`, "iu"), ""));
  return { title: isAllCaps(raw) && raw.length > 12 ? sentenceCase(raw) : raw, titleIndex: chosen.index };
}

function sentenceCase(text: string): string {
  const lower = text.toLocaleLowerCase();
  return lower.charAt(0).toLocaleUpperCase() + lower.slice(1);
}

function sameAs(a: string, b: string | undefined): boolean {
  if (!b) return false;
  const x = slugify(cleanTitle(a));
  const y = slugify(cleanTitle(b));
  return x !== "" && (x === y || (x.length > 15 && (y.startsWith(x) || x.startsWith(y)) && Math.min(x.length, y.length) / Math.max(x.length, y.length) > 0.8));
}

/** "Massage Therapy, Relaxing, Deep Tissue": the post's categories. */
function isTagList(text: string): boolean {
  const parts = text.split(/\s*[,|/]\s*/);
  return parts.length >= 3 && parts.every((part) => words(part) <= 4);
}

/**
 * An image's alt text kept by the copy: a short line starting in lower case
 * between a heading and its text ("woman stretching at her desk"). Lines that
 * end a sentence, ask a question or introduce a list are the post's and stay.
 */
function dropImageAltText(units: Unit[]): Unit[] {
  return units.filter((unit, index) => {
    const previous = units[index - 1];
    const next = units[index + 1];
    if (unit.text.length > 90 || /[.!?:;]["”’»)]*$/u.test(unit.text)) return true;
    // Between two headings' worth of text: a photo's description, a person doing something ("man rubbing his neck").
    if (unit.kind === "heading" && previous?.kind === "heading" && next && next.kind !== "heading" && isSceneDescription(unit.text)) return false;
    if (unit.kind !== "prose" || !/^[a-zà-ÿ]/u.test(unit.text)) return true;
    // After "…include:", short lower-case lines are the items of a list; alone, an alt text.
    const listGoesOn = next !== undefined && (next.kind === "bullet" || (next.text.length <= 90 && !SENTENCE_END.test(next.text)));
    return previous !== undefined && /[:,]$/u.test(previous.text) && listGoesOn;
  });
}

/** "Homme se frottant le cou", "Client receiving a gentle stretch": a sentence-case description of someone doing something. */
function isSceneDescription(text: string): boolean {
  const rest = text.split(/\s+/).slice(1);
  return rest.length >= 3 && rest.every((word) => !/^\p{Lu}/u.test(word)) && /\b\p{L}+ing\b|\bse \p{L}+ant\b|\b\p{L}{3,}ant\b/u.test(text);
}

// ---------------------------------------------------------------- HTML
