import { join } from "node:path";
import { z } from "zod";
import { readYamlFile } from "../content/yaml-file.js";
import { LANGUAGES, type Language } from "../clinic/clinic-profile.js";

/**
 * Words that suggest a back-pain "red flag" (saddle numbness, loss of bladder
 * or bowel control, fever, recent trauma, worsening weakness). The lists live
 * in content/safety.yml so the clinic can extend them; the bot answers such a
 * message with urgent-care guidance before anything else and flags it for staff.
 */

const phrase = z.string().trim().min(2).transform((text) => normalize(text));
const ruleForLanguage = z
  .object({ any: z.array(phrase).default([]), all: z.array(z.array(phrase).min(1)).default([]) })
  .strict()
  .refine((rule) => rule.any.length > 0 || rule.all.length > 0, { message: "needs at least one phrase in any: or a group in all:" });

const safetySchema = z
  .object({
    redFlags: z
      .array(z.object({ id: z.string().regex(/^[a-z0-9-]+$/), en: ruleForLanguage, fr: ruleForLanguage }).strict())
      .min(1),
    urgentAdvice: z.object({ en: z.string().trim().min(1), fr: z.string().trim().min(1) }).strict(),
  })
  .strict();

export type SafetyRules = z.output<typeof safetySchema>;

export function loadSafetyRules(contentDir: string): SafetyRules {
  return readYamlFile(join(contentDir, "safety.yml"), safetySchema);
}

/** Lower case, accents removed, punctuation as spaces, single spaces: "Engourdi à l'aine!" → "engourdi a l aine". */
export function normalize(text: string): string {
  return text
    .normalize("NFD")
    .replace(/\p{Diacritic}/gu, "")
    .toLowerCase()
    .replace(/[’']/g, " ")
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

function contains(normalizedText: string, normalizedPhrase: string): boolean {
  return ` ${normalizedText} `.includes(` ${normalizedPhrase} `);
}

/**
 * The ids of the red flags a message suggests. Both languages' lists are
 * checked whatever the patient's language: people mix languages, and a
 * missed warning costs far more than an unneeded one.
 */
export function findRedFlags(rules: SafetyRules, text: string): string[] {
  const normalized = normalize(text);
  if (!normalized) return [];
  return rules.redFlags
    .filter((flag) =>
      LANGUAGES.some((language: Language) => {
        const rule = flag[language];
        return (
          rule.any.some((entry) => contains(normalized, entry)) ||
          (rule.all.length > 0 && rule.all.every((group) => group.some((entry) => contains(normalized, entry))))
        );
      }),
    )
    .map((flag) => flag.id);
}
