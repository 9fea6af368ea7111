"""A block's inline marks (crawler.models.Mark) turned back into nested formatting.

Marks are ranges over a block's plain text and may overlap. `usable_marks` drops what
an export must not trust (unknown kinds, offsets outside the text from old data, links
that are not http(s) or mailto); `tokens` cuts the text at every mark boundary and
opens and closes marks so the result nests, closing and reopening a mark where two
ranges cross. `marks_html` writes those tokens as XHTML; the Markdown writer reads the
same tokens.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape
from urllib.parse import urlsplit

from crawler.marks import LINK_SCHEMES, MARK_KINDS, merge_marks
from crawler.models import Mark
from search_cli.export.common import clean_text
from search_cli.export.sanitize import safe_href

HTML_TAGS = {
    "link": "a",
    "strong": "strong",
    "em": "em",
    "strike": "s",
    "underline": "u",
    "sup": "sup",
    "sub": "sub",
    "code": "code",
}
# Where two marks cover the same range, the earlier kind here is the outer one.
_ORDER = {kind: i for i, kind in enumerate(HTML_TAGS)}


def link_href(href: str) -> str | None:
    """The href a link may keep: an absolute http(s) or mailto address, else None."""
    href = clean_text(href).strip()
    if not href or href != "".join(href.split()):
        return None
    if safe_href(href) is None or href.startswith("#"):
        return None
    return href if urlsplit(href).scheme.lower() in LINK_SCHEMES else None


def usable_marks(text: str, marks: Iterable[object]) -> list[Mark]:
    """The marks an export can render: known kinds, inside the text, safe links.

    Marks of one kind (and href) that touch or overlap are joined as the cleaner
    joins them (`crawler.marks.merge_marks`); a link that overlaps an earlier link
    is dropped, because links cannot nest.
    """
    kept: list[Mark] = []
    for mark in marks:
        if not isinstance(mark, Mark) or mark.kind not in MARK_KINDS:
            continue
        start, end = mark.start, mark.end
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
            continue  # offsets from older or damaged data: ignore, never crash
        href = ""
        if mark.kind == "link":
            href = link_href(mark.href) if isinstance(mark.href, str) else None
            if href is None:
                continue
        kept.append(Mark(mark.kind, start, end, href))
    links_end = -1
    out: list[Mark] = []
    for mark in sorted(merge_marks(kept), key=_outer_first):
        if mark.kind == "link":
            if mark.start < links_end:
                continue
            links_end = mark.end
        out.append(mark)
    return out


def _outer_first(mark: Mark) -> tuple[bool, int, int, int]:
    # Code goes innermost: a Markdown code span cannot hold other formatting.
    return (mark.kind == "code", mark.start, -mark.end, _ORDER[mark.kind])


@dataclass(frozen=True)
class Token:
    """Text, or the opening or closing of one mark; `n` pairs an open with its close."""

    kind: str  # "text", "open" or "close"
    text: str = ""
    mark: Mark | None = None
    n: int = 0


def tokens(text: str, marks: Sequence[Mark], lo: int = 0, hi: int | None = None) -> list[Token]:
    """text[lo:hi] with usable marks as a well-nested token list.

    The text is cut wherever a mark starts or ends; each piece opens the marks that
    cover it, outer ones first. A mark that crosses another is closed and reopened,
    so every close matches the latest open.
    """
    hi = len(text) if hi is None else hi
    clipped = [
        Mark(m.kind, max(m.start, lo), min(m.end, hi), m.href)
        for m in usable_marks(text, marks)
        if m.start < hi and m.end > lo
    ]
    cuts = sorted({lo, hi, *(m.start for m in clipped), *(m.end for m in clipped)})
    starting: dict[int, list[Mark]] = {}
    for m in clipped:
        starting.setdefault(m.start, []).append(m)
    out: list[Token] = []
    stack: list[tuple[Mark, int]] = []
    active: set[Mark] = set()
    count = 0
    for a, b in zip(cuts, cuts[1:], strict=False):
        active = {m for m in active if m.end > a} | set(starting.get(a, ()))
        want = sorted(active, key=_outer_first)
        keep = 0
        while keep < min(len(stack), len(want)) and stack[keep][0] == want[keep]:
            keep += 1
        while len(stack) > keep:
            mark, n = stack.pop()
            out.append(Token("close", mark=mark, n=n))
        for mark in want[keep:]:
            count += 1
            stack.append((mark, count))
            out.append(Token("open", mark=mark, n=count))
        out.append(Token("text", text[a:b]))
    while stack:
        mark, n = stack.pop()
        out.append(Token("close", mark=mark, n=n))
    return out


def open_tag(mark: Mark) -> str:
    tag = HTML_TAGS[mark.kind]
    if mark.kind == "link":
        return f'<a href="{escape(mark.href, quote=True)}">'
    return f"<{tag}>"


def close_tag(mark: Mark) -> str:
    return f"</{HTML_TAGS[mark.kind]}>"


def marks_html(text: str, marks: Sequence[Mark] = (), *, breaks: bool = True) -> str:
    """text as escaped XHTML with its marks as nested elements; "\\n" as <br/> if breaks."""
    out: list[str] = []
    for tok in tokens(text, marks):
        if tok.kind == "text":
            body = escape(clean_text(tok.text), quote=False)
            out.append(body.replace("\n", "<br/>") if breaks else body)
        elif tok.kind == "open":
            out.append(open_tag(tok.mark))  # type: ignore[arg-type]
        else:
            out.append(close_tag(tok.mark))  # type: ignore[arg-type]
    return "".join(out)
