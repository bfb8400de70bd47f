import { escapeHtml } from "../../shared/html.js";
import { firstSentence } from "./blog-article.js";
import { LEAD_IN, SENTENCE_END, isLeadPhrase, isSentence, words, type Unit } from "./plain-text-shapes.js";

/** Units of a pasted post written as the HTML the article model reads: headings, paragraphs, lists and numbered steps. */
export function toHtml(units: Unit[]): string {
  const html: string[] = [];
  let seenHeading = false;
  for (let index = 0; index < units.length; index++) {
    const unit = units[index]!;
    const next = units[index + 1];
    if (unit.kind === "numbered") {
      const run = numberedRun(units, index, seenHeading);
      html.push(run.html);
      index = run.end - 1;
      continue;
    }
    if (unit.kind === "bullet") {
      const items: string[] = [];
      while (index < units.length && units[index]!.kind === "bullet") items.push(itemHtml(units[index++]!));
      index--;
      html.push(`<ul>${items.join("")}</ul>`);
      continue;
    }
    if (unit.kind === "heading") {
      const introducesList = /:$/u.test(unit.text) && next !== undefined && (next.kind === "bullet" || next.kind === "numbered" || isBareListRun(units, index + 1) || isLeadInRun(units, index + 1));
      if (introducesList) {
        html.push(`<p>${escapeHtml(unit.text)}</p>`);
        const run = bareListRun(units, index + 1);
        if (run.items.length > 0) {
          html.push(`<ul>${run.items.map((item) => `<li>${escapeHtml(item.text)}</li>`).join("")}</ul>`);
          index = run.end - 1;
        }
        continue;
      }
      if (next === undefined) {
        html.push(`<p>${escapeHtml(unit.text)}</p>`);
        continue;
      }
      html.push(`<h2>${escapeHtml(unit.text.replace(/\s*:$/u, ""))}</h2>`);
      seenHeading = true;
      // "Common causes", then three short lines or more and the text goes on: the heading's list, written without bullets.
      const run = bareListRun(units, index + 1);
      if (run.items.length >= 3 && units[run.end]?.kind === "prose") {
        html.push(`<ul>${run.items.map((item) => `<li>${escapeHtml(item.text)}</li>`).join("")}</ul>`);
        index = run.end - 1;
      }
      continue;
    }
    // A paragraph ending in a colon followed by short lines: a list without bullets.
    if (/:$/u.test(unit.text) && isBareListRun(units, index + 1)) {
      const run = bareListRun(units, index + 1);
      html.push(`<p>${escapeHtml(unit.text)}</p>`, `<ul>${run.items.map((item) => `<li>${escapeHtml(item.text)}</li>`).join("")}</ul>`);
      index = run.end - 1;
      continue;
    }
    html.push(paragraphHtml(unit));
  }
  return html.join("\n");
}

/** "Elle peut être :", then "Aiguë : …", "Chronique : …": lines with a bold-style lead-in, the items the line introduces. */
function isLeadInRun(units: Unit[], start: number): boolean {
  return units.slice(start, start + 2).filter((unit) => {
    const lead = unit.kind === "prose" ? LEAD_IN.exec(unit.text) : null;
    return lead !== null && isLeadPhrase(lead[1]!) && words(lead[1]!) <= 3;
  }).length === 2;
}

function isBareListRun(units: Unit[], start: number): boolean {
  return bareListRun(units, start).items.length >= 2;
}

/** Short lines one after the other under "…include:": items of a list written without bullets. */
function bareListRun(units: Unit[], start: number): { items: Unit[]; end: number } {
  const items: Unit[] = [];
  let index = start;
  while (index < units.length) {
    const unit = units[index]!;
    // Items of a list written without bullets are short lines without a full stop; a sentence is the text after the list.
    if (!(unit.kind === "heading" || unit.kind === "prose") || unit.text.length > 90 || /[:?]$/u.test(unit.text) || SENTENCE_END.test(unit.text)) break;
    items.push(unit);
    index++;
  }
  // A single following heading-like line and then text is a heading, not a list of one.
  return items.length >= 2 ? { items, end: index } : { items: [], end: start };
}

function paragraphHtml(unit: Unit): string {
  const lead = LEAD_IN.exec(unit.text);
  if (lead && isLeadPhrase(lead[1]!) && !/https?$/i.test(lead[1]!)) return `<p><strong>${escapeHtml(lead[1]!.trim())}:</strong> ${escapeHtml(lead[2]!)}</p>`;
  // "Drive tall – We understand…": a short phrase, a dash and a sentence starting anew is the same lead-in.
  const dashed = /^(\p{Lu}[^–—.!?:]{2,40}?)\s+[–—-]\s+(\p{Lu}.{20,})$/u.exec(unit.text);
  if (dashed && words(dashed[1]!) <= 6 && isSentence(unit.text)) return `<p><strong>${escapeHtml(dashed[1]!)}:</strong> ${escapeHtml(dashed[2]!)}</p>`;
  return `<p>${escapeHtml(unit.text)}</p>`;
}

function itemHtml(unit: Unit): string {
  return unit.lead ? `<li><strong>${escapeHtml(unit.lead)}</strong> ${escapeHtml(unit.rest ?? "")}</li>` : `<li>${escapeHtml(unit.text)}</li>`;
}

/**
 * A run of numbered items. An item whose line is a heading ("1. Cat-cow",
 * "2. DON'T lift with a round back") or that opens with a short sentence
 * followed by more ("1. Limit sitting. Sitting puts…") is a tip with its text;
 * items that are single sentences under an exercise are its steps.
 */
function numberedRun(units: Unit[], start: number, inSection: boolean): { html: string; end: number } {
  const items: string[] = [];
  let index = start;
  let anyLead = false;
  const stepsOnly = units.slice(start).findIndex((unit) => unit.kind !== "numbered");
  const plainSteps = units.slice(start, stepsOnly === -1 ? units.length : start + stepsOnly);
  // Steps of an exercise: sentences, one after the other, under a heading; or under "…include:" in a post whose sections come later.
  const introduced = /:$/u.test(units[start - 1]?.text ?? "") && units.slice(start + plainSteps.length).some((unit) => unit.kind === "heading" && !/:$/u.test(unit.text));
  if (plainSteps.length >= 2 && plainSteps.every((unit) => (isSentence(unit.text) || (introduced && !inSection)) && !leadSentence(unit.text)) && (inSection || introduced)) {
    return { html: `<ol>${plainSteps.map((unit) => `<li>${escapeHtml(unit.text)}</li>`).join("")}</ol>`, end: start + plainSteps.length };
  }
  // Items that are whole tips in one line ("3. Avoid long spells of sitting when you are tired"), one after the other with nothing under them.
  const selfContained = (position: number) => {
    const item = units[position]!;
    const next = units[position + 1];
    return words(item.text) >= 6 && (next === undefined || next.kind === "numbered");
  };
  const run = units.slice(start).findIndex((unit) => unit.kind !== "numbered" && unit.kind !== "prose" && unit.kind !== "bullet");
  const ofRun = units.slice(start, run === -1 ? units.length : start + run).map((unit, offset) => ({ unit, position: start + offset })).filter(({ unit }) => unit.kind === "numbered");
  let lastNumbered = units.length - 1;
  while (lastNumbered >= 0 && units[lastNumbered]!.kind !== "numbered") lastNumbered--;
  const oneLiners = ofRun.length >= 2 && ofRun.slice(0, -1).every(({ position }) => selfContained(position));
  // How many lines the items before the last one hold: the last one holds as many, and what follows is the post's closing text.
  let fewestLines = Infinity;
  while (index < units.length && units[index]!.kind === "numbered") {
    const item = units[index]!;
    const itemIndent = item.indent;
    const itemStart = index;
    index++;
    const body: string[] = [];
    let lead: string | null = null;
    if ((oneLiners || selfContained(index - 1)) && words(item.text) >= 6 && !leadSentence(item.text)) {
      items.push(`<li><strong>${escapeHtml(shortHeading(item.text))}</strong><p>${escapeHtml(item.text)}</p></li>`);
      anyLead = true;
      continue;
    }
    if (!isSentence(item.text)) lead = item.text.replace(/\s*:$/u, "");
    else {
      const split = leadSentence(item.text);
      if (split) {
        lead = split.lead;
        body.push(`<p>${escapeHtml(split.rest)}</p>`);
      } else if (inSection) {
        items.push(`<li>${escapeHtml(item.text)}</li>`);
        continue;
      } else {
        // A numbered tip written as one sentence: its first clause heads it.
        lead = shortHeading(item.text);
        body.push(`<p>${escapeHtml(item.text)}</p>`);
      }
    }
    // The item's text: what is indented under it, or (flush-left text) what comes up to the next item.
    while (index < units.length && (units[index]!.kind !== "numbered" || nestedList(units, index, item)) && !(units[index]!.kind === "heading" && !/:$/u.test(units[index]!.text) && !insideItem(units, index, item))) {
      const next = units[index]!;
      if (next.kind === "numbered") {
        // "1. … 2. …" restarting under item 1's "…two roles:": a list inside the item.
        const inner: string[] = [];
        for (let number = 1; index < units.length && units[index]!.kind === "numbered" && units[index]!.number === number; number++) inner.push(`<li>${escapeHtml(units[index++]!.text)}</li>`);
        body.push(`<ol>${inner.join("")}</ol>`);
        continue;
      }
      if (next.kind === "heading" && !/:$/u.test(next.text)) {
        body.push(`<p><strong>${escapeHtml(next.text)}</strong></p>`);
        index++;
        continue;
      }
      if (/:$/u.test(next.text) && isBareListRun(units, index + 1)) {
        const run = bareListRun(units, index + 1);
        body.push(`<p>${escapeHtml(next.text)}</p>`, `<ul>${run.items.map((entry) => `<li>${escapeHtml(entry.text)}</li>`).join("")}</ul>`);
        index = run.end;
        continue;
      }
      const isLastItem = index > lastNumbered;
      if (isLastItem && next.indent <= itemIndent && body.length > 0 && next.kind === "prose" && index - itemStart - 1 >= Math.max(1, fewestLines - 1)) break;
      if (next.kind === "bullet") {
        const bullets: string[] = [];
        while (index < units.length && units[index]!.kind === "bullet") bullets.push(itemHtml(units[index++]!));
        body.push(`<ul>${bullets.join("")}</ul>`);
        continue;
      }
      body.push(paragraphHtml(next));
      index++;
    }
    if (lead) anyLead = true;
    if (index <= lastNumbered) fewestLines = Math.min(fewestLines, index - itemStart);
    items.push(lead ? `<li><strong>${escapeHtml(lead)}</strong>${body.join("")}</li>` : `<li>${body.join("")}</li>`);
  }
  return { html: anyLead ? `<ol>${items.join("")}</ol>` : `<ol>${items.join("")}</ol>`, end: index };
}

/** A heading between item n and item n + 1 of a numbered sequence ("How to do it", "Variation") is part of item n. */
function insideItem(units: Unit[], from: number, item: Unit): boolean {
  const next = units.slice(from).find((unit) => unit.kind === "numbered" && !isSentence(unit.text));
  return item.number !== undefined && next?.number === item.number + 1 && !isSentence(item.text);
}

/** Item n's text introduces a list ("…two roles:") numbered again from 1, before item n + 1 comes. */
function nestedList(units: Unit[], at: number, item: Unit): boolean {
  const previous = units[at - 1];
  return units[at]!.number === 1 && item.number !== undefined && item.number >= 1 && previous !== item && /:$/u.test(previous?.text ?? "") && insideItem(units, at, item);
}

/** A one-sentence tip's heading: the sentence if short, else its first clause, else its first words and an ellipsis. */
function shortHeading(text: string): string {
  const sentence = text.replace(/\s*[-–—.!]+\s*$/u, "");
  return sentence.length <= 90 ? sentence : firstSentence(sentence);
}

/** "Limit your sitting time. Sitting can put tension…": a short first sentence as the item's heading. */
function leadSentence(text: string): { lead: string; rest: string } | null {
  const match = /^(.{3,80}?[.!?])\s+(\S.{20,})$/u.exec(text);
  if (!match) return null;
  const lead = match[1]!.replace(/[.]$/u, "");
  if (/\b(e\.g|i\.e|etc|dr|st|no|vs|env|cf)$/iu.test(lead)) return null;
  return { lead, rest: match[2]! };
}
