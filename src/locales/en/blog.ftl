blog-preview-header =
    📰 <b>New article from the blog</b>, waiting for your review:
    <b>{ $title }</b>
    { $date } · { $language } · { $tips } tips
    Below, each tip exactly as patients will get it: Edit, Drop or Merge up under each, Edit title at the end.
blog-preview-ask = Publish “{ $title }”? Its { $tips } tips then join the weekly tips of patients who read { $language }.
blog-button-publish = Publish
blog-button-skip = Skip
blog-button-unpublish = Unpublish
blog-done-published = ✅ Published by { $name }: “{ $title }” is in the tip library.
blog-done-skipped = Skipped by { $name }: “{ $title }” stays out of the tips.
blog-done-unpublished = Unpublished by { $name }: “{ $title }” is out of the tip library; tips already sent stay sent.
blog-unchanged = Nothing changed: this article is { $status }.
blog-unknown = This article is no longer in the list.
blog-status-draft = waiting for review
blog-status-published = published
blog-status-skipped = skipped
blog-status-changed = published; changed on the blog since, waiting for your review
blog-status-unpublished = unpublished
blog-list-header = <b>Blog articles</b>, newest first:
blog-list-item = { $number }. <b>{ $title }</b> — { $date }, { $language }, { $tips } tips: { $status }
blog-list-empty = No blog article yet. Import one with <code>npm run content:import -- SOURCE</code>, or set CONTENT_FEED_URL so the bot follows the blog.
blog-feed-failing =
    ⚠️ The clinic's blog could not be read since { $since }:
    { $error }
    The tips already published keep going out, and I keep trying on my own.
command-articles = Blog articles: review, publish, unpublish
blog-language-en = English
blog-language-fr = French

## Staff edits from the preview (and the desk's Articles view)
blog-preview-header-edited =
    ✏️ <b>The article as patients will get it now</b>:
    <b>{ $title }</b>
    { $date } · { $language } · { $tips } tips
blog-preview-header-changed =
    🔄 <b>An article changed on the blog</b>, waiting for your review again:
    <b>{ $title }</b>
    { $date } · { $language } · { $tips } tips
    Patients keep getting the version you published until you publish this one. What changed:
blog-change-title = • the title
blog-change-new = • new tip: { $heading }
blog-change-changed = • changed tip: { $heading }
blog-change-removed = • tip no longer in the post: { $heading }
blog-button-edit = ✏️ Edit
blog-button-drop = 🗑 Drop
blog-button-merge = ⤴️ Merge up
blog-button-title = ✏️ Edit title
blog-edit-tip-ask = ✏️ { $name }, send the new text of tip { $number } as your next message: its heading on the first line, then the text. The current one, to copy:
blog-edit-title-ask = ✏️ { $name }, send the new title as your next message. The current one, to copy:
blog-edit-placeholder = The new text
blog-edited-tip = ✏️ { $name } edited tip { $number }.
blog-edited-title = ✏️ { $name } edited the title.
blog-edited-drop = 🗑 { $name } dropped tip { $number }.
blog-edited-merge = ⤴️ { $name } merged tip { $number } into the one before.
blog-refused-unknown = This article is no longer in the list.
blog-refused-stale = Nothing changed: the article changed since this preview. Use the newest one.
blog-refused-published = Nothing changed: the article is already published.
blog-refused-no-tip = Nothing changed: that tip is no longer in the article.
blog-refused-empty = Nothing changed: the text is empty. Send it again.
blog-refused-too-long = Nothing changed: { $length } characters, and a tip card holds { $limit }. Send a shorter text.
blog-refused-last-tip = Nothing changed: it is the article's only tip. Skip the article instead.
blog-refused-first-tip = Nothing changed: the first tip has no tip before it.
blog-date-by-import = { $date } (the post shows no date: dated the day it was imported)
