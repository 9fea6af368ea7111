"""Embedded media, unclosed containers, form controls and fallback text keep every word.

Each case says what must stay (every word after the construct, fallback and
control text) and what becomes a `media` placeholder block. lxml nests the
rest of a chapter inside a void `<embed>` or an unclosed `<object>`, `<form>`,
`<video>`…, and keeps what follows an unclosed `<iframe>` or `<textarea>` as
raw text: none of it may be lost.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.clean import clean_html, clean_work
from crawler.damage import damage
from crawler.html_blocks import safe_src
from crawler.models import Block, Chapter, RawChapter, RawWork, Work, WorkMeta
from search_cli.export import FORMATS, export_work
from tests.export_works import make_work, output_text

PARSERS = ["lxml", "html.parser"]
AFTER = "<p>The story goes on after it.</p><p>And ends here.</p>"
AFTER_TEXTS = ["The story goes on after it.", "And ends here."]
MP3 = "https://x.example/podfic.mp3"


def media(kind: str, src: str = "") -> Block:
    return Block("media", kind=kind, src=src)


def shape(blocks: list[Block]) -> list[object]:
    """Text blocks as their text, media as (kind, src), breaks as their type."""
    return [(b.kind, b.src) if b.type == "media" else (b.text or b.type) for b in blocks]


CASES = {
    "embed": (f'<p>Before.</p><embed src="{MP3}">{AFTER}', ["Before.", ("embed", MP3)]),
    "embed closed": (
        f'<p>Before.</p><embed src="{MP3}"></embed>{AFTER}',
        ["Before.", ("embed", MP3)],
    ),
    "object with fallback": (
        '<object data="https://x.example/p.swf">Your reader cannot play this.</object>' + AFTER,
        [("object", "https://x.example/p.swf"), "Your reader cannot play this."],
    ),
    "object unclosed": (
        '<p>Before.</p><object data="https://x.example/p.swf">Fallback words.' + AFTER,
        ["Before.", ("object", "https://x.example/p.swf"), "Fallback words."],
    ),
    "form unclosed": ("<p>Before.</p><form>" + AFTER, ["Before."]),
    "svg unclosed": (
        '<p>Before.</p><svg width="10"><text>A drawn word.</text>' + AFTER,
        ["Before.", ("svg", ""), "A drawn word."],
    ),
    "video unclosed": (
        '<p>Before.</p><video src="https://x.example/v.mp4">' + AFTER,
        ["Before.", ("video", "https://x.example/v.mp4")],
    ),
    "video source child": (
        '<video controls><source src="https://x.example/v.webm">No video here.</video>' + AFTER,
        [("video", "https://x.example/v.webm"), "No video here."],
    ),
    "source and track unclosed": (
        '<p>Before.</p><video><source src="https://x.example/v.webm"><track>' + AFTER,
        ["Before.", ("video", "https://x.example/v.webm")],
    ),
    "audio with fallback": (
        f'<audio src="{MP3}">Download the podfic instead.</audio>' + AFTER,
        [("audio", MP3), "Download the podfic instead."],
    ),
    "noscript unclosed": ("<p>Before.</p><noscript>" + AFTER, ["Before."]),
    "noscript with story": (
        "<noscript><p>A hidden line.</p></noscript>" + AFTER,
        ["A hidden line."],
    ),
    "iframe unclosed": (
        '<p>Before.</p><iframe src="https://x.example/player">' + AFTER,
        ["Before.", ("iframe", "https://x.example/player")],
    ),
    "textarea unclosed": ("<p>Before.</p><textarea>" + AFTER, ["Before."]),
    "textarea text": ("<textarea>Dear diary, today</textarea>" + AFTER, ["Dear diary, today"]),
    "canvas with fallback": (
        "<canvas>A map of the town.</canvas>" + AFTER,
        [("canvas", ""), "A map of the town."],
    ),
    "button": ("<p>She pressed <button>Self Destruct</button> twice.</p>" + AFTER, []),
    "option and label": (
        "<label>Your answer:</label><select><option>Yes</option><option>No</option></select>"
        + AFTER,
        ["Your answer:", "Yes", "No"],
    ),
}


@pytest.mark.parametrize("parser", PARSERS)
@pytest.mark.parametrize("case", list(CASES))
def test_construct_keeps_every_word_after_it(case: str, parser: str) -> None:
    html, before = CASES[case]
    got = shape(clean_html(html, parser=parser))
    if case == "button":
        before = ["She pressed Self Destruct twice."]
    assert got == [*before, *AFTER_TEXTS]


def test_every_construct_unclosed_one_inside_the_next_loses_nothing() -> None:
    html = (
        f'<p>one</p><embed src="{MP3}"><p>two</p><object data="{MP3}">three<form><p>four</p>'
        '<svg><p>five</p><video src="https://x.example/v.mp4"><noscript><p>six</p>'
        '<iframe src="https://x.example/f"><p>seven</p><textarea><p>eight</p>'
    )
    for parser in PARSERS:
        blocks = clean_html(html, parser=parser)
        words = " ".join(b.text for b in blocks).split()
        assert words == ["one", "two", "three", "four", "five", "six", "seven", "eight"]
        kinds = [b.kind for b in blocks if b.type == "media"]
        assert kinds == ["embed", "object", "svg", "video", "iframe"]


def work_of(html: str) -> RawWork:
    return RawWork(
        "ao3",
        "1",
        "https://archiveofourown.org/works/1",
        WorkMeta(title="Podfic"),
        [RawChapter(1, "", html)],
    )


def test_a_chapter_that_starts_with_embed_is_kept_not_refused() -> None:
    work = clean_work(work_of(f'<embed src="{MP3}"><p>Read along with the podfic.</p>'))
    assert work.chapters[0].blocks == [
        media("embed", MP3),
        Block("paragraph", "Read along with the podfic."),
    ]
    assert damage(work, []) is None
    assert work.words == 5  # the placeholder holds no words


def test_a_podfic_post_with_only_a_player_is_a_story() -> None:
    work = clean_work(work_of(f'<audio controls src="{MP3}"></audio>'))
    assert work.chapters[0].blocks == [media("audio", MP3)]
    assert damage(work, []) is None


def test_an_object_and_its_embed_for_one_player_are_one_block() -> None:
    html = (
        '<object width="425"><param name="movie" value="https://x.example/v/1">'
        '<embed src="https://x.example/v/1" type="application/x-shockwave-flash"></embed>'
        "</object><p>After.</p>"
    )
    assert clean_html(html) == [
        media("object", "https://x.example/v/1"),
        Block("paragraph", "After."),
    ]


@pytest.mark.parametrize(
    ("src", "base", "kept"),
    [
        (MP3, "", MP3),
        ("  https://x.example/a b.mp3\n", "", "https://x.example/a b.mp3"),
        ("//x.example/a.mp3", "", "https://x.example/a.mp3"),
        (
            "/audio/a.mp3",
            "https://archiveofourown.org/works/1",
            "https://archiveofourown.org/audio/a.mp3",
        ),
        ("/audio/a.mp3", "", ""),
        ("javascript:alert(1)", "https://archiveofourown.org/works/1", ""),
        ("java\nscript:alert(1)", "", ""),
        ("data:audio/mp3;base64,AAAA", "", ""),
        ("file:///etc/passwd", "", ""),
        ("http://[", "", ""),
        ("https://x.example/\x00a", "", ""),
        ("", "", ""),
    ],
)
def test_media_sources_keep_only_http_addresses(src: str, base: str, kept: str) -> None:
    assert safe_src(src, base) == kept


def test_unsafe_source_still_gives_a_placeholder_without_it() -> None:
    blocks = clean_html('<iframe src="javascript:alert(1)"></iframe><p>After.</p>')
    assert blocks == [media("iframe"), Block("paragraph", "After.")]


@pytest.mark.parametrize(
    "chrome",
    [
        '<iframe src="https://ads.example/slot"></iframe>',
        '<iframe src="https://x.example/frame" width="0" height="0"></iframe>',
        '<embed src="https://x.example/a.swf" style="display:none">',
        "<noscript>Please enable JavaScript to view the comments.</noscript>",
        "<button>Follow/Fav</button>",
        "<button>Kudos ♥</button>",
        '<select id="chap_select" name="chapter"><option>1. Part one</option></select>',
        '<form action="/users/login"><label>Username or email:</label><textarea>x</textarea>'
        "<button>Log in</button></form>",
    ],
)
def test_site_chrome_controls_and_ad_frames_still_go(chrome: str) -> None:
    assert shape(clean_html(f"<p>Story.</p>{chrome}{AFTER}")) == ["Story.", *AFTER_TEXTS]


def test_a_site_form_left_open_drops_its_controls_not_the_story() -> None:
    html = '<form action="/works/1/kudos"><button>Kudos</button><input value="x">' + AFTER
    assert shape(clean_html(html)) == AFTER_TEXTS


def test_a_long_noscript_is_story_even_when_it_names_javascript() -> None:
    story = "She wrote JavaScript all night. " * 20
    assert shape(clean_html(f"<noscript><p>{story}</p>{AFTER}")) == [story.strip(), *AFTER_TEXTS]


def test_media_block_json_shape_round_trips() -> None:
    block = media("embed", MP3)
    assert block.to_dict() == {"type": "media", "text": "", "kind": "embed", "src": MP3}
    assert Block.from_dict(block.to_dict()) == block
    assert not block.is_text
    chapter = Chapter(1, "", [block, Block("paragraph", "two words")])
    assert chapter.text == "two words" and chapter.words == 2
    assert Block.from_dict({"type": "paragraph", "text": "old"}) == Block("paragraph", "old")


def work_with_media() -> Work:
    work = make_work()
    work.chapters[0].blocks[1:1] = [media("embed", MP3), media("svg")]
    return work


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_export_takes_a_media_block(fmt: str, tmp_path: Path) -> None:
    text = output_text(export_work(work_with_media(), fmt, tmp_path))
    assert "Mira counted the crates twice" in text
