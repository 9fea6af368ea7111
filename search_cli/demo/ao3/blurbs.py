"""Work blurbs: a work as a listing shows it (li.work.blurb), and as a bookmark."""

from __future__ import annotations

import hashlib
from urllib.parse import quote

from search_cli.demo.ao3.text import (
    CHOSE_NOT_CANONICAL,
    a,
    blurb_date,
    count,
    escape_tag,
    paragraphs_html,
    t,
    tag_link,
    user_link,
)
from search_cli.demo.sample_works import BOOKMARK_NOTES, SampleWork

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
    notes, tags, rec = BOOKMARK_NOTES.get((bookmarker, work.work_id), ("", (), False))
    return f"""<li id="bookmark_{bid}" class="bookmark blurb group" role="article">
{_bookmark_symbol(rec, work.bookmarks)}
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
{_bookmarker_adds(notes, tags)}
</div>
</li>"""


def _bookmark_symbol(rec: bool, count_: int) -> str:
    """p.status: the bookmark's one symbol (a rec, else public) and the work's bookmark count."""
    kind, title = ("rec", "Rec") if rec else ("public", "Public Bookmark")
    return (
        f'<p class="status" title="{count_} Bookmarks"><a class="help symbol question modal"'
        f' title="Bookmark Symbols Key" href="/help/bookmark-symbols-key.html">'
        f'<span class="{kind}" title="{title}"><span class="text">{title}</span></span></a>'
        f' <span class="count">{count_}</span></p>'
    )


def _bookmarker_adds(notes: str, tags: tuple[str, ...]) -> str:
    """The bookmarker's tags (ul.meta.tags) and notes (blockquote.userstuff.notes), as AO3 shows them."""
    parts = []
    if tags:
        items = "".join(
            f'<li><a class="tag" href="/tags/{a(escape_tag(x))}/bookmarks">{t(x)}</a></li>'
            for x in tags
        )
        parts.append(
            f'<h6 class="meta heading">Bookmarker\'s Tags:</h6>\n<ul class="meta tags commas">{items}</ul>'
        )
    if notes:
        parts.append(
            '<h6 class="landmark heading">Bookmarker\'s Notes</h6>\n'
            f'<blockquote class="userstuff notes">{paragraphs_html(notes)}</blockquote>'
        )
    return "\n".join(parts)


def _blurb_body(work: SampleWork) -> str:
    """What a work blurb holds: header, tags, summary, series, stats."""
    return f"""{_blurb_header(work)}
  <!--warnings again, cast, freeform tags-->
  <h6 class="landmark heading">Tags</h6>
  <ul class="tags commas">
    {_blurb_tags(work)}
  </ul>

  <!--summary-->
    <h6 class="landmark heading">Summary</h6>
    <blockquote class="userstuff summary">
      {paragraphs_html(work.summary)}
    </blockquote>

{_blurb_series(work)}
  <!--stats-->

  <dl class="stats">
{_blurb_stats(work)}
  </dl>
"""


def _blurb_header(work: SampleWork) -> str:
    """div.header.module: title, authors, fandoms, the required-tag symbols, the date."""
    authors = ", ".join(user_link(n) for n in work.authors)
    fandoms = ", ".join(tag_link(f) for f in work.fandoms)
    return f"""  <!--title, author, fandom-->
  <div class="header module">

    <h4 class="heading">
      <a href="/works/{work.work_id}">{t(work.title)}</a>
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
"""


def _blurb_tags(work: SampleWork) -> str:
    """The warnings again, then relationships, characters and freeform tags."""
    tags = "".join(
        f"<li class='warnings'><strong>{tag_link(w)}</strong></li>" for w in work.warnings
    )
    for cls, attr in (
        ("relationships", "relationships"),
        ("characters", "characters"),
        ("freeforms", "freeforms"),
    ):
        tags += " ".join(f"<li class='{cls}'>{tag_link(x)}</li>" for x in getattr(work, attr))
    return tags


def _blurb_series(work: SampleWork) -> str:
    """ul.series: the part each series has this work as ("" outside any series)."""
    if not work.series:
        return ""
    items = "\n".join(
        f'        <li>\n          Part <strong>{part}</strong> of <a href="/series/{sid}">{t(name)}</a>\n        </li>'
        for name, sid, part in work.series
    )
    return f'    <h6 class="landmark heading">Series</h6>\n    <ul class="series">\n{items}\n    </ul>\n'


def _blurb_stats(work: SampleWork) -> str:
    """The rows of dl.stats: language, words, chapters, then the counts that are not zero."""
    wid = work.work_id
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
        f'    <dd class="words">{count(work.words)}</dd>',
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
    return "\n".join(stats)
