blog-preview-header =
    📰 <b>New article from the blog</b>, waiting for your review:
    <b>{ $title }</b>
    { $date } · { $language } · { $tips } tips
    Below, each tip exactly as patients will get it.
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
blog-date-by-import = { $date } (the post shows no date: dated the day it was imported)
