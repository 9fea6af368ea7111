"""The allowlist every HTML and EPUB page passes through: what must go, what must stay."""

from __future__ import annotations

import lxml.html
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.models import Block, Chapter, Note, Work, WorkMeta
from search_cli.export.html import render_html
from search_cli.export.sanitize import ALLOWED_TAGS, safe_href, sanitize_fragment

HEAD_TAGS = {"html", "head", "meta", "title", "style", "body"}


def assert_safe(markup: str, *, document: bool = False) -> None:
    """Only allowlisted tags; no event handlers, inline styles or unsafe links."""
    root = lxml.html.document_fromstring(markup) if document else None
    if root is None:
        root = lxml.html.fragment_fromstring(markup or "", create_parent="div")
    body = root.find("body") if document else root
    for el in body.iter():
        if not isinstance(el.tag, str):
            raise AssertionError(f"comment or PI survived: {el!r}")
        assert el.tag in ALLOWED_TAGS | {"div", "body"}, el.tag
        for name, value in el.attrib.items():
            assert not name.lower().startswith("on"), name
            assert name != "style"
            if name == "href":
                assert value.startswith(("#", "http://", "https://")), value
    if document:
        head = [el.tag for el in root.find("head").iter()]
        assert set(head) <= HEAD_TAGS, head
    lowered = markup.lower()
    for needle in ("<script", "<iframe", "<img", "<object", "<embed", "<svg", "<link"):
        assert needle not in lowered


def test_code_embeds_and_fetches_go_with_their_content() -> None:
    out = sanitize_fragment(
        "<p>kept</p><script>alert(1)</script><style>p{}</style>"
        "<iframe src='//evil'>inside</iframe><object data=x>obj</object>"
        "<svg onload=alert(1)><circle/></svg><img src=x onerror=alert(1)>after"
    )
    assert out == "<p>kept</p>after"


def test_event_handlers_styles_and_unknown_attributes_are_dropped() -> None:
    out = sanitize_fragment(
        '<p onclick="x()" OnMouseOver="y()" style="background:url(http://t/x)" '
        'data-x="1" class="note" id="c1" lang="de">text</p>'
    )
    assert out == '<p class="note" id="c1" lang="de">text</p>'


def test_only_http_links_and_fragments_keep_their_href() -> None:
    hostile = [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "java\nscript:alert(1)",
        "\x01javascript:alert(1)",
        "vbscript:msgbox(1)",
        "data:text/html,<script>alert(1)</script>",
        "file:///etc/passwd",
        "//evil.example/x",
        "http:alert(1)",
        "chapter_002.xhtml",
    ]
    for href in hostile:
        assert safe_href(href) is None, href
        assert sanitize_fragment(f'<a href="{href}">x</a>') == "<a>x</a>"
    for href in ("https://archiveofourown.org/works/1", "http://example.org/?a=1&b=2", "#c2"):
        assert safe_href(href) == href
    assert sanitize_fragment('<a href="#c2">2</a>') == '<a href="#c2">2</a>'


def test_harmless_unknown_tags_are_unwrapped_text_kept() -> None:
    out = sanitize_fragment("<font color=red>red <em>and</em></font> <center>mid</center><!--c-->")
    assert out == "red <em>and</em> mid"


def test_not_well_formed_markup_is_read_as_a_browser_would() -> None:
    out = sanitize_fragment("<p>open <b>bold<p>next<script>x</script><img src=x onerror=y>")
    assert "script" not in out and "onerror" not in out and "img" not in out
    assert "open" in out and "bold" in out and "next" in out


def test_allowed_structure_survives_unchanged() -> None:
    fragment = (
        '<h2 id="c1">Chapter 1</h2>\n<aside class="note note-author_note">'
        '<p class="note-label">Note</p><p>a<br/>b</p></aside>\n'
        '<p class="scene-break" role="separator">◊ ◊ ◊</p>\n<p></p><ul><li>x</li></ul>'
    )
    assert sanitize_fragment(fragment) == fragment


def test_empty_elements_never_self_close() -> None:
    # "<p/>" in an HTML page opens a paragraph that swallows what follows.
    assert sanitize_fragment("<p></p><aside></aside><br/>") == "<p></p><aside></aside><br/>"


TAGS = ["p", "a", "script", "img", "iframe", "em", "svg", "style", "font", "aside", "object"]
ATTRS = ["onerror", "onclick", "href", "src", "style", "class", "ONLOAD", "xlink:href"]
VALUES = ["javascript:alert(1)", "https://ok.example/", "#c1", "x", " java\tscript:1", ""]


@st.composite
def markup(draw: st.DrawFn) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 12))):
        tag = draw(st.sampled_from(TAGS))
        attrs = "".join(
            f' {draw(st.sampled_from(ATTRS))}="{draw(st.sampled_from(VALUES))}"'
            for _ in range(draw(st.integers(0, 3)))
        )
        inner = draw(st.text(alphabet="ab <>&\"'/=", max_size=8))
        close = draw(st.sampled_from([f"</{tag}>", "", "/>"]))
        parts.append(f"<{tag}{attrs}>{inner}{close}")
    return "".join(parts)


@settings(max_examples=300, deadline=None)
@given(markup())
def test_any_markup_comes_out_safe(fragment: str) -> None:
    assert_safe(sanitize_fragment(fragment))


@settings(max_examples=100, deadline=None)
@given(
    texts=st.lists(st.text(), min_size=1, max_size=5),
    title=st.text(),
    markup_text=markup(),
)
def test_any_story_text_gives_a_safe_html_page(
    texts: list[str], title: str, markup_text: str
) -> None:
    blocks = [Block(kind, t) for t in texts for kind in ("paragraph", "quote", "image")]
    blocks.append(Block("paragraph", markup_text))
    work = Work(
        "ao3:1",
        "ao3",
        markup_text,
        WorkMeta(title=title, authors=[markup_text]),
        summary=markup_text,
        notes=[Note("work_note", "before", markup_text)],
        chapters=[Chapter(1, markup_text, blocks, [Note("end_note", "after", texts[0])])],
    )
    assert_safe(render_html(work), document=True)
