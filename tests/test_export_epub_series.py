"""EPUB for e-reader libraries: series meta, a cover, notes told apart, summaries kept."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from crawler.models import Note
from index.store import Store
from tests.cli import ficarchive
from tests.epubcheck import assert_clean
from tests.export_works import NOTE_AFTER, WORK_END_NOTE, make_work

OPF = "http://www.idpf.org/2007/opf"
CHAPTER_SUMMARY = "In which the ferry leaves without its captain."
TYPED_NOTE = "A/N: thank you all for waiting so long for this one."


@pytest.fixture
def cfg(tmp_path: Path) -> Path:
    config = tmp_path / "config.toml"
    config.write_text('[archive]\npath = "arch"\n')
    work = make_work()
    work.chapters[0].notes += [
        Note("chapter_summary", "before", CHAPTER_SUMMARY),
        Note("author_note", "before", TYPED_NOTE),
    ]
    with Store(tmp_path / "arch") as store:
        store.save_work(work)
    return config


def _export(cfg: Path, out: Path, *args: str) -> Path:
    run = ficarchive("--config", str(cfg), "export", "--id", "ao3:1234567", "--format", "epub",
                     "--out", str(out), *args)  # fmt: skip
    assert run.code == 0, run.err
    (book,) = out.glob("*.epub")
    return book


def _opf(book: Path) -> etree._Element:
    with zipfile.ZipFile(book) as z:
        name = next(n for n in z.namelist() if n.endswith(".opf"))
        return etree.fromstring(z.read(name))


def _texts(book: Path) -> dict[str, str]:
    with zipfile.ZipFile(book) as z:
        return {n: z.read(n).decode() for n in z.namelist() if n.endswith((".xhtml", ".css"))}


def test_series_meta_for_calibre_and_epub3(cfg, tmp_path):
    opf = _opf(_export(cfg, tmp_path / "out"))
    named = {m.get("name"): m.get("content") for m in opf.iter(f"{{{OPF}}}meta") if m.get("name")}
    assert named["calibre:series"] == "Harbour Stories"
    assert named["calibre:series_index"] == "2"
    props = {m.get("property"): m for m in opf.iter(f"{{{OPF}}}meta") if m.get("property")}
    collection = props["belongs-to-collection"]
    assert collection.text == "Harbour Stories"
    refined = {
        m.get("property"): m.text
        for m in opf.iter(f"{{{OPF}}}meta")
        if m.get("refines") == "#" + collection.get("id")
    }
    assert refined == {"collection-type": "series", "group-position": "2"}


def test_a_typographic_cover_from_title_author_fandom(cfg, tmp_path):
    book = _export(cfg, tmp_path / "out")
    opf = _opf(book)
    covers = [i for i in opf.iter(f"{{{OPF}}}item") if "cover-image" in (i.get("properties") or "")]
    assert len(covers) == 1 and covers[0].get("media-type") == "image/svg+xml"
    with zipfile.ZipFile(book) as z:
        svg = next(z.read(n).decode() for n in z.namelist() if n.endswith("cover.svg"))
    assert "The Night Ferry" in svg and "tidewriter" in svg and "Original Work" in svg
    legacy = [m for m in opf.iter(f"{{{OPF}}}meta") if m.get("name") == "cover"]
    assert [m.get("content") for m in legacy] == [covers[0].get("id")]  # EPUB 2 readers
    assert_clean(book)


def test_notes_are_labelled_once_and_apart(cfg, tmp_path):
    pages = _texts(_export(cfg, tmp_path / "out"))
    last = next(t for n, t in pages.items() if n.endswith("chapter_002.xhtml"))
    labels = re.findall(r'<p class="note-label">([^<]*)</p>', last)
    assert len(labels) == len(set(labels)) == 2, labels  # the chapter's and the work's
    assert last.index(NOTE_AFTER) < last.index(WORK_END_NOTE)
    first = next(t for n, t in pages.items() if n.endswith("chapter_001.xhtml"))
    aside = re.search(r"<aside[^>]*>((?:(?!</aside>).)*thank you all(?:(?!</aside>).)*)</aside>",
                      first, re.S).group(1)  # fmt: skip
    assert "note-label" not in aside and aside.count("A/N:") == 1  # the author's label, once


def test_book_css_says_each_rule_once(cfg, tmp_path):
    css = next(t for n, t in _texts(_export(cfg, tmp_path / "out")).items() if n.endswith(".css"))
    selectors = [s.strip() for s in re.findall(r"([^{}]+)\{", css)]
    assert selectors and len(selectors) == len(set(selectors))


def test_no_notes_keeps_chapter_summaries(cfg, tmp_path):
    pages = _texts(_export(cfg, tmp_path / "out", "--no-notes"))
    text = "".join(pages.values())
    assert CHAPTER_SUMMARY in text
    assert "thank you all for waiting" not in text and NOTE_AFTER not in text
