"""Inline marks: emphasis, strong, strike, underline, code, links over a block's plain text.

A block's `text` stays plain (what is indexed and shown in JSON); its marks say
which spans of that text were emphasised or linked, so an export can put the
formatting back. The cleaner writes a private-use sentinel character into its
text buffer where an inline element opens and another where it closes;
`collapse_with_marks` then collapses whitespace exactly as
`crawler.normalize.normalize_text` does and turns the sentinels into offsets.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from urllib.parse import urljoin, urlsplit

from bs4 import Tag

from crawler.models import Block, Mark

MARK_KINDS = ("em", "strong", "strike", "underline", "code", "sup", "sub", "link")
TAG_KINDS = {
    "em": "em", "i": "em", "cite": "em", "dfn": "em", "var": "em",
    "strong": "strong", "b": "strong",
    "s": "strike", "strike": "strike", "del": "strike",
    "u": "underline", "ins": "underline",
    "code": "code", "kbd": "code", "samp": "code", "tt": "code",
    "sup": "sup", "sub": "sub",
}  # fmt: skip
# eFiction and older FFN chapters style spans instead of using <em>/<strong>.
_STYLE_KINDS = (
    (re.compile(r"font-style\s*:\s*(?:italic|oblique)", re.I), "em"),
    (re.compile(r"font-weight\s*:\s*(?:bold|bolder|[6-9]00)", re.I), "strong"),
    (re.compile(r"text-decoration[\w-]*\s*:[^;]*underline", re.I), "underline"),
    (re.compile(r"text-decoration[\w-]*\s*:[^;]*line-through", re.I), "strike"),
)
LINK_SCHEMES = frozenset({"http", "https", "mailto"})

# Supplementary Private Use Area-A: two code points per mark, one written where
# it opens, one where it closes. Pages that already use this area get no marks
# rather than a confused buffer (see `has_sentinels`).
SENTINEL_BASE = 0xF0000
MAX_MARKS = (0xFFFD + 1) // 2
_SENTINELS = "\U000f0000-\U000ffffd"
_SENTINEL = re.compile(f"[{_SENTINELS}]")
# Whitespace with sentinels in it: closes move before it, opens after it.
_SPACE_RUN = re.compile(f"\\s*[{_SENTINELS}][\\s{_SENTINELS}]*")
_LEADING = re.compile(f"^[\\s{_SENTINELS}]+")
_TRAILING = re.compile(f"[\\s{_SENTINELS}]+$")
_SPACE = re.compile(r"\s+")


def marks_of(block: Block) -> tuple[Mark, ...]:
    """The inline marks the cleaner found in a block (none for plain-text stories)."""
    return block.marks


def set_marks(block: Block, marks: tuple[Mark, ...]) -> Block:
    block.marks = tuple(marks)
    return block


def has_sentinels(text: str) -> bool:
    return _SENTINEL.search(text) is not None


def strip_sentinels(text: str) -> str:
    return _SENTINEL.sub("", text)


def sentinel(mark_id: int, *, closing: bool = False) -> str:
    return chr(SENTINEL_BASE + 2 * mark_id + closing)


def _code(ch: str) -> int:
    return ord(ch) - SENTINEL_BASE


def _reorder(m: re.Match[str]) -> str:
    """A run of whitespace and sentinels: marks that close, the space, marks that open.

    A mark never starts or ends on whitespace this way; one that opens and
    closes inside the run holds only whitespace and is dropped.
    """
    run = m.group()
    codes = [_code(ch) for ch in _SENTINEL.findall(run)]
    empty = {c for c in codes if c & 1 and c - 1 in codes}
    closes = "".join(chr(SENTINEL_BASE + c) for c in codes if c & 1 and c not in empty)
    opens = "".join(chr(SENTINEL_BASE + c) for c in codes if not c & 1 and c + 1 not in empty)
    return closes + _SENTINEL.sub("", run) + opens


def _edge(m: re.Match[str]) -> str:
    return _SPACE.sub("", m.group())


def tag_mark(tag: Tag, base_url: str = "") -> tuple[str, str] | None:
    """(kind, href) when an inline element formats its text, else None."""
    name = tag.name
    if name == "a":
        href = str(tag.get("href") or "").strip()
        if not href or href.startswith("#"):
            return None  # in-page anchors (footnotes) point nowhere outside the page
        href = urljoin(base_url, href) if base_url else href
        return ("link", href) if urlsplit(href).scheme.lower() in LINK_SCHEMES else None
    kind = TAG_KINDS.get(name)
    if kind is not None:
        return kind, ""
    if name == "span" and (style := tag.get("style")):
        for pattern, styled in _STYLE_KINDS:
            if pattern.search(str(style)):
                return styled, ""
    return None


def collapse_with_marks(
    raw: str,
    active: list[int],
    specs: list[tuple[str, str]],
    collapse: Callable[[str], str],
) -> tuple[str, tuple[Mark, ...], list[int]]:
    """Collapse whitespace with `collapse` and turn sentinels into marks.

    `active` lists the marks open where `raw` begins; the marks still open
    where it ends are returned for the next piece of text. Marks never start or
    end on whitespace, and empty ones are dropped.
    """
    s = collapse(_SPACE_RUN.sub(_reorder, raw))
    # collapse() strips the ends, but not past a sentinel standing there
    s = _TRAILING.sub(_edge, _LEADING.sub(_edge, s))
    starts: dict[int, int] = dict.fromkeys(active, 0)
    spans: list[tuple[int, int, int]] = []
    for removed, m in enumerate(_SENTINEL.finditer(s)):
        mark_id, closing = divmod(_code(m.group()), 2)
        pos = m.start() - removed
        if not closing:
            starts[mark_id] = pos
        elif (start := starts.pop(mark_id, None)) is not None and start < pos:
            spans.append((mark_id, start, pos))
    text = _SENTINEL.sub("", s)
    spans += [(i, start, len(text)) for i, start in starts.items() if start < len(text)]
    marks = merge_marks(
        Mark(specs[i][0], start, end, specs[i][1]) for i, start, end in spans if i < len(specs)
    )
    return text, marks, list(starts)


def merge_marks(marks: Iterable[Mark]) -> tuple[Mark, ...]:
    """Sorted, with touching or overlapping marks of one kind (and href) joined."""
    out: list[Mark] = []
    for mark in sorted(marks, key=lambda m: (m.kind, m.href, m.start, m.end)):
        last = out[-1] if out else None
        if last and (last.kind, last.href) == (mark.kind, mark.href) and mark.start <= last.end:
            out[-1] = Mark(last.kind, last.start, max(last.end, mark.end), last.href)
        else:
            out.append(mark)
    return tuple(sorted(out, key=lambda m: (m.start, -m.end, m.kind)))
