import { Composer, InlineKeyboard } from "grammy";
import type { BotContext } from "../bot/context.js";
import { escapeHtml } from "../shared/html.js";
import type { Translator } from "../bot/i18n.js";
import { callbackData } from "../bot/callback-data.js";
import type { ClinicProfile, Language } from "../clinic/clinic-profile.js";
import { tipsOf } from "../content/library.js";
import type { BlogArticleRow, BlogStatus } from "../content/blog/blog-article-repository.js";
import { REVIEW_TRANSITIONS, reviewBlogArticle, type ReviewAction } from "../content/blog/review-blog-article.js";
import type { OutgoingMessage } from "../delivery/outbox.js";
import { tipMessage } from "../tips/tip-catalog.js";

/**
 * Staff review of the clinic's blog posts before patients see them. A new
 * draft arrives in the staff chat as a preview (its title, then each tip card
 * exactly as patients will get it) and a question with Publish and Skip.
 * /articles lists the articles with Publish or Unpublish. Mounted behind the
 * staff filter (staff only, in the staff chats); every press is also checked
 * against the article's state: an action applies only to the states the bot
 * offers it for, so a forged or stale press changes nothing.
 */
export const blogReviewFeature = new Composer<BotContext>();

/** A draft's preview (Publish, Skip) and /articles (Publish, Unpublish). */
const blogReviewButtons = callbackData("blog", {
  publish: { articleId: "int" },
  skip: { articleId: "int" },
  unpublish: { articleId: "int" },
}, { staff: true });

const REVIEW_ACTIONS = Object.keys(REVIEW_TRANSITIONS) as ReviewAction[];
const buttonFor = (action: ReviewAction, articleId: number) => blogReviewButtons.data(action, { articleId });

const LIST_LIMIT = 10;

for (const action of REVIEW_ACTIONS) {
  blogReviewFeature.callbackQuery(blogReviewButtons.filter(action), (ctx) =>
    review(ctx, { action, id: blogReviewButtons.parse(action, ctx.callbackQuery?.data)!.articleId }),
  );
}

async function review(ctx: BotContext & { from: { id: number; first_name: string } }, press: { action: ReviewAction; id: number }) {
  const outcome = await reviewBlogArticle(ctx.deps.blog, press.id, press.action, ctx.from.id);
  if (!outcome.ok) {
    ctx.logger.info({ userId: ctx.from.id, articleId: press.id, action: press.action, status: outcome.row?.status }, "blog review press changed nothing");
    const text = outcome.row ? ctx.t("blog-unchanged", { status: ctx.t(`blog-status-${outcome.row.status}`) }) : ctx.t("blog-unknown");
    return ctx.answerCallbackQuery({ text, show_alert: true });
  }
  ctx.logger.info({ userId: ctx.from.id, articleId: press.id, status: outcome.row.status }, "blog article reviewed");
  // This instance serves the change from its very next tip; the others see it on their next refresh.
  await ctx.deps.tipLibrary.refresh();
  await ctx.answerCallbackQuery();
  const done = ctx.t(`blog-done-${outcome.row.status}`, { name: escapeHtml(ctx.from.first_name), title: escapeHtml(outcome.row.article.title) });
  await ctx.editMessageText(done, { parse_mode: "HTML", reply_markup: new InlineKeyboard() });
}

blogReviewFeature.command("articles", async (ctx) => {
  const rows = await ctx.deps.blog.recent(LIST_LIMIT);
  if (rows.length === 0) return ctx.reply(ctx.t("blog-list-empty"), { parse_mode: "HTML" });
  const keyboard = new InlineKeyboard();
  const lines = rows.map((row, index) => {
    const action = actionOffered(row.status);
    keyboard.text(`${index + 1}. ${ctx.t(`blog-button-${action}`)}`, buttonFor(action, row.id));
    if (index % 2 === 1) keyboard.row();
    return ctx.t("blog-list-item", {
      number: index + 1,
      title: escapeHtml(row.article.title),
      date: row.article.date,
      language: ctx.t(`blog-language-${row.article.language}`),
      tips: tipCount(row),
      status: ctx.t(`blog-status-${row.status}`),
    });
  });
  await ctx.reply([ctx.t("blog-list-header"), ...lines].join("\n"), { parse_mode: "HTML", reply_markup: keyboard });
});

/** The one action /articles offers for each state (Skip only makes sense on a fresh draft's preview). */
function actionOffered(status: BlogStatus): ReviewAction {
  return REVIEW_TRANSITIONS.unpublish.from.includes(status) ? "unpublish" : "publish";
}

function tipCount(row: BlogArticleRow): number {
  return row.article.sections.filter((section) => section.isTip).length;
}

/**
 * The preview of a draft, as the messages the staff chat receives: a header,
 * each tip card exactly as a patient reading the article's language gets it,
 * and the question with Publish and Skip.
 */
export function blogPreviewMessages(row: BlogArticleRow, input: { i18n: Translator; clinic: ClinicProfile; staffLanguage: Language }): OutgoingMessage[] {
  const { i18n, clinic, staffLanguage } = input;
  const { article } = row;
  const t = (key: string, args?: Record<string, string | number>) => i18n.t(staffLanguage, key, args);
  const date = article.dateByImport ? t("blog-date-by-import", { date: article.date }) : article.date;
  const figures = { title: escapeHtml(article.title), date, language: t(`blog-language-${article.language}`), tips: tipCount(row) };
  const header: OutgoingMessage = { method: "sendMessage", params: { text: t("blog-preview-header", figures), parse_mode: "HTML" } };
  const cards = tipsOf(article).map((tip) =>
    tipMessage(tip, article.language, { disclaimer: clinic.disclaimer, readMoreLabel: (language) => i18n.t(language, "tips-read-more") }),
  );
  const keyboard = new InlineKeyboard()
    .text(t("blog-button-publish"), buttonFor("publish", row.id))
    .text(t("blog-button-skip"), buttonFor("skip", row.id));
  const ask: OutgoingMessage = { method: "sendMessage", params: { text: t("blog-preview-ask", figures), parse_mode: "HTML", reply_markup: keyboard } };
  return [header, ...cards, ask];
}

/** Where staff read the feed's failure notice, in their language. */
export function blogFeedFailingMessage(input: { i18n: Translator; staffLanguage: Language; error: string; since: string }): OutgoingMessage {
  const text = input.i18n.t(input.staffLanguage, "blog-feed-failing", { error: escapeHtml(input.error), since: input.since });
  return { method: "sendMessage", params: { text, parse_mode: "HTML" } };
}

/** The staff chat's language: the clinic's default (a group has no language of its own). */
export function staffLanguageOf(clinic: ClinicProfile): Language {
  return clinic.defaultLanguage;
}
