"""RawWork -> Work: chapter HTML or plain text becomes typed blocks and notes.

`clean_work` orchestrates, in order:
  1. chapter body -> blocks (`clean_html`, or `clean_text` for plain text):
     prune non-story elements, walk the tree into paragraphs, turn dividers
     into scene breaks, tidy the breaks;
  2. site-marked notes and the summary -> plain text (`html_to_text`);
  3. notes typed into the body at its start/end -> chapter notes
     (`crawler.notes.split_body_notes`).
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

from crawler.dividers import is_divider_text, is_weak_divider
from crawler.models import Block, Chapter, Note, RawChapter, RawNote, RawWork, Work
from crawler.notes import split_body_notes

log = logging.getLogger(__name__)

# --- text normalization -------------------------------------------------------

_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))
_HSPACE = re.compile(r"[^\S\n]+")
_SPACE_AROUND_NL = re.compile(r" *\n *")
_MANY_NL = re.compile(r"\n{3,}")


def _fix(s: str) -> str:
    # unescape_html=False: our text comes out of an HTML parser already, and a
    # second unescape would turn a written "&lt;" into "<".
    s = ftfy.fix_text(s, uncurl_quotes=False, unescape_html=False)
    return unicodedata.normalize("NFC", s).translate(_INVISIBLE)


def normalize_text(s: str) -> str:
    """Repair mojibake (ftfy, typographic quotes kept), NFC, drop invisible
    characters, collapse spaces and tabs, strip. Line breaks survive."""
    s = _HSPACE.sub(" ", _fix(s))
    s = _SPACE_AROUND_NL.sub("\n", s)
    return _MANY_NL.sub("\n\n", s).strip()


def _normalize_pre(s: str) -> str:
    """Like normalize_text, but spacing inside preformatted text is the content."""
    lines = [line.rstrip() for line in _fix(s).split("\n")]
    return "\n".join(lines).strip("\n")


# --- blocks, shared by HTML and plain text ------------------------------------

TEXT_TYPES = frozenset({"paragraph", "heading", "quote", "list_item", "preformatted"})
SCENE_BREAK_EMPTIES = 3  # this many empty paragraphs in a row are a scene break


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

DROP_TAGS = (
    "head", "title", "meta", "link", "script", "style", "noscript", "template",
    "form", "input", "button", "select", "textarea", "iframe", "object", "embed",
    "svg", "canvas", "audio", "video", "nav",
)  # fmt: skip
# Page furniture around the story (AO3, FFN, eFiction chrome).
DROP_CLASSES = frozenset(
    {"landmark", "navigation", "kudos", "share", "sharing", "social", "feedback", "comments"}
    | {"pagination", "chapter-nav", "breadcrumbs", "skip"}
)
DROP_IDS = frozenset(
    {"feedback", "comments", "comments_placeholder", "kudos", "share", "navigation", "skiplinks"}
)
LANDMARK_TEXTS = frozenset({"chapter text", "work text", "work text:", "chapter text:"})
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
BLOCK_TAGS = HEADINGS | {
    "html", "body", "p", "div", "section", "article", "main", "header", "footer",
    "aside", "blockquote", "ul", "ol", "li", "dl", "dt", "dd", "pre", "center",
    "table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption", "figure",
    "figcaption", "address", "details", "summary", "hr",
}  # fmt: skip
DIVIDER_IMAGE_WORDS = frozenset({"divider", "line", "break", "separator", "hr", "rule", "sep"})
DIVIDER_IMAGE_PARTS = ("divider", "separator", "seperator", "linebreak", "scenebreak", "pagebreak")
_TAG = re.compile(r"<[A-Za-z!/?]")
_IMG_TOKEN = re.compile(r"[a-z]+")


def _parse(html: str) -> BeautifulSoup:
    with warnings.catch_warnings():
        # Text that looks like a URL or an XML file is still our markup.
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        return BeautifulSoup(html, "lxml")


def _is_furniture(tag: Tag) -> bool:
    """Navigation, kudos, share and comment boxes, AO3's hidden landmarks."""
    classes = {c.lower() for c in tag.get("class") or []}
    if classes & DROP_CLASSES or (tag.name in ("ul", "ol") and "actions" in classes):
        return True
    if str(tag.get("id") or "").lower() in DROP_IDS:
        return True
    return tag.name in HEADINGS and tag.get_text(" ", strip=True).lower() in LANDMARK_TEXTS


def _prune(root: Tag) -> None:
    """Remove everything that is not story text."""
    for tag in root.find_all(list(DROP_TAGS)):
        tag.decompose()
    for tag in root.find_all(_is_furniture):
        if not tag.decomposed:
            tag.decompose()


def _image_block(tag: Tag) -> Block | None:
    """An image, or a scene break when the image is a divider graphic."""
    src = str(tag.get("src") or tag.get("data-src") or "").strip()
    hints = " ".join(
        [urlsplit(src).path, str(tag.get("alt") or ""), " ".join(tag.get("class") or [])]
    ).lower()
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


BR = "\n"  # a <br> in the inline buffer; text nodes never hold "\n" (see _add_text)
_BR_RUN = re.compile(r" *\n[ \n]*")


@dataclass
class _Builder:
    """Collects inline text between block boundaries and emits blocks."""

    blocks: list[Block] = field(default_factory=list)
    buffer: list[str] = field(default_factory=list)
    empties: int = 0  # empty paragraphs / blank lines since the last block
    emitted: int = 0

    def add_text(self, text: str, kind: str) -> None:
        # In HTML a newline in the source is a space; only <br> breaks a line.
        self.buffer.append(text if kind == "preformatted" else re.sub(r"\s", " ", text))

    def emit(self, block: Block) -> None:
        if block.type != "scene_break" and self.empties >= SCENE_BREAK_EMPTIES:
            self.blocks.append(Block("scene_break"))
        self.empties = 0
        self.blocks.append(block)
        self.emitted += 1

    def flush(self, kind: str) -> None:
        raw, self.buffer = "".join(self.buffer), []
        if kind == "preformatted":
            if text := _normalize_pre(raw):
                self.emit(Block(kind, text))
            return
        # A single <br> breaks a line; two or more split paragraphs, and
        # each extra one counts as an empty paragraph.
        pos = 0
        for m in _BR_RUN.finditer(raw):
            brs = m.group().count("\n")
            if brs >= 2:
                self._emit_piece(raw[pos : m.start()], kind)
                self.empties += brs - 1
                pos = m.end()
        self._emit_piece(raw[pos:], kind)

    def _emit_piece(self, raw: str, kind: str) -> None:
        if text := normalize_text(raw):
            self.emit(_text_block(kind, text))


def _walk(root: Tag, builder: _Builder) -> None:
    """Depth-first over the tree without recursion (pages can nest deeply)."""
    stack: list[tuple[object, str, int]] = [(root, "paragraph", -1)]
    while stack:
        node, kind, mark = stack.pop()
        if mark >= 0:  # leaving a block element
            builder.flush(kind)
            if builder.emitted == mark and node in ("p", "div", "center"):
                builder.empties += 1  # <p>&nbsp;</p>: spacing, or a break when repeated
            continue
        if isinstance(node, PreformattedString):
            continue  # comments, doctype, CDATA
        if isinstance(node, NavigableString):
            builder.add_text(str(node), kind)
            continue
        if not isinstance(node, Tag):
            continue
        if node.name == "br":
            builder.buffer.append(BR)
        elif node.name == "hr":
            builder.flush(kind)
            builder.emit(Block("scene_break"))
        elif node.name == "img":
            builder.flush(kind)
            if block := _image_block(node):
                builder.emit(block)
        else:
            inner = kind
            if node.name in BLOCK_TAGS:
                builder.flush(kind)
                inner = _inner_kind(node.name, kind)
                stack.append((node.name, inner, builder.emitted))
            stack.extend((child, inner, -1) for child in reversed(node.contents))


def clean_html(html: str) -> list[Block]:
    """A chapter body's HTML -> blocks."""
    soup = _parse(html)
    root = soup.body or soup
    _prune(root)
    builder = _Builder()
    _walk(root, builder)
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
    blocks = [b for b in map(_chunk_block, _chunks(text.splitlines())) if b is not None]
    return _finish(blocks)


# --- notes and the orchestrator -----------------------------------------------


def html_to_text(html: str) -> str:
    """A note's or summary's HTML -> plain text, paragraphs joined by a blank line."""
    if not html or not html.strip():
        return ""
    blocks = clean_html(html) if _TAG.search(html) else clean_text(html_lib.unescape(html))
    return "\n\n".join(b.text for b in blocks if b.type in TEXT_TYPES and b.text)


def _notes(raw_notes: list[RawNote]) -> list[Note]:
    """Site-marked notes as plain text; empty ones dropped."""
    notes = [Note(n.kind, n.position, html_to_text(n.html)) for n in raw_notes]
    return [n for n in notes if n.text]


def _in_reading_order(site: list[Note], body: list[Note]) -> list[Note]:
    """Site notes frame the body; notes typed into the body sit inside that frame."""

    def at(notes: list[Note], position: str) -> list[Note]:
        return [n for n in notes if n.position == position]

    return (at(site, "before") + at(body, "before") + at(site, "inline") + at(body, "after")) + at(
        site, "after"
    )


def _clean_chapter(raw: RawChapter, detect_body_notes: bool) -> Chapter:
    blocks = clean_text(raw.html) if raw.format == "text" else clean_html(raw.html)
    body_notes: list[Note] = []
    if detect_body_notes:
        blocks, body_notes = split_body_notes(blocks)
    notes = _in_reading_order(_notes(raw.notes), body_notes)
    return Chapter(number=raw.number, title=raw.title, blocks=blocks, notes=notes)


def clean_work(raw: RawWork, *, detect_body_notes: bool = True) -> Work:
    """A site adapter's RawWork -> the cleaned Work that is stored and indexed."""
    chapters = [_clean_chapter(c, detect_body_notes) for c in raw.chapters]
    log.debug("cleaned %s: %d chapters", raw.id, len(chapters))
    return Work(
        id=raw.id,
        site=raw.site,
        url=raw.url,
        meta=copy.deepcopy(raw.meta),
        summary=html_to_text(raw.summary_html),
        notes=_notes(raw.notes),
        chapters=chapters,
    )
