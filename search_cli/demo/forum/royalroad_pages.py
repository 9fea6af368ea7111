"""The Royal Road-shaped site's pages (modelled on the saved pages in
../shared/fixtures/royalroad, filled with our own text): a fiction page with its
chapter table, and chapter pages with author notes and the hidden anti-piracy line.
"""

from __future__ import annotations

import hashlib
import html
import json
from datetime import UTC, datetime

from search_cli.demo.forum.stories import DIVIDER, Fiction, RoyalChapter

SITE = "Sample Road"


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def fiction_path(fiction: Fiction) -> str:
    return f"/fiction/{fiction.fiction_id}/{fiction.slug}"


def chapter_path(fiction: Fiction, chapter: RoyalChapter) -> str:
    return f"{fiction_path(fiction)}/chapter/{chapter.chapter_id}/{chapter.slug}"


def _time(day: str) -> str:
    when = datetime.fromisoformat(day).replace(hour=9, tzinfo=UTC)
    return (
        f'<time unixtime="{int(when.timestamp())}" title="{when:%A, %B} {when.day}, {when.year} '
        f'9:00 AM" datetime="{day}T09:00:00.0000000+00:00" format="agoshort">{day}</time>'
    )


def document(title: str, body: str, style: str = "") -> str:
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8" />
<title>{esc(title)} | {SITE}</title>
<meta property="og:site_name" content="{SITE}">
{style}
</head>
<body>
<div class="page-header"><a href="/">{SITE}</a> <a href="/fictions/best-rated">Best Rated</a>
<a href="/account/login">Log in</a></div>
<div class="page-container"><div class="container">
{body}
</div></div>
<div class="footer"><a href="/support">Support</a> <a href="/privacy">Privacy</a></div>
</body>
</html>
"""


def fiction_page(fiction: Fiction) -> str:
    """`/fiction/<id>/<slug>`: title, author, status and tags, description, chapter table."""
    tags = "\n".join(
        f'<a class="label label-default label-sm bg-blue-dark fiction-tag" '
        f'href="/fictions/search?tagsAdd={esc(t.lower())}">{esc(t)}</a>'
        for t in fiction.tags
    )
    rows = "\n".join(
        f"""<tr style="cursor: pointer" data-url="{chapter_path(fiction, c)}" class="chapter-row">
<td><a href="{chapter_path(fiction, c)}">{esc(c.title)}</a></td>
<td data-content="{i}" class="text-right"><a href="{chapter_path(fiction, c)}">{_time(c.day)}</a></td>
</tr>"""
        for i, c in enumerate(fiction.chapters)
    )
    listed = [
        {"id": c.chapter_id, "title": c.title, "date": f"{c.day}T09:00:00Z", "order": i,
         "visible": 1, "url": chapter_path(fiction, c)}
        for i, c in enumerate(fiction.chapters)
    ]  # fmt: skip
    words = sum(len(p.split()) for c in fiction.chapters for p in c.paragraphs if p != DIVIDER)
    first = fiction.chapters[0] if fiction.chapters else None
    start = (
        f'<a href="{chapter_path(fiction, first)}" class="btn">Start Reading</a>' if first else ""
    )
    body = f"""<div class="row fic-header"><div class="fic-title"><div class="col">
<h1 class="font-white">{esc(fiction.title)}</h1>
<h4 class="font-white"><span class="small font-white">by </span>
<span><a href="/profile/{fiction.author_id}" class="font-white">{esc(fiction.author)}</a></span></h4>
</div></div><div class="fic-buttons">{start}</div></div>
<div class="fiction-info"><div class="portlet light row">
<div class="margin-bottom-10">
<span class="label label-default label-sm bg-blue-hoki">Original</span>
<span class="label label-default label-sm bg-blue-hoki">{esc(fiction.status)}</span>
<span class="tags">{tags}</span></div>
<div class="description"><div class="hidden-content"><p>{esc(fiction.description)}</p></div></div>
</div>
<div class="portlet light"><div class="portlet-body fiction-stats"><div class="stats-content">
<ul class="list-unstyled">
<li class="bold uppercase">Total Views :</li><li class="bold uppercase font-red-sunglo">1,204</li>
<li class="bold uppercase">Followers :</li><li class="bold uppercase font-red-sunglo">38</li>
<li class="bold uppercase">Favorites :</li><li class="bold uppercase font-red-sunglo">12</li>
<li class="bold uppercase">Pages <i data-content="An estimate calculated from {words:,} words."></i> :</li>
<li class="bold uppercase font-red-sunglo">1</li>
</ul></div></div></div>
<div class="portlet-body"><table class="table no-border" id="chapters" data-chapters="{len(fiction.chapters)}">
<thead><tr><th>Chapter Name</th><th class="text-right">Release Date</th></tr></thead>
<tbody>
{rows}
</tbody></table></div>
</div>
<script>window.chapters = {json.dumps(listed)};</script>"""
    return document(fiction.title, body)


def hidden_class(fiction: Fiction, chapter: RoyalChapter) -> str:
    """A class name as obfuscated as Royal Road's, different on every chapter."""
    digest = hashlib.sha1(f"{fiction.fiction_id}:{chapter.chapter_id}".encode()).hexdigest()
    return "c" + digest[:24]


def _note(author: str, text: str) -> str:
    if not text:
        return ""
    return f"""<div class="portlet solid author-note-portlet"><div class="portlet-title"><div class="caption">
<span class="caption-subject bold uppercase">A note from {esc(author)}</span></div></div>
<div class="portlet-body author-note"><p>{esc(text)}</p></div></div>"""


def chapter_page(fiction: Fiction, chapter: RoyalChapter) -> str:
    """A chapter: header, navigation, notes around the text, one line the page's style hides."""
    hidden = hidden_class(fiction, chapter)
    paragraphs = [f"<p>{esc(p)}</p>" for p in chapter.paragraphs]
    # Royal Road puts its line somewhere in the middle of the text.
    paragraphs.insert(
        len(paragraphs) // 2 + 1, f'<p class="{hidden}">{esc(fiction.hidden_line)}</p>'
    )
    index = fiction.chapters.index(chapter)
    later = (
        f'<a class="btn btn-primary" href="{chapter_path(fiction, fiction.chapters[index + 1])}">Next Chapter</a>'
        if index + 1 < len(fiction.chapters)
        else '<button class="btn btn-primary" disabled="disabled">Next Chapter</button>'
    )
    body = f"""<div class="row fic-header margin-bottom-40"><div class="col-md-5">
<a href="{fiction_path(fiction)}"><h2 class="font-white inline-block">{esc(fiction.title)}</h2></a>
<span class="font-white"> by </span>
<h3 class="font-white inline-block"><a href="/profile/{fiction.author_id}" class="font-white">{esc(fiction.author)}</a></h3>
<h1 class="font-white break-word">{esc(chapter.title)}</h1></div>
<div class="fic-buttons"><a class="btn" href="{fiction_path(fiction)}">Fiction Page</a></div></div>
<div class="portlet light chapter"><div class="portlet-body">
<div class="row nav-buttons">{later}</div>
{_note(fiction.author, chapter.note_before)}
<div class="chapter-inner chapter-content">
{chr(10).join(paragraphs)}
</div>
{_note(fiction.author, chapter.note_after)}
<div class="nav-buttons">{later}</div>
</div></div>
<div class="portlet-body comments comment-container">No comments yet.</div>"""
    style = f"<style>\n.{hidden}{{\n    display: none;\n    speak: never;\n}}\n</style>"
    return document(f"{chapter.title} - {fiction.title}", body, style)


def not_found_page() -> str:
    return document("Not Found", '<div class="page-404"><h3>Page Not Found</h3></div>')
