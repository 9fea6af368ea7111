"""Every export format keeps the story text, notes and scene breaks; each escapes what it must.

Texts here are written for these tests (no fixture text is copied).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from lxml import etree

from crawler.models import Block, Note
from search_cli.export import FORMATS, export_anthology, export_work
from search_cli.export.markdown import md_escape
from tests.export_works import (
    NOTE_AFTER,
    NOTE_BEFORE,
    PARAS_1,
    PARAS_2,
    SUMMARY,
    WORK_END_NOTE,
    WORK_NOTE,
    make_work,
    output_text,
    squash,
)

# -- every format -------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_paragraph_note_and_scene_break_survives(tmp_path: Path, fmt: str) -> None:
    raw = output_text(export_work(make_work(), fmt, tmp_path))
    text = squash(raw)
    for para in PARAS_1 + PARAS_2:
        assert para in text
    for note in (NOTE_BEFORE, NOTE_AFTER, WORK_NOTE, WORK_END_NOTE, SUMMARY):
        assert note in text
    breaks = {
        "epub": 'class="scene-break"',
        "html": 'class="scene-break"',
        "md": "\n* * *\n",
        "txt": "\n" + " " * 33 + "* * *\n",
        "json": '"type": "scene_break"',
    }[fmt]
    assert raw.count(breaks) == 2


@pytest.mark.parametrize("fmt", FORMATS)
def test_notes_false_leaves_notes_out_but_keeps_summary(tmp_path: Path, fmt: str) -> None:
    text = squash(output_text(export_work(make_work(), fmt, tmp_path, notes=False)))
    for note in (NOTE_BEFORE, NOTE_AFTER, WORK_NOTE, WORK_END_NOTE):
        assert note not in text
    assert SUMMARY in text
    assert PARAS_2[1] in text


def test_notes_stand_where_they_stood(tmp_path: Path) -> None:
    text = squash(output_text(export_work(make_work(), "txt", tmp_path)))
    assert text.index("[Author's note] " + NOTE_BEFORE) < text.index(PARAS_1[0])
    assert text.index(PARAS_2[1]) < text.index("[End notes] " + NOTE_AFTER)
    assert text.index(NOTE_AFTER) < text.index(WORK_END_NOTE)
    md = output_text(export_work(make_work(), "md", tmp_path))
    assert f"> **Author's note:** {md_escape(NOTE_BEFORE)}" in md


# -- one format each ----------------------------------------------------------------------


def test_html_escapes_markup_and_loads_nothing(tmp_path: Path) -> None:
    work = make_work(title="<script>alert(1)</script>")
    work.chapters[0].blocks.append(Block("paragraph", "<script>alert(1)</script> and more"))
    work.chapters[0].blocks.append(Block("paragraph", "<img src=x onerror=alert(1)>"))
    work.chapters[0].blocks.append(Block("image", "https://example.org/tracker.png"))
    work.chapters[0].notes.append(Note("disclaimer", "before", "<iframe src=//evil>"))
    html = output_text(export_work(work, "html", tmp_path))
    lowered = html.lower()
    for bad in ("<script", "<img", "<iframe"):
        assert bad not in lowered
    assert re.search(r"<[^>]*\b(src|onerror)=", lowered) is None
    assert "&lt;script&gt;alert(1)&lt;/script&gt; and more" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "[Image: https://example.org/tracker.png]" in html
    assert "Content-Security-Policy" in html and "<style>" in html
    assert re.search(r"<(link|iframe|object|embed)\b", lowered) is None
    etree.fromstring(html.split("\n", 1)[1].encode())  # well-formed XHTML too


def test_markdown_escapes_line_starts_in_story_text(tmp_path: Path) -> None:
    work = make_work()
    work.chapters[0].blocks = [
        Block("paragraph", "* * *"),
        Block("paragraph", "# 1"),
        Block("paragraph", "1. not a list"),
        Block("paragraph", "> not a quote"),
        Block("paragraph", "- not a bullet"),
        Block("scene_break"),
    ]
    md = output_text(export_work(work, "md", tmp_path))
    lines = md.splitlines()
    for literal in (r"\* \* \*", r"\# 1", r"1\. not a list", r"\> not a quote", r"\- not a bullet"):
        assert literal in lines
    assert lines.count("* * *") == 2  # the real breaks: one per chapter
    assert "# 1" not in lines


def test_json_is_the_show_json_shape(tmp_path: Path) -> None:
    work = make_work()
    data = json.loads(export_work(work, "json", tmp_path).read_text(encoding="utf-8"))
    assert data == work.to_dict()
    bare = json.loads(export_work(work, "json", tmp_path / "bare", notes=False).read_text())
    assert bare["notes"] == [] and all(c["notes"] == [] for c in bare["chapters"])
    assert bare["summary"] == SUMMARY


def test_json_lines_anthology_has_one_work_per_line(tmp_path: Path) -> None:
    works = [make_work(), make_work("ffn:9", "Line\u2028Separator")]
    path = export_anthology(works, "json", tmp_path / "all.jsonl")
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["id"] for line in lines] == ["ao3:1234567", "ffn:9"]


@pytest.mark.parametrize("fmt", ["html", "md", "txt"])
def test_text_anthologies_hold_both_works_in_order(tmp_path: Path, fmt: str) -> None:
    works = [make_work(), make_work("ffn:9", "Lighthouse Keeping")]
    text = squash(output_text(export_anthology(works, fmt, tmp_path / f"all.{fmt}")))
    assert text.index("The Night Ferry") < text.index("Lighthouse Keeping")
    assert text.count(PARAS_2[1]) == 2
