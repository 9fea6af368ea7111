"""search_cli/demo/routes.py: AO3's URL shapes over real HTTP on 127.0.0.1.

robots.txt, listings with pagination, work pages (full and by chapter), the deleted,
locked and adult works, and the other listings (series, a user's works and bookmarks,
collections), read back the way the crawler reads them.
"""

from __future__ import annotations

import html
from collections.abc import Iterator

import httpx
import pytest
from protego import Protego

from search_cli.demo import ao3_markup, sample_works
from search_cli.demo.sample_works import WORKS
from search_cli.demo.server import SampleArchive, SampleArchiveServer
from tests.demo_pages import LISTING, listed_ids, of_state, soup


@pytest.fixture(scope="module")
def server() -> Iterator[SampleArchiveServer]:
    with SampleArchiveServer() as srv:
        yield srv


@pytest.fixture
def srv(server: SampleArchiveServer) -> Iterator[SampleArchiveServer]:
    """The shared server, reset to the pristine archive around each test."""
    server.reset()
    server.clear_log()
    yield server
    server.reset()


@pytest.fixture
def client(srv: SampleArchiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=srv.base_url, timeout=10) as c:
        yield c


# --- robots, listings --------------------------------------------------------------------


def test_robots_txt_allows_work_pages_and_forbids_what_ao3_forbids(client: httpx.Client) -> None:
    r = client.get("/robots.txt")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    robots = Protego.parse(r.text)
    base = str(client.base_url)
    assert robots.can_fetch(f"{base}/works/71000001?view_full_work=true", "ficarchive")
    assert robots.can_fetch(f"{base}{LISTING}?page=2", "ficarchive")
    assert not robots.can_fetch(f"{base}/works?page=2", "ficarchive")
    assert not robots.can_fetch(f"{base}/downloads/71000001/x.epub", "ficarchive")
    assert not robots.can_fetch(f"{base}/works/search?work_search[query]=x", "ficarchive")


def test_listing_pages_list_every_work_once(client: httpx.Client) -> None:
    first = client.get(LISTING)
    assert first.status_code == 200
    doc = soup(first.text)
    heading = " ".join(doc.select_one("div#main h2.heading").get_text().split())
    assert heading == f"1 - 8 of {len(WORKS)} Works in {sample_works.LISTING_TAG}"
    nxt = doc.select_one("ol.pagination li.next a[rel=next]")
    assert nxt["href"] == f"{LISTING}?page=2"
    second = client.get(nxt["href"])
    assert second.status_code == 200
    assert soup(second.text).select_one("ol.pagination li.next a") is None
    ids = listed_ids(first.text) + listed_ids(second.text)
    assert len(listed_ids(first.text)) == 8
    assert sorted(ids) == sorted(w.work_id for w in WORKS)
    dates = [soup(x.text).select("p.datetime") for x in (first, second)]
    assert [d.get_text() for d in dates[0]][0] == ao3_markup.blurb_date(
        max(w.revised for w in WORKS)
    )
    assert client.get(f"{LISTING}?page=3").status_code == 404
    assert client.get("/tags/No%20Such%20Tag/works").status_code == 404


def test_listing_blurb_carries_the_works_metadata(client: httpx.Client) -> None:
    wip = next(w for w in WORKS if w.chapters_label == "2/?")
    pages = [client.get(LISTING).text, client.get(f"{LISTING}?page=2").text]
    blurb = next(b for p in pages for b in soup(p).select(f"li#work_{wip.work_id}"))
    assert blurb.select_one("h4.heading a[href]").get_text() == wip.title
    assert [a.get_text() for a in blurb.select("h4.heading a[rel=author]")] == list(wip.authors)
    assert blurb.select_one("ul.required-tags span.complete-no.iswip") is not None
    assert blurb.select_one("dl.stats dd.chapters").get_text() == "2/?"
    assert blurb.select_one("p.datetime").get_text() == ao3_markup.blurb_date(wip.revised)
    chars = [a.get_text() for a in blurb.select("ul.tags li.characters a.tag")]
    assert chars == list(wip.characters)


# --- work pages ---------------------------------------------------------------------------


@pytest.mark.parametrize("work", of_state("ok"), ids=lambda w: str(w.work_id))
def test_full_view_has_every_paragraph_and_chapter_title(
    client: httpx.Client, work: sample_works.SampleWork
) -> None:
    r = client.get(f"/works/{work.work_id}?view_full_work=true")
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/html; charset=utf-8"
    assert '<meta charset="utf-8" />' in r.text
    for chapter in work.chapters:
        for p in chapter.paragraphs:
            assert (html.escape(p) if p != sample_works.HR else "<hr />") in r.text
        if chapter.title:
            assert html.escape(chapter.title) in r.text
    doc = soup(r.text)
    chapters = doc.select("div#chapters div.chapter[id^=chapter-]")
    assert len(chapters) == (len(work.chapters) if work.chaptered else 0)
    assert doc.select_one("dl.work.meta.group dd.chapters").get_text() == work.chapters_label


def test_chapter_views(client: httpx.Client) -> None:
    work = sample_works.by_id(sample_works.DEMO_PHRASE_WORK_ID)
    default = soup(client.get(f"/works/{work.work_id}").text)
    assert [d["id"] for d in default.select("div#chapters div.chapter[id^=chapter-]")] == [
        "chapter-1"
    ]
    assert sample_works.DEMO_PHRASE not in default.get_text()
    n = sample_works.DEMO_PHRASE_CHAPTER
    r = client.get(f"/works/{work.work_id}/chapters/{work.chapter_id(n)}")
    assert r.status_code == 200
    doc = soup(r.text)
    assert [d["id"] for d in doc.select("div#chapters div.chapter[id^=chapter-]")] == [
        f"chapter-{n}"
    ]
    assert sample_works.DEMO_PHRASE in doc.select_one("div.userstuff.module").get_text()
    entire = doc.select_one("ul.work.navigation li.chapter.entire a")
    assert entire["href"] == f"/works/{work.work_id}?view_full_work=true"
    assert client.get(f"/works/{work.work_id}/chapters/1").status_code == 404


def test_notes_sit_where_ao3_puts_them(client: httpx.Client) -> None:
    work = next(
        w for w in of_state("ok") if w.chaptered and w.end_notes and w.chapters[-1].end_notes
    )
    doc = soup(client.get(f"/works/{work.work_id}?view_full_work=true").text)
    last = len(work.chapters)
    end = doc.select_one(
        f"div#chapter-{last} > div.chapter.preface.group > div#chapter_{last}_endnotes"
    )
    assert end is not None and "end" in end["class"]
    assert work.chapters[-1].end_notes in end.select_one("blockquote.userstuff").get_text()
    afterword = doc.select_one("div#workskin > div.afterword.preface.group > div#work_endnotes")
    assert work.end_notes in afterword.select_one("blockquote.userstuff").get_text()
    noted = sample_works.by_id(sample_works.IN_BODY_NOTE_WORK_ID)
    body = soup(client.get(f"/works/{noted.work_id}").text).select_one("div#chapters div.userstuff")
    assert body.select("p")[-1].get_text().startswith("A/N:")


def test_deleted_work_is_404(client: httpx.Client) -> None:
    work = of_state("deleted")[0]
    for path in (f"/works/{work.work_id}", f"/works/{work.work_id}?view_full_work=true"):
        r = client.get(path)
        assert r.status_code == 404
        assert "Error 404" in r.text and "The page you were looking for doesn" in r.text
    assert client.get("/works/123").status_code == 404


def test_locked_work_redirects_to_the_login_page(client: httpx.Client) -> None:
    work = of_state("locked")[0]
    r = client.get(f"/works/{work.work_id}")
    assert r.status_code == 302
    expected = f"/users/login?restricted=true&return_to=%2Fworks%2F{work.work_id}"
    assert r.headers["location"] == str(client.base_url) + expected
    login = client.get(r.headers["location"])
    assert login.status_code == 200
    doc = soup(login.text)
    assert doc.select_one("div#main.sessions-new div#signin") is not None
    assert "only available to registered users of the Archive" in login.text
    assert client.get(f"/works/{work.work_id}", follow_redirects=True).status_code == 200


def test_adult_work_shows_the_interstitial_until_accepted(client: httpx.Client) -> None:
    work = of_state("adult")[0]
    notice = soup(client.get(f"/works/{work.work_id}?view_full_work=true").text)
    assert notice.select_one("p.caution") is not None
    assert notice.select_one("div#chapters") is None
    link = next(a for a in notice.select("ul.actions a") if a.get_text() == "Yes, Continue")
    assert link["href"] == f"/works/{work.work_id}?view_full_work=true&view_adult=true"
    shown = soup(client.get(link["href"]).text)
    assert shown.select_one("p.caution") is None
    assert len(shown.select("div#chapters div.chapter[id^=chapter-]")) == len(work.chapters)
    short = soup(client.get(f"/works/{work.work_id}").text)
    yes = next(a for a in short.select("ul.actions a") if a.get_text() == "Yes, Continue")
    assert yes["href"] == f"/works/{work.work_id}?view_adult=true"


# --- the other listings: series, a user's works and bookmarks, collections ----------------


def _archive(per_page: int = 2) -> SampleArchive:
    return SampleArchive(WORKS, per_page)


def _get(archive: SampleArchive, target: str) -> tuple[int, str]:
    response = archive.handle("GET", target, {}, "http://127.0.0.1:1")
    return response.status, response.body.decode()


def _every_page(archive: SampleArchive, path: str) -> list[int]:
    ids, page = [], 1
    while True:
        status, text = _get(archive, f"{path}?page={page}")
        if status == 404:
            return ids
        ids += [
            int(a["href"].split("/")[2])
            for a in soup(text).select("li.blurb h4.heading a[href^='/works/']")
        ]
        page += 1


def test_a_users_works_newest_first_over_pages() -> None:
    archive = _archive()
    mine = sorted(
        (w for w in WORKS if "inkwell_and_fog" in w.authors),
        key=lambda w: (w.revised, w.work_id),
        reverse=True,
    )
    assert len(mine) == 3
    for path in (
        "/users/inkwell_and_fog/works",
        "/users/inkwell_and_fog/pseuds/inkwell_and_fog/works",
    ):
        assert _every_page(archive, path) == [w.work_id for w in mine]
    status, text = _get(archive, "/users/inkwell_and_fog/works")
    assert soup(text).select_one("ol.pagination li.next a")["href"] == (
        "/users/inkwell_and_fog/works?page=2"
    )
    assert _get(archive, "/users/nobody_at_all/works")[0] == 404


def test_a_users_bookmarks_carry_the_bookmark_date_after_the_works() -> None:
    archive = _archive(per_page=20)
    status, text = _get(archive, "/users/marginalia/bookmarks")
    assert status == 200
    blurbs = soup(text).select("ol.bookmark.index.group > li.bookmark.blurb.group")
    marks = sample_works.BOOKMARKS["marginalia"]
    assert len(blurbs) == len(marks)
    for blurb, (work_id, day) in zip(blurbs, marks, strict=True):
        work = sample_works.by_id(work_id)
        dates = [p.get_text() for p in blurb.select("p.datetime")]
        assert dates == [ao3_markup.blurb_date(work.revised), ao3_markup.blurb_date(day)]
        assert blurb.select_one("div.user.module h5.byline a")["href"].endswith(
            "/marginalia/bookmarks"
        )
    assert _get(archive, "/users/inkwell_and_fog/bookmarks")[0] == 404  # bookmarked nothing


def test_series_pages_list_their_works_in_part_order() -> None:
    archive = _archive()
    assert _every_page(archive, "/series/4100001") == [71000001, 71000010]
    status, text = _get(archive, "/series/4100001")
    doc = soup(text)
    assert doc.select_one("div#main.series-show h2.heading").get_text().strip() == (
        "Baker Street Winters"
    )
    assert doc.select_one("dl.series.meta.group") is not None
    assert _get(archive, "/series/999")[0] == 404


def test_collections_list_their_works() -> None:
    title, ids = sample_works.COLLECTIONS["SampleArchiveWeek2024"]
    archive = _archive()
    listed = _every_page(archive, "/collections/SampleArchiveWeek2024/works")
    assert sorted(listed) == sorted(ids)
    assert title in _get(archive, "/collections/SampleArchiveWeek2024/works")[1]
    assert _get(archive, "/collections/NoSuchThing/works")[0] == 404
