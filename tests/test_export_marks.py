"""Inline marks in exports: HTML/EPUB elements, Markdown syntax, plain text, JSON.

The renderer (search_cli.export.inline) is tested alone, then each format on a Work
built here with marks, then with Hypothesis: random text and random (also broken) marks
give well-formed XHTML, and Markdown that a CommonMark reader (markdown-it, which rich
already brings) reads back as the same text with the same formatting.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import lxml.html
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from crawler.marks import MARK_KINDS
from crawler.models import Block, Chapter, Mark, Note, Work, WorkMeta
from search_cli.export import export_work
from search_cli.export.html import block_html
from search_cli.export.inline import HTML_TAGS, marks_html, usable_marks
from search_cli.export.markdown import block_markdown
from search_cli.export.md_inline import md_inline
from search_cli.export.sanitize import sanitize_fragment
from tests.epubcheck import assert_clean

markdown_it = pytest.importorskip("markdown_it")

AO3 = "https://archiveofourown.org/works/1"
MAIL = "mailto:author@example.org"
HOSTILE_HREFS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    " javascript:alert(1)",
    "vbscript:msgbox(1)",
    "data:text/html,<script>alert(1)</script>",
    "file:///etc/passwd",
    "//evil.example/x",
    "/works/1",
    "#fn1",
    "http:alert(1)",
    "mailto:",
    "",
]
TAG_KIND = {"em": "em", "strong": "strong", "s": "strike", "del": "strike", "u": "underline"}
TAG_KIND |= {"code": "code", "sup": "sup", "sub": "sub", "a": "link"}


def commonmark(md: str) -> str:
    """Markdown as a CommonMark reader (with GFM strikethrough) renders it."""
    return markdown_it.MarkdownIt("commonmark").enable("strikethrough").render(md)


def char_marks(root: etree._Element) -> list[tuple[str, frozenset[tuple[str, str]]]]:
    """Each character of root's text with the (kind, href) of the elements around it."""
    out: list[tuple[str, frozenset[tuple[str, str]]]] = []

    def walk(el: etree._Element, active: frozenset[tuple[str, str]]) -> None:
        tag = el.tag.rsplit("}", 1)[-1] if isinstance(el.tag, str) else ""
        if tag == "br":
            out.append(("\n", active))
        elif tag in TAG_KIND:
            active = active | {(TAG_KIND[tag], el.get("href", "") if tag == "a" else "")}
        out.extend((ch, active) for ch in el.text or "")
        for child in el:
            walk(child, active)
            out.extend((ch, active) for ch in child.tail or "")

    walk(root, frozenset())
    return out


def expected_marks(text: str, marks: list[Mark]) -> list[frozenset[tuple[str, str]]]:
    return [
        frozenset((m.kind, m.href) for m in usable_marks(text, marks) if m.start <= i < m.end)
        for i in range(len(text))
    ]


def parse_xhtml(fragment: str) -> etree._Element:
    return etree.fromstring(f"<div>{fragment}</div>", etree.XMLParser(resolve_entities=False))


# -- the renderer -------------------------------------------------------------------------


def test_marks_become_nested_elements() -> None:
    assert marks_html("An x here", (Mark("em", 3, 4),)) == "An <em>x</em> here"
    text = "Bold with a link"
    marks = (Mark("strong", 0, 16), Mark("link", 12, 16, AO3))
    assert marks_html(text, marks) == f'<strong>Bold with a <a href="{AO3}">link</a></strong>'
    # the same range: link outermost, code innermost, whatever order the marks come in
    marks = (Mark("code", 0, 1), Mark("em", 0, 1), Mark("link", 0, 1, AO3))
    assert marks_html("x", marks) == f'<a href="{AO3}"><em><code>x</code></em></a>'
    kinds = ["strike", "underline", "sup", "sub"]
    out = marks_html("a b c d", [Mark(k, 2 * i, 2 * i + 1) for i, k in enumerate(kinds)])
    assert out == "<s>a</s> <u>b</u> <sup>c</sup> <sub>d</sub>"
    assert set(HTML_TAGS) == set(MARK_KINDS)  # every kind the cleaner writes has an element


def test_overlapping_marks_split_into_well_formed_nesting() -> None:
    out = marks_html("abc", (Mark("strong", 0, 2), Mark("em", 1, 3)))
    assert out == "<strong>a<em>b</em></strong><em>c</em>"
    parse_xhtml(out)
    # touching or overlapping marks of one kind are one element
    assert marks_html("abcd", (Mark("em", 0, 2), Mark("em", 1, 3), Mark("em", 3, 4))) == (
        "<em>abcd</em>"
    )
    # links cannot nest: a link overlapping an earlier one is dropped, its text kept
    out = marks_html("one two", (Mark("link", 0, 5, AO3), Mark("link", 4, 7, MAIL)))
    assert out == f'<a href="{AO3}">one t</a>wo'


def test_markup_inside_marked_text_is_escaped() -> None:
    out = marks_html("say <&> now", (Mark("em", 4, 7), Mark("link", 0, 11, AO3 + '?a="1"&b')))
    assert out == (
        '<a href="https://archiveofourown.org/works/1?a=&quot;1&quot;&amp;b">'
        "say <em>&lt;&amp;&gt;</em> now</a>"
    )
    assert "".join(parse_xhtml(out).itertext()) == "say <&> now"
    out = marks_html("<script>x</script>", (Mark("strong", 0, 8),))
    assert out == "<strong>&lt;script&gt;</strong>x&lt;/script&gt;"


def test_line_breaks_and_bad_characters_inside_marks() -> None:
    assert marks_html("a\nb c", (Mark("em", 0, 3),)) == "<em>a<br/>b</em> c"
    assert marks_html("a\nb", (Mark("em", 0, 3),), breaks=False) == "<em>a\nb</em>"
    # characters XML forbids are dropped after the text is cut, so offsets stay right
    assert marks_html("a\x00b\x1bc d", (Mark("em", 2, 5),)) == "a<em>bc</em> d"


@pytest.mark.parametrize("href", HOSTILE_HREFS)
def test_only_http_and_mailto_links_keep_an_href(href: str) -> None:
    assert marks_html("click me", (Mark("link", 0, 5, href),)) == "click me"


def test_http_and_mailto_links_survive_the_sanitizer() -> None:
    for href in (AO3, "http://example.org/a_(b)?x=1&y=2", MAIL):
        html = marks_html("go", (Mark("link", 0, 2, href),))
        assert html == f'<a href="{href.replace("&", "&amp;")}">go</a>'
        assert sanitize_fragment(html) == html


@pytest.mark.parametrize(
    "mark",
    [
        Mark("em", -1, 2),
        Mark("em", 2, 99),
        Mark("em", 3, 3),
        Mark("em", 4, 2),
        Mark("blink", 0, 2),
        Mark("em", "0", "2"),  # type: ignore[arg-type]
        Mark("em", None, 2),  # type: ignore[arg-type]
        Mark("link", 0, 2, None),  # type: ignore[arg-type]
        "em",
    ],
)
def test_marks_outside_the_text_are_ignored(mark: Mark) -> None:
    text = "plain"
    assert marks_html(text, (mark, Mark("strong", 0, 1))) == "<strong>p</strong>lain"
    assert md_inline(text, (mark,), 0, len(text)) == "plain"
    for kind in ("paragraph", "heading", "quote", "list_item", "preformatted"):
        assert "plain" in block_html(Block(kind, text, (mark,)))


# -- each format --------------------------------------------------------------------------

PARA = "An emphatic, bold and struck line with code, a link and mail."
HEADING = "Part Two"
QUOTE = "Quoted\nsecond line"
ITEM = "H2O and x2"
PLAIN = "2 * 3 = 6 and snake_case and <b>not bold</b> & [no link](x)"


def at(text: str, word: str) -> tuple[int, int]:
    start = text.index(word)
    return start, start + len(word)


def marked_work() -> Work:
    para = (
        Mark("em", *at(PARA, "emphatic")),
        Mark("strong", *at(PARA, "bold")),
        Mark("strike", *at(PARA, "struck")),
        Mark("code", *at(PARA, "code")),
        Mark("link", *at(PARA, "a link"), href=AO3),
        Mark("link", *at(PARA, "mail"), href=MAIL),
        Mark("link", 0, 2, href="javascript:alert(1)"),
        Mark("em", 50, 500),  # old data: past the end
    )
    blocks = [
        Block("heading", HEADING, (Mark("strong", 0, 4),)),
        Block("paragraph", PARA, para),
        Block("quote", QUOTE, (Mark("em", 0, 13),)),
        Block("list_item", ITEM, (Mark("sub", 1, 2), Mark("sup", 9, 10), Mark("underline", 0, 3))),
        Block("scene_break"),
        Block("paragraph", PLAIN),
    ]
    return Work(
        "ao3:1",
        "ao3",
        AO3,
        WorkMeta(title="Marked Up", authors=["inkwell"], language="English"),
        notes=[Note("work_note", "before", "A *note* stays plain.")],
        chapters=[Chapter(1, "One", blocks)],
    )


def test_html_export_restores_the_formatting(tmp_path: Path) -> None:
    html = export_work(marked_work(), "html", tmp_path).read_text(encoding="utf-8")
    for want in (
        "<h3><strong>Part</strong> Two</h3>",
        "An <em>emphatic</em>, <strong>bold</strong> and <s>struck</s> line with <code>code</code>",
        f'<a href="{AO3}">a link</a> and <a href="{MAIL}">mail</a>.</p>',
        "<blockquote><p><em>Quoted<br/>second</em> line</p></blockquote>",
        "<ul><li><u>H<sub>2</sub>O</u> and x<sup>2</sup></li></ul>",
        "2 * 3 = 6 and snake_case and &lt;b&gt;not bold&lt;/b&gt; &amp; [no link](x)",
    ):
        assert want in html
    assert "javascript" not in html
    root = etree.fromstring(html.split("\n", 1)[1].encode())  # well-formed XHTML
    body = root.find("body")
    assert body is not None
    text = "".join(body.itertext())
    for block in (HEADING, PARA, ITEM, PLAIN):
        assert block in text


def test_epub_export_restores_the_formatting_and_validates(tmp_path: Path) -> None:
    path = export_work(marked_work(), "epub", tmp_path)
    with zipfile.ZipFile(path) as z:
        (name,) = [n for n in z.namelist() if n.endswith("chapter_001.xhtml")]
        page = z.read(name).decode()
    assert "<h3><strong>Part</strong> Two</h3>" in page
    assert "An <em>emphatic</em>, <strong>bold</strong> and <s>struck</s>" in page
    assert f'<a href="{MAIL}">mail</a>' in page
    assert "<u>H<sub>2</sub>O</u> and x<sup>2</sup>" in page
    etree.fromstring(page.encode())
    assert_clean(path)


def test_markdown_export_restores_the_formatting(tmp_path: Path) -> None:
    md = export_work(marked_work(), "md", tmp_path).read_text(encoding="utf-8")
    lines = md.splitlines()
    assert "### **Part** Two" in lines
    assert (
        "An *emphatic*, **bold** and ~~struck~~ line with `code`, "
        f"[a link]({AO3}) and [mail]({MAIL})."
    ) in lines
    assert "> *Quoted*\\" in lines and "> *second* line" in lines
    assert "- <u>H<sub>2</sub>O</u> and x<sup>2</sup>" in lines
    escaped = r"2 \* 3 = 6 and snake\_case and \<b\>not bold\</b\> \& \[no link\](x)"
    assert escaped in lines
    assert "> **Notes:** A \\*note\\* stays plain." in lines
    rendered = commonmark(md)
    for want in (
        "<h3><strong>Part</strong> Two</h3>",
        "An <em>emphatic</em>, <strong>bold</strong> and <s>struck</s> line with <code>code</code>",
        f'<a href="{AO3}">a link</a> and <a href="{MAIL}">mail</a>.',
        "<p>2 * 3 = 6 and snake_case and &lt;b&gt;not bold&lt;/b&gt; &amp; [no link](x)</p>",
    ):
        assert want in rendered


def test_plain_text_stays_plain(tmp_path: Path) -> None:
    txt = export_work(marked_work(), "txt", tmp_path).read_text(encoding="utf-8")
    assert PARA in txt and PLAIN in txt and ITEM in txt
    assert "<em>" not in txt and "*emphatic*" not in txt


def test_json_keeps_text_plain_and_carries_the_marks(tmp_path: Path) -> None:
    data = json.loads(export_work(marked_work(), "json", tmp_path).read_text(encoding="utf-8"))
    block = data["chapters"][0]["blocks"][1]
    assert block["text"] == PARA
    assert {"kind": "em", "start": 3, "end": 11} in block["marks"]
    start, end = at(PARA, "mail")
    assert {"kind": "link", "start": start, "end": end, "href": MAIL} in block["marks"]
    assert "marks" not in data["chapters"][0]["blocks"][-1]
    assert (
        Work.from_dict(data).chapters[0].blocks[1].marks
        == marked_work().chapters[0].blocks[1].marks
    )


# -- Markdown where the flanking rules bite --------------------------------------------


@pytest.mark.parametrize(
    ("text", "marks", "want"),
    [
        # punctuation inside, letters outside: "*" would not close, so HTML
        ('said "Really?"now', [Mark("em", 5, 14)], 'said <em>"Really?"</em>now'),
        ('said "Really?" now', [Mark("em", 5, 14)], 'said *"Really?"* now'),
        # bold italic: "***" is a puzzle, "**_" is not
        ("bold italic", [Mark("strong", 0, 11), Mark("em", 0, 11)], "**_bold italic_**"),
        ("in word", [Mark("em", 1, 2)], "i*n* word"),
        # the space inside a mark moves outside it
        ("a b c", [Mark("em", 1, 4)], "a *b* c"),
        ("wow![x]", [Mark("link", 4, 7, AO3)], f'wow!<a href="{AO3}">\\[x\\]</a>'),
        ("use a`b here", [Mark("code", 4, 7)], "use ``a`b`` here"),
        ("`x`", [Mark("code", 0, 3)], "`` `x` ``"),
        ("# not a heading", [Mark("em", 2, 5)], "\\# *not* a heading"),
        ("Part #", [Mark("em", 0, 4)], "*Part* \\#"),
    ],
)
def test_markdown_marks_that_need_care(text: str, marks: list[Mark], want: str) -> None:
    out = md_inline(text, marks, 0, len(text))
    assert out == want
    root = lxml.html.fragment_fromstring(commonmark(out), create_parent="div")
    assert "".join(root.itertext()).strip() == text.strip()
    chars = [(ch, active) for ch, active in char_marks(root) if ch != "\n"]
    expected = expected_marks(text, marks)
    assert [a for ch, a in chars if not ch.isspace()] == [
        e for ch, e in zip(text, expected, strict=True) if not ch.isspace()
    ]


# -- properties ---------------------------------------------------------------------------

# Text with everything that means something to HTML or Markdown, and a few spaces and
# punctuation marks from outside ASCII (the flanking rules treat them specially).
ALPHABET = st.sampled_from(
    list("ab yz09 \t") + list("*_~`[]()<>&!#=+-.\\|'\"") + ["\xa0", "\u2003", "“", "”", "é", "€"]
)
HREFS = st.sampled_from([AO3, MAIL, "http://example.org/a_(b)?x=1&y=2", *HOSTILE_HREFS[:4]])
KINDS = st.sampled_from(["em", "strong", "strike", "underline", "code", "sup", "sub", "link"])


@st.composite
def marked_text(draw: st.DrawFn, newlines: bool = True) -> tuple[str, list[Mark]]:
    chars = ALPHABET if not newlines else st.one_of(ALPHABET, st.just("\n"))
    text = draw(st.text(chars, max_size=40))
    n = len(text)
    marks = []
    for _ in range(draw(st.integers(0, 6))):
        kind = draw(KINDS)
        start = draw(st.integers(-2, n + 2))
        end = draw(st.integers(-2, n + 2))
        marks.append(Mark(kind, start, end, draw(HREFS) if kind == "link" else ""))
    return text, marks


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(marked_text())
def test_html_is_well_formed_and_keeps_text_and_marks(case: tuple[str, list[Mark]]) -> None:
    text, marks = case
    html = marks_html(text, marks)
    root = parse_xhtml(html)  # raises unless well-formed
    chars = char_marks(root)
    assert "".join(ch for ch, _ in chars) == text
    assert [a for _, a in chars] == expected_marks(text, marks)
    for _, active in chars:
        assert all(kind != "link" or href.startswith(("http", "mailto:")) for kind, href in active)
    # the sanitizer has nothing to take away
    assert char_marks(parse_xhtml(sanitize_fragment(html))) == chars


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(marked_text(newlines=False))
def test_markdown_reads_back_as_the_same_text_and_marks(case: tuple[str, list[Mark]]) -> None:
    text, marks = case
    out = md_inline(text, marks, 0, len(text))
    assert "\n" not in out
    root = lxml.html.fragment_fromstring(commonmark(out) or "<p></p>", create_parent="div")
    chars = [(ch, a) for ch, a in char_marks(root) if ch != "\n"]  # the "\n" after </p>
    assert "".join(ch for ch, _ in chars) == text.strip(" \t\n\xa0\u2003")
    # whitespace may move across a mark's edge; every other character keeps its marks
    lead = len(text) - len(text.lstrip(" \t\n\xa0\u2003"))
    expected = expected_marks(text, marks)[lead:]
    assert [a for ch, a in chars if not ch.isspace()] == [
        e for ch, e in zip(text[lead:], expected, strict=False) if not ch.isspace()
    ]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(marked_text(), st.sampled_from(["paragraph", "quote", "list_item", "heading"]))
def test_markdown_blocks_keep_their_lines_and_marks(
    case: tuple[str, list[Mark]], kind: str
) -> None:
    text, marks = case
    root = lxml.html.fragment_fromstring(
        commonmark(block_markdown(Block(kind, text, tuple(marks)))) or "<p></p>",
        create_parent="div",
    )
    chars = char_marks(root)
    lines = [line.strip(" \t\xa0\u2003") for line in text.split("\n")]
    if kind == "heading":
        lines = [" ".join(text.split())]  # a heading is one line
    shown = "".join(ch for ch, _ in chars).split("\n")
    assert [s.strip(" \t\xa0\u2003") for s in shown if s.strip()] == [s for s in lines if s]
    expected = expected_marks(text, marks)
    assert [a for ch, a in chars if not ch.isspace()] == [
        e for ch, e in zip(text, expected, strict=True) if not ch.isspace()
    ]
