"""A chapter body's HTML -> blocks.

The tree is walked into paragraphs, skipping everything that is not story
(`crawler.furniture`), keeping inline formatting as marks (`crawler.marks`),
turning dividers into scene breaks and tidying the breaks (`crawler.breaks`).
Embedded media become `media` placeholder blocks and the tree inside them is
walked like any other: it is fallback text, or (after an unclosed or void
element) the rest of the chapter.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from bs4 import (
    BeautifulSoup,
    MarkupResemblesLocatorWarning,
    NavigableString,
    Tag,
    XMLParsedAsHTMLWarning,
)
from bs4.element import PreformattedString

from crawler.breaks import SCENE_BREAK_EMPTIES, place_breaks, text_block
from crawler.furniture import (
    CONTROL_TAGS,
    DROP_TAGS,
    HEADINGS,
    IMG_TOKEN,
    MEDIA_TAGS,
    is_ad_host,
    is_chrome_control,
    is_furniture,
    is_tracker,
)
from crawler.marks import (
    MAX_MARKS,
    collapse_with_marks,
    has_sentinels,
    sentinel,
    set_marks,
    strip_sentinels,
    tag_mark,
)
from crawler.models import Block
from crawler.normalize import collapse, encodable, normalize_pre, repair

PARSER = "lxml"  # bs4 tree builder; bench/clean_bench.py measures it against html.parser
BLOCK_TAGS = HEADINGS | {
    "html", "head", "body", "p", "div", "section", "article", "main", "header", "footer",
    "aside", "blockquote", "ul", "ol", "li", "dl", "dt", "dd", "pre", "center",
    "table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption", "figure",
    "figcaption", "address", "details", "summary", "hr", "form", "fieldset", "legend",
    "select", "option", "optgroup", "textarea", "noscript", "noembed", "noframes",
} | MEDIA_TAGS  # fmt: skip
CHROME_CANDIDATES = CONTROL_TAGS | {"noscript"}
# lxml keeps what these hold as raw text, even the rest of a page after an
# unclosed one: that text is markup, parsed again and walked in place.
RAW_TEXT_TAGS = frozenset({"iframe", "textarea", "noembed", "noframes"})
MEDIA_SRC_ATTRS = ("src", "data", "data-src")
MEDIA_PARAMS = frozenset({"movie", "src", "url", "filename"})  # <object><param name=…>
SPACERS = frozenset({"p", "div", "center"})  # empty ones are spacing, or a break in threes
DIVIDER_IMAGE_WORDS = frozenset({"divider", "line", "break", "separator", "hr", "rule", "sep"})
DIVIDER_IMAGE_PARTS = ("divider", "separator", "seperator", "linebreak", "scenebreak", "pagebreak")
BR = "\n"  # a <br> in the inline buffer; text nodes never hold "\n" (see add_text)
_BR_RUN = re.compile(r" *\n[ \n]*")
_TAG = re.compile(r"<[A-Za-z!/?]")
_URL_BREAKS = re.compile(r"[\t\n\r]")
_URL_CONTROLS = re.compile(r"[\x00-\x1f\x7f]")


def parse(html: str, parser: str = PARSER) -> BeautifulSoup:
    with warnings.catch_warnings():
        # Text that looks like a URL or an XML file is still our markup.
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        return BeautifulSoup(html, parser)


def image_block(tag: Tag) -> Block | None:
    """An image kept as a reference, a scene break when it is a divider graphic,
    or nothing for a tracking pixel."""
    src = str(tag.get("src") or tag.get("data-src") or "").strip()
    path = urlsplit(src).path
    if is_tracker(tag, path):
        return None
    hints = " ".join([path, str(tag.get("alt") or ""), " ".join(tag.get("class") or [])]).lower()
    if any(part in hints for part in DIVIDER_IMAGE_PARTS) or (
        set(IMG_TOKEN.findall(hints)) & DIVIDER_IMAGE_WORDS
    ):
        return Block("scene_break")
    return Block("image", src) if src else None


def safe_src(value: object, base_url: str = "") -> str:
    """An http(s) address for a media source, resolved against `base_url`; else ""."""
    url = _URL_BREAKS.sub("", str(value or "").strip())
    if not url or _URL_CONTROLS.search(url):
        return ""
    try:
        url = "https:" + url if url.startswith("//") else urljoin(base_url, url)
        parts = urlsplit(url)
    except ValueError:  # a malformed address ("http://[") is no address
        return ""
    return url if parts.scheme.lower() in ("http", "https") and parts.hostname else ""


def _media_sources(tag: Tag) -> list[object]:
    found: list[object] = [tag.get(a) for a in MEDIA_SRC_ATTRS]
    for child in tag.find_all(("param", "source"), recursive=False):
        if child.name == "source":
            found.append(child.get("src"))
        elif str(child.get("name") or "").lower() in MEDIA_PARAMS:
            found.append(child.get("value"))
    return found


def media_block(tag: Tag, base_url: str = "") -> Block | None:
    """Embedded media as a placeholder block (its element and http(s) source),
    or nothing for a tracker or an advertising frame."""
    src = next((s for s in (safe_src(v, base_url) for v in _media_sources(tag)) if s), "")
    parts = urlsplit(src)
    if is_tracker(tag, parts.path) or is_ad_host(parts.hostname or ""):
        return None
    return Block("media", kind=tag.name, src=src)


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


@dataclass
class _Builder:
    """Collects inline text between block boundaries and emits blocks.

    Inline formatting is recorded as sentinel characters in the buffer (see
    crawler.marks); `buffer_open` lists the marks already open where the
    current buffer began, for an <em> that spans several paragraphs.
    """

    base_url: str = ""
    with_marks: bool = True
    reparse: bool = True  # raw text of RAW_TEXT_TAGS is parsed again (see _children)
    parser: str = PARSER
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

    def emit_media(self, block: Block) -> None:
        last = self.blocks[-1] if self.blocks else None
        if block.src and last is not None and (last.type, last.src) == ("media", block.src):
            return  # <object data=x><embed src=x>: one player written twice
        self.emit(block)

    def flush(self, kind: str) -> None:
        raw, self.buffer = "".join(self.buffer), []
        active, self.buffer_open = self.buffer_open, list(self.open_marks)
        if not raw:
            return
        if kind == "preformatted":
            if text := normalize_pre(strip_sentinels(raw) if self.specs else raw):
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
            text = collapse(repair(strip_sentinels(raw)))
            marked, marks, active = collapse_with_marks(repair(raw), active, self.specs, collapse)
            if marked != text:
                # A mark boundary split a repair (mojibake across </em>, an
                # accent apart from its letter): marks never change the text.
                marks = ()
        else:
            text = collapse(repair(raw))
        if text:
            block = text_block(kind, text)
            self.emit(set_marks(block, marks) if block.type != "scene_break" else block)
        return active


_ENTER, _LEAVE_BLOCK, _LEAVE_MARK = range(3)


def _children(node: Tag, builder: _Builder) -> list:
    """A tag's children; for raw-text tags holding markup, that markup parsed."""
    if builder.reparse and node.name in RAW_TEXT_TAGS:
        text = "".join(str(c) for c in node.contents if isinstance(c, NavigableString))
        if _TAG.search(text) and all(isinstance(c, NavigableString) for c in node.contents):
            return list(parse(text, builder.parser).contents)
    return list(node.contents)


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
        if (
            name in DROP_TAGS
            or ((node.attrs or name in HEADINGS) and is_furniture(node))
            or (name in CHROME_CANDIDATES and is_chrome_control(node))
        ):
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
            if block := image_block(node):
                builder.emit(block)
            continue
        if name in MEDIA_TAGS:
            builder.flush(kind)
            if block := media_block(node, builder.base_url):
                builder.emit_media(block)
        inner = kind
        if name in BLOCK_TAGS:
            builder.flush(kind)
            inner = _inner_kind(name, kind)
            stack.append((_LEAVE_BLOCK, name, inner, builder.emitted))
        elif (spec := tag_mark(node, builder.base_url)) is not None:
            mark_id = builder.open_mark(spec)
            if mark_id is not None:
                stack.append((_LEAVE_MARK, name, kind, mark_id))
        stack.extend((_ENTER, child, inner, 0) for child in reversed(_children(node, builder)))


def clean_html(html: str, *, base_url: str = "", parser: str = PARSER) -> list[Block]:
    """A chapter body's HTML -> blocks; relative links resolve against `base_url`."""
    html = encodable(html)
    soup = parse(html, parser)
    # Text already holding the marks' private-use sentinels gets no marks.
    builder = _Builder(
        base_url=base_url,
        with_marks=not has_sentinels(html),
        reparse=parser.startswith("lxml"),
        parser=parser,
    )
    _walk(soup, builder)
    builder.flush("paragraph")
    return place_breaks(builder.blocks)
