"""crawler.html_blocks (through crawler.clean): a chapter body's HTML -> blocks.

One rule at a time on tiny hand-written cases, then the AO3 fixtures' bodies
read in place, then Hypothesis: any tag soup cleans without raising.
"""

from __future__ import annotations

import re
from itertools import pairwise

import pytest
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.clean import clean_html
from crawler.models import Block
from tests.conftest import shared_fixture

P = "paragraph"


def texts(blocks: list[Block]) -> list[str]:
    return [b.text if b.type == P else b.type for b in blocks]


# --- clean_html, one rule at a time -------------------------------------------


def test_paragraphs_and_inline_markup() -> None:
    blocks = clean_html("<p>One <em>two</em>\nthree.</p><p>Four.</p>")
    assert blocks == [Block(P, "One two three."), Block(P, "Four.")]


def test_single_br_is_a_line_break_double_br_a_new_paragraph() -> None:
    blocks = clean_html(
        "<div>Roses are red,<br>violets blue.<br><br>Next one.<br/><br/>Last.</div>"
    )
    assert texts(blocks) == ["Roses are red,\nviolets blue.", "Next one.", "Last."]


def test_loose_text_becomes_paragraphs() -> None:
    assert texts(clean_html("First bit.<p>Inside.</p>Trailing bit.")) == [
        "First bit.",
        "Inside.",
        "Trailing bit.",
    ]


def test_removed_elements() -> None:
    html = """
    <div class="userstuff"><h3 class="landmark heading">Chapter Text</h3>
    <style>p { color: red }</style><script>alert(1)</script><noscript>Please enable JavaScript</noscript>
    <p>Story.</p><form><input value="x"><button>Kudos</button></form>
    <iframe src="https://ads.example/x"></iframe><ul class="actions"><li>Next Chapter</li></ul>
    <div id="feedback"><p>Leave kudos</p></div><div class="share">Share</div>
    <form action="/users/login"><label>Username or email:</label><button>Log in</button></form>
    <!-- a comment --></div>"""
    assert clean_html(html) == [Block(P, "Story.")]


def test_empty_paragraphs_dropped_three_make_a_break() -> None:
    assert texts(clean_html("<p>A</p><p> </p><p>&nbsp;</p><p>B</p>")) == ["A", "B"]
    html = "<p>A</p><p> </p><p>&nbsp;</p><p><br></p><p>B</p>"
    assert texts(clean_html(html)) == ["A", "scene_break", "B"]
    assert texts(clean_html("A<br><br><br><br>B")) == ["A", "scene_break", "B"]
    assert texts(clean_html("A<br><br><br>B")) == ["A", "scene_break", "B"]
    assert texts(clean_html("A<br><br>B")) == ["A", "B"]  # a blank line between paragraphs


@pytest.mark.parametrize(
    "hr",
    [
        "<hr>",
        "<hr/>",
        '<hr class="fancy" style="width:50%">',
        "<p><hr></p>",
        "<center><hr></center>",
    ],
)
def test_hr_is_a_scene_break(hr: str) -> None:
    assert texts(clean_html(f"<p>A</p>{hr}<p>B</p>")) == ["A", "scene_break", "B"]


@pytest.mark.parametrize(
    "img",
    [
        '<img src="/img/divider.png">',
        '<img src="https://x.example/line2.gif">',
        '<img src="a.png" alt="scene break">',
        '<img src="a.png" class="hr">',
        '<img src="fancy_separator.jpg">',
    ],
)
def test_divider_image_is_a_scene_break(img: str) -> None:
    assert texts(clean_html(f"<p>A</p><p>{img}</p><p>B</p>")) == ["A", "scene_break", "B"]


@pytest.mark.parametrize("src", ["https://x.example/online.png", "/img/breakfast.jpg", "cat.png"])
def test_other_image_is_an_image_block(src: str) -> None:
    blocks = clean_html(f'<p>A</p><p align="center"><br><img src="{src}"><br></p><p>B</p>')
    assert blocks == [Block(P, "A"), Block("image", src), Block(P, "B")]


def test_divider_text_paragraph_is_a_scene_break() -> None:
    assert texts(clean_html("<p>A</p><p>* * *</p><p>B</p>")) == ["A", "scene_break", "B"]
    assert texts(clean_html("<p>A</p><p><b>~Break~</b></p><p>B</p>")) == ["A", "scene_break", "B"]


def test_breaks_collapse_and_never_stand_at_the_edges() -> None:
    html = "<hr><p>***</p><p>A</p><p>***</p><hr><p>~~~</p><p>B</p><hr><p>xXx</p>"
    assert texts(clean_html(html)) == ["A", "scene_break", "B"]


def test_lone_dash_between_text_is_a_break() -> None:
    assert texts(clean_html("<p>A</p><p>-</p><p>B</p>")) == ["A", "scene_break", "B"]


def test_lone_dash_elsewhere_is_kept() -> None:
    # at the edge, or beside a real break, it separates nothing: kept as written
    assert texts(clean_html("<p>-</p><p>A</p>")) == ["-", "A"]
    assert texts(clean_html("<p>A</p><p>-</p>")) == ["A", "-"]
    assert texts(clean_html("<p>A</p><p>-</p><hr><p>B</p>")) == ["A", "-", "scene_break", "B"]
    assert texts(clean_html("<p>A</p><p>--</p><p>B</p>")) == ["A", "--", "B"]


def test_block_types() -> None:
    html = """<h2>Part One</h2><blockquote><p>Quoted.</p></blockquote>
    <ul><li>first</li><li>second</li></ul><pre>  code   here\n  two</pre>"""
    assert clean_html(html) == [
        Block("heading", "Part One"),
        Block("quote", "Quoted."),
        Block("list_item", "first"),
        Block("list_item", "second"),
        Block("preformatted", "  code   here\n  two"),
    ]


def test_entities_and_mojibake() -> None:
    assert texts(clean_html("<p>Tom &amp; Jerry&rsquo;s caf&eacute; &lt;3 dÃ©jÃ </p>")) == [
        "Tom & Jerry’s café <3 déjà"
    ]


@pytest.mark.parametrize("html", ["", "   ", "<p></p>", "<div><br><br></div>", "<hr>"])
def test_nothing_in_nothing_out(html: str) -> None:
    assert clean_html(html) == []


def test_markup_that_looks_like_a_url_or_file() -> None:
    # bs4 warns on such input; pytest turns warnings into errors
    assert texts(clean_html("https://example.org/story")) == ["https://example.org/story"]
    assert texts(clean_html("story.html")) == ["story.html"]


def test_deep_nesting_does_not_recurse() -> None:
    html = "<div>" * 3000 + "Deep." + "</div>" * 3000
    assert texts(clean_html(html)) == ["Deep."]


# --- the AO3 fixtures' div.userstuff bodies, read in place --------------------


def userstuff(name: str) -> list[str]:
    soup = BeautifulSoup(shared_fixture(f"ao3/{name}").read_text(encoding="utf-8"), "lxml")
    return [str(div) for div in soup.select("div.userstuff")]


def test_ao3_single_chapter_body() -> None:
    (body,) = userstuff("ao3_work_single_chapter_unlockedWork.html")
    blocks = clean_html(body)
    raw_rules = len(re.findall(r"<p>---</p>", body))
    assert raw_rules > 0
    assert blocks[0].type == P and blocks[-1].type == P
    # "---" around the day headings: each heading stands between two breaks
    heading = next(i for i, b in enumerate(blocks) if b.text.startswith("AND ON THE FIRST DAY"))
    assert blocks[heading - 1].type == blocks[heading + 1].type == "scene_break"
    assert not any(b.text in ("---", "-") for b in blocks)  # lone dashes here sit between prose
    assert not any(b.text == "" and b.type == P for b in blocks)
    assert all(b1.type != "scene_break" or b2.type != "scene_break" for b1, b2 in pairwise(blocks))
    # attributions that begin with a dash are text, not dividers
    assert any(b.text.startswith("- Anne Carson") for b in blocks)
    assert "<" not in "".join(b.text for b in blocks)


def test_ao3_multichapter_bodies() -> None:
    bodies = userstuff("ao3_work_multichapter_full_view_explicit.html")
    assert len(bodies) >= 2
    for body in bodies:
        assert "Chapter Text" in body
        blocks = clean_html(body)
        joined = "\n".join(b.text for b in blocks)
        assert "Chapter Text" not in joined
        assert blocks and all(b.type == P and b.text for b in blocks)
        # <p> </p> between every paragraph is spacing, not a scene break
        assert not any(b.type == "scene_break" for b in blocks)


def test_ao3_chapter_page_body() -> None:
    (body,) = userstuff("ao3_chapter_page_multichapter_in_series.html")
    blocks = clean_html(body)
    assert not any("Chapter Text" in b.text for b in blocks)
    images = [b for b in blocks if b.type == "image"]
    assert images and all(b.text.startswith("http") for b in images)
    code = next(b for b in blocks if b.text.startswith(".blurb:has(a)"))
    assert "\n" in code.text  # <br> inside a paragraph keeps its line break


def test_ao3_whole_page_has_no_style_or_script_text() -> None:
    page = shared_fixture("ao3/ao3_work_single_chapter_unlockedWork.html").read_text(
        encoding="utf-8"
    )
    assert "<style" in page
    joined = "\n".join(b.text for b in clean_html(page))
    assert "{" not in joined or "color:" not in joined
    assert "Chapter Text" not in joined and "Work Text:" not in joined


# --- properties ---------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.text(max_size=20),
            st.sampled_from(
                ["<p>", "</p>", "<br>", "<hr>", "<div>", "</div>", "<img src=x>", "&nbsp;"]
            ),
        ),
        max_size=30,
    )
)
def test_clean_html_never_raises(parts: list[str]) -> None:
    blocks = clean_html("".join(parts))
    types = [b.type for b in blocks]
    assert not types or (types[0] != "scene_break" and types[-1] != "scene_break")
    assert all(not (a == b == "scene_break") for a, b in pairwise(types))
