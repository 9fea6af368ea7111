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
CHROME = (
    "Archive of Our Own",
    "Log In",
    "FanFiction | unleash your imagination",
    "Rating:",
    "FictionPress",
    "Follow/Fav",
    "cookies",
)

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
    ("fictionpress/fictionpress_chapter1_vampiric_desires_2171761.html", "fp:2171761",
     "Vampiric Desires", ["Butterfly's Dust"], ["Fantasy"], 1),
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


AO3_CHAPTER = "ao3/ao3_chapter_page_multichapter_in_series.html"


def _ao3_chapter(tmp_path: Path, number: int) -> Path:
    """The real AO3 chapter 1 page as chapter `number` would be saved: that chapter
    selected in the chapter menu, other text."""
    html = shared_fixture(AO3_CHAPTER).read_text("utf-8")
    if number > 1:
        html = html.replace('<option selected="selected" value=', "<option value=", 1)
        ids = re.findall(r'<option value="(\d+)"', html)
        html = html.replace(f'<option value="{ids[number - 1]}"',
                            f'<option selected="selected" value="{ids[number - 1]}"', 1)  # fmt: skip
        title = re.findall(r'<option[^>]*value="\d+">\d+\. ([^<]*)', html)[number - 1]
        html = html.replace(">Chapter 1</a>", f">Chapter {number}</a>: {title}", 1)
        html = re.sub(r'(<div class="userstuff module" role="article">)',
                      rf"\1<p>Chapter {number} text: the owl post.</p>", html, count=1)  # fmt: skip
    path = tmp_path / f"Site Skin ch {number}.html"
    path.write_text(html, "utf-8")
    return path


def test_ao3_chapter_pages_saved_apart_merge_into_one_work(archive, tmp_path):
    one, three = _ao3_chapter(tmp_path, 1), _ao3_chapter(tmp_path, 3)
    assert b"owl post" in three.read_bytes() and b"owl post" not in one.read_bytes()
    first = archive.import_paths([three, one]).outcomes  # a later chapter first
    assert [(o.id, o.result) for o in first] == [("ao3:41214669", "new"),
                                                 ("ao3:41214669", "updated")]  # fmt: skip
    work = archive.store.get_work("ao3:41214669")
    assert [c.title for c in work.chapters] == ["", "Knowing when something was removed"]
    assert "owl post" in _text_of(work.chapters[1]) and "owl post" not in _text_of(work.chapters[0])
    assert work.summary and work.meta.title == "Permablocking Specific Tags - Site Skin"
    two = _ao3_chapter(tmp_path, 2)  # a later save of the missing chapter adds to it
    assert archive.import_paths([two]).outcomes[0].result == "updated"
    assert _titles(archive)[1] == "Tips, Tricks, and Extending things"
    assert archive.store.work_ids() == ["ao3:41214669"]
    again = archive.import_paths([one, two, three]).outcomes
    assert [o.result for o in again] == ["unchanged"] * 3
    archive.rebuild()  # re-read offline from the stored chapter pages: the same three
    assert len(_titles(archive)) == 3 and _titles(archive)[2].startswith("Knowing")


def _text_of(chapter) -> str:
    return " ".join(b.text for b in chapter.blocks)


def _titles(archive) -> list[str]:
    return [c.title for c in archive.store.get_work("ao3:41214669").chapters]


@pytest.mark.parametrize(
    ("rel", "says"),
    [
        ("ao3/ao3_adult_content_interstitial.html", "adult-content notice"),
        ("ao3/ao3_restricted_work_login_required.html", "log-in page"),
        ("ao3/ao3_work_navigate_43703871.html", "chapter index"),
        ("ao3/ao3_series_page_counting_drabbles.html", "listing works"),
        ("ao3/ao3_tag_works_index_kataang_week_2020.html", "listing works"),
        ("ao3/ao3_works_search_results_harry.html", "listing works"),
    ],
)
def test_a_saved_ao3_page_without_a_work_is_refused_saying_what_to_save(archive, rel, says):
    """Never stored as a text "work" made of AO3's menus: one line, which page to save.
    Not a story is not a failure: the summary counts it skipped, and import exits 0."""
    path = shared_fixture(rel)
    report = archive.import_paths([path])
    (outcome,) = report.outcomes
    assert outcome.result == "skipped" and archive.store.work_ids() == []
    assert report.exit_code == 0
    assert outcome.reason.startswith(f"not a story: {path.name}: a saved AO3 ")
    assert says in outcome.reason
    assert "save" in outcome.reason.split(";", 1)[1] and "\n" not in outcome.reason
