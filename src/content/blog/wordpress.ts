import { parseHTML } from "linkedom";
import { SourceError } from "./source-error.js";
import { fetchText, type FetchFn, type FetchLimits, type Validators } from "./fetch-source.js";

/**
 * Every post of a WordPress site, through its REST API (the root the site
 * advertises with <link rel="https://api.w.org/">): /wp/v2/posts page by
 * page, as many pages as X-WP-TotalPages says.
 */

export interface WordPressPost {
  title: string;
  link?: string;
  guid: string;
  date?: string;
  contentHtml: string;
}

/** A site with more posts than this is read in part; the newest come first. */
const MAX_PAGES = 50;
const PER_PAGE = 50;

export async function readWordPressPosts(
  apiRoot: string,
  options: { limits?: Partial<FetchLimits>; fetch?: FetchFn; validators?: Validators },
): Promise<{ posts: WordPressPost[]; notModified: boolean; validators: Validators }> {
  const posts: WordPressPost[] = [];
  let validators: Validators = {};
  for (let page = 1, totalPages = 1; page <= Math.min(totalPages, MAX_PAGES); page++) {
    const url = postsUrl(apiRoot, page);
    const response = await fetchText(url, { ...options, validators: page === 1 ? options.validators : undefined, accept: "application/json" });
    if (response.notModified) return { posts: [], notModified: true, validators: options.validators ?? {} };
    if (page === 1) validators = response.validators;
    totalPages = Number(response.headers.get("x-wp-totalpages") ?? "1") || 1;
    let body: unknown;
    try {
      body = JSON.parse(response.text);
    } catch {
      throw new SourceError(url, "is not the JSON list of posts a WordPress REST API answers");
    }
    if (!Array.isArray(body)) throw new SourceError(url, "is not the JSON list of posts a WordPress REST API answers");
    for (const raw of body as RawPost[]) {
      if (raw.status && raw.status !== "publish") continue;
      posts.push({
        title: decodeEntities(raw.title?.rendered ?? ""),
        ...(raw.link ? { link: raw.link } : {}),
        guid: raw.guid?.rendered ?? raw.link ?? `${apiRoot}#${raw.id}`,
        ...(raw.date_gmt || raw.date ? { date: raw.date ?? raw.date_gmt } : {}),
        contentHtml: raw.content?.rendered ?? "",
      });
    }
  }
  return { posts, notModified: false, validators };
}

interface RawPost {
  id?: number;
  status?: string;
  date?: string;
  date_gmt?: string;
  link?: string;
  guid?: { rendered?: string };
  title?: { rendered?: string };
  content?: { rendered?: string };
}

/** The API root may use pretty links (…/wp-json/) or the ?rest_route= form. */
function postsUrl(apiRoot: string, page: number): string {
  const url = new URL(apiRoot);
  const query = `per_page=${PER_PAGE}&page=${page}`;
  if (url.searchParams.has("rest_route")) {
    url.searchParams.set("rest_route", `${url.searchParams.get("rest_route")!.replace(/\/$/, "")}/wp/v2/posts`);
    return `${url.toString()}&${query}`;
  }
  return `${apiRoot.replace(/\/?$/, "/")}wp/v2/posts?${query}`;
}

/** WordPress renders titles with HTML entities (&#8217;). */
function decodeEntities(html: string): string {
  const { document } = parseHTML(`<!doctype html><html><body><p>${html}</p></body></html>`);
  return (document.querySelector("p")?.textContent ?? "").replace(/\s+/g, " ").trim();
}
