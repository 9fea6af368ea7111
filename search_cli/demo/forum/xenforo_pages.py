"""The sample forum's pages in XenForo 2 markup, as SpaceBattles and Sufficient Velocity
serve them (modelled on the saved pages in ../shared/fixtures/xenforo, filled with our
own text): the threadmarks index, reader mode, the thread, and the login and error pages.
"""

from __future__ import annotations

import html
from datetime import UTC, datetime

from search_cli.demo.forum.stories import QUOTE, SPOILER, ForumPost, ForumThread

SITE = "Sample Forum"
READER_PAGE = 10  # threadmarked posts on a reader page, as on the real forums


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def thread_path(thread: ForumThread) -> str:
    return f"/threads/{thread.slug}.{thread.thread_id}/"


def _time(day: str) -> str:
    when = datetime.fromisoformat(day).replace(hour=12, tzinfo=UTC)
    shown = f"{when:%b} {when.day}, {when.year}"
    return (
        f'<time class="u-dt" dir="auto" datetime="{day}T12:00:00+0000" '
        f'data-time="{int(when.timestamp())}" data-date-string="{shown}" '
        f'title="{shown} at 12:00 PM">{shown}</time>'
    )


def document(title: str, template: str, body: str) -> str:
    return f"""<!DOCTYPE html>
<html id="XF" lang="en-US" dir="LTR" data-app="public" data-template="{template}" data-logged-in="false">
<head>
<meta charset="utf-8" />
<title>{esc(title)} | {SITE}</title>
<meta property="og:site_name" content="{SITE}" />
</head>
<body data-template="{template}">
<div class="p-pageWrapper" id="top">
<header class="p-header" id="header"><div class="p-header-logo"><a href="/">{SITE}</a></div></header>
<div class="p-navSticky p-navSticky--primary"><nav class="p-nav"><a href="/">Forums</a>
<a href="/login/" class="p-navgroup-link--logIn">Log in</a> <a href="/register/">Register</a></nav></div>
<div class="p-body"><div class="p-body-inner">
{body}
</div></div>
<footer class="p-footer" id="footer"><a href="/help/">Help</a> <a href="/help/terms/">Terms and rules</a></footer>
</div>
</body>
</html>
"""


def _breadcrumbs(thread: ForumThread) -> str:
    name, node = thread.forum
    return f"""<div class="p-breadcrumbs--parent"><ul class="p-breadcrumbs">
<li><a href="/"><span itemprop="name">Forums</span></a></li>
<li><a href="/forums/creative-writing.18/"><span itemprop="name">Creative Writing</span></a></li>
<li><a href="/forums/{esc(name.lower().replace(" ", "-"))}.{node}/"><span itemprop="name">{esc(name)}</span></a></li>
</ul></div>"""


def _head(thread: ForumThread, suffix: str = "") -> str:
    prefix = (
        f'<a href="/forums/x.{thread.forum[1]}/?prefix_id=1" class="labelLink">'
        f'<span class="label label--green" dir="auto">{esc(thread.prefix)}</span></a>'
        '<span class="label-append">&nbsp;</span>'
        if thread.prefix
        else ""
    )
    tags = "".join(
        f'<a href="/tags/{esc(t.replace(" ", "-"))}/" class="tagItem" dir="auto">{esc(t)}</a>'
        for t in thread.tags
    )
    first = thread.posts[0].day
    return f"""<div class="p-body-header"><div class="p-title">
<h1 class="p-title-value">{prefix}{esc(thread.title)}{suffix}</h1></div>
<div class="p-description"><ul class="listInline listInline--bullet">
<li><span class="u-srOnly">Thread starter</span>
<a href="/members/{esc(thread.starter)}.12/" class="username u-concealed">{esc(thread.starter)}</a></li>
<li><span class="u-srOnly">Start date</span><a href="{thread_path(thread)}">{_time(first)}</a></li>
<li><dl class="tagList"><dt>Tags</dt><dd><span class="js-tagList">{tags}</span></dd></dl></li>
</ul></div></div>"""


def _word_label(words: int) -> str:
    return f"{words / 1000:.1f}".rstrip("0").rstrip(".") + "k" if words >= 1000 else str(words)


def threadmarks_page(thread: ForumThread) -> str:
    """`/threads/<id>/threadmarks`: the category tabs, statistics and one row per threadmark."""
    base = thread_path(thread)
    marks = thread.threadmarks
    rows = "\n".join(
        f"""<div class="structItem structItem--threadmark js-inlineModContainer" data-content-author="{esc(p.author)}">
<div class="structItem-cell structItem-cell--main"><div class="structItem-title threadmark_depth0">
<ul class="listInline listInline--bullet"><li><a href="{base}post-{p.post_id}" data-preview-url="/posts/{p.post_id}/preview-threadmark">{esc(p.label)}</a></li></ul>
</div></div>
<div class="structItem-cell structItem-cell--meta"><dl class="pairs pairs--justified"><dt>Words</dt><dd>{_word_label(p.words)}</dd></dl></div>
<div class="structItem-cell structItem-cell--latest"><a href="{base}post-{p.post_id}">{_time(p.day).replace('class="u-dt"', 'class="structItem-latestDate u-dt"')}</a></div>
</div>"""
        for p in marks
    )
    words = sum(p.words for p in marks)
    body = f"""{_breadcrumbs(thread)}
<div class="p-body-header"><div class="p-title"><h1 class="p-title-value">{esc(thread.title)} - Threadmarks</h1></div></div>
<div class="block"><div class="block-container"><div class="block-body">
<div class="threadmarkListingHeader"><div class="threadmarkListingHeader-extraInfo">
<article class="threadmarkListingHeader-extraInfoChild message-body"><div class="bbWrapper">{esc(thread.summary)}</div></article>
</div></div>
<h2 class="block-tabHeader block-tabHeader--threadmarkCategoryTabs tabs" role="tablist">
<a href="{base}threadmarks" rel="nofollow" class="tabs-tab is-active" id="threadmark-category-1" role="tab">Threadmarks</a>
</h2>
<h2 class="block-formSectionHeader"><span class="block-formSectionHeader-aligner">Statistics ({len(marks)} threadmarks, {_word_label(words)} words)</span></h2>
<h2 class="block-formSectionHeader"><span class="block-formSectionHeader-aligner">Threadmarks</span>
<a href="{base}reader/" class="block--threadmark-control reader" rel="nofollow">Reader mode</a></h2>
<div class="block-body block-body--threadmarkBody"><div class="structItemContainer">
{rows}
</div></div>
</div></div></div>"""
    return document(f"{thread.title} - Threadmarks", "svThreadmarks_threadmark_list", body)


def _body(post: ForumPost) -> str:
    """A post's bbWrapper: lines joined by <br />, quotes and spoilers as XenForo boxes."""
    parts = []
    for paragraph in post.paragraphs:
        if paragraph.startswith(QUOTE):
            who, _, said = paragraph.removeprefix(QUOTE).partition("|")
            parts.append(
                f'<blockquote data-quote="{esc(who)}" class="bbCodeBlock bbCodeBlock--expandable '
                f'bbCodeBlock--quote js-expandWatch"><div class="bbCodeBlock-title">{esc(who)} said:'
                '</div><div class="bbCodeBlock-content"><div class="bbCodeBlock-expandContent '
                f'js-expandContent">{esc(said)}</div><div class="bbCodeBlock-expandLink '
                'js-expandLink"><a role="button" tabindex="0">Click to expand...</a></div></div>'
                "</blockquote>"
            )
        elif paragraph.startswith(SPOILER):
            title, _, inside = paragraph.removeprefix(SPOILER).partition("|")
            parts.append(
                '<div class="bbCodeSpoiler"><button type="button" class="bbCodeSpoiler-button '
                'button"><span class="button-text"><span>Spoiler: <span class="bbCodeSpoiler-'
                f'button-title">{esc(title)}</span></span></span></button><div class="bbCodeSpoiler-'
                'content"><div class="bbCodeBlock bbCodeBlock--spoiler"><div class="bbCodeBlock-'
                f'content">{esc(inside)}</div></div></div></div>'
            )
        else:
            parts.append(esc(paragraph))
    return "<br />\n<br />\n".join(parts)


def post_article(thread: ForumThread, post: ForumPost, position: int) -> str:
    base = thread_path(thread)
    mark = (
        '<div class="message-cell message-cell--threadmark-header"><label>Threadmarks</label> '
        f'<span class="threadmarkLabel">{esc(post.label)}</span></div>'
        if post.label
        else ""
    )
    return f"""<article class="message message--post js-post js-inlineModContainer{" hasThreadmark" if post.label else ""}" data-author="{esc(post.author)}" data-content="post-{post.post_id}" id="js-post-{post.post_id}">
<span class="u-anchorTarget" id="post-{post.post_id}"></span>
{mark}
<div class="message-inner">
<div class="message-cell message-cell--user"><section class="message-user"><h4 class="message-name"><a href="/members/{esc(post.author)}.12/" class="username">{esc(post.author)}</a></h4></section></div>
<div class="message-cell message-cell--main"><div class="message-main js-quickEditTarget">
<header class="message-attribution message-attribution--split">
<ul class="message-attribution-main listInline"><li class="u-concealed"><a href="{base}post-{post.post_id}" rel="nofollow">{_time(post.day)}</a></li></ul>
<ul class="message-attribution-opposite message-attribution-opposite--list"><li><a href="{base}post-{post.post_id}" data-xf-init="share-tooltip" aria-label="Share">Share</a></li><li><a href="{base}post-{post.post_id}">#{position}</a></li></ul>
</header>
<div class="message-content js-messageContent"><div class="message-userContent lbContainer js-lbContainer">
<article class="message-body js-selectToQuote"><div class="bbWrapper">{_body(post)}</div><div class="js-selectToQuoteEnd">&nbsp;</div></article>
</div></div>
<footer class="message-footer"><div class="reactionsBar">Reactions: 3 readers</div>
<a href="{base}post-{post.post_id}/reply" class="actionBar-action">Reply</a></footer>
</div></div></div>
</article>"""


def _page_nav(path: str, number: int, pages: int) -> str:
    links = "".join(
        f'<li class="pageNav-page"><a href="{path}{"" if n == 1 else f"page-{n}"}">{n}</a></li>'
        for n in range(1, pages + 1)
    )
    later = (
        f'<a href="{path}page-{number + 1}" class="pageNav-jump pageNav-jump--next">Next</a>'
        if number < pages
        else ""
    )
    return f'<nav class="pageNavWrapper"><div class="pageNav"><ul class="pageNav-main">{links}</ul>{later}</div></nav>'


def reader_pages(thread: ForumThread) -> int:
    return max(1, -(-len(thread.threadmarks) // READER_PAGE))


def reader_page(thread: ForumThread, number: int) -> str:
    """`reader/page-N`: ten threadmarked posts a page, nothing else of the thread."""
    shown = thread.threadmarks[(number - 1) * READER_PAGE : number * READER_PAGE]
    return reader_page_of(thread, shown, number, reader_pages(thread))


def reader_page_of(
    thread: ForumThread, shown: tuple[ForumPost, ...], number: int, pages: int
) -> str:
    """Reader page `number` of `pages` holding the posts `shown`."""
    start = (number - 1) * READER_PAGE
    posts = "\n".join(post_article(thread, p, start + i) for i, p in enumerate(shown, 1))
    path = f"{thread_path(thread)}reader/"
    nav = _page_nav(path, number, pages)
    body = f"""{_breadcrumbs(thread)}{_head(thread)}
<div class="block block--messages">{nav}
<div class="block-container lbContainer"><div class="block-body js-replyNewMessageContainer">
{posts}
</div></div>{nav}</div>"""
    return document(f"{thread.title} - Reader mode", "svThreadmarks_reader", body)


def thread_page(thread: ForumThread) -> str:
    """The thread itself: every post, readers' replies among the threadmarked ones."""
    posts = "\n".join(post_article(thread, p, i) for i, p in enumerate(thread.posts, 1))
    body = f"""{_breadcrumbs(thread)}{_head(thread)}
<div class="block block--messages"><div class="block-container"><div class="block-body">
{posts}
</div></div></div>"""
    return document(thread.title, "thread_view", body)


def login_page() -> str:
    """What a members-only forum answers (HTTP 403): XenForo's login form."""
    body = """<div class="p-body-header"><div class="p-title"><h1 class="p-title-value">Log in</h1></div></div>
<div class="blockMessage blockMessage--error">You must be logged-in to do that.</div>
<form action="/login/login" method="post" class="block"><input type="text" name="login" />
<input type="password" name="password" /><button type="submit">Log in</button></form>"""
    return document("Log in", "login", body)


def error_page(message: str = "The requested thread could not be found.") -> str:
    body = f'<div class="blockMessage">{esc(message)}</div>'
    return document("Oops! We ran into some problems.", "error", body)
