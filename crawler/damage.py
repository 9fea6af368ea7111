"""The last check before a work is stored: is what was read fit to be its text?

A page can arrive damaged and still parse: in another charset than it declares,
cut short, or a stand-in page with no story in it. Adapters refuse the shapes
of their own site they know (AO3's missing </html>, a login page); this check
holds for every site and for imports alike, so a stored copy is never replaced
by a damaged one and a damaged page is never stored as a new work's text.
"""

from __future__ import annotations

import codecs
import html
import re

from crawler.models import FetchedPage, Work

REPLACEMENT = "\ufffd"
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def work_text(work: Work) -> str:
    """Every piece of text the archive would keep for a work."""
    parts = [work.meta.title, work.summary, *(n.text for n in work.notes)]
    for ch in work.chapters:
        parts += [ch.title, *(b.text for b in ch.blocks), *(n.text for n in ch.notes)]
    return "\n".join(p for p in parts if p)


def has_story(work: Work) -> bool:
    """At least one block of text or an image: scene breaks alone are not a story."""
    return any(b.type != "scene_break" for ch in work.chapters for b in ch.blocks)


def declared_charsets(page: FetchedPage) -> list[str]:
    """The charsets a page could honestly be in: BOM, HTTP header, <meta>, then UTF-8."""
    found = [name for bom, name in _BOMS if page.body.startswith(bom)]
    ctype = page.headers.get("content-type", "")
    if "charset=" in ctype.lower():
        found.append(ctype.lower().split("charset=", 1)[1].split(";")[0].strip().strip("\"'"))
    found += [m.decode("ascii", "replace") for m in _META_CHARSET.findall(page.body[:4096])]
    found.append("utf-8")
    return list(dict.fromkeys(found))


def page_replacements(page: FetchedPage) -> int | None:
    """U+FFFD the page really holds (as characters or character references);
    None when the page decodes in none of the charsets it declares."""
    for charset in declared_charsets(page):
        try:
            text = page.body.decode(charset)
        except (LookupError, UnicodeDecodeError):
            continue
        # An HTML parser turns NUL, &#0;, lone surrogates and out-of-range references
        # into U+FFFD (html.unescape does the same for the references): the page's own.
        return html.unescape(text).count(REPLACEMENT) + text.count("\x00")
    return None


def damage(work: Work, pages: list[FetchedPage]) -> str | None:
    """Why this work must not be stored, or None when it is fit to keep."""
    if not has_story(work):
        return "no story text in it"
    made = work_text(work).count(REPLACEMENT)
    if not made:
        return None
    counts = [page_replacements(p) for p in pages]
    real = sum(c for c in counts if c is not None)
    if made > real:
        charsets = ", ".join(dict.fromkeys(c for p in pages for c in declared_charsets(p)))
        return f"its text does not decode as {charsets}: {made - real} character(s) would be lost"
    return None
