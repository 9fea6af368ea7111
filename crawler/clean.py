"""RawWork -> Work: chapter HTML or plain text becomes typed blocks and notes.

`clean_work` orchestrates, in order:
  1. chapter body -> blocks (`clean_html`, or `clean_text` for plain text):
     walk the tree into paragraphs, skipping everything that is not story
     (scripts, styles, forms, navigation, kudos, comments, landmarks, tracking
     pixels), keeping inline formatting as marks (`crawler.marks`), turning
     dividers into scene breaks and tidying the breaks;
  2. site-marked notes and the summary -> plain text (`html_to_text`);
  3. notes typed into the body at its start/end -> chapter notes
     (`crawler.notes.split_body_notes`), unless the user turned that off.
Nothing the author wrote is dropped: every character of the body ends up in a
block or a note, except scene-divider decoration.
"""

from __future__ import annotations

import copy
import html as html_lib
import logging
import re
import unicodedata
import warnings
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import ftfy
from bs4 import (
    BeautifulSoup,
    MarkupResemblesLocatorWarning,
    NavigableString,
    Tag,
    XMLParsedAsHTMLWarning,
)
from bs4.element import PreformattedString
from ftfy.fixes import fix_surrogates

from crawler.dividers import is_divider_text, is_weak_divider
from crawler.marks import (
    MAX_MARKS,
    collapse_with_marks,
    has_sentinels,
    sentinel,
    set_marks,
    strip_sentinels,
    tag_mark,
)
from crawler.models import Block, Chapter, Note, RawChapter, RawNote, RawWork, Work
from crawler.notes import split_body_notes

log = logging.getLogger(__name__)

# --- text normalization -------------------------------------------------------

_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))
_HSPACE = re.compile(r"[^\S\n]+")
_SPACE_AROUND_NL = re.compile(r" *\n *")
_MANY_NL = re.compile(r"\n{3,}")
# Text made only of printable ASCII, the typographic punctuation every story
# uses and the cleaner's mark sentinels has nothing for ftfy to repair: mojibake
# needs a UTF-8 lead byte misread as Latin-1/cp1252 (Â-ô), cp1251, cp437 or
# MacRoman, and none of these is one. Skipping ftfy there is most of the
# cleaner's speed.
_NOTHING_TO_FIX = re.compile(
    "[\t\n\x20-\x7e\xa0\u2013\u2014\u2018\u2019\u201c\u201d\u2026\U000f0000-\U000ffffd]*"
)
_FTFY = ftfy.TextFixerConfig(uncurl_quotes=False, unescape_html=False, explain=False)


def _fix(s: str) -> str:
    if _NOTHING_TO_FIX.fullmatch(s):
        return s
    # unescape_html=False: our text comes out of an HTML parser already, and a
    # second unescape would turn a written "&lt;" into "<".
    s = ftfy.fix_text(s, _FTFY)
    return unicodedata.normalize("NFC", s).translate(_INVISIBLE)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _encodable(s: str) -> str:
    """Surrogates (a pair split in two, or a lone half) cannot be encoded, and
    lxml encodes its input: pairs are joined, lone halves become U+FFFD."""
    return fix_surrogates(s) if _SURROGATE.search(s) else s


def _collapse(s: str) -> str:
    if "\n" not in s:
        return " ".join(s.split())  # the common case, several times faster than the regexes
    s = _SPACE_AROUND_NL.sub("\n", _HSPACE.sub(" ", s))
    return _MANY_NL.sub("\n\n", s).strip()


def normalize_text(s: str) -> str:
    """Repair mojibake (ftfy, typographic quotes kept), NFC, drop invisible
    characters, collapse spaces and tabs, strip. Line breaks survive."""
    return _collapse(_fix(s))


def _normalize_pre(s: str) -> str:
    """Like normalize_text, but spacing inside preformatted text is the content."""
    lines = [line.rstrip() for line in _fix(s).split("\n")]
    return "\n".join(lines).strip("\n")


# --- blocks, shared by HTML and plain text ------------------------------------

TEXT_TYPES = frozenset({"paragraph", "heading", "quote", "list_item", "preformatted"})
SCENE_BREAK_EMPTIES = 3  # this many empty paragraphs, or <br>s, in a row are a scene break


def _text_block(kind: str, text: str) -> Block:
    """A block of text, or a scene break when the text is only a divider."""
    if kind != "preformatted" and is_divider_text(text):
        return Block("scene_break")
    return Block(kind, text)


def _resolve_weak_dividers(blocks: list[Block]) -> list[Block]:
    """A lone dash paragraph is a scene break only between two blocks of text.

    AO3 authors use `<p>-</p>` as a soft scene break between runs of prose; at
    the edge of a chapter or beside a real break it separates nothing, so it is
    kept as written (losing nothing) instead of being guessed at.
    """
    out = list(blocks)
    for i in range(1, len(out) - 1):
        b = out[i]
        if (
            b.type == "paragraph"
            and is_weak_divider(b.text)
            and blocks[i - 1].type in TEXT_TYPES
            and blocks[i + 1].type in TEXT_TYPES
            and not is_weak_divider(blocks[i - 1].text)
            and not is_weak_divider(blocks[i + 1].text)
        ):
            out[i] = Block("scene_break")
    return out


def _tidy_breaks(blocks: list[Block]) -> list[Block]:
    """One break between scenes, none at the very start or end."""
    out: list[Block] = []
    for b in blocks:
        if b.type == "scene_break" and (not out or out[-1].type == "scene_break"):
            continue
        out.append(b)
    while out and out[-1].type == "scene_break":
        out.pop()
    return out


def _finish(blocks: list[Block]) -> list[Block]:
    return _tidy_breaks(_resolve_weak_dividers(blocks))


# --- HTML -> blocks -----------------------------------------------------------

PARSER = "lxml"  # bs4 tree builder; bench/clean_bench.py measures it against html.parser
# Not <head> as a whole: lxml moves stray story markup (a <td> after a
# <script>) into it.
DROP_TAGS = frozenset({
    "title", "meta", "link", "base", "script", "style", "noscript", "template",
    "form", "input", "button", "select", "textarea", "iframe", "object", "embed",
    "svg", "canvas", "audio", "video", "nav",
})  # fmt: skip
# Page furniture around the story (AO3, FFN, eFiction chrome).
DROP_CLASSES = frozenset(
    {"landmark", "navigation", "kudos", "share", "sharing", "social", "feedback", "comments"}
    | {"pagination", "chapter-nav", "breadcrumbs", "skip"}
)
DROP_IDS = frozenset(
    {"feedback", "comments", "comments_placeholder", "kudos", "share", "navigation", "skiplinks"}
)
DROP_ROLES = frozenset({"navigation", "menu", "menubar", "search", "contentinfo", "tooltip"})
LANDMARK_TEXTS = frozenset({"chapter text", "work text", "work text:", "chapter text:"})
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
BLOCK_TAGS = HEADINGS | {
    "html", "head", "body", "p", "div", "section", "article", "main", "header", "footer",
    "aside", "blockquote", "ul", "ol", "li", "dl", "dt", "dd", "pre", "center",
    "table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption", "figure",
    "figcaption", "address", "details", "summary", "hr",
}  # fmt: skip
SPACERS = frozenset({"p", "div", "center"})  # empty ones are spacing, or a break in threes
DIVIDER_IMAGE_WORDS = frozenset({"divider", "line", "break", "separator", "hr", "rule", "sep"})
DIVIDER_IMAGE_PARTS = ("divider", "separator", "seperator", "linebreak", "scenebreak", "pagebreak")
TRACKER_WORDS = frozenset({"pixel", "beacon", "tracking", "tracker", "analytics", "spacer"})
_TAG = re.compile(r"<[A-Za-z!/?]")
_IMG_TOKEN = re.compile(r"[a-z]+")
_PX = re.compile(r"\s*(\d+)\s*(?:px)?\s*$")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)


def _parse(html: str, parser: str = PARSER) -> BeautifulSoup:
    with warnings.catch_warnings():
        # Text that looks like a URL or an XML file is still our markup.
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        return BeautifulSoup(html, parser)


def _is_furniture(tag: Tag) -> bool:
    """Navigation, kudos, share and comment boxes, AO3's hidden landmarks."""
    attrs = tag.attrs
    if classes := attrs.get("class"):
        lowered = {c.lower() for c in classes}
        if lowered & DROP_CLASSES or (tag.name in ("ul", "ol") and "actions" in lowered):
            return True
    if (ident := attrs.get("id")) and str(ident).lower() in DROP_IDS:
        return True
    if (role := attrs.get("role")) and str(role).lower() in DROP_ROLES:
        return True
    return tag.name in HEADINGS and tag.get_text(" ", strip=True).lower() in LANDMARK_TEXTS


def _px(value: object) -> int | None:
    m = _PX.match(str(value)) if value is not None else None
    return int(m.group(1)) if m else None


def _is_tracker(tag: Tag, path: str) -> bool:
    """A tracking pixel or spacer: 1x1, hidden, or served from a counter."""
    width, height = _px(tag.get("width")), _px(tag.get("height"))
    if 0 in (width, height) or (width is not None and height is not None and width + height <= 2):
        return True
    if _HIDDEN_STYLE.search(str(tag.get("style") or "")):
        return True
    return bool(set(_IMG_TOKEN.findall(path.lower())) & TRACKER_WORDS)


def _image_block(tag: Tag) -> Block | None:
    """An image kept as a reference, a scene break when it is a divider graphic,
    or nothing for a tracking pixel."""
    src = str(tag.get("src") or tag.get("data-src") or "").strip()
    path = urlsplit(src).path
    if _is_tracker(tag, path):
        return None
    hints = " ".join([path, str(tag.get("alt") or ""), " ".join(tag.get("class") or [])]).lower()
    if any(part in hints for part in DIVIDER_IMAGE_PARTS) or (
        set(_IMG_TOKEN.findall(hints)) & DIVIDER_IMAGE_WORDS
    ):
        return Block("scene_break")
    return Block("image", src) if src else None


def _inner_kind(tag_name: str, kind: str) -> str:
    if tag_name in HEADINGS:
        return "heading"
    if tag_name == "pre":
        return "preformatted"
    if tag_name == "li":
        return "list_item"
    if tag_name == "blockquote" and kind == "paragraph":
        return "quote"
    return kind


BR = "\n"  # a <br> in the inline buffer; text nodes never hold "\n" (see add_text)
_BR_RUN = re.compile(r" *\n[ \n]*")


@dataclass
class _Builder:
    """Collects inline text between block boundaries and emits blocks.

    Inline formatting is recorded as sentinel characters in the buffer (see
    crawler.marks); `buffer_open` lists the marks already open where the
    current buffer began, for an <em> that spans several paragraphs.
    """

    base_url: str = ""
    with_marks: bool = True
    blocks: list[Block] = field(default_factory=list)
    buffer: list[str] = field(default_factory=list)
    empties: int = 0  # empty paragraphs since the last block
    emitted: int = 0
    specs: list[tuple[str, str]] = field(default_factory=list)
    open_marks: dict[int, None] = field(default_factory=dict)
    buffer_open: list[int] = field(default_factory=list)

    def add_text(self, text: str, kind: str) -> None:
        # In HTML a newline in the source is a space; only <br> breaks a line.
        self.buffer.append(text if kind == "preformatted" else text.replace("\n", " "))

    def open_mark(self, spec: tuple[str, str]) -> int | None:
        mark_id = len(self.specs)
        if not self.with_marks or mark_id >= MAX_MARKS:
            return None
        self.specs.append(spec)
        self.open_marks[mark_id] = None
        self.buffer.append(sentinel(mark_id))
        return mark_id

    def close_mark(self, mark_id: int) -> None:
        self.open_marks.pop(mark_id, None)
        self.buffer.append(sentinel(mark_id, closing=True))

    def emit(self, block: Block) -> None:
        if block.type != "scene_break" and self.empties >= SCENE_BREAK_EMPTIES:
            self.blocks.append(Block("scene_break"))
        self.empties = 0
        self.blocks.append(block)
        self.emitted += 1

    def flush(self, kind: str) -> None:
        raw, self.buffer = "".join(self.buffer), []
        active, self.buffer_open = self.buffer_open, list(self.open_marks)
        if not raw:
            return
        if kind == "preformatted":
            if text := _normalize_pre(strip_sentinels(raw) if self.specs else raw):
                self.emit(Block(kind, text))
            return
        # One <br> breaks a line, two start a new paragraph, three or more
        # are a scene break.
        pos = 0
        for m in _BR_RUN.finditer(raw):
            brs = m.group().count("\n")
            if brs >= 2:
                active = self._emit_piece(raw[pos : m.start()], kind, active)
                if brs >= SCENE_BREAK_EMPTIES:
                    self.empties = SCENE_BREAK_EMPTIES
                pos = m.end()
        self._emit_piece(raw[pos:], kind, active)

    def _emit_piece(self, raw: str, kind: str, active: list[int]) -> list[int]:
        marks: tuple = ()
        if self.specs and (active or has_sentinels(raw)):
            text = _collapse(_fix(strip_sentinels(raw)))
            marked, marks, active = collapse_with_marks(_fix(raw), active, self.specs, _collapse)
            if marked != text:
                # A mark boundary split a repair (mojibake across </em>, an
                # accent apart from its letter): marks never change the text.
                marks = ()
        else:
            text = _collapse(_fix(raw))
        if text:
            block = _text_block(kind, text)
            self.emit(set_marks(block, marks) if block.type != "scene_break" else block)
        return active


_ENTER, _LEAVE_BLOCK, _LEAVE_MARK = range(3)


def _walk(root: Tag, builder: _Builder) -> None:
    """Depth-first over the tree without recursion (pages can nest deeply)."""
    stack: list[tuple[int, object, str, int]] = [(_ENTER, root, "paragraph", 0)]
    while stack:
        action, node, kind, extra = stack.pop()
        if action == _LEAVE_BLOCK:
            builder.flush(kind)
            if builder.emitted == extra and node in SPACERS:
                builder.empties += 1  # <p>&nbsp;</p>: spacing, or a break when repeated
            continue
        if action == _LEAVE_MARK:
            builder.close_mark(extra)
            continue
        if isinstance(node, NavigableString):
            if not isinstance(node, PreformattedString):  # comments, doctype, CDATA
                builder.add_text(node, kind)
            continue
        if not isinstance(node, Tag):
            continue
        name = node.name
        if name in DROP_TAGS or ((node.attrs or name in HEADINGS) and _is_furniture(node)):
            continue
        if name == "br":
            builder.buffer.append(BR)
            continue
        if name == "hr":
            builder.flush(kind)
            builder.emit(Block("scene_break"))
            continue
        if name == "img":
            builder.flush(kind)
            if block := _image_block(node):
                builder.emit(block)
            continue
        inner = kind
        if name in BLOCK_TAGS:
            builder.flush(kind)
            inner = _inner_kind(name, kind)
            stack.append((_LEAVE_BLOCK, name, inner, builder.emitted))
        elif (spec := tag_mark(node, builder.base_url)) is not None:
            mark_id = builder.open_mark(spec)
            if mark_id is not None:
                stack.append((_LEAVE_MARK, name, kind, mark_id))
        stack.extend((_ENTER, child, inner, 0) for child in reversed(node.contents))


def clean_html(html: str, *, base_url: str = "", parser: str = PARSER) -> list[Block]:
    """A chapter body's HTML -> blocks; relative links resolve against `base_url`."""
    html = _encodable(html)
    soup = _parse(html, parser)
    # Text already holding the marks' private-use sentinels gets no marks.
    builder = _Builder(base_url=base_url, with_marks=not has_sentinels(html))
    _walk(soup, builder)
    builder.flush("paragraph")
    return _finish(builder.blocks)


# --- plain text -> blocks -----------------------------------------------------

WRAP_MIN, WRAP_MAX = 45, 90  # hard-wrapped text: every line but the last this long


def _looks_hard_wrapped(lines: list[str]) -> bool:
    """Lines cut at a fixed width (email, Gutenberg style) belong together."""
    body = [len(line.rstrip()) for line in lines[:-1]]
    return bool(body) and all(WRAP_MIN <= n <= WRAP_MAX for n in body)


def _file_hard_wrapped(lines: list[str]) -> bool:
    """Most lines of the file end near one width: wrapped prose, not one line a paragraph."""
    widths = [len(line.rstrip()) for line in lines]
    return max(widths, default=0) <= WRAP_MAX and sum(n >= WRAP_MIN for n in widths) >= 0.75 * len(
        widths
    )


def _chunks(lines: list[str]) -> list[list[str]]:
    """Paragraphs as lists of lines: split on blank lines, or on every line
    when the text almost never leaves one (its habit is one paragraph a line)."""
    filled = [line for line in lines if line.strip()]
    chunks: list[list[str]] = [[]]
    for line in lines:
        if line.strip():
            chunks[-1].append(line)
        elif chunks[-1]:
            chunks.append([])
    chunks = [c for c in chunks if c]
    separators = len(chunks) - 1
    if separators * 10 < len(filled) and not _file_hard_wrapped(filled):
        return [[line] for line in filled]
    return chunks


def _chunk_block(lines: list[str]) -> Block | None:
    texts = [t for t in (normalize_text(line) for line in lines) if t]
    if not texts:
        return None
    if all(is_divider_text(t) for t in texts):
        return Block("scene_break")
    joiner = " " if _looks_hard_wrapped(lines) else "\n"
    return Block("paragraph", joiner.join(texts))


def clean_text(text: str) -> list[Block]:
    """A plain-text story or chapter -> blocks."""
    lines = _encodable(text).splitlines()
    blocks = [b for b in map(_chunk_block, _chunks(lines)) if b is not None]
    return _finish(blocks)


# --- notes and the orchestrator -----------------------------------------------


def html_to_text(html: str, *, parser: str = PARSER) -> str:
    """A note's or summary's HTML -> plain text, paragraphs joined by a blank line."""
    if not html or not html.strip():
        return ""
    if _TAG.search(html):
        blocks = clean_html(html, parser=parser)
    else:
        blocks = clean_text(html_lib.unescape(html))
    return "\n\n".join(b.text for b in blocks if b.type in TEXT_TYPES and b.text)


def _notes(raw_notes: list[RawNote], parser: str) -> list[Note]:
    """Site-marked notes as plain text; empty ones dropped."""
    notes = [Note(n.kind, n.position, html_to_text(n.html, parser=parser)) for n in raw_notes]
    return [n for n in notes if n.text]


def _in_reading_order(site: list[Note], body: list[Note]) -> list[Note]:
    """Site notes frame the body; notes typed into the body sit inside that frame."""

    def at(notes: list[Note], position: str) -> list[Note]:
        return [n for n in notes if n.position == position]

    return (at(site, "before") + at(body, "before") + at(site, "inline") + at(body, "after")) + at(
        site, "after"
    )


def _clean_chapter(raw: RawChapter, base_url: str, detect_body_notes: bool, parser: str) -> Chapter:
    if raw.format == "text":
        blocks = clean_text(raw.html)
    else:
        blocks = clean_html(raw.html, base_url=base_url, parser=parser)
    body_notes: list[Note] = []
    if detect_body_notes:
        blocks, body_notes = split_body_notes(blocks)
    notes = _in_reading_order(_notes(raw.notes, parser), body_notes)
    return Chapter(number=raw.number, title=raw.title, blocks=blocks, notes=notes)


def clean_work(raw: RawWork, *, detect_body_notes: bool = True, parser: str = PARSER) -> Work:
    """A site adapter's RawWork -> the cleaned Work that is stored and indexed.

    `detect_body_notes=False` (config: `[cleaning] detect_body_notes = false`)
    leaves notes typed into the story as story. `parser` is the bs4 tree builder.
    """
    chapters = [_clean_chapter(c, raw.url, detect_body_notes, parser) for c in raw.chapters]
    log.debug("cleaned %s: %d chapters", raw.id, len(chapters))
    return Work(
        id=raw.id,
        site=raw.site,
        url=raw.url,
        meta=copy.deepcopy(raw.meta),
        summary=html_to_text(raw.summary_html, parser=parser),
        notes=_notes(raw.notes, parser),
        chapters=chapters,
    )
