"""Inline marks, what the cleaner removes, text normalization and the note switch.

Marks (crawler.marks) carry emphasis, strong, strike, underline, code and links
over a block's plain text for export; the JSON `text` stays plain.
"""

from __future__ import annotations

import json

import ftfy
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.clean import clean_html, clean_work, normalize_text
from crawler.config import Cleaning, parse_config
from crawler.marks import Mark, collapse_with_marks, marks_of, merge_marks, sentinel
from crawler.models import Block, RawChapter, RawNote, RawWork, Work, WorkMeta
from crawler.normalize import repair

BASE = "https://archiveofourown.org/works/5"


def marked(html: str, base_url: str = BASE) -> list[tuple[str, list[tuple[str, str, str]]]]:
    """Each block's text with its marks as (kind, marked text, href)."""
    return [
        (b.text, [(m.kind, b.text[m.start : m.end], m.href) for m in marks_of(b)])
        for b in clean_html(html, base_url=base_url)
    ]


# --- marks --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("html", "kind"),
    [
        ("<em>x</em>", "em"),
        ("<i>x</i>", "em"),
        ("<cite>x</cite>", "em"),
        ("<strong>x</strong>", "strong"),
        ("<b>x</b>", "strong"),
        ("<s>x</s>", "strike"),
        ("<strike>x</strike>", "strike"),
        ("<del>x</del>", "strike"),
        ("<u>x</u>", "underline"),
        ("<ins>x</ins>", "underline"),
        ("<code>x</code>", "code"),
        ("<sup>x</sup>", "sup"),
        ("<sub>x</sub>", "sub"),
        ('<span style="font-style: italic">x</span>', "em"),
        ('<span style="font-weight:bold">x</span>', "strong"),
        ('<span style="font-weight: 700">x</span>', "strong"),
        ('<span style="text-decoration: underline">x</span>', "underline"),
        ('<span style="text-decoration:line-through">x</span>', "strike"),
    ],
)
def test_inline_mark_kinds(html: str, kind: str) -> None:
    assert marked(f"<p>a {html} b</p>") == [("a x b", [(kind, "x", "")])]


def test_plain_spans_carry_nothing() -> None:
    assert marked('<p>a <span class="x">y</span> <font color="red">z</font></p>') == [("a y z", [])]


def test_marks_trim_whitespace_and_keep_offsets_in_collapsed_text() -> None:
    assert marked("<p>He is <em>out </em>of   his <em> mind</em>.</p>") == [
        ("He is out of his mind.", [("em", "out", ""), ("em", "mind", "")])
    ]


def test_nested_and_adjacent_marks() -> None:
    assert marked("<p><strong>\n<strike>AND ON</strike> THE</strong> DAY</p>") == [
        ("AND ON THE DAY", [("strong", "AND ON THE", ""), ("strike", "AND ON", "")])
    ]
    assert marked("<p><em>a</em><em>b</em> c</p>") == [("ab c", [("em", "ab", "")])]


def test_links_resolve_and_unsafe_ones_drop() -> None:
    html = (
        '<p><a href="/works/1">rel</a> <a href="https://x.example/a">abs</a> '
        '<a href="#fn1">1</a> <a href="javascript:alert(1)">js</a> <a>none</a> '
        '<a href="mailto:a@x.example">mail</a></p>'
    )
    assert marked(html) == [
        (
            "rel abs 1 js none mail",
            [
                ("link", "rel", "https://archiveofourown.org/works/1"),
                ("link", "abs", "https://x.example/a"),
                ("link", "mail", "mailto:a@x.example"),
            ],
        )
    ]
    # without a base a relative link points nowhere: dropped, its text kept
    assert marked('<p><a href="/works/1">rel</a></p>', base_url="") == [("rel", [])]


def test_line_breaks_are_kept_in_the_text() -> None:
    assert marked("<p>Roses are <em>red</em>,<br>violets <b>blue</b>.</p>") == [
        ("Roses are red,\nviolets blue.", [("em", "red", ""), ("strong", "blue", "")])
    ]


def test_a_mark_across_paragraphs_marks_each() -> None:
    assert marked("<em><p>one</p><p>two <b>bold</b></p></em><p>three</p>") == [
        ("one", [("em", "one", "")]),
        ("two bold", [("em", "two bold", ""), ("strong", "bold", "")]),
        ("three", []),
    ]
    assert marked("<p><i>one<br><br>two</i> three</p>") == [
        ("one", [("em", "one", "")]),
        ("two three", [("em", "two", "")]),
    ]


def test_dividers_and_preformatted_carry_no_marks() -> None:
    blocks = clean_html("<p>A</p><p><em>* * *</em></p><p>B</p><pre>x <b>y</b></pre>")
    assert [b.type for b in blocks] == ["paragraph", "scene_break", "paragraph", "preformatted"]
    assert all(marks_of(b) == () for b in blocks)
    assert blocks[-1].text == "x y"


def test_json_text_stays_plain() -> None:
    raw = RawWork(
        "ao3", "5", BASE, WorkMeta(), [RawChapter(1, "", "<p>An <em>emphatic</em> line.</p>")]
    )
    data = clean_work(raw).to_dict()
    (block,) = data["chapters"][0]["blocks"]
    assert block["text"] == "An emphatic line."  # plain: the marks ride beside it
    assert block["marks"] == [{"kind": "em", "start": 3, "end": 11}]
    assert "<" not in json.dumps(data)
    again = Work.from_dict(data).chapters[0].blocks[0]
    assert marks_of(again) == (Mark("em", 3, 11),)


def test_marks_do_not_change_block_equality() -> None:
    (block,) = clean_html("<p>An <em>emphatic</em> line.</p>")
    assert block == Block("paragraph", "An emphatic line.")
    assert marks_of(block) == (Mark("em", 3, 11),)
    assert Mark("link", 0, 2, "https://x.example").to_dict() == {
        "kind": "link",
        "start": 0,
        "end": 2,
        "href": "https://x.example",
    }


def test_combining_accent_split_by_a_mark_is_still_nfc() -> None:
    (block,) = clean_html("<p>cafe<em>\u0301</em> noir</p>")
    assert block.text == "café noir"
    (block,) = clean_html("<p>caf<em>e\u0301</em></p>")
    assert block.text == "café" and marks_of(block) == (Mark("em", 3, 4),)


def test_private_use_sentinels_in_the_source_give_no_marks() -> None:
    (block,) = clean_html("<p>icon \U000f0001 here <em>x</em></p>")
    assert block.text == "icon \U000f0001 here x"
    assert marks_of(block) == ()


def test_collapse_with_marks_carries_open_marks() -> None:
    specs = [("em", ""), ("strong", "")]
    raw = f"  a {sentinel(1)}b  c{sentinel(0, closing=True)} d {sentinel(2)} "
    text, marks, still_open = collapse_with_marks(raw, [0], specs + [("u", "")], normalize_text)
    assert text == "a b c d"
    assert marks == (Mark("em", 0, 5), Mark("strong", 2, 7))
    assert still_open == [1, 2]  # strong, and the mark opened at the very end
    assert merge_marks([Mark("em", 4, 6), Mark("em", 0, 4), Mark("em", 8, 9)]) == (
        Mark("em", 0, 6),
        Mark("em", 8, 9),
    )


# --- removed ------------------------------------------------------------------


def texts(html: str) -> list[str]:
    return [b.text or b.type for b in clean_html(html)]


@pytest.mark.parametrize(
    "noise",
    [
        "<script>var x = 'story?';</script>",
        "<style>#workskin .chat { color: red }</style>",
        '<link rel="stylesheet" href="/skin.css">',
        "<noscript>Please enable JavaScript</noscript>",
        '<h3 class="landmark heading">Chapter Text</h3>',
        "<h3>Work Text:</h3>",
        '<h6 class="landmark heading">Tags</h6>',
        '<ul class="navigation actions"><li><a href="/">Next Chapter</a></li></ul>',
        "<nav><a href='/'>Home</a></nav>",
        '<ul role="navigation"><li>Entire Work</li></ul>',
        '<div class="share"><a href="#">Share</a></div>',
        '<div id="kudos"><p>a, b and 3 guests left kudos on this work!</p></div>',
        '<div id="feedback"><p>Leave kudos</p></div>',
        '<div id="comments_placeholder"><p>Comment by reader</p></div>',
        '<form action="/kudos"><input type="submit" value="Kudos ♥"></form>',
        "<button>Follow/Fav</button>",
        '<select name="chapter"><option>1. Chapter one</option></select>',
        '<iframe src="https://ads.example/"></iframe>',
        "<!-- a comment -->",
        '<img src="https://stats.example/p.gif" width="1" height="1">',
        '<img src="https://x.example/a.gif" style="display:none">',
        '<img src="https://counter.example/pixel.png">',
        '<img src="https://x.example/spacer.gif" width="0">',
    ],
)
def test_noise_is_removed(noise: str) -> None:
    assert texts(f"<p>Story.</p>{noise}<p>More.</p>") == ["Story.", "More."]


def test_images_are_kept_as_references() -> None:
    assert texts('<p>A</p><img src="https://x.example/map.png" width="600"><p>B</p>') == [
        "A",
        "https://x.example/map.png",
        "B",
    ]


def test_headings_quotes_lists_pre_kept_as_their_types() -> None:
    html = (
        "<h2>Part One</h2><blockquote><p>Quoted.</p></blockquote>"
        "<ol><li>first</li></ol><pre>  a   b</pre>"
    )
    assert [(b.type, b.text) for b in clean_html(html)] == [
        ("heading", "Part One"),
        ("quote", "Quoted."),
        ("list_item", "first"),
        ("preformatted", "  a   b"),
    ]


def test_stray_markup_lxml_moves_into_head_is_kept() -> None:
    assert texts("<script>x()</script><td>kept</td>") == ["kept"]


def test_lone_surrogates_do_not_break_the_parser() -> None:
    assert texts("<p>a\ud800b</p>") == ["a\ufffdb"]


# --- text ---------------------------------------------------------------------


FAST_PATH = st.text(
    st.sampled_from(
        [chr(c) for c in range(0x20, 0x7F)]
        + list("\t\n\u00a0\u2013\u2014\u2018\u2019\u201c\u201d\u2026")
    ),
    max_size=80,
)


@settings(max_examples=300, deadline=None)
@given(FAST_PATH)
def test_ftfy_changes_nothing_the_fast_path_skips(text: str) -> None:
    """Text made only of ASCII and typographic punctuation skips ftfy: ftfy would
    have left it alone (the mojibake it repairs needs other characters)."""
    assert repair(text) == text
    assert ftfy.fix_text(text, uncurl_quotes=False, unescape_html=False) == text


@pytest.mark.parametrize(
    ("text", "fixed"),
    [
        ("dÃ©jÃ  vu", "déjà vu"),
        ("doesnâ€™t", "doesn’t"),
        ("â€œquotedâ€\x9d", "“quoted”"),
        ("ï¬\x81x", "fix"),
        ("e\u0301", "é"),
        ("soft\u00adhyphen zero\u200bwidth\ufeff", "softhyphen zerowidth"),
    ],
)
def test_slow_path_repairs(text: str, fixed: str) -> None:
    assert normalize_text(text) == fixed


def test_word_count_is_the_body_only() -> None:
    raw = RawWork(
        "ffn",
        "1",
        "https://www.fanfiction.net/s/1",
        WorkMeta(),
        [
            RawChapter(
                1,
                "",
                "<p>A/N: these five words aside.</p><p>One two three.</p><hr><p>Four five.</p>"
                "<p>Disclaimer: not mine, never was.</p>",
                [RawNote("chapter_note", "before", "<p>Site note words here.</p>")],
            )
        ],
        summary_html="<p>Summary words do not count.</p>",
    )
    work = clean_work(raw)
    assert work.words == 5
    assert work.to_dict()["words"] == 5


# --- the switch ---------------------------------------------------------------


def test_config_switch_for_body_notes() -> None:
    assert Cleaning().detect_body_notes is True
    config = parse_config({"cleaning": {"detect_body_notes": False}})
    raw = RawWork("ffn", "1", "u", WorkMeta(), [RawChapter(1, "", "<p>A/N: hi</p><p>Story.</p>")])
    on = clean_work(raw).chapters[0]
    off = clean_work(raw, detect_body_notes=config.cleaning.detect_body_notes).chapters[0]
    assert [n.kind for n in on.notes] == ["author_note"] and len(on.blocks) == 1
    assert off.notes == [] and [b.text for b in off.blocks] == ["A/N: hi", "Story."]


def test_mark_vocabulary() -> None:
    from crawler.marks import MARK_KINDS, TAG_KINDS

    assert set(TAG_KINDS.values()) | {"link"} == set(MARK_KINDS)
