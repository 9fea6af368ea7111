"""Sample works rendered as AO3 serves them.

The element names, classes, ids and nesting follow saved AO3 pages (see
../shared/fixtures/ao3 and otwarchive's views), so the real AO3 adapter reads
these pages exactly as it reads AO3's. The page chrome, navigation, work skin
and comment section are kept on purpose: they are the noise the cleaner must
remove. Text nodes are escaped with `html.escape(s, quote=False)` (AO3 leaves
quotes raw in text), attributes with `html.escape(s)`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import date
from html import escape
from urllib.parse import quote, unquote

from search_cli.demo.sample_works import CENTRED_DIVIDERS, HR, SampleChapter, SampleWork

SITE = "Archive of Our Own"

# AO3's Tag#to_param, then the URL escaping Rails applies to a path segment.
_TAG_PARAM = (("/", "*s*"), ("&", "*a*"), (".", "*d*"), ("?", "*q*"), ("#", "*h*"))
_TAG_SAFE = ":()'!*,;=+$@"

RATING_CLASS = {
    "General Audiences": "rating-general-audience",
    "Teen And Up Audiences": "rating-teen",
    "Mature": "rating-mature",
    "Explicit": "rating-explicit",
    "Not Rated": "rating-notrated",
}
CATEGORY_CLASS = {
    "Gen": "category-gen",
    "F/M": "category-het",
    "M/M": "category-slash",
    "F/F": "category-femslash",
    "Multi": "category-multi",
    "Other": "category-other",
}
# The tag AO3 shows as "Creator Chose Not To Use…" is canonically named this:
CHOSE_NOT_CANONICAL = "Choose Not To Use Archive Warnings"


def t(text: str) -> str:
    """Escape a text node."""
    return escape(text, quote=False)


def a(text: str) -> str:
    """Escape an attribute value."""
    return escape(text, quote=True)


def escape_tag(name: str) -> str:
    """A tag name as AO3 puts it in a URL: "A/B & C?" -> "A*s*B%20*a*%20C*q*"."""
    for raw, param in _TAG_PARAM:
        name = name.replace(raw, param)
    return quote(name, safe=_TAG_SAFE)


def unescape_tag(segment: str) -> str:
    """The tag name an AO3 tag URL segment stands for."""
    name = unquote(segment)
    for raw, param in _TAG_PARAM:
        name = name.replace(param, raw)
    return name


def tag_url(name: str) -> str:
    if name.startswith("Creator Chose Not To Use"):
        name = CHOSE_NOT_CANONICAL
    return f"/tags/{escape_tag(name)}/works"


def tag_link(name: str) -> str:
    return f'<a class="tag" href="{a(tag_url(name))}">{t(name)}</a>'


def user_link(name: str) -> str:
    return f'<a rel="author" href="/users/{a(quote(name))}/pseuds/{a(quote(name))}">{t(name)}</a>'


def blurb_date(iso: str) -> str:
    """ "2021-01-27" -> "27 Jan 2021", as listing blurbs show dates."""
    return date.fromisoformat(iso).strftime("%d %b %Y")


def paragraphs_html(text: str) -> str:
    """A summary or note: paragraphs split on blank lines."""
    return "".join(f"<p>{t(p.strip())}</p>" for p in text.split("\n\n") if p.strip())


def paragraph_html(paragraph: str) -> str:
    """One story paragraph; scene-break markers are rendered the way their writers type them."""
    if paragraph == HR:
        return "<hr />"
    if paragraph in CENTRED_DIVIDERS:
        return f'<p align="center">{t(paragraph)}</p>'
    return f"<p>{t(paragraph)}</p>"


def chapter_text_html(chapter: SampleChapter) -> str:
    return "".join(paragraph_html(p) for p in chapter.paragraphs)


def token(*parts: object) -> str:
    """A stable stand-in for AO3's authenticity tokens (pages must not change between requests)."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:86]


# --- page chrome -----------------------------------------------------------------


def document(title: str, main_class: str, main: str, *, return_to: str = "/") -> str:
    """A whole AO3 page: head, header with the small login form, main, footer, scripts."""
    back = a(quote(return_to, safe=""))
    return f"""<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta http-equiv="x-ua-compatible" content="ie=edge" />
    <meta name="description" content="An Archive of Our Own, a project of the Organization for Transformative Works" />
    <meta name="viewport" content="width=device-width, initial-scale=1.0"/>
    <title>{t(title)}</title>
    <link rel="stylesheet" type="text/css" media="screen" href="/stylesheets/skins/skin_1_default/1_site_screen_.css" />
    <script src="/javascripts/livevalidation_standalone.js"></script>
  </head>
  <body class="logged-out">
  <div id="outer" class="wrapper">
    <ul id="skiplinks"><li><a href="#main">Main Content</a></li></ul>
<header id="header" class="region">
  <h1 class="heading">
    <a href="/"><span>{SITE}</span><img alt="{SITE}" class="logo" src="/images/ao3_logos/logo_42.png" /></a>
  </h1>
  <div id="login" class="dropdown">
    <p class="user actions"><a id="login-dropdown" href="/users/login?return_to={back}">Log In</a></p>
    <div id="small_login" class="simple login">
      <form class="new_user" id="new_user_session_small" action="/users/login?return_to={back}" accept-charset="UTF-8" method="post"><input type="hidden" name="authenticity_token" value="{token("login", return_to)}" autocomplete="off" />
        <dl>
          <dt><label for="user_session_login_small">Username or email:</label></dt>
          <dd><input autocomplete="on" id="user_session_login_small" type="text" name="user[login]" /></dd>
          <dt><label for="user_session_password_small">Password:</label></dt>
          <dd><input id="user_session_password_small" type="password" name="user[password]" /></dd>
        </dl>
        <p class="submit actions"><input type="submit" name="commit" value="Log In" /></p>
      </form>
    </div>
  </div>
  <h3 class="landmark heading">Site Navigation</h3>
  <ul class="primary navigation actions">
    <li class="dropdown"><a href="/menu/fandoms">Fandoms</a></li>
    <li class="dropdown"><a href="/menu/browse">Browse</a></li>
    <li class="dropdown"><a href="/menu/search">Search</a></li>
    <li class="dropdown"><a href="/menu/about">About</a></li>
    <li class="search"><form class="search" id="search" action="/works/search" accept-charset="UTF-8" method="get"><input class="text" id="site_search" type="text" name="work_search[query]" /><input type="submit" value="Search" class="button" /></form></li>
  </ul>
  <div class="clear"></div>
</header>
<!-- END header -->
      <div id="inner" class="wrapper">
        <!-- BEGIN main -->
        <div id="main" class="{a(main_class)} region" role="main">
          <div class="flash"></div>
{main}
          <div class="clear"><!--presentational--></div>
        </div>
        <!-- END main -->
      </div>
<div id="footer" role="contentinfo" class="region">
  <h3 class="landmark heading">Footer</h3>
  <ul class="navigation actions">
    <li class="module group">
      <h4 class="heading">About the Archive</h4>
      <ul class="menu">
        <li><a href="/site_map">Site Map</a></li>
        <li><a href="/tos">Terms of Service</a></li>
        <li><a href="/content">Content Policy</a></li>
        <li><a href="/privacy">Privacy Policy</a></li>
      </ul>
    </li>
    <li class="module group">
      <h4 class="heading">Contact Us</h4>
      <ul class="menu"><li><a href="/support">Technical Support &amp; Feedback</a></li></ul>
    </li>
  </ul>
</div>
<!-- END footer -->
  </div>
  <script src="/javascripts/application.js"></script>
  <script type="text/javascript">$j = jQuery.noConflict();</script>
  </body>
</html>
"""


def work_title(work: SampleWork, chapter: int | None = None) -> str:
    """The <title> AO3 gives a work page."""
    parts = [work.title]
    if chapter is not None:
        parts.append(f"Chapter {chapter}")
    parts += [", ".join(work.authors), ", ".join(work.fandoms)]
    return " - ".join(parts) + f" [{SITE}]"


# --- work pages --------------------------------------------------------------------

_META_TAGS = (
    ("rating", "Rating:", "rating"),
    ("warning", '<a href="/tos_faq#tags">Archive Warning</a>:', "warnings"),
    ("category", "Category:", "categories"),
    ("fandom", "Fandom:", "fandoms"),
    ("relationship", "Relationship:", "relationships"),
    ("character", "Characters:", "characters"),
    ("freeform", "Additional Tags:", "freeforms"),
)


def _tags_of(work: SampleWork, attr: str) -> tuple[str, ...]:
    value = getattr(work, attr)
    return (value,) if isinstance(value, str) else value


def _count(n: int) -> str:
    return f"{n:,}"


def meta_html(work: SampleWork) -> str:
    """dl.work.meta.group: the tags, language, series and stats of a work page."""
    rows = []
    for cls, label, attr in _META_TAGS:
        tags = _tags_of(work, attr)
        if not tags:
            continue
        links = "".join(f"<li>{tag_link(tag)}</li>" for tag in tags)
        rows.append(
            f'          <dt class="{cls} tags">\n\n              {label}\n          </dt>\n\n'
            f'          <dd class="{cls} tags">\n            <ul class="commas">\n'
            f"               {links}\n            </ul>\n          </dd>"
        )
    rows.append(
        f'      <dt class="language">\n        Language:\n      </dt>\n'
        f'      <dd class="language" lang="en">\n        {t(work.language)}\n      </dd>'
    )
    if work.series:
        spans = ", ".join(
            f'<span class="series"><span class="position">Part {part} of '
            f'<a href="/series/{sid}">{t(name)}</a></span></span>'
            for name, sid, part in work.series
        )
        rows.append(
            f'      <dt class="series">\n        Series:\n      </dt>\n'
            f'      <dd class="series">\n        {spans}\n      </dd>'
        )
    stats = [f'<dt class="published">Published:</dt><dd class="published">{work.published}</dd>']
    if work.chaptered:
        label = "Completed:" if work.complete else "Updated:"
        stats.append(f'<dt class="status">{label}</dt><dd class="status">{work.revised}</dd>')
    stats.append(f'<dt class="words">Words:</dt><dd class="words">{_count(work.words)}</dd>')
    stats.append(
        f'<dt class="chapters">Chapters:</dt><dd class="chapters">{work.chapters_label}</dd>'
    )
    if work.comments:
        stats.append(
            f'<dt class="comments">Comments:</dt><dd class="comments">{_count(work.comments)}</dd>'
        )
    if work.kudos:
        stats.append(f'<dt class="kudos">Kudos:</dt><dd class="kudos">{_count(work.kudos)}</dd>')
    if work.bookmarks:
        stats.append(
            f'<dt class="bookmarks">Bookmarks:</dt><dd class="bookmarks">'
            f'<a href="/works/{work.work_id}/bookmarks">{_count(work.bookmarks)}</a></dd>'
        )
    stats.append(f'<dt class="hits">Hits:</dt><dd class="hits">{_count(work.hits)}</dd>')
    rows.append(
        '    <dt class="stats">Stats:</dt>\n    <dd class="stats">\n<!-- end of cache -->\n\n'
        f'      <dl class="stats">{"".join(stats)}</dl>\n      </dd>'
    )
    body = "\n".join(rows)
    return f'<div class="wrapper">\n\n  <dl class="work meta group">\n{body}\n  </dl>\n</div>'


def navigation_html(work: SampleWork, chapter: int | None) -> str:
    """ul.work.navigation.actions: the links and forms above a work (noise to the cleaner)."""
    wid = work.work_id
    items = []
    if work.chaptered and chapter is None:
        items.append(
            f'<li class="chapter bychapter"><a href="/works/{wid}/chapters/{work.chapter_id(1)}">'
            "Chapter by Chapter</a></li>"
        )
    elif work.chaptered and chapter is not None:
        items.append(
            f'<li class="chapter entire"><a href="/works/{wid}?view_full_work=true">Entire Work</a></li>'
        )
        if chapter > 1:
            items.append(
                f'<li class="chapter previous"><a href="/works/{wid}/chapters/'
                f'{work.chapter_id(chapter - 1)}#workskin">&#8592; Previous Chapter</a></li>'
            )
        if chapter < len(work.chapters):
            items.append(
                f'<li class="chapter next"><a href="/works/{wid}/chapters/'
                f'{work.chapter_id(chapter + 1)}#workskin">Next Chapter &#8594;</a></li>'
            )
        selected = ' selected="selected"'
        options = "\n".join(
            f'<option{selected if n == chapter else ""} value="{work.chapter_id(n)}">'
            f"{n}. {t(c.title or 'Chapter ' + str(n))}</option>"
            for n, c in enumerate(work.chapters, 1)
        )
        items.append(
            '<li class="chapter"><noscript><a href="/works/'
            f'{wid}/navigate">Chapter Index</a></noscript><button class="hidden">Chapter Index</button>\n'
            '  <ul id="chapter_index" class="expandable secondary hidden"><li>'
            f'<form action="/works/{wid}/chapters/{work.chapter_id(chapter)}" accept-charset="UTF-8" method="get">'
            f'<p><select name="selected_id" id="selected_id">{options}</select>'
            '<span class="submit actions"><input type="submit" name="commit" value="Go" /></span></p>'
            f'</form></li><li><a href="/works/{wid}/navigate">Full-Page Index</a></li></ul>\n</li>'
        )
    items.append(
        '<li class="comments" id="show_comments_link_top">'
        f'<a data-remote="true" href="/comments/show_comments?work_id={wid}">Comments </a></li>'
    )
    if work.work_skin:
        items.append(
            f'<li class="style"><a href="/works/{wid}?style=disable">Hide Creator&#39;s Style</a></li>'
        )
    items.append(
        f'<li class="share hidden"><a class=" modal" title="Share Work" href="/works/{wid}/share">Share</a></li>'
    )
    slug = "_".join(work.title.split()[:5])
    downloads = "\n".join(
        f'<li><a href="/downloads/{wid}/{a(quote(slug))}.{ext.lower()}?updated_at=1700000000">{ext}</a></li>'
        for ext in ("AZW3", "EPUB", "MOBI", "PDF", "HTML")
    )
    items.append(
        '<li class="download"><noscript><h4 class="heading">Download</h4></noscript>'
        '<button class="hidden">Download</button>\n'
        f'  <ul class="expandable secondary">\n{downloads}\n  </ul>\n</li>'
    )
    joined = "\n  ".join(items)
    return (
        '<!-- BEGIN navigation -->\n<h3 class="landmark heading">Actions</h3>\n'
        f'<ul class="work navigation actions">\n  {joined}\n</ul>\n<!-- END navigation -->'
    )


def preface_html(work: SampleWork, *, show_notes: bool, endnotes_href: str) -> str:
    """div.preface.group: title, byline, and (on the first page) summary and notes."""
    parts = [
        f'  <h2 class="title heading">\n    {t(work.title)}\n  </h2>',
        f'  <h3 class="byline heading">\n    {", ".join(user_link(n) for n in work.authors)}\n  </h3>',
    ]
    if show_notes and work.summary:
        parts.append(
            '      <div class="summary module">\n        <h3 class="heading">Summary:</h3>\n'
            f'          <blockquote class="userstuff">\n            {paragraphs_html(work.summary)}\n'
            "          </blockquote>\n      </div>"
        )
    if show_notes and (work.notes or work.end_notes):
        inner = ""
        if work.notes:
            inner += f'\n    <blockquote class="userstuff">\n      {paragraphs_html(work.notes)}\n    </blockquote>'
        if work.end_notes:
            which = "more notes" if work.notes else "notes"
            inner += (
                '\n    <p class="jump">\n        (See the end of the work for '
                f'<a href="{a(endnotes_href)}">{which}</a>.)\n    </p>'
            )
        parts.append(
            f'      <div class="notes module">\n  <h3 class="heading">Notes:</h3>{inner}\n</div>'
        )
    return '<div class="preface group">\n' + "\n\n".join(parts) + "\n</div>"


def chapter_div(work: SampleWork, number: int) -> str:
    """div.chapter#chapter-N: preface (title, summary, notes), text, end notes."""
    chapter = work.chapters[number - 1]
    heading = (
        f'<a href="/works/{work.work_id}/chapters/{work.chapter_id(number)}">Chapter {number}</a>'
    )
    if chapter.title:
        heading += f": {t(chapter.title)}"
    pre = [f'    <h3 class="title">\n      {heading}\n    </h3>']
    pre.append("    <!-- only display byline if different from the main byline -->")
    if chapter.summary:
        pre.append(
            '        <div id="summary" class="summary module">\n          <h3 class="heading">Summary:</h3>\n'
            f'          <blockquote class="userstuff">\n            {paragraphs_html(chapter.summary)}\n'
            "          </blockquote>\n        </div>"
        )
    if chapter.notes or chapter.end_notes:
        anchor = f"#chapter_{number}_endnotes"
        if not chapter.notes:
            inner = f'\n        <p>\n        (See the end of the chapter for  <a href="{anchor}">notes</a>.)\n        </p>'
        else:
            inner = f'\n          <blockquote class="userstuff">{paragraphs_html(chapter.notes)}</blockquote>'
            if chapter.end_notes:
                inner += f'\n            <p>\n            (See the end of the chapter for  <a href="{anchor}">more notes</a>.)\n            </p>'
        pre.append(
            f'      <div id="notes" class="notes module">\n        <h3 class="heading">Notes:</h3>{inner}\n      </div>'
        )
    end = ""
    if chapter.end_notes:
        end = (
            '\n    <div class="chapter preface group">\n'
            f'      <div id="chapter_{number}_endnotes" class="end notes module">\n'
            '        <h3 class="heading">Notes:</h3>\n        <blockquote class="userstuff">\n'
            f"          {paragraphs_html(chapter.end_notes)}\n        </blockquote>\n      </div>\n    </div>\n"
        )
    preface = "\n\n".join(pre)
    return f"""<!-- This partial requires local variable 'chapter' -->
<div class="chapter" id="chapter-{number}">
  <!-- chapter management -->


  <div class="chapter preface group">
{preface}
  </div>

  <!--main content-->
  <div class="userstuff module" role="article">
    <h3 class="landmark heading" id="work">Chapter Text</h3>
    {chapter_text_html(chapter)}
  </div>
  <!--/main-->
{end}

</div>

<!-- end of cache -->
"""


def afterword_html(work: SampleWork) -> str:
    """div.afterword.preface.group: work end notes and series links."""
    parts = []
    if work.end_notes:
        parts.append(
            '<!--work endnotes-->\n<div id="work_endnotes" class="end notes module">\n'
            '  <h3 class="heading">Notes:</h3>\n'
            f'  <blockquote class="userstuff">{paragraphs_html(work.end_notes)}</blockquote>\n'
            "</div>\n<!--/work endnotes-->"
        )
    if work.series:
        items = "\n".join(
            f'      <li><span class="series"><span class="position">Part {part} of '
            f'<a href="/series/{sid}">{t(name)}</a></span></span></li>'
            for name, sid, part in work.series
        )
        parts.append(
            '<!--series links, backwards and forwards-->\n<div id="series" class="series module">\n'
            f'  <h3 class="heading">Series this work belongs to:</h3>\n  <ul>\n{items}\n  </ul>\n</div>'
        )
    if not parts:
        return ""
    body = "\n".join(parts)
    return f'          <!--afterword-->\n          <div class="afterword preface group">\n{body}\n          </div>\n          <!--/afterword-->'


def feedback_html(work: SampleWork, chapter: int | None) -> str:
    """The kudos and comments section after a work (noise to the cleaner)."""
    wid = work.work_id
    target = f"chapter_id={work.chapter_id(chapter)}" if chapter else f"work_id={wid}"
    guests = max(work.kudos - 3, 0)
    return f"""  <!-- BEGIN comment section -->
<div id="feedback" class="feedback">
  <h3 class="landmark heading">Actions</h3>
  <ul class="actions">
      <li><a href="#main">&#8593; Top</a></li>
      <li>
        <form id="new_kudo" action="/kudos" accept-charset="UTF-8" method="post"><input type="hidden" name="authenticity_token" value="{token("kudos", wid)}" autocomplete="off" />
          <input autocomplete="off" value="{wid}" type="hidden" name="kudo[commentable_id]" id="kudo_commentable_id" />
          <input autocomplete="off" value="Work" type="hidden" name="kudo[commentable_type]" id="kudo_commentable_type" />
          <input type="submit" name="commit" value="Kudos ♥" id="kudo_submit" />
</form>      </li>
        <li id="show_comments_link"><a data-remote="true" href="/comments/show_comments?{target}">Comments ({work.comments})</a></li>
  </ul>
  <div id="kudos_message"></div>
    <h3 class="landmark heading">Kudos</h3>
<div id="kudos">
      <p class="kudos">
          <a href="/users/quietreader">quietreader</a>, <a href="/users/lamplighter_22">lamplighter_22</a>, <a href="/users/teaandtoast">teaandtoast</a>
             as well as
          {guests} guests
         left kudos on this work!
      </p>
</div>
  <h3 class="landmark heading"><a id="comments">Comments</a></h3>
    <div id="add_comment_placeholder" title="top level comment">
      <div id="add_comment">
<div class="post comment" id="comment_form_for_{wid}">
  <form class="new_comment" id="comment_for_{wid}" action="/works/{wid}/comments" accept-charset="UTF-8" method="post"><input type="hidden" name="authenticity_token" value="{token("comment", wid)}" autocomplete="off" />
    <fieldset>
      <legend>Post Comment</legend>
        <dl>
          <dt><label for="comment_name_for_{wid}">Guest name</label></dt>
          <dd><input id="comment_name_for_{wid}" type="text" name="comment[name]" /></dd>
          <dt><label for="comment_email_for_{wid}">Guest email</label></dt>
          <dd><input id="comment_email_for_{wid}" type="text" name="comment[email]" /></dd>
        </dl>
      <p>
        <label for="comment_content_for_{wid}" class="landmark">Comment</label>
        <textarea id="comment_content_for_{wid}" class="comment_form observe_textlength" title="Enter Comment" name="comment[comment_content]"></textarea>
      </p>
      <p class="character_counter" tabindex="0"><span id="comment_content_for_{wid}_counter" class="value" data-maxlength="10000">10000</span> characters left</p>
      <p class="submit actions"><input type="submit" name="commit" value="Comment" id="comment_submit_for_{wid}" data-disable-with="Please wait..." /></p>
    </fieldset>
</form></div>
      </div>
    </div>
  <div id="comments_placeholder" style="display:none;">
  </div>
</div>
<!-- END comment section -->"""


def work_page(work: SampleWork, chapter: int | None = None, *, chapter_url: bool = False) -> str:
    """The work page: full view when `chapter` is None, else AO3's view of that one chapter.

    A work of one chapter of one has no chapter layout ("Work Text:" and one div.userstuff).
    `chapter_url`: served at /works/ID/chapters/CID (AO3's chapters#show) rather than /works/ID.
    """
    wid = work.work_id
    if not work.chaptered:
        chapter = None
    first = chapter in (None, 1)
    last = chapter is None or chapter == len(work.chapters)
    if chapter is None:
        endnotes_href = "#work_endnotes"
    else:
        endnotes_href = f"/works/{wid}/chapters/{work.chapter_id(len(work.chapters))}#work_endnotes"
    if not work.chaptered:
        chapters = (
            '        <div id="chapters" role="article">\n'
            '            <h3 class="landmark heading" id="work">Work Text:</h3>\n'
            f'            <div class="userstuff">{chapter_text_html(work.chapters[0])}</div>\n'
            "        </div>\n        <!--/chapter-->\n"
        )
    else:
        numbers = range(1, len(work.chapters) + 1) if chapter is None else [chapter]
        divs = "\n".join(chapter_div(work, n) for n in numbers)
        role = ' role="article"' if chapter is None else ""
        chapters = (
            f'        <div id="chapters"{role}>\n{divs}\n        </div>\n        <!--/chapter-->\n'
        )
    style = f'<style type="text/css">\n{work.work_skin}</style>\n' if work.work_skin else ""
    main = f"""<ul class="landmark skip">
  <li><a name="top">&nbsp;</a></li>
  <li><a href="#work">Skip header</a></li>
</ul>
<!-- BEGIN revealed -->
  <!-- BEGIN work -->
  <div class="work">
    <!--work description, metadata, notes and messages-->
{navigation_html(work, chapter)}

    <h3 class="landmark heading">Work Header</h3>

{meta_html(work)}

    <div id="work-skin" class="wrapper">
      {style}
      <!-- BEGIN section where work skin applies -->
      <div id="workskin">
        {preface_html(work, show_notes=first, endnotes_href=endnotes_href)}

      <!--/descriptions-->

        <!--chapter content-->
{chapters}
{afterword_html(work) if last else ""}
      </div>
      <!-- END work skin -->
    </div>
  </div>
  <!-- END work -->

{feedback_html(work, chapter)}
<!-- END revealed -->"""
    main_class = "chapters-show" if chapter_url else "works-show"
    return document(work_title(work, chapter), main_class, main, return_to=f"/works/{wid}")


# --- listings ------------------------------------------------------------------------


def _symbol(cls: str, title: str) -> str:
    return (
        '<li> <a class="help symbol question modal" title="Symbols key" aria-controls="#modal" '
        f'href="/help/symbols-key.html"><span class="{cls}" title="{a(title)}">'
        f'<span class="text">{t(title)}</span></span></a></li>'
    )


def required_tags_html(work: SampleWork) -> str:
    """ul.required-tags: the rating, warning, category and completion symbols of a blurb."""
    rating = RATING_CLASS.get(work.rating, "rating-notrated")
    warning_titles = [
        CHOSE_NOT_CANONICAL if w.startswith("Creator Chose") else w for w in work.warnings
    ]
    if warning_titles == ["No Archive Warnings Apply"]:
        warning = "warning-no"
    elif warning_titles == [CHOSE_NOT_CANONICAL]:
        warning = "warning-choosenotto"
    else:
        warning = "warning-yes"
    cats = sorted(work.categories)
    if not cats:
        category = "category-none"
    elif len(cats) > 1:
        category = "category-multi"
    else:
        category = CATEGORY_CLASS.get(cats[0], "category-other")
    done = (
        ("complete-yes", "Complete Work") if work.complete else ("complete-no", "Work in Progress")
    )
    rows = [
        _symbol(f"{rating} rating", work.rating),
        _symbol(f"{warning} warnings", ", ".join(warning_titles)),
        _symbol(f"{category} category", ", ".join(cats) or "No category"),
        _symbol(f"{done[0]} iswip", done[1]),
    ]
    return '<ul class="required-tags">\n' + "\n".join(rows) + "\n</ul>"


def blurb_html(work: SampleWork) -> str:
    """li.work.blurb.group: a work as a listing shows it."""
    user = int(hashlib.sha1(work.authors[0].encode()).hexdigest()[:6], 16)
    return (
        f'<li id="work_{work.work_id}" class="work blurb group work-{work.work_id} user-{user}" '
        f'role="article">\n{_blurb_body(work)}\n</li>'
    )


def bookmark_blurb_html(work: SampleWork, bookmarker: str, when: str) -> str:
    """li.bookmark.blurb.group: a bookmarked work, then who bookmarked it and when.

    The bookmark has a p.datetime of its own (the day it was made), after the
    work's: a listing reader must take the work's date from its header.
    """
    bid = work.work_id % 1_000_000 + 9_000_000
    return f"""<li id="bookmark_{bid}" class="bookmark blurb group" role="article">
<div class="work module">
{_blurb_body(work)}
</div>
<div class="user module group">
    <!--bookmarker, time-->
    <h5 class="byline heading">
      Bookmarked by
      <a href="/users/{a(quote(bookmarker))}/pseuds/{a(quote(bookmarker))}/bookmarks">{t(bookmarker)}</a>
    </h5>
    <p class="datetime">{blurb_date(when)}</p>
</div>
</li>"""


def _blurb_body(work: SampleWork) -> str:
    """What a work blurb holds: header, tags, summary, series, stats."""
    wid = work.work_id
    authors = ", ".join(user_link(n) for n in work.authors)
    fandoms = ", ".join(tag_link(f) for f in work.fandoms)
    tags = "".join(
        f"<li class='warnings'><strong>{tag_link(w)}</strong></li>" for w in work.warnings
    )
    for cls, attr in (
        ("relationships", "relationships"),
        ("characters", "characters"),
        ("freeforms", "freeforms"),
    ):
        tags += " ".join(f"<li class='{cls}'>{tag_link(x)}</li>" for x in getattr(work, attr))
    series = ""
    if work.series:
        items = "\n".join(
            f'        <li>\n          Part <strong>{part}</strong> of <a href="/series/{sid}">{t(name)}</a>\n        </li>'
            for name, sid, part in work.series
        )
        series = f'    <h6 class="landmark heading">Series</h6>\n    <ul class="series">\n{items}\n    </ul>\n'
    n = len(work.chapters)
    full = "?view_full_work=true" if work.chaptered else ""
    chapters = (
        f'<a href="/works/{wid}/chapters/{work.chapter_id(n)}">{n}</a>/{work.chapters_label.split("/")[1]}'
        if n > 1
        else work.chapters_label
    )
    stats = [
        '      <dt class="language">Language:</dt>',
        f'      <dd class="language">{t(work.language)}</dd>',
        '    <dt class="words">Words:</dt>',
        f'    <dd class="words">{_count(work.words)}</dd>',
        '    <dt class="chapters">Chapters:</dt>',
        f'    <dd class="chapters">{chapters}</dd>',
    ]
    if work.comments:
        also = "&amp;view_full_work=true" if full else ""
        href = f"/works/{wid}?show_comments=true{also}#comments"
        stats += [
            '    <dt class="comments">Comments:</dt>',
            f'    <dd class="comments"><a href="{href}">{work.comments}</a></dd>',
        ]
    if work.kudos:
        stats += [
            '    <dt class="kudos">Kudos:</dt>',
            f'    <dd class="kudos"><a href="/works/{wid}{full}#comments">{work.kudos}</a></dd>',
        ]
    if work.bookmarks:
        stats += [
            '    <dt class="bookmarks">Bookmarks:</dt>',
            f'    <dd class="bookmarks"><a href="/works/{wid}/bookmarks">{work.bookmarks}</a></dd>',
        ]
    stats += ['  <dt class="hits">Hits:</dt>', f'  <dd class="hits">{work.hits}</dd>']
    stats_html = "\n".join(stats)
    return f"""  <!--title, author, fandom-->
  <div class="header module">

    <h4 class="heading">
      <a href="/works/{wid}">{t(work.title)}</a>
      by

      <!-- do not cache -->
      {authors}
    </h4>

    <h5 class="fandoms heading">
      <span class="landmark">Fandoms:</span>
      {fandoms}
      &nbsp;
    </h5>

    <!--required tags-->
    {required_tags_html(work)}
    <p class="datetime">{blurb_date(work.revised)}</p>
  </div>

  <!--warnings again, cast, freeform tags-->
  <h6 class="landmark heading">Tags</h6>
  <ul class="tags commas">
    {tags}
  </ul>

  <!--summary-->
    <h6 class="landmark heading">Summary</h6>
    <blockquote class="userstuff summary">
      {paragraphs_html(work.summary)}
    </blockquote>

{series}
  <!--stats-->

  <dl class="stats">
{stats_html}
  </dl>
"""


def pagination_html(base: str, page: int, pages: int) -> str:
    """ol.pagination, as AO3 draws it above and below a listing at path `base`."""
    items = []
    if page > 1:
        prev = f"{base}?page={page - 1}"
        items.append(
            f'<li class="previous" title="previous"><a rel="prev" href="{a(prev)}">&#8592; Previous</a></li>'
        )
    else:
        items.append(
            '<li class="previous" title="previous"><span class="disabled">&#8592; Previous</span></li>'
        )
    for n in range(1, pages + 1):
        if n == page:
            items.append(f'<li><span class="current">{n}</span></li>')
        else:
            rel = ' rel="next"' if n == page + 1 else ' rel="prev"' if n == page - 1 else ""
            items.append(f'<li><a{rel} href="{a(f"{base}?page={n}")}">{n}</a></li>')
    if page < pages:
        nxt = f"{base}?page={page + 1}"
        items.append(
            f'<li class="next" title="next"><a rel="next" href="{a(nxt)}">Next &#8594;</a></li>'
        )
    else:
        items.append(
            '<li class="next" title="next"><span class="disabled">Next &#8594;</span></li>'
        )
    return (
        '<h4 class="landmark heading">Pages Navigation</h4><ol role="navigation" aria-label="Pagination" '
        f'class="pagination actions" title="pagination">{" ".join(items)}</ol>'
    )


def listing_page(tag: str, works: Sequence[SampleWork], page: int, per_page: int) -> str:
    """/tags/<tag>/works?page=N: one page of blurbs, newest revision first as given."""
    pages = max(1, -(-len(works) // per_page))
    shown = works[(page - 1) * per_page : page * per_page]
    first = (page - 1) * per_page + 1
    last = first + len(shown) - 1
    tag_href = f"/tags/{escape_tag(tag)}"
    pagination = pagination_html(f"{tag_href}/works", page, pages) if pages > 1 else ""
    blurbs = "\n".join(blurb_html(w) for w in shown)
    main = f"""<!--Descriptive page name and system messages, descriptions, and instructions.-->
<h2 class="heading">
   {first} - {last} of {len(works)} Works in <a class="tag" href="{a(tag_href)}">{t(tag)}</a>
</h2>
<!-- /end descriptions-->

<!--Subnavigation, sorting and actions.-->
  <div class="navigation actions module">
    <h3 class="landmark heading">Navigation and Actions</h3>
      <ul class="user navigation actions" role="navigation">
          <li><span class="current">Works</span></li>
          <li><a href="{a(tag_href)}/bookmarks">Bookmarks</a></li>
      </ul>
  </div>
<!---/subnav-->

  {pagination}

<!--main content-->
<h3 class="landmark heading">Listing Works</h3>
<ol class="work index group">
{blurbs}
</ol>

<!--/content-->

  {pagination}
"""
    title = f"{tag} - Works | {SITE}"
    return document(title, "works-index filtered", main, return_to=f"{tag_href}/works")


def _index_page(
    *,
    heading: str,
    title: str,
    base: str,
    items: Sequence[str],
    page: int,
    per_page: int,
    main_class: str,
    list_html: str = '<ol class="work index group">',
    before: str = "",
) -> str:
    """One page of a paginated AO3 index: heading, pagination, the items, pagination."""
    pages = max(1, -(-len(items) // per_page))
    shown = items[(page - 1) * per_page : page * per_page]
    pagination = pagination_html(base, page, pages) if pages > 1 else ""
    close = "</" + list_html[1:3] + ">"
    body = "\n".join(shown)
    main = f"""<!--Descriptive page name and system messages, descriptions, and instructions.-->
<h2 class="heading">
   {heading}
</h2>
<!-- /end descriptions-->
{before}
  {pagination}

<!--main content-->
{list_html}
{body}
{close}

<!--/content-->

  {pagination}
"""
    return document(title, main_class, main, return_to=base)


def _range(total: int, page: int, per_page: int) -> str:
    first = (page - 1) * per_page + 1
    return f"{first} - {min(total, page * per_page)} of {total}"


def user_works_page(user: str, works: Sequence[SampleWork], page: int, per_page: int) -> str:
    """/users/<user>/works: the works a user posted."""
    link = f'<a href="/users/{a(quote(user))}">{t(user)}</a>'
    return _index_page(
        heading=f"{_range(len(works), page, per_page)} Works by {link}",
        title=f"{user} - Works | {SITE}",
        base=f"/users/{quote(user)}/works",
        items=[blurb_html(w) for w in works],
        page=page,
        per_page=per_page,
        main_class="works-index dashboard",
    )


def user_bookmarks_page(
    user: str, bookmarks: Sequence[tuple[SampleWork, str]], page: int, per_page: int
) -> str:
    """/users/<user>/bookmarks: the works a user bookmarked, with the day of each bookmark."""
    link = f'<a href="/users/{a(quote(user))}">{t(user)}</a>'
    return _index_page(
        heading=f"{_range(len(bookmarks), page, per_page)} Bookmarks by {link}",
        title=f"{user} - Bookmarks | {SITE}",
        base=f"/users/{quote(user)}/bookmarks",
        items=[bookmark_blurb_html(w, user, when) for w, when in bookmarks],
        page=page,
        per_page=per_page,
        main_class="bookmarks-index dashboard",
        list_html='<ol class="bookmark index group">',
    )


def collection_works_page(
    name: str, title: str, works: Sequence[SampleWork], page: int, per_page: int
) -> str:
    """/collections/<name>/works: the works in a collection."""
    link = f'<a href="/collections/{a(quote(name))}">{t(title)}</a>'
    return _index_page(
        heading=f"{_range(len(works), page, per_page)} Works in {link}",
        title=f"{title} - Works | {SITE}",
        base=f"/collections/{quote(name)}/works",
        items=[blurb_html(w) for w in works],
        page=page,
        per_page=per_page,
        main_class="works-index collection",
    )


def series_page(
    name: str, series_id: int, works: Sequence[SampleWork], page: int, per_page: int
) -> str:
    """/series/<id>: the series' metadata, then its works in order."""
    creators = sorted({n for w in works for n in w.authors})
    begun = min(w.published for w in works)
    updated = max(w.revised for w in works)
    meta = f"""
<h3 class="landmark heading">Series Metadata</h3>
<div class="wrapper">
  <dl class="series meta group">
    <dt>Creator:</dt>
    <dd>{", ".join(user_link(c) for c in creators)}</dd>
    <dt>Series Begun:</dt>
    <dd>{begun}</dd>
    <dt>Series Updated:</dt>
    <dd>{updated}</dd>
    <dt class="stats">Stats:</dt>
    <dd class="stats">
      <dl class="stats">
        <dt>Words:</dt>
        <dd>{_count(sum(w.words for w in works))}</dd>
        <dt>Works:</dt>
        <dd>{len(works)}</dd>
        <dt>Complete:</dt>
        <dd>{"Yes" if all(w.complete for w in works) else "No"}</dd>
      </dl>
    </dd>
  </dl>
</div>
<h3 class="landmark heading">Listing Series</h3>"""
    return _index_page(
        heading=t(name),
        title=f"{name} | {SITE}",
        base=f"/series/{series_id}",
        items=[blurb_html(w) for w in works],
        page=page,
        per_page=per_page,
        main_class="series-show",
        list_html='<ul class="series work index group">',
        before=meta,
    )


# --- the other pages a crawler meets ---------------------------------------------------


def adult_page(work: SampleWork, path: str) -> str:
    """AO3's "This work could have adult content" notice, with the work's blurb."""
    sep = "&" if "?" in path else "?"
    main = f"""<h2 class="landmark heading">Adult Content Warning</h2>
<p class="caution">
This work could have adult content. If you continue, you have agreed that you are willing to see such content.
</p>
<ul class="actions" role="navigation">
<li>
<a href="{a(path + sep + "view_adult=true")}">Yes, Continue</a>
</li>
<li>
<a href="javascript:history.back()">No, Go Back</a>
</li>
</ul>
<p class="message footnote">
If you accept cookies from our site and you choose &quot;Yes, Continue&quot;, you will not be asked again during this session (that is, until you close your browser). If you log in you can store your preference and never be asked again.
</p>
<div class="clear"></div>
<ol class="work index group">
{blurb_html(work)}
</ol>
"""
    return document(work_title(work), "works-show", main, return_to=path)


def login_page(return_to: str) -> str:
    """The login page AO3 answers with for a work open to registered users only."""
    back = a(quote(return_to, safe=""))
    main = f"""          <div id="signin">
              <h3 class="heading">Sorry!</h3>
  <p>
    This work is only available to registered users of the Archive.
    If you already have an Archive of Our Own account, log in now.
      If you don't have an account, you can <a href="/invite_requests">request an invitation to join</a>.
  </p>

<div id="loginform">
  <form class="new_user" id="new_user" action="/users/login?return_to={back}" accept-charset="UTF-8" method="post"><input type="hidden" name="authenticity_token" value="{token("signin", return_to)}" autocomplete="off" />
  <dl>
    <dt><label for="user_login">Username or email:</label></dt>
    <dd><input type="text" name="user[login]" id="user_login" /></dd>
    <dt><label for="user_password">Password:</label></dt>
    <dd><input type="password" name="user[password]" id="user_password" /></dd>
    <dt class="landmark">Submit</dt>
    <dd class="submit actions">
      <input type="submit" name="commit" value="Log in" class="submit" />
    </dd>
  </dl>
</form>
</div>

<p>
  Forgot your password or username? <a href="/users/password/new">Reset your password</a>.
    <br />Don't have an account? <a href="/invite_requests">Request an invitation to join</a>.
</p>
          </div>"""
    return document(
        f"New Session | {SITE}", "sessions-new system session", main, return_to=return_to
    )


def not_found_page() -> str:
    """AO3's 404 page (errors/404)."""
    main = """<h2 class="heading">Error 404</h2>
  <h3 class="heading">The page you were looking for doesn't exist.</h3>
  <p>You may have mistyped the address or the page may have been deleted.</p>"""
    return document(f"Error 404 | {SITE}", "error error-404 system errors", main)


def error_page(status: int, reason: str) -> str:
    """A plain error page for the failures tests inject (429, 5xx…)."""
    main = f"""<h2 class="heading">Error {status}</h2>
  <h3 class="heading">{t(reason)}</h3>
  <p>Please try again later.</p>"""
    return document(f"Error {status} | {SITE}", f"error error-{status} system errors", main)


def home_page(tags: Sequence[str]) -> str:
    """The front page: a way in for a person browsing the sample archive."""
    links = "\n".join(f'    <li><a href="{a(tag_url(tag))}">{t(tag)}</a></li>' for tag in tags)
    main = f"""<h2 class="heading">The ficarchive sample archive</h2>
  <p>An AO3-shaped archive of short original works in public-domain fandoms, served on this machine only.</p>
  <ul class="tags">
{links}
  </ul>"""
    return document(SITE, "home", main)
