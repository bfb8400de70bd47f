import { Composer, InlineKeyboard } from "grammy";
import type { BotContext } from "../bot/context.js";
import { escapeHtml } from "../shared/html.js";
import type { Translator } from "../bot/i18n.js";
import { callbackData } from "../bot/callback-data.js";
import type { ClinicProfile, Language } from "../clinic/clinic-profile.js";
import { tipsOf } from "../content/library.js";
import type { BlogArticleRow, BlogStatus } from "../content/blog/blog-article-repository.js";
import { REVIEW_TRANSITIONS, reviewBlogArticle } from "../content/blog/review-blog-article.js";
import { checkDraft, tipAt, type DraftOutcome } from "../content/blog/draft-change.js";
import { htmlToPlainText } from "../content/blog/draft-edits.js";
import { editDraftTitle } from "../content/blog/edit-draft-title.js";
import { editDraftTip } from "../content/blog/edit-draft-tip.js";
import { dropDraftTip } from "../content/blog/drop-draft-tip.js";
import { mergeDraftTip } from "../content/blog/merge-draft-tip.js";
import { publishDraft } from "../content/blog/publish-draft.js";
import type { OutgoingMessage } from "../delivery/outbox.js";
import { tipMessage } from "../tips/tip-catalog.js";

/**
 * Staff review of the clinic's blog posts before patients see them. A new
 * draft arrives in the staff chat as a preview (its title, then each tip card
 * exactly as patients will get it, with Edit, Drop and Merge up under each)
 * and a question with Edit title, Publish and Skip. Edit asks for the new text
 * as the staff member's next message (a short step stored in the database).
 * After each edit the chat gets the new preview. /articles lists the articles
 * with Publish or Unpublish. Mounted behind the staff filter (staff only, in
 * the staff chats); every press carries the article's revision and is checked
 * against it and the article's state by the use case, so a forged or stale
 * press changes nothing and is told why.
 */
export const blogReviewFeature = new Composer<BotContext>();

/** A draft's preview (Publish, Skip) and /articles (Publish, Unpublish). */
const blogReviewButtons = callbackData("blog", {
  publish: { articleId: "int", revision: "int" },
  skip: { articleId: "int", revision: "int" },
  unpublish: { articleId: "int" },
}, { staff: true });

/** Edits from the preview: the title, and each tip by its place in that revision's preview. */
const blogEditButtons = callbackData("blogedit", {
  title: { articleId: "int", revision: "int" },
  edit: { articleId: "int", revision: "int", tip: "int" },
  drop: { articleId: "int", revision: "int", tip: "int" },
  merge: { articleId: "int", revision: "int", tip: "int" },
}, { staff: true });

const LIST_LIMIT = 10;
/** How long a pressed Edit waits for the new text. */
const EDIT_STEP_MS = 15 * 60_000;

type Pressed = BotContext & { from: { id: number; first_name: string } };

blogReviewFeature.callbackQuery(blogReviewButtons.filter("publish"), async (ctx) => {
  const { articleId, revision } = blogReviewButtons.parse("publish", ctx.callbackQuery.data)!;
  const outcome = await publishDraft(ctx.deps.blog, { articleId, revision, staffId: ctx.from.id });
  if (!outcome.ok) return refuse(ctx, outcome, "publish");
  await reviewed(ctx, outcome.row);
});

for (const action of ["skip", "unpublish"] as const) {
  blogReviewFeature.callbackQuery(blogReviewButtons.filter(action), async (ctx) => {
    const press = blogReviewButtons.parse(action, ctx.callbackQuery.data)!;
    const outcome = await reviewBlogArticle(ctx.deps.blog, press.articleId, action, ctx.from.id, "revision" in press ? press.revision : undefined);
    if (!outcome.ok) {
      ctx.logger.info({ userId: ctx.from.id, articleId: press.articleId, action, status: outcome.row?.status }, "blog review press changed nothing");
      const text = outcome.row ? ctx.t("blog-unchanged", { status: ctx.t(`blog-status-${outcome.row.status}`) }) : ctx.t("blog-unknown");
      return ctx.answerCallbackQuery({ text, show_alert: true });
    }
    await reviewed(ctx, outcome.row);
  });
}

async function reviewed(ctx: Pressed, row: BlogArticleRow) {
  ctx.logger.info({ userId: ctx.from.id, articleId: row.id, status: row.status, revision: row.revision }, "blog article reviewed");
  // This instance serves the change from its very next tip; the others see it on their next refresh.
  await ctx.deps.tipLibrary.refresh();
  await ctx.answerCallbackQuery();
  const done = ctx.t(`blog-done-${row.status}`, { name: escapeHtml(ctx.from.first_name), title: escapeHtml(row.article.title) });
  await ctx.editMessageText(done, { parse_mode: "HTML", reply_markup: new InlineKeyboard() });
}

/** A press or an edit that changed nothing: one short line saying why. */
async function refuse(ctx: BotContext, outcome: Extract<DraftOutcome, { ok: false }>, action: string) {
  ctx.logger.info({ userId: ctx.from?.id, articleId: outcome.row?.id, action, reason: outcome.reason, revision: outcome.row?.revision }, "blog edit changed nothing");
  const text = refusalText(ctx, outcome);
  if (ctx.callbackQuery) return ctx.answerCallbackQuery({ text, show_alert: true });
  return ctx.reply(text);
}

function refusalText(ctx: BotContext, outcome: Extract<DraftOutcome, { ok: false }>): string {
  return ctx.t(`blog-refused-${outcome.reason}`, { length: outcome.length ?? 0, limit: outcome.limit ?? 0 });
}

for (const action of ["drop", "merge"] as const) {
  blogReviewFeature.callbackQuery(blogEditButtons.filter(action), async (ctx) => {
    const { articleId, revision, tip } = blogEditButtons.parse(action, ctx.callbackQuery.data)!;
    const change = action === "drop" ? dropDraftTip : mergeDraftTip;
    const outcome = await change(ctx.deps.blog, { articleId, revision, tip });
    if (!outcome.ok) return refuse(ctx, outcome, action);
    await ctx.answerCallbackQuery();
    await edited(ctx, outcome.row, ctx.t(`blog-edited-${action}`, { name: escapeHtml(ctx.from.first_name), number: tip + 1 }));
  });
}

for (const action of ["title", "edit"] as const) {
  blogReviewFeature.callbackQuery(blogEditButtons.filter(action), async (ctx) => {
    const press = blogEditButtons.parse(action, ctx.callbackQuery.data)! as { articleId: number; revision: number; tip?: number };
    const tip = press.tip ?? null;
    const row = await ctx.deps.blog.find(press.articleId);
    const refused = checkDraft(row, press.revision);
    if (refused) return refuse(ctx, refused, action);
    const found = tip === null ? null : tipAt(row!, tip);
    if (tip !== null && !found) return refuse(ctx, { ok: false, reason: "no-tip", row }, action);
    if (!ctx.chat) return ctx.answerCallbackQuery({ text: ctx.t("blog-unknown"), show_alert: true });
    await ctx.deps.blog.saveEditStep({
      chatId: ctx.chat.id,
      staffId: ctx.from.id,
      articleId: press.articleId,
      revision: press.revision,
      target: tip === null ? "title" : `tip:${tip}`,
      expiresAt: new Date(ctx.deps.now().getTime() + EDIT_STEP_MS),
    });
    await ctx.answerCallbackQuery();
    const name = escapeHtml(ctx.from.first_name);
    const current = found ? `${found.tip.heading}\n${htmlToPlainText(found.tip.bodyHtml)}` : row!.article.title;
    const ask = found ? ctx.t("blog-edit-tip-ask", { number: tip! + 1, name }) : ctx.t("blog-edit-title-ask", { name });
    const prompt = `${ask}\n\n<code>${escapeHtml(current)}</code>`;
    await ctx.reply(prompt, {
      parse_mode: "HTML",
      reply_markup: { force_reply: true, selective: true, input_field_placeholder: ctx.t("blog-edit-placeholder") },
      reply_parameters: ctx.callbackQuery.message ? { message_id: ctx.callbackQuery.message.message_id, allow_sending_without_reply: true } : undefined,
    });
  });
}

// The staff member's next message after Edit is the new text (a command is not: it goes on to its feature).
blogReviewFeature.on("message:text", async (ctx, next) => {
  if (ctx.message.text.startsWith("/")) return next();
  const step = await ctx.deps.blog.takeEditStep(ctx.chat.id, ctx.from.id, ctx.deps.now());
  if (!step) return next();
  const target = { articleId: step.articleId, revision: step.revision };
  const tip = step.target.startsWith("tip:") ? Number(step.target.slice(4)) : null;
  let outcome: DraftOutcome;
  if (tip === null) outcome = await editDraftTitle(ctx.deps.blog, { ...target, title: ctx.message.text });
  else {
    const [heading = "", ...rest] = ctx.message.text.trim().split("\n");
    outcome = await editDraftTip(ctx.deps.blog, { ...target, tip, heading, text: rest.join("\n") });
  }
  if (!outcome.ok) {
    // Text that does not fit can be sent again; a stale or published article cannot be edited from this step.
    if (outcome.reason === "empty" || outcome.reason === "too-long") await ctx.deps.blog.saveEditStep({ ...step, expiresAt: new Date(ctx.deps.now().getTime() + EDIT_STEP_MS) });
    return refuse(ctx, outcome, tip === null ? "title" : "edit");
  }
  const name = escapeHtml(ctx.from.first_name);
  await edited(ctx, outcome.row, tip === null ? ctx.t("blog-edited-title", { name }) : ctx.t("blog-edited-tip", { name, number: tip + 1 }));
});

/** After an edit: what changed, then the new preview, whose buttons are the only ones that still work. */
async function edited(ctx: BotContext, row: BlogArticleRow, done: string) {
  ctx.logger.info({ userId: ctx.from?.id, articleId: row.id, revision: row.revision }, "blog article edited");
  if (!ctx.chat) return;
  await ctx.reply(done, { parse_mode: "HTML" });
  for (const message of blogPreviewMessages(row, { i18n: ctx.deps.i18n, clinic: ctx.deps.clinic, staffLanguage: staffLanguageOf(ctx.deps.clinic) }, { edited: true })) {
    const { text, ...options } = message.params as { text: string } & Record<string, unknown>;
    await ctx.api.sendMessage(ctx.chat.id, text, options);
  }
}

blogReviewFeature.command("articles", async (ctx) => {
  const rows = await ctx.deps.blog.recent(LIST_LIMIT);
  if (rows.length === 0) return ctx.reply(ctx.t("blog-list-empty"), { parse_mode: "HTML" });
  const keyboard = new InlineKeyboard();
  const lines = rows.map((row, index) => {
    const action = actionOffered(row.status);
    const data = action === "unpublish" ? blogReviewButtons.data("unpublish", { articleId: row.id }) : blogReviewButtons.data("publish", { articleId: row.id, revision: row.revision });
    keyboard.text(`${index + 1}. ${ctx.t(`blog-button-${action}`)}`, data);
    if (index % 2 === 1) keyboard.row();
    return ctx.t("blog-list-item", {
      number: index + 1,
      title: escapeHtml(row.article.title),
      date: row.article.date,
      language: ctx.t(`blog-language-${row.article.language}`),
      tips: tipCount(row),
      status: ctx.t(row.status === "published" && row.changes ? "blog-status-changed" : `blog-status-${row.status}`),
    });
  });
  await ctx.reply([ctx.t("blog-list-header"), ...lines].join("\n"), { parse_mode: "HTML", reply_markup: keyboard });
});

/** The one action /articles offers for each state (Skip only makes sense on a fresh draft's preview). */
function actionOffered(status: BlogStatus): "publish" | "unpublish" {
  return REVIEW_TRANSITIONS.unpublish.from.includes(status) ? "unpublish" : "publish";
}

function tipCount(row: BlogArticleRow): number {
  return row.article.sections.filter((section) => section.isTip).length;
}

/**
 * The preview of a draft, as the messages the staff chat receives: a header
 * (with what a re-import changed, if anything), each tip card exactly as a
 * patient reading the article's language gets it with its Edit, Drop and
 * Merge up buttons, and the question with Edit title, Publish and Skip. The
 * buttons carry the article's revision: once it changes, they change nothing.
 */
export function blogPreviewMessages(row: BlogArticleRow, input: { i18n: Translator; clinic: ClinicProfile; staffLanguage: Language }, options: { edited?: boolean } = {}): OutgoingMessage[] {
  const { i18n, clinic, staffLanguage } = input;
  const { article, revision } = row;
  const articleId = row.id;
  const t = (key: string, args?: Record<string, string | number>) => i18n.t(staffLanguage, key, args);
  const date = article.dateByImport ? t("blog-date-by-import", { date: article.date }) : article.date;
  const figures = { title: escapeHtml(article.title), date, language: t(`blog-language-${article.language}`), tips: tipCount(row) };
  const changes = row.changes
    ? [
        ...(row.changes.title ? [t("blog-change-title")] : []),
        ...row.changes.tips.map((tip) => t(`blog-change-${tip.kind}`, { heading: escapeHtml(tip.heading) })),
      ]
    : [];
  const headerKey = options.edited ? "blog-preview-header-edited" : changes.length > 0 ? "blog-preview-header-changed" : "blog-preview-header";
  const header: OutgoingMessage = { method: "sendMessage", params: { text: [t(headerKey, figures), ...changes].join("\n"), parse_mode: "HTML" } };
  const tips = tipsOf(article);
  const cards = tips.map((tip, index) => {
    const card = tipMessage(tip, article.language, { disclaimer: clinic.disclaimer, readMoreLabel: (language) => i18n.t(language, "tips-read-more") });
    const keyboard = new InlineKeyboard()
      .text(t("blog-button-edit"), blogEditButtons.data("edit", { articleId, revision, tip: index }))
      .text(t("blog-button-drop"), blogEditButtons.data("drop", { articleId, revision, tip: index }));
    if (index > 0) keyboard.text(t("blog-button-merge"), blogEditButtons.data("merge", { articleId, revision, tip: index }));
    return { ...card, params: { ...card.params, reply_markup: keyboard } };
  });
  const keyboard = new InlineKeyboard().text(t("blog-button-title"), blogEditButtons.data("title", { articleId, revision })).row().text(t("blog-button-publish"), blogReviewButtons.data("publish", { articleId, revision }));
  if (REVIEW_TRANSITIONS.skip.from.includes(row.status)) keyboard.text(t("blog-button-skip"), blogReviewButtons.data("skip", { articleId, revision }));
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
