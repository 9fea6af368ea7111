"""Hypothesis: any HTML or text gives no exception and loses no body text.

Embedded media, unclosed containers, form controls and fallback content lose
no word either (`test_media_and_controls_lose_no_word`).

"Loses nothing" is checked character by character: every non-space character
of the story as generated (after the documented normalization: ftfy, NFC,
invisible characters dropped) ends up in a block or a note. Only a paragraph
that is a divider as a whole (or a lone dash between two paragraphs) may lose its characters (its decoration becomes
the scene break). Nothing is invented either.
"""

from __future__ import annotations

import html as html_lib
import re
from collections import Counter
from itertools import pairwise

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.clean import TEXT_TYPES, clean_html, clean_text, clean_work, normalize_text
from crawler.damage import has_story
from crawler.dividers import is_divider_text, is_weak_divider
from crawler.marks import marks_of
from crawler.models import Block, RawChapter, RawWork, WorkMeta

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

CHARS = st.characters(blacklist_categories=("Cs", "Cc", "Co", "Cn"), max_codepoint=0x2FFF)
TOKENS = st.sampled_from(
    [
        "* * *", "***", "~~~", "-----", "oOo", "xXx", "¸,ø¤º°°º¤ø,¸", "Scene break",
        "- - - Break - - -", "-", "…", "Meanwhile…", "Oh.", "10:45", "Chapter 3",
        "A/N: a note", "Author's Note:", "Disclaimer: mine", "(A/N: aside)", "Note: x",
        "Beta'd by Kim", "dÃ©jÃ  vu", "doesnâ€™t", "soft\u00adhyphen", "zero\u200bwidth",
        "e\u0301", "“quoted”", "tab\there", "line\nbreak", "&amp;", "<p>", "xoxo", "^_^",
    ]
)  # fmt: skip
TEXT = st.one_of(st.text(CHARS, max_size=25), TOKENS)
INLINE = ["", "", "em", "strong", "i", "b", "s", "u", "a", "span", "code", "sup"]
SEGMENT = st.one_of(st.tuples(st.sampled_from(INLINE), TEXT), st.just(("br", "")))
PARAGRAPH = st.tuples(
    st.sampled_from(["p", "p", "div", "blockquote", "li", "h2", "center", "td", "pre"]),
    st.lists(SEGMENT, max_size=6),
)
OTHER = st.sampled_from(
    [
        "<hr>", "<p>&nbsp;</p>", "<p><br></p>", '<img src="/img/divider.png">',
        '<img src="https://x.example/cat.png">', '<img src="/t/pixel.gif" width="1" height="1">',
        "<script>var hidden = 1;</script>", "<style>p { color: red }</style>", "<!-- comment -->",
    ]
)  # fmt: skip
BODY = st.lists(st.one_of(PARAGRAPH, OTHER), max_size=12)


def segment_html(tag: str, text: str) -> str:
    if tag == "br":
        return "<br>"
    escaped = html_lib.escape(text)
    if not tag:
        return escaped
    attrs = ' href="https://e.example/x"' if tag == "a" else ""
    return f"<{tag}{attrs}>{escaped}</{tag}>"


def to_html(body: list) -> str:
    out = []
    for item in body:
        if isinstance(item, str):
            out.append(item)
        else:
            tag, segments = item
            out.append(f"<{tag}>{''.join(segment_html(*s) for s in segments)}</{tag}>")
    return "".join(out)


def divider(text: str) -> bool:
    """Its characters may go: a divider, or a lone dash that may become one."""
    return is_divider_text(text) or is_weak_divider(text)


def nonspace(s: str) -> Counter[str]:
    return Counter(ch for ch in s if not ch.isspace())


def expected(body: list) -> tuple[Counter[str], Counter[str]]:
    """(characters that must survive, characters that may survive)."""
    must: Counter[str] = Counter()
    may: Counter[str] = Counter()
    for item in body:
        if isinstance(item, str):
            continue  # markup only: breaks, images, scripts, comments
        tag, segments = item
        if tag == "pre":
            text = "".join("\n" if t == "br" else s for t, s in segments)
            pieces = [text]
        else:
            # In HTML a newline in the text is a space; <br><br> starts a new paragraph.
            text = "".join("\n" if t == "br" else re.sub(r"\s", " ", s) for t, s in segments)
            pieces = re.split(r" *\n(?: *\n)+[ \n]*", text)
        for piece in pieces:
            norm = normalize_text(piece)
            may += nonspace(norm)
            if tag == "pre" or not divider(norm):
                must += nonspace(norm)
    return must, may


def kept(blocks: list[Block], notes) -> Counter[str]:
    text = "".join(b.text for b in blocks if b.type in TEXT_TYPES)
    return nonspace(text + "".join(n.text for n in notes))


def work_of(html: str, fmt: str = "html") -> RawWork:
    chapter = RawChapter(1, "", html, format=fmt)
    return RawWork("ao3", "1", "https://archiveofourown.org/works/1", WorkMeta(), [chapter])


def check_structure(blocks: list[Block]) -> None:
    types = [b.type for b in blocks]
    assert not types or (types[0] != "scene_break" and types[-1] != "scene_break")
    assert all(not (a == b == "scene_break") for a, b in pairwise(types))
    for b in blocks:
        if b.type == "media":
            assert b.kind and not b.text and not b.marks
            continue
        assert b.type == "scene_break" or b.text
        for m in marks_of(b):
            assert 0 <= m.start < m.end <= len(b.text)
            assert not b.text[m.start].isspace() and not b.text[m.end - 1].isspace()


@SETTINGS
@given(BODY)
def test_html_loses_no_body_text(body: list) -> None:
    html = to_html(body)
    must, may = expected(body)
    blocks = clean_html(html)
    check_structure(blocks)
    assert must <= kept(blocks, []) <= may
    (ch,) = clean_work(work_of(html)).chapters
    check_structure(ch.blocks)
    assert must <= kept(ch.blocks, ch.notes) <= may


@SETTINGS
@given(st.lists(st.one_of(st.text(CHARS, max_size=40), TOKENS, st.just("")), max_size=30))
def test_text_loses_no_body_text(lines: list[str]) -> None:
    text = "\n".join(lines)
    must: Counter[str] = Counter()
    may: Counter[str] = Counter()
    for line in text.splitlines():
        norm = normalize_text(line)
        may += nonspace(norm)
        if not divider(norm):
            must += nonspace(norm)
    (ch,) = clean_work(work_of(text, "text")).chapters
    check_structure(ch.blocks)
    assert must <= kept(ch.blocks, ch.notes) <= may


SOUP = st.lists(
    st.one_of(
        st.text(max_size=15),
        st.sampled_from(
            [
                "<p>", "</p>", "<br>", "<br/>", "<hr>", "<div>", "</div>", "<em>", "</em>",
                "<a href='x'>", "<a href='http://e.example'>", "</a>", "<b>", "</b>", "<img src=x>",
                "<img>", "&nbsp;", "&", "&#0;", "&#xD800;", "<", ">", "<!--", "-->", "<![CDATA[",
                "<script>", "</script>", "<style>", "<pre>", "</pre>", "<li>", "<h3 class='landmark'>",
                "<table><tr><td>", "<svg>", "<?xml version='1.0'?>", "<!DOCTYPE html>", "\x00",
                "\U000f0000", "\ud800", "\r\n", "* * *", "A/N:", "\u0301",
            ]
        ),
    ),
    max_size=40,
)  # fmt: skip


@SETTINGS
@given(SOUP)
def test_any_markup_gives_no_exception(parts: list[str]) -> None:
    html = "".join(parts)
    check_structure(clean_html(html))
    clean_work(work_of(html))
    clean_text(html)


@SETTINGS
@given(st.text(max_size=300))
def test_any_text_gives_no_exception(text: str) -> None:
    check_structure(clean_text(text))
    check_structure(clean_html(text))


# Random nestings of the constructs that used to swallow what followed them.
# Words use letters a-j only: no divider, named break, chrome button label
# ("Kudos", "Go") or "JavaScript" notice can be spelled, so none is page chrome.
WORD = st.text("abcdefghij", min_size=2, max_size=6)
TEXT_NODE = st.lists(WORD, min_size=1, max_size=3).map(lambda ws: f" {' '.join(ws)} ")
VOIDS = ["<br>", '<embed src="https://x.example/podfic.mp3">', "<embed>"]
VOIDS += ['<source src="https://x.example/film.webm">', "<track>", "<wbr>"]
CONTAINERS = ["object", "form", "svg", "video", "noscript", "iframe", "textarea", "button"]
CONTAINERS += ["canvas", "p", "div", "em"]
MAY_STAY_OPEN = frozenset({"object", "form", "svg", "video", "noscript", "iframe", "textarea"})
MEDIA_ATTRS = {
    "object": ' data="https://x.example/player.swf"',
    "video": ' src="https://x.example/film.mp4"',
    "iframe": ' src="https://x.example/player"',
}
DOCUMENT = st.lists(
    st.recursive(
        st.one_of(TEXT_NODE, st.sampled_from(VOIDS)),
        lambda inner: st.tuples(
            st.sampled_from(CONTAINERS), st.lists(inner, max_size=4), st.booleans()
        ),
        max_leaves=30,
    ),
    min_size=1,
    max_size=6,
)


def nested_html(node) -> str:
    if isinstance(node, str):
        return node
    tag, children, closed = node
    inside = "".join(map(nested_html, children))
    end = f"</{tag}>" if closed or tag not in MAY_STAY_OPEN else ""
    return f"<{tag}{MEDIA_ATTRS.get(tag, '')}>{inside}{end}"


def text_nodes(node) -> list[str]:
    if isinstance(node, str):
        return [] if node.startswith("<") else [node]
    return [t for child in node[1] for t in text_nodes(child)]


def words_kept(blocks: list[Block]) -> Counter[str]:
    return Counter(w for b in blocks if b.type in TEXT_TYPES for w in b.text.split())


@SETTINGS
@given(DOCUMENT, st.sampled_from(["lxml", "html.parser"]))
def test_media_and_controls_lose_no_word(document: list, parser: str) -> None:
    """Every word of every text node reaches the output, once, whatever swallows it."""
    html = "".join(map(nested_html, document))
    words = Counter(w for node in document for t in text_nodes(node) for w in t.split())
    blocks = clean_html(html, parser=parser)
    check_structure(blocks)
    assert words_kept(blocks) == words
    work = clean_work(work_of(html), detect_body_notes=False, parser=parser)
    assert words_kept(work.chapters[0].blocks) == words
    assert has_story(work) == bool(words or any(b.type == "media" for b in blocks))
