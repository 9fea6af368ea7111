"""crawler.clean: HTML and plain text -> blocks, notes -> text, RawWork -> Work."""

from __future__ import annotations

import re
from collections import Counter
from itertools import pairwise

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.clean import clean_html, clean_text, clean_work, html_to_text, normalize_text
from crawler.dividers import is_divider_text
from crawler.models import Block, RawChapter, RawNote, RawWork, WorkMeta
from crawler.notes import split_body_notes
from tests.conftest import shared_fixture

P, BREAK = "paragraph", Block("scene_break")


def texts(blocks: list[Block]) -> list[str]:
    return [b.text if b.type == P else b.type for b in blocks]


# --- normalize_text -----------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("dÃ©jÃ  vu", "déjà vu"),
        ("it doesnâ€™t", "it doesn’t"),
        ("“curly” — kept", "“curly” — kept"),
        ("e\u0301", "é"),  # NFC
        ("  a \t\t b  ", "a b"),
        ("soft\u00adhyphen", "softhyphen"),
        ("zero\u200bwidth\u200c\u200d\u2060\ufeff", "zerowidth"),
        ("line one \n  line two", "line one\nline two"),
        ("a\u00a0\u00a0b", "a b"),
        ("&lt;b&gt;", "&lt;b&gt;"),  # already-parsed text is not unescaped twice
    ],
)
def test_normalize_text(raw: str, clean: str) -> None:
    assert normalize_text(raw) == clean


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
    <style>p { color: red }</style><script>alert(1)</script><noscript>enable js</noscript>
    <p>Story.</p><form><input value="x"><button>Kudos</button></form>
    <iframe src="x"></iframe><ul class="actions"><li>Next Chapter</li></ul>
    <div id="feedback"><p>Leave kudos</p></div><div class="share">Share</div>
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


# --- clean_text ---------------------------------------------------------------


def test_text_blank_line_paragraphs() -> None:
    text = "First para\nstill first.\n\nSecond.\n\n\n\nThird.\n"
    assert texts(clean_text(text)) == ["First para\nstill first.", "Second.", "Third."]


def test_text_one_paragraph_per_line() -> None:
    text = "\n".join(f"Line number {i} of the story." for i in range(12))
    assert len(clean_text(text)) == 12
    assert texts(clean_text("One.\nTwo.\nThree.")) == ["One.", "Two.", "Three."]


def test_text_hard_wrapped_paragraphs_are_unwrapped() -> None:
    line = "word " * 14  # ~70 columns
    text = f"{line}\n{line}\nend of one.\n\n{line}\n{line}\nend of two.\n"
    blocks = clean_text(text)
    assert len(blocks) == 2
    assert "\n" not in blocks[0].text and blocks[0].text.endswith("end of one.")


def test_text_dividers() -> None:
    text = "A.\n\n* * *\n\nB.\n\nScene break\n\nC.\n\n-\n\nD."
    assert texts(clean_text(text)) == [
        "A.",
        "scene_break",
        "B.",
        "scene_break",
        "C.",
        "scene_break",
        "D.",
    ]


def test_text_crlf_and_edges() -> None:
    assert texts(clean_text("~~~\r\n\r\nA.\r\n\r\n***\r\n\r\nB.\r\n\r\n***\r\n")) == [
        "A.",
        "scene_break",
        "B.",
    ]


def test_seed_story_blocks(seed_story) -> None:
    blocks = clean_text(seed_story.read_text(encoding="utf-8"))
    assert sum(b.type == "scene_break" for b in blocks) == 3
    assert blocks[0].type == P and blocks[-1].type == P
    assert not any(b.type == "scene_break" for b in (blocks[0], blocks[-1]))
    assert not any("¸" in b.text or "ø" in b.text for b in blocks)
    assert any("déjà vu" in b.text for b in blocks)


# --- html_to_text -------------------------------------------------------------


def test_html_to_text() -> None:
    assert html_to_text("<p>One <b>bold</b>.</p><p>Two.</p>") == "One bold.\n\nTwo."
    assert (
        html_to_text("<blockquote class='userstuff'><p>A</p><ul><li>B</li></ul></blockquote>")
        == "A\n\nB"
    )
    assert html_to_text("") == ""
    assert html_to_text("<p> </p>") == ""
    assert html_to_text("Plain &amp; simple\n\nsecond") == "Plain & simple\n\nsecond"
    assert html_to_text('<p>A</p><hr><p><img src="x.png"></p>') == "A"


# --- clean_work ---------------------------------------------------------------


def raw_work(**chapter) -> RawWork:
    return RawWork(
        site="ao3",
        site_id="123",
        url="https://archiveofourown.org/works/123",
        meta=WorkMeta(title="T", authors=["a"]),
        chapters=[RawChapter(**chapter)],
        summary_html="<p>The <i>summary</i>.</p>",
        notes=[
            RawNote("work_note", "before", "<p>Work note.</p>"),
            RawNote("end_note", "after", "<p> </p>"),
        ],
    )


def test_clean_work() -> None:
    raw = raw_work(
        number=1,
        title="One",
        html="<p>Disclaimer: not mine.</p><p>Story.</p><hr><p>More.</p><p>A/N: bye</p><p>really</p>",
        notes=[
            RawNote("chapter_note", "before", "<p>Site note.</p>"),
            RawNote("end_note", "after", "<p>Site end.</p>"),
        ],
    )
    work = clean_work(raw)
    assert (work.id, work.site, work.url) == ("ao3:123", "ao3", raw.url)
    assert work.meta == raw.meta and work.meta is not raw.meta
    assert work.summary == "The summary."
    assert [(n.kind, n.text) for n in work.notes] == [("work_note", "Work note.")]
    ch = work.chapters[0]
    assert (ch.number, ch.title) == (1, "One")
    assert texts(ch.blocks) == ["Story.", "scene_break", "More."]
    assert [(n.kind, n.position, n.text) for n in ch.notes] == [
        ("chapter_note", "before", "Site note."),
        ("disclaimer", "before", "Disclaimer: not mine."),
        ("author_note", "after", "A/N: bye\n\nreally"),
        ("end_note", "after", "Site end."),
    ]


def test_clean_work_without_body_note_detection() -> None:
    work = clean_work(
        raw_work(number=1, title="", html="<p>A/N: hi</p><p>Story.</p>"), detect_body_notes=False
    )
    assert texts(work.chapters[0].blocks) == ["A/N: hi", "Story."]
    assert work.chapters[0].notes == []


def test_clean_work_plain_text_chapter(seed_story) -> None:
    text = seed_story.read_text(encoding="utf-8")
    work = clean_work(raw_work(number=1, title="", html=text, format="text"))
    ch = work.chapters[0]
    assert sum(b.type == "scene_break" for b in ch.blocks) == 3
    assert [(n.kind, n.position) for n in ch.notes] == [("author_note", "after")]
    assert ch.notes[0].text.endswith("Somehow, I don't think they mind.")


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

LINES = st.lists(
    st.one_of(
        st.text(max_size=40),
        st.sampled_from(
            ["", "", "* * *", "***", "-", "oOo", "Scene break", "A/N: note", "Note: x"]
        ),
        st.sampled_from(["Disclaimer: mine", "(A/N: aside)", "dÃ©jÃ ", "\u00ad", "  ", "\t"]),
    ),
    max_size=30,
)


def word_chars(s: str) -> Counter[str]:
    return Counter(ch for ch in s if ch.isalnum() or ch == "_")


def expected_chars(text: str) -> tuple[Counter[str], Counter[str]]:
    """(chars that must survive, chars that may survive): divider lines may lose theirs."""
    must: Counter[str] = Counter()
    may: Counter[str] = Counter()
    for line in text.splitlines():
        norm = normalize_text(line)
        may += word_chars(norm)
        if not is_divider_text(norm):
            must += word_chars(norm)
    return must, may


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(LINES)
def test_clean_text_properties(lines: list[str]) -> None:
    text = "\n".join(lines)
    blocks = clean_text(text)
    types = [b.type for b in blocks]
    assert not types or (types[0] != "scene_break" and types[-1] != "scene_break")
    assert all(not (a == b == "scene_break") for a, b in pairwise(types))
    assert all(b.text for b in blocks if b.type != "scene_break")

    body, notes = split_body_notes(blocks)
    out = word_chars("".join(b.text for b in body) + "".join(n.text for n in notes))
    must, may = expected_chars(text)
    assert must <= out <= may


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_clean_text_never_raises(text: str) -> None:
    clean_text(text)


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
