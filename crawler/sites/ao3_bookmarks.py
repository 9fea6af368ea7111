"""What a bookmarker added to a work on an AO3 bookmarks listing.

A bookmark blurb (li.bookmark.blurb) shows the work, then the bookmarker's own
module (div.user.module): who bookmarked it and when, their tags
(ul.meta.tags), their notes (blockquote.userstuff.notes), and one symbol in
p.status saying whether the bookmark is a recommendation ("rec"), private or
public. That is the reader's own layer when the listing is their bookmarks, so it
is kept beside the work; the work's own blurb parts are read by ao3.py as before.
"""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import urlsplit

from crawler.sites.base import BookmarkNote, text_of
from crawler.sites.css import select, select_one

# A user's own bookmarks (every blurb on it is theirs), not a tag's or a work's bookmarks.
USER_BOOKMARKS = re.compile(r"^/users/[^/]+(?:/pseuds/[^/]+)?/bookmarks/?$")
# Paragraph-like elements of a note: each becomes one paragraph of the kept text.
_PARAGRAPHS = "p, li, h1, h2, h3, h4, h5, h6, blockquote > div"


def bookmark_of(blurb, url: str) -> BookmarkNote | None:
    """The bookmarker's part of a blurb on a user's bookmarks listing at `url`; None
    for any other listing or a blurb that is no bookmark."""
    if not USER_BOOKMARKS.match(urlsplit(url).path) or "bookmark" not in (blurb.get("class") or []):
        return None
    module = select_one(blurb, "div.user.module")
    if module is None:
        return None
    byline = select_one(module, "h5.byline a") or select_one(module, "h5.byline")
    tags = tuple(
        dict.fromkeys(t for t in (text_of(a) for a in select(module, "ul.meta.tags a.tag")) if t)
    )
    symbol = select_one(blurb, "p.status span.rec, p.status span.private")
    kind = symbol.get("class", [None])[0] if symbol is not None else None
    day = select_one(module, "p.datetime")
    return BookmarkNote(
        by=text_of(byline) if byline is not None else "",
        notes=_note_text(select_one(module, "blockquote.userstuff.notes")),
        tags=tags,
        rec=kind == "rec",
        private=kind == "private",
        bookmarked=_day(text_of(day)) if day is not None else None,
    )


def _note_text(quote) -> str:
    """The notes as plain text, one paragraph per line pair (never HTML: it is shown as text)."""
    if quote is None:
        return ""
    paragraphs = [text_of(p) for p in select(quote, _PARAGRAPHS) if not select(p, _PARAGRAPHS)]
    if not paragraphs:
        paragraphs = [text_of(quote)]
    return "\n\n".join(p for p in paragraphs if p)


def _day(text: str) -> str | None:
    try:
        return datetime.strptime(re.sub(r"\s+", " ", text).strip(), "%d %b %Y").date().isoformat()
    except ValueError:
        return None
