"""One line of a block as Markdown: text escaped, marks as Markdown where that is sure.

CommonMark decides whether a `*` or `~~` opens or closes by the characters beside it
(the "flanking" rules): `*"Really?"*said` is no emphasis, and `**a***b*` is a puzzle.
So every delimiter is checked against the characters that actually stand beside it in
the output; a mark whose delimiters might misread is written as inline HTML
(`<em>…</em>`, which CommonMark passes through) and the line is checked again, until
every delimiter left is one a reader cannot misread. Underline, sup and sub have no
Markdown syntax and are always HTML.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from crawler.models import Mark
from search_cli.export.common import clean_text
from search_cli.export.inline import Token, close_tag, open_tag, tokens

# Characters with meaning anywhere on a line (emphasis, code, links, raw HTML, entities).
_INLINE = re.compile(r"([\\`*_\[\]<>~|&])")
# Line starts that open a block: headings, quotes, lists, rules, setext underlines.
_LINE_START = re.compile(r"^([#>+=-]|\d+[.)])")
# The ways a mark can be written in Markdown, tried in order; after the last, HTML.
OPTIONS = {
    "em": ("*", "_"),
    "strong": ("**", "__"),
    "strike": ("~~",),
    "link": ("[",),
    "code": ("`",),
}


@dataclass
class _Piece:
    text: str
    n: int = 0  # the mark it writes, 0 for text
    role: str = "text"  # text, open, close, html, link, code_open, code_close


def md_inline(text: str, marks: Sequence[Mark], lo: int, hi: int) -> str:
    """text[lo:hi] (one line, no "\\n") as escaped Markdown with its marks."""
    items = _items(text, marks, lo, hi)
    choice = {i.n: 0 for i in items if i.kind == "open"}  # index into OPTIONS[kind]
    while True:
        pieces = _render(items, choice)
        unsure = _unsure(pieces)
        if not unsure:
            return "".join(p.text for p in pieces)
        for n in unsure:
            choice[n] += 1  # monotone: every round moves a mark toward HTML, so it ends


def _items(text: str, marks: Sequence[Mark], lo: int, hi: int) -> list[Token]:
    """Tokens with clean text, whitespace moved out of marks, ends stripped, empties gone."""
    items = [
        Token(t.kind, clean_text(t.text), t.mark, t.n) for t in tokens(text, marks or (), lo, hi)
    ]
    # A delimiter beside a space does not open or close: move spaces outside the marks.
    # Each pass is linear; a mark emptied by one is dropped before the next.
    before: list[Token] = []
    while items != before:
        before = items
        items = _tidy(_flip(_spaces_out(_tidy(_flip(_spaces_out(_tidy(items)))))))
    if items and items[0].kind == "text":
        items[0] = Token("text", items[0].text.lstrip())
    if items and items[-1].kind == "text":
        items[-1] = Token("text", items[-1].text.rstrip())
    return _tidy(items)


def _spaces_out(items: list[Token]) -> list[Token]:
    """Move the spaces a text starts with to before the marks that open just before it."""
    out: list[Token] = []
    for item in items:
        opens = 0
        while opens < len(out) and out[len(out) - 1 - opens].kind == "open":
            opens += 1
        if item.kind == "text" and opens and item.text[:1].isspace():
            rest = item.text.lstrip()
            out.insert(len(out) - opens, Token("text", item.text[: len(item.text) - len(rest)]))
            item = Token("text", rest)
        out.append(item)
    return out


def _flip(items: list[Token]) -> list[Token]:
    """The items right to left, opens and closes swapped, text reversed."""
    swap = {"open": "close", "close": "open", "text": "text"}
    return [Token(swap[i.kind], i.text[::-1], i.mark, i.n) for i in reversed(items)]


def _tidy(items: list[Token]) -> list[Token]:
    """Join neighbouring text, drop empty text and marks left with nothing inside."""
    out: list[Token] = []
    for item in items:
        if item.kind == "text":
            if not item.text:
                continue
            if out and out[-1].kind == "text":
                out[-1] = Token("text", out[-1].text + item.text)
                continue
        elif item.kind == "close" and out and out[-1].kind == "open" and out[-1].n == item.n:
            out.pop()
            if len(out) >= 2 and out[-1].kind == "text" and out[-2].kind == "text":
                last = out.pop()
                out[-1] = Token("text", out[-1].text + last.text)
            continue
        out.append(item)
    return out


def _render(items: list[Token], choice: dict[int, int]) -> list[_Piece]:
    out: list[_Piece] = []
    code: dict[int, str] = {}  # code spans written in Markdown: number -> their close
    for i, item in enumerate(items):
        if item.kind == "text":
            if code:  # inside a code span everything is literal
                out.append(_Piece(item.text))
            else:
                first, last = i == 0, i == len(items) - 1
                out.append(_Piece(escape_run(item.text, line_start=first, line_end=last)))
            continue
        mark, n, opening = item.mark, item.n, item.kind == "open"
        assert mark is not None
        options = OPTIONS.get(mark.kind, ())
        if choice[n] >= len(options):
            out.append(_Piece(open_tag(mark) if opening else close_tag(mark), n, "html"))
        elif mark.kind == "link":
            out.append(_Piece("[" if opening else f"]({_destination(mark.href)})", n, "link"))
        elif mark.kind == "code" and opening:
            body = _content(items, i)
            fence = "`" * (_longest_backtick_run(body) + 1)
            # CommonMark strips one space from each end, so a backtick can stand there.
            pad = " " if body.startswith("`") or body.endswith("`") else ""
            code[n] = pad + fence
            out.append(_Piece(fence + pad, n, "code_open"))
        elif mark.kind == "code":
            out.append(_Piece(code.pop(n), n, "code_close"))
        else:
            out.append(_Piece(options[choice[n]], n, "open" if opening else "close"))
    return out


def _content(items: list[Token], i: int) -> str:
    n, parts = items[i].n, []
    for item in items[i + 1 :]:
        if item.kind == "close" and item.n == n:
            break
        parts.append(item.text)
    return "".join(parts)


def _longest_backtick_run(text: str) -> int:
    best = run = 0
    for ch in text:
        run = run + 1 if ch == "`" else 0
        best = max(best, run)
    return best


def _destination(href: str) -> str:
    # Backslash escapes work in a link destination; "&" would start an entity there.
    return "".join("\\" + ch if ch in "\\()<>&" else ch for ch in href)


def escape_run(text: str, *, line_start: bool, line_end: bool) -> str:
    """Escape a run of plain text; block starts only where it begins a line."""
    text = _INLINE.sub(r"\\\1", text)
    if line_start:
        text = _LINE_START.sub(lambda m: m.group(0)[:-1] + "\\" + m.group(0)[-1], text)
    body = text[:-1]
    if line_end and text.endswith("#") and (len(body) - len(body.rstrip("\\"))) % 2 == 0:
        text = body + "\\#"  # else "### Part #" loses its "#" as a closing sequence
    return text


def _unsure(pieces: list[_Piece]) -> set[int]:
    """Marks with a delimiter CommonMark might read otherwise than meant."""
    out = "".join(p.text for p in pieces)
    bad: set[int] = set()
    pos = 0
    for k, piece in enumerate(pieces):
        before = out[pos - 1] if pos else None
        pos += len(piece.text)
        after = out[pos] if pos < len(out) else None
        prev = pieces[k - 1] if k else None
        if piece.role in ("open", "close"):
            d = piece.text[0]
            if prev and prev.role in ("open", "close") and prev.text[0] == d:
                # The two would read as one run: rewrite the inner mark.
                bad.add(prev.n if prev.role == piece.role == "close" else piece.n)
            elif not _delimits(piece.text, piece.role == "open", before, after):
                bad.add(piece.n)
        elif piece.role == "link" and piece.text == "[" and before == "!":
            bad.add(piece.n)  # "![" starts an image
        elif (
            piece.role == "code_open"
            and before == "`"
            or piece.role == "code_close"
            and after == "`"
        ):
            bad.add(piece.n)
    return bad


def _delimits(delim: str, opening: bool, before: str | None, after: str | None) -> bool:
    """Whether CommonMark 0.31 (and markdown-it) surely reads delim as meant."""
    b, a = _class(before), _class(after)
    if "odd" in (a, b):
        return False
    left = a != "space" and (a != "punct" or b in ("space", "punct"))
    right = b != "space" and (b != "punct" or a in ("space", "punct"))
    if delim[0] != "_":
        return left if opening else right
    # "_" may not open or close inside a word
    return left and (not right or b == "punct") if opening else right and (not left or a == "punct")


def _class(ch: str | None) -> str:
    """space, punct or other as CommonMark sees a character; odd where readers differ."""
    if ch is None or ch in " \t\n\f\r" or unicodedata.category(ch) == "Zs":
        return "space"  # a line end counts as space
    if ch.isspace():
        return "odd"
    if ch in string.punctuation or unicodedata.category(ch)[0] in "PS":
        return "punct"
    return "other"
