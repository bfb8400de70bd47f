import { cleanTitle, firstSentence, parseDate, slugify } from "./blog-article.js";
import type { PageMetadata } from "./page-blocks.js";
import { stripShortcodes } from "./shortcodes.js";
import { toHtml } from "./plain-text-html.js";
import { READ_MORE, STOCK_PHOTO, isByline, isChromeLine, isDateLine, isTitleWithDate, markContactBlocks } from "./plain-text-lines.js";
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
const ORDINALS = ["first|firstly|premièrement|primo", "second|secondly|deuxièmement|secundo", "third|thirdly|troisièmement|tertio", "fourth|fourthly|quatrièmement", "fifth|fifthly|cinquièmement"];
/** Words of the language rather than of the topic, which say nothing of what a post is about. */
const FUNCTION_WORDS = /^(that|this|with|from|your|yours|have|they|them|then|than|when|what|will|just|more|most|some|very|also|into|only|over|such|their|there|these|those|which|would|could|should|about|after|before|other|been|were|where|while|here|make|much|many|even|each|votre|vos|vous|nous|pour|dans|avec|plus|tout|tous|mais|sont|être|fait|cette|comme|leur|leurs|elle|elles|aussi|très|peut|faire|sans|sous|chez|entre|après|avant)$/u;
const LONE_BULLET = /^(?:[•·▪◦●○■□►▸▹✓✔➤➢→⁃∙*+]|[-–—])$/u;
const NUMBERED = /^(?:(\d{1,2})\s*[.)\-–:]|\((\d{1,2})\)|(?:step|étape|exercise|exercice|tip|conseil|astuce|tip #|conseil n[°o])\s*#?\s*(\d{1,2})\s*[:.)\-–]?)\s*(\S.*)$/iu;
const TRUNCATED = /(\[(…|\.\.\.)\]|…|\.\.\.)\s*$/u;
/** Once the post has begun, a line after which the page holds comments, other posts, the sidebar's widgets or the footer. */
const END_OF_POST =
  /^(©|\(c\)\s|copyright\b|all rights reserved|tous droits réservés|leave a (reply|comment)|laisser un commentaire|laissez un commentaire|\d+ (comments?|commentaires?)|comments?$|commentaires$|related (posts|articles)|recent posts|you (may|might) also like|articles? (similaires|récents|reliés|connexes)|à lire aussi|vous aimerez aussi|post navigation|previous (post|article)|next (post|article)|article (précédent|suivant)|← |«(?![^»]*»))|^(?:our |notre |nos )?(categories|catégories|archives|tags|étiquettes|search|rechercher|recent (posts|articles)|popular (posts|articles)|articles populaires|quick links|liens rapides|useful links|liens utiles|follow us|suivez-nous|connect with us|get in touch|contact us|contactez-nous|nous joindre|opening hours|hours|heures d['’]ouverture|horaires|newsletter|infolettre|about us|à propos( de nous)?|share this( post| article)?|partager cet article)\s*:?$/iu;

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
    // "21 Mar Do you have text neck?": a theme's day-and-month badge glued in front of the headline is a line of its own too.
    const stamped = /^date\s+(\d{4}-\d{2}(?:-\d{2})?)\s+(\S.*)$/iu.exec(trimmed) ?? (lines.length === 0 ? /^(\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|janv|févr|mars|avr|mai|juin|juil|août|sept|déc)\.?)\s+(\p{Lu}.*[^.!])$/iu.exec(trimmed) : null);
    if (stamped) {
      lines.push({ text: stamped[1]!, indent, paragraph }, { text: stamped[2]!, indent, paragraph: ++paragraph });
      continue;
    }
    // "🧘 1. Knee-to-chest stretch": an emoji in front of an item's number decorates it.
    lines.push({ text: trimmed.replace(/^[\p{Extended_Pictographic}\p{Emoji_Modifier}\ufe0f\s]+(?=\d{1,2}\s*[.)\-–]\s*\p{L})/u, ""), indent, paragraph });
  }
  // "First: …", "Second: …", "Third: …": items numbered in words, when the page has the first two.
  const ordinal = (text: string) => ORDINALS.findIndex((words) => new RegExp(`^(${words})\\s*:\\s+\\S`, "iu").test(text));
  const ordinals = new Set(lines.map((line) => ordinal(line.text)));
  if (ordinals.has(0) && ordinals.has(1)) for (const line of lines) if (ordinal(line.text) >= 0) line.text = `${ordinal(line.text) + 1}. ${line.text.replace(/^\p{L}+\s*:\s+/u, "")}`;
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
      (NUMBERED.test(previous.text) || BULLET.test(previous.text) || (previous.text.length > 40 && !isAllCaps(previous.text)) || /^\(.*\)$/u.test(line.text)) &&
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
  markSiteLinesAboveTitle(units);
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

/**
 * Above the post, the page's first line can be the site's: a short slogan
 * ending in "!" over the text or a heading ("Professional physio near you!"),
 * or an image's caption (a person doing something) over the headline.
 */
function markSiteLinesAboveTitle(units: Unit[]): void {
  const first = units.findIndex((unit) => unit.kind !== "chrome");
  const line = units[first];
  const next = units.slice(first + 1).find((unit) => unit.kind !== "chrome");
  if (!line || !next || line.kind !== "prose") return;
  const slogan = /!$/u.test(line.text) && !/[.?]/u.test(line.text.slice(0, -1)) && words(line.text) <= 12 && (next.kind === "heading" || next.text.length > 100) && !namesTopic(line.text, units.slice(first + 1));
  const caption = SENTENCE_END.test(line.text) && isCaption(line.text) && next.kind === "heading";
  if (slogan || caption) line.kind = "chrome";
}

/** A headline names what the post is about: one of its words is among the text's most repeated ones ("Massage can help your lower back!"); a slogan names the site. */
function namesTopic(line: string, rest: Unit[]): boolean {
  const stems = (text: string) => (text.toLocaleLowerCase().match(/\p{L}{4,}/gu) ?? []).filter((word) => !FUNCTION_WORDS.test(word)).map((word) => word.slice(0, 5));
  const counts = new Map<string, number>();
  for (const stem of rest.filter((unit) => unit.kind !== "chrome").flatMap((unit) => stems(unit.text))) counts.set(stem, (counts.get(stem) ?? 0) + 1);
  const topic = [...counts].filter(([, count]) => count >= 2).sort((a, b) => b[1] - a[1]).slice(0, 5).map(([stem]) => stem);
  return stems(line).some((stem) => topic.includes(stem));
}

/** "Femme recevant un massage…", "Woman stretching on a mat.": a noun and a participle, an image's description rather than a sentence. */
function isCaption(text: string): boolean {
  const [noun, participle] = text.split(/\s+/);
  return /^\p{Lu}\p{Ll}+$/u.test(noun ?? "") && /^\p{Ll}{3,}(ing|ant)$/u.test(participle ?? "") && !/[.!?]\s+\p{Lu}/u.test(text);
}

/** "Pelvic tilts", then "2. Knee-to-chest", "3. Bridge": the first item of a numbered list that lost its number is the heading before "2.". */
function numberLostFirstItem(units: Unit[]): void {
  for (let index = 0; index < units.length; index++) {
    const unit = units[index]!;
    if (unit.kind !== "numbered" || !/^\s*2\s*[.)\-–]/u.test(unit.text) || isSentence(unit.text)) continue;
    if (units.slice(0, index).some((other) => other.kind === "numbered" && /^\s*1\s*[.)\-–]/u.test(other.text) && !isSentence(other.text))) continue;
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
  // Everything after the end of the post (comments, related posts, the footer) goes; "© iStock" under a photo is its credit.
  const firstProse = all.findIndex((unit) => unit.kind === "prose");
  const end = all.findIndex((unit, index) => index > firstProse && firstProse >= 0 && END_OF_POST.test(unit.text) && unit.text.length <= 120 && !(STOCK_PHOTO.test(unit.text) && words(unit.text) <= 4));
  const units = (end === -1 ? all : all.slice(0, end)).filter((unit) => unit.kind !== "chrome");

  // A lone bullet above the headline ("• Writer's picture", "• Clinic name") is a label, not the start of the text.
  const loneBullet = (index: number) => units[index + 1]?.kind === "heading" && units[index - 1]?.kind !== "prose";
  const bodyStart = units.findIndex((unit, index) => (unit.kind === "prose" && (isSentence(unit.text) || /^\p{Lu}/u.test(unit.text))) || (unit.kind === "bullet" && !loneBullet(index)) || (unit.kind === "numbered" && isSentence(unit.text)));
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
    // A question asking what, why or how ("What causes text neck?") opens the first section; a yes/no teaser ("Is your pain sciatica?") is the subtitle.
    const asksWhat = /\?$/u.test(last?.text ?? "") && /^(what|why|how|when|where|which|who|qu['’]est-ce|pourquoi|comment|quand|où|quel(le)?s?)\b/iu.test(last?.text ?? "") && laterHeadings.length > 0;
    const shapedLikeLater = afterByline || asksWhat || (/\?$/u.test(last?.text ?? "") && laterHeadings.some((unit) => /\?$/u.test(unit.text))) || (/:$/u.test(last?.text ?? "") && laterHeadings.some((unit) => /:$/u.test(unit.text)));
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
