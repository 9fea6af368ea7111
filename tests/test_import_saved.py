"""`import` of pages a browser saved: each goes to its own site's adapter.

The real saved pages are read in place from ../shared/fixtures (skipped where absent);
an FFN story saved chapter by chapter is made in tmp_path from the real chapter page.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from crawler.config import load_config
from index.archive import Archive
from tests.conftest import shared_fixture

CONFIG = (
    '[archive]\npath = "arch"\n[sites.efiction]\nbase_url = "http://fanfiction.mugglenet.com"\n'
)
CHROME = ("Archive of Our Own", "Log In", "FanFiction | unleash your imagination", "Rating:")

# file, id, title, authors, fandoms, chapters
SAVED = [
    ("ao3/ao3_work_multichapter_full_view_explicit.html", "ao3:20907563",
     "Monster Fucker October", ["SmileDarlin"], ["Original Work"], 10),
    ("ao3/ao3_work_single_chapter_unlockedWork.html", "ao3:41822007",
     "so I open the window to hear sounds of people", ["oriflamme"],
     ["The Locked Tomb Series | Gideon the Ninth Series - Tamsyn Muir"], 1),
    ("ao3/ao3_chapter_page_multichapter_in_series.html", "ao3:41214669",
     "Permablocking Specific Tags - Site Skin", ["Eli0t"], None, 1),
    ("ffn/ffn_chapter1_potter_club_11987060.html", "ffn:11987060", "Potter Club",
     ["Razamataz22"], ["Harry Potter"], 1),
    ("ffn/ffn_story_multichapter_ch1_of_2.html", "ffn:5853866", "Counting", ["ambtus"],
     ["Harry Potter"], 1),
    ("efiction/mugglenet_efiction_viewstory_chapter_TRIMMED.html",
     "efiction:fanfiction.mugglenet.com:123456", "Web to Epub", ["David & Teviotdale"], None, 1),
]  # fmt: skip


@pytest.fixture
def archive(tmp_path):
    cfg = tmp_path / "config.toml"
    cfg.write_text(CONFIG)
    with Archive(load_config(cfg)) as found:
        yield found


def _text(work) -> str:
    return "\n".join(b.text for ch in work.chapters for b in ch.blocks)


@pytest.mark.parametrize(("rel", "work_id", "title", "authors", "fandoms", "chapters"), SAVED)
def test_saved_page_becomes_its_sites_work(
    archive, rel, work_id, title, authors, fandoms, chapters
):
    path = shared_fixture(rel)
    report = archive.import_paths([path])
    assert [o.id for o in report.outcomes] == [work_id], report.outcomes
    work = archive.store.get_work(work_id)
    assert work.meta.title == title and work.meta.authors == authors
    if fandoms is not None:
        assert work.meta.fandoms == fandoms
    assert len(work.chapters) == chapters
    text = _text(work)
    assert text.strip()
    for chrome in CHROME:
        assert chrome not in text, chrome


def test_reimporting_a_saved_page_is_unchanged(archive):
    path = shared_fixture("ao3/ao3_work_multichapter_full_view_explicit.html")
    assert archive.import_paths([path]).outcomes[0].result == "new"
    again = archive.import_paths([path]).outcomes[0]
    assert (again.id, again.result) == ("ao3:20907563", "unchanged")
    assert archive.store.work_ids() == ["ao3:20907563"]


def _chapter_two(page: bytes) -> bytes:
    """The real FFN chapter 1 page as its chapter 2 would be saved: the other URL, other text."""
    html = page.decode("utf-8")
    html = html.replace("/s/5853866/1/", "/s/5853866/2/")
    html = re.sub(r"(<div[^>]*id='storytext'[^>]*>|<div[^>]*id=\"storytext\"[^>]*>)",
                  r"\1<p>Second chapter: the drabble about the owl post.</p>", html, count=1)  # fmt: skip
    return html.encode("utf-8")


def _two_chapters(tmp_path: Path) -> tuple[Path, Path]:
    one = shared_fixture("ffn/ffn_story_multichapter_ch1_of_2.html")
    two = tmp_path / "saved" / "Counting ch 2.html"
    two.parent.mkdir()
    two.write_bytes(_chapter_two(one.read_bytes()))
    assert b"owl post" in two.read_bytes()
    return one, two


def test_ffn_chapters_saved_apart_merge_into_one_work(archive, tmp_path):
    one, two = _two_chapters(tmp_path)
    archive.import_paths([two])  # a later chapter first: the order is the chapters' own
    archive.import_paths([one])
    assert archive.store.work_ids() == ["ffn:5853866"]
    work = archive.store.get_work("ffn:5853866")
    assert [c.number for c in work.chapters] == [1, 2]
    assert "owl post" in " ".join(b.text for b in work.chapters[1].blocks)
    assert "owl post" not in " ".join(b.text for b in work.chapters[0].blocks)
    again = archive.import_paths([one, two]).outcomes
    assert [o.result for o in again] == ["unchanged", "unchanged"]
    assert len(archive.store.get_work("ffn:5853866").chapters) == 2


def test_import_dir_walks_recursively_and_skips_saved_assets(archive, tmp_path):
    one, two = _two_chapters(tmp_path)
    (tmp_path / "saved" / "deep").mkdir()
    (tmp_path / "saved" / "deep" / "one.html").write_bytes(one.read_bytes())
    assets = tmp_path / "saved" / "Counting ch 2_files"
    assets.mkdir()
    (assets / "widget.html").write_text("<html><body><p>a script shell</p></body></html>")
    (tmp_path / "saved" / "broken.txt").write_bytes(b"")
    report = archive.import_paths([tmp_path / "saved"])
    results = {Path(o.url).name if o.result == "failed" else o.id: o.result
               for o in report.outcomes}  # fmt: skip
    assert len(report.outcomes) == 3, report.outcomes
    counts = report.counts()
    assert (counts["new"], counts["updated"], counts["failed"]) == (1, 1, 1), counts
    assert results["broken.txt"] == "failed"
    assert archive.store.work_ids() == ["ffn:5853866"]
    assert len(archive.store.get_work("ffn:5853866").chapters) == 2
