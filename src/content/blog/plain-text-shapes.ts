/** What the plain-text reader and its HTML writer share: a line read as a unit of the post, and the shapes both test. */

export type Kind = "heading" | "prose" | "bullet" | "numbered" | "chrome" | "byline";

export interface Unit {
  text: string;
  indent: number;
  kind: Kind;
  /** The paragraph (run of lines without a blank one) the line belongs to. */
  paragraph: number;
  /** A numbered item's number, or a bullet's / numbered item's bold-style lead-in. */
  number?: number;
  lead?: string;
  rest?: string;
}

export const LEAD_IN = /^([^:.!?]{2,50}?)\s*:\s+(\S.*)$/u;
export const SENTENCE_END = /[.!…]["”’»)]*$|\.{3}$/u;

export function isLeadPhrase(phrase: string): boolean {
  return phrase.split(/\s+/).length <= 7 && !/^(https?|www)$/i.test(phrase.trim());
}

export function words(text: string): number {
  return text.split(/\s+/).length;
}

export function isSentence(text: string): boolean {
  return SENTENCE_END.test(text) || text.length > 100;
}
