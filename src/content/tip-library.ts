import { LANGUAGES } from "../clinic/clinic-profile.js";
import type { Article, ContentLibrary, ContentLogger } from "./article.js";
import { createContentLibrary } from "./library.js";

/**
 * One library from both sources: the content/ files and the blog articles
 * staff published. `current()` is what tips are drawn from; `refresh()` asks
 * the database whether any blog article changed (one cheap query) and rebuilds
 * only then, so an article published on one instance serves on all of them
 * from their next tip on.
 */
export interface TipLibrary {
  current(): ContentLibrary;
  refresh(): Promise<void>;
}

export interface PublishedArticles {
  version(): Promise<string>;
  published(): Promise<Article[]>;
}

export function createTipLibrary(input: { files: () => ContentLibrary; blog: PublishedArticles; logger?: ContentLogger }): TipLibrary {
  let files: ContentLibrary | undefined;
  let blogArticles: Article[] = [];
  let blogVersion = "";
  let combined: ContentLibrary | undefined;

  const rebuild = () => {
    files = input.files();
    const fileArticles = LANGUAGES.flatMap((language) => files!.articles(language));
    const taken = new Set(fileArticles.map((article) => `${article.language}:${article.slug}`));
    const kept = blogArticles.filter((article) => {
      const key = `${article.language}:${article.slug}`;
      if (!taken.has(key)) {
        taken.add(key);
        return true;
      }
      input.logger?.warn({ slug: article.slug, language: article.language }, "blog article left out: a content/ article has the same slug");
      return false;
    });
    combined = kept.length === 0 ? files : createContentLibrary([...fileArticles, ...kept]);
  };

  return {
    current() {
      // The content/ folder reloads on its own; its new library is picked up here.
      if (!combined || files !== input.files()) rebuild();
      return combined!;
    },
    async refresh() {
      const version = await input.blog.version();
      if (version === blogVersion) return;
      blogArticles = await input.blog.published();
      blogVersion = version;
      rebuild();
    },
  };
}
