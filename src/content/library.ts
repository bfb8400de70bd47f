import { LANGUAGES, type Language } from "../clinic/clinic-profile.js";
import { FALLBACK_LANGUAGE, type Article, type ContentLibrary, type Tip, type TipId } from "./article.js";

/**
 * One library of every article, whatever its source: the tips in a stable
 * order per language and across languages.
 */

function byDateThenSlug(a: { date: string; slug: string }, b: { date: string; slug: string }): number {
  // ISO dates sort as strings.
  return a.date === b.date ? (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0) : a.date < b.date ? -1 : 1;
}

/** An article's tips, in section order. */
export function tipsOf(article: Article): Tip[] {
  return article.sections.flatMap((section) =>
    section.isTip && section.id !== null
      ? [{
          id: `${article.slug}#${section.id}`,
          slug: article.slug,
          sectionId: section.id,
          language: article.language,
          heading: section.heading,
          bodyMarkdown: section.bodyMarkdown,
          ...(section.bodyHtml !== undefined ? { bodyHtml: section.bodyHtml } : {}),
          article,
        }]
      : [],
  );
}

/** A library of valid articles, at most one per slug and language (as `loadContentLibrary` guarantees). */
export function createContentLibrary(articles: readonly Article[]): ContentLibrary {
  const articlesOf = perLanguage((language) => articles.filter((article) => article.language === language).sort(byDateThenSlug));
  const tipsIn = perLanguage((language) => articlesOf[language].flatMap(tipsOf));
  const tipById = perLanguage((language) => new Map(tipsIn[language].map((tip) => [tip.id, tip])));

  const idsBySlug = new Map<string, { date: string; slug: string; ids: TipId[] }>();
  for (const language of [FALLBACK_LANGUAGE, ...LANGUAGES.filter((other) => other !== FALLBACK_LANGUAGE)]) {
    for (const article of articlesOf[language]) {
      const entry = idsBySlug.get(article.slug) ?? { date: article.date, slug: article.slug, ids: [] };
      idsBySlug.set(article.slug, entry);
      for (const tip of tipsOf(article)) if (!entry.ids.includes(tip.id)) entry.ids.push(tip.id);
    }
  }
  const allIds = [...idsBySlug.values()].sort(byDateThenSlug).flatMap((entry) => entry.ids);

  return {
    size: allIds.length,
    articles: (language) => articlesOf[language],
    tips: (language) => tipsIn[language],
    tipFor: (tipId, language) => tipById[language].get(tipId) ?? fallbackFor(tipById[FALLBACK_LANGUAGE].get(tipId)),
    allTipIds: () => allIds,
  };
}

/** An imported article serves its own language only; a content/ article falls back to English. */
function fallbackFor(tip: Tip | undefined): Tip | null {
  return tip && !tip.article.imported ? tip : null;
}

function perLanguage<Value>(build: (language: Language) => Value): Record<Language, Value> {
  return Object.fromEntries(LANGUAGES.map((language) => [language, build(language)])) as Record<Language, Value>;
}
