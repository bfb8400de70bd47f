import type { BotDeps } from "../bot/deps.js";
import { tipsOf } from "../content/library.js";
import type { BlogArticleRow } from "../content/blog/blog-article-repository.js";
import { isEditable, type DraftOutcome } from "../content/blog/draft-change.js";
import { draftTips, htmlToPlainText } from "../content/blog/draft-edits.js";
import { dropDraftTip } from "../content/blog/drop-draft-tip.js";
import { editDraftTip } from "../content/blog/edit-draft-tip.js";
import { editDraftTitle } from "../content/blog/edit-draft-title.js";
import { mergeDraftTip } from "../content/blog/merge-draft-tip.js";
import { publishDraft } from "../content/blog/publish-draft.js";
import { tipMessage } from "../tips/tip-catalog.js";

/**
 * The desk's Articles view: the blog's articles with each tip card exactly as
 * patients get it (the same rendering as the tip messages, in Telegram's
 * HTML), and the staff's edits, through the same use cases as the staff chat.
 */

export const ARTICLES_LISTED = 20;

export interface DeskArticle {
  id: number;
  status: string;
  /** The revision every edit and Publish must name: another one changes nothing. */
  revision: number;
  editable: boolean;
  title: string;
  date: string;
  language: string;
  url: string | null;
  changes: BlogArticleRow["changes"];
  tips: { index: number; id: string; heading: string; text: string; card: string }[];
}

export function deskArticle(row: BlogArticleRow, deps: Pick<BotDeps, "clinic" | "i18n">): DeskArticle {
  const { article } = row;
  const editing = draftTips(row.imported, row.edits);
  const cards = tipsOf(article).map((tip) => tipMessage(tip, article.language, { disclaimer: deps.clinic.disclaimer, readMoreLabel: (language) => deps.i18n.t(language, "tips-read-more") }));
  return {
    id: row.id,
    status: row.status,
    revision: row.revision,
    editable: isEditable(row),
    title: article.title,
    date: article.date,
    language: article.language,
    url: article.url ?? null,
    changes: row.changes,
    tips: editing.map((tip, index) => ({ index, id: tip.id, heading: tip.heading, text: htmlToPlainText(tip.bodyHtml), card: String(cards[index]!.params.text) })),
  };
}

export async function deskArticles(deps: Pick<BotDeps, "clinic" | "i18n" | "blog">): Promise<DeskArticle[]> {
  return (await deps.blog.recent(ARTICLES_LISTED)).map((row) => deskArticle(row, deps));
}

export type DeskArticleAction =
  | { kind: "title"; title: string }
  | { kind: "publish" }
  | { kind: "edit"; tip: number; heading: string; text: string }
  | { kind: "drop" | "merge"; tip: number };

/** One edit or Publish from the desk, for the revision the page showed. */
export async function deskArticleAction(deps: Pick<BotDeps, "blog" | "tipLibrary">, target: { articleId: number; revision: number; staffId: number }, action: DeskArticleAction): Promise<DraftOutcome> {
  const { blog } = deps;
  const { articleId, revision } = target;
  switch (action.kind) {
    case "title":
      return editDraftTitle(blog, { articleId, revision, title: action.title });
    case "edit":
      return editDraftTip(blog, { articleId, revision, tip: action.tip, heading: action.heading, text: action.text });
    case "drop":
      return dropDraftTip(blog, { articleId, revision, tip: action.tip });
    case "merge":
      return mergeDraftTip(blog, { articleId, revision, tip: action.tip });
    case "publish": {
      const outcome = await publishDraft(blog, { articleId, revision, staffId: target.staffId });
      // This instance serves it from its very next tip; the others on their next refresh.
      if (outcome.ok) await deps.tipLibrary.refresh();
      return outcome;
    }
  }
}
