// The desk's Articles view: the blog's articles with each tip card as patients
// get it, and the staff's edits (title, a tip's text, drop, merge up, publish).
// Every call names the revision shown; the server refuses any other. The page's
// helpers (elements, words, API calls) come from desk.js.

export function articlesView({ el, t, api, act, render }) {
  /**
   * A tip card's Telegram HTML as the page shows it: parsed inert, then rebuilt
   * from text and the few tags Telegram formats (links only to http(s)), so
   * nothing in an article can run or load anything here.
   */
  const CARD_TAGS = new Set(["B", "STRONG", "I", "EM", "U", "INS", "S", "STRIKE", "DEL", "CODE", "PRE", "BLOCKQUOTE"]);
  function telegramHtml(html) {
    const parsed = new DOMParser().parseFromString(`<body>${html}</body>`, "text/html").body;
    const copy = (source, target) => {
      for (const node of source.childNodes) {
        if (node.nodeType === Node.TEXT_NODE) target.append(node.textContent);
        else if (node.nodeType !== Node.ELEMENT_NODE) continue;
        else if (node.tagName === "A") {
          const href = node.getAttribute("href") ?? "";
          const link = /^https?:\/\//i.test(href) ? el("a", { href, target: "_blank", rel: "noopener noreferrer" }) : el("span");
          copy(node, link);
          target.append(link);
        } else if (CARD_TAGS.has(node.tagName)) {
          const kept = document.createElement(node.tagName.toLowerCase());
          copy(node, kept);
          target.append(kept);
        } else copy(node, target);
      }
    };
    const card = el("div", { class: "tip-card" });
    copy(parsed, card);
    return card;
  }

  async function renderArticles(view) {
    const { articles } = await api("articles");
    if (articles.length === 0) {
      view.replaceChildren(el("p", { class: "hint" }, t("desk-articles-none")));
      return;
    }
    view.replaceChildren(el("p", { class: "hint" }, t("desk-articles-hint")), ...articles.map(renderArticle));
  }

  /** Sends one edit (or Publish) for the revision shown, then shows the article again. */
  function articleAct(article, path, body, doneText) {
    return (event) => act(event.target, () => api(`articles/${article.id}/${path}`, { revision: article.revision, ...body }), doneText);
  }

  function renderArticle(article) {
    const titleLine = el("h2", { class: "article-title" }, article.title);
    const actions = el("div", { class: "actions" });
    const box = el(
      "section",
      { class: `article status-${article.status}`, "data-article-id": article.id, "data-revision": article.revision },
      titleLine,
      el("div", { class: "what" }, el("span", { class: "badge" }, t(`desk-article-status-${article.status}`)), " ", t("desk-article-meta", { date: article.date, language: t(`blog-language-${article.language}`), tips: article.tips.length })),
    );
    if (article.changes) {
      box.append(
        el("p", { class: "changes" }, t("desk-article-changed")),
        el("ul", { class: "changes" }, article.changes.title ? el("li", {}, t("blog-change-title")) : null, article.changes.tips.map((tip) => el("li", { "data-change": tip.kind }, t(`blog-change-${tip.kind}`, { heading: tip.heading })))),
      );
    }
    if (article.editable) {
      const editTitle = () => {
        const input = el("input", { type: "text", value: article.title, maxlength: 200, "aria-label": t("desk-title-label"), class: "title-input" });
        titleLine.replaceChildren(input);
        actions.replaceChildren(
          el("button", { type: "button", class: "save", onclick: (event) => articleAct(article, "title", { title: input.value }, t("desk-done-edited"))(event) }, t("desk-save")),
          el("button", { type: "button", class: "secondary", onclick: () => render() }, t("desk-cancel")),
        );
        input.focus();
      };
      actions.append(
        el("button", { type: "button", class: "secondary edit-title", onclick: editTitle }, t("desk-edit-title")),
        el("button", { type: "button", class: "publish", onclick: articleAct(article, "publish", {}, t("desk-done-published")) }, t("desk-publish")),
      );
    } else box.append(el("p", { class: "hint" }, t("desk-article-locked")));
    box.append(...article.tips.map((tip) => renderTip(article, tip)), actions);
    return box;
  }

  function renderTip(article, tip) {
    const card = telegramHtml(tip.card);
    const box = el("div", { class: "tip", "data-tip": tip.index, "data-tip-id": tip.id }, card);
    if (!article.editable) return box;
    const tipActions = el("div", { class: "actions" });
    const edit = () => {
      const heading = el("input", { type: "text", value: tip.heading, maxlength: 200, "aria-label": t("desk-heading-label"), class: "heading-input" });
      const text = el("textarea", { "aria-label": t("desk-text-label"), class: "text-input", rows: 6 });
      text.value = tip.text;
      card.replaceWith(el("div", { class: "tip-editor" }, heading, text));
      tipActions.replaceChildren(
        el("button", { type: "button", class: "save", onclick: (event) => articleAct(article, `tips/${tip.index}/edit`, { heading: heading.value, text: text.value }, t("desk-done-edited"))(event) }, t("desk-save")),
        el("button", { type: "button", class: "secondary", onclick: () => render() }, t("desk-cancel")),
      );
      text.focus();
    };
    tipActions.append(
      el("button", { type: "button", class: "secondary edit", onclick: edit }, t("desk-edit")),
      el("button", { type: "button", class: "danger drop", onclick: articleAct(article, `tips/${tip.index}/drop`, {}, t("desk-done-edited")) }, t("desk-drop")),
      tip.index > 0 ? el("button", { type: "button", class: "secondary merge", onclick: articleAct(article, `tips/${tip.index}/merge`, {}, t("desk-done-edited")) }, t("desk-merge")) : null,
    );
    box.append(tipActions);
    return box;
  }

  return renderArticles;
}
