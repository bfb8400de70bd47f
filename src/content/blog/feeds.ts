import { XMLParser, XMLValidator } from "fast-xml-parser";
import { escapeHtml } from "../../shared/html.js";
import { SourceError } from "./source-error.js";

/**
 * RSS 2.0 (with content:encoded), Atom, and WordPress's export (WXR, which is
 * RSS with wp: fields) read into one list of posts. fast-xml-parser does the
 * XML; the bot does its own fetching, so conditional requests, the timeout
 * and the size cap apply to feeds like to any page.
 */

export interface FeedEntry {
  title?: string;
  link?: string;
  /** Stable identity: guid / id, else the link. */
  guid?: string;
  date?: string;
  language?: string;
  /** The whole post, as HTML. */
  contentHtml?: string;
  /** Only a summary: the post's page has the rest. */
  summaryHtml?: string;
  /** Set when the entry is not a published post (a WXR draft, page or attachment). */
  notAPost?: string;
}

export interface Feed {
  kind: "rss" | "atom" | "wxr";
  language?: string;
  entries: FeedEntry[];
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  textNodeName: "#text",
  isArray: (name) => ["item", "entry", "link"].includes(name),
});

/** Whether a text looks like a feed rather than a page (its first element). */
export function looksLikeFeed(text: string): boolean {
  return /^\s*(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*<(rss|feed|rdf:RDF)\b/i.test(text);
}

export function parseFeed(source: string, xml: string): Feed {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new SourceError(source, `is not valid XML (line ${valid.err.line}: ${valid.err.msg})`);
  const root = parser.parse(xml) as Record<string, Node>;
  const channel = (root.rss as Node | undefined)?.channel as Node | undefined;
  if (channel) {
    const wxr = channel["wp:wxr_version"] !== undefined;
    const language = textOf(channel.language);
    return { kind: wxr ? "wxr" : "rss", ...(language ? { language } : {}), entries: asArray(channel.item).map((item) => rssEntry(item, wxr)) };
  }
  const feed = root.feed as Node | undefined;
  if (feed) {
    const language = textOf(feed["@_xml:lang"]);
    return { kind: "atom", ...(language ? { language } : {}), entries: asArray(feed.entry).map(atomEntry) };
  }
  throw new SourceError(source, "is XML but neither an RSS nor an Atom feed");
}

type Node = Record<string, unknown>;

function rssEntry(item: Node, wxr: boolean): FeedEntry {
  const link = textOf(asArray(item.link)[0]);
  const content = textOf(item["content:encoded"]);
  const description = textOf(item.description);
  const entry: FeedEntry = {
    title: textOf(item.title),
    link,
    guid: textOf(item.guid) ?? link,
    date: textOf(item.pubDate) ?? textOf(item["dc:date"]) ?? textOf(item["wp:post_date_gmt"]) ?? textOf(item["wp:post_date"]),
    ...(textOf(item["dc:language"]) ? { language: textOf(item["dc:language"]) } : {}),
    ...(content ? { contentHtml: content } : description ? { summaryHtml: description } : {}),
  };
  if (wxr) {
    const type = textOf(item["wp:post_type"]) ?? "post";
    const status = textOf(item["wp:status"]) ?? "publish";
    if (type !== "post") entry.notAPost = `a ${type}, not a post`;
    else if (status !== "publish") entry.notAPost = `not published on the blog (${status})`;
    // A draft's export date is 0000-00-00; the post date is what the clinic wrote.
    if (entry.date?.startsWith("0000")) entry.date = textOf(item["wp:post_date"]);
  }
  return entry;
}

function atomEntry(entry: Node): FeedEntry {
  const links = asArray(entry.link) as Node[];
  const alternate = links.find((link) => (link["@_rel"] ?? "alternate") === "alternate") ?? links[0];
  const link = textOf(alternate?.["@_href"]);
  const content = entry.content as Node | string | undefined;
  const contentType = typeof content === "object" ? textOf(content["@_type"]) : undefined;
  const contentHtml = contentType === "xhtml" ? undefined : textOf(content);
  const summary = textOf(entry.summary);
  const language = textOf(entry["@_xml:lang"]);
  return {
    title: textOf(entry.title),
    link,
    guid: textOf(entry.id) ?? link,
    date: textOf(entry.published) ?? textOf(entry.updated),
    ...(language ? { language } : {}),
    ...(contentHtml ? { contentHtml: contentType === "text" ? `<p>${escapeHtml(contentHtml)}</p>` : contentHtml } : summary ? { summaryHtml: summary } : {}),
  };
}

function asArray(value: unknown): Node[] {
  return value === undefined ? [] : ((Array.isArray(value) ? value : [value]) as Node[]);
}

function textOf(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string" || typeof value === "number") return String(value).trim() || undefined;
  if (typeof value === "object" && "#text" in value) return textOf((value as Node)["#text"]);
  return undefined;
}
