"""The small pieces every AO3 page is made of: escaping, tag URLs, links, dates, paragraphs.

Text nodes are escaped with `html.escape(s, quote=False)` (AO3 leaves quotes raw in
text), attributes with `html.escape(s)`.
"""

from __future__ import annotations

import hashlib
from datetime import date
from html import escape
from urllib.parse import quote, unquote

from search_cli.demo.sample_works import CENTRED_DIVIDERS, HR, SampleChapter

# AO3's Tag#to_param, then the URL escaping Rails applies to a path segment.
_TAG_PARAM = (("/", "*s*"), ("&", "*a*"), (".", "*d*"), ("?", "*q*"), ("#", "*h*"))
_TAG_SAFE = ":()'!*,;=+$@"
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


def count(n: int) -> str:
    """A number as AO3 prints a stat: 12,345."""
    return f"{n:,}"
