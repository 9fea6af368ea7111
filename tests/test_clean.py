"""crawler.clean: the orchestrator (RawWork -> Work), notes -> text, and text normalisation.

HTML bodies -> blocks are tested in test_clean_html_blocks.py, plain text in
test_clean_text_blocks.py.
"""

from __future__ import annotations

import pytest

from crawler.clean import clean_work, html_to_text, normalize_text
from crawler.models import Block, RawChapter, RawNote, RawWork, WorkMeta

P = "paragraph"


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
