"""The top of a work page: the tag and stats block (dl.work.meta) and the actions above it."""

from __future__ import annotations

from urllib.parse import quote

from search_cli.demo.ao3.text import a, count, t, tag_link
from search_cli.demo.sample_works import SampleWork

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
    stats.append(f'<dt class="words">Words:</dt><dd class="words">{count(work.words)}</dd>')
    stats.append(
        f'<dt class="chapters">Chapters:</dt><dd class="chapters">{work.chapters_label}</dd>'
    )
    if work.comments:
        stats.append(
            f'<dt class="comments">Comments:</dt><dd class="comments">{count(work.comments)}</dd>'
        )
    if work.kudos:
        stats.append(f'<dt class="kudos">Kudos:</dt><dd class="kudos">{count(work.kudos)}</dd>')
    if work.bookmarks:
        stats.append(
            f'<dt class="bookmarks">Bookmarks:</dt><dd class="bookmarks">'
            f'<a href="/works/{work.work_id}/bookmarks">{count(work.bookmarks)}</a></dd>'
        )
    stats.append(f'<dt class="hits">Hits:</dt><dd class="hits">{count(work.hits)}</dd>')
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
