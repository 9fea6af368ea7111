"""The sample archive server: real HTTP on 127.0.0.1, AO3's URL shapes and markup.

The markup tests hold our pages against the saved real AO3 pages in
../shared/fixtures: the selectors that find things there must find the same
things here, so the AO3 adapter cannot tell the two apart.
"""

from __future__ import annotations

import dataclasses
import html
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from bs4 import BeautifulSoup
from protego import Protego

from search_cli.demo import ao3_markup, sample_works
from search_cli.demo.generated import generate_works, revised
from search_cli.demo.sample_works import DIVIDERS, WORKS, SampleChapter
from search_cli.demo.server import SampleArchive, SampleArchiveServer
from tests.conftest import SHARED_FIXTURES, shared_fixture

LISTING = f"/tags/{ao3_markup.escape_tag(sample_works.LISTING_TAG)}/works"


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


def soup(text: str) -> BeautifulSoup:
    return BeautifulSoup(text, "lxml")


def of_state(*states: str) -> list[sample_works.SampleWork]:
    return [w for w in WORKS if w.state in states]


# --- the sample data ------------------------------------------------------------------


def test_sample_set_covers_what_the_pipeline_must_handle() -> None:
    assert len(WORKS) >= 12
    assert len({w.work_id for w in WORKS}) == len(WORKS)
    for state in ("deleted", "locked", "adult"):
        assert len(of_state(state)) == 1, state
    assert of_state("adult")[0].rating in ("Mature", "Explicit")
    multi = [w for w in WORKS if len(w.chapters) > 1]
    assert len(multi) >= 3
    assert any(w.chapters_label == "2/?" and not w.complete for w in multi)
    for w in WORKS:
        assert w.complete == (w.chapters_expected == len(w.chapters)), w.title
        assert w.rating in sample_works.RATINGS
    used = {p for w in WORKS for c in w.chapters for p in c.paragraphs}
    assert set(DIVIDERS) <= used
    relationships = [r for w in WORKS for r in w.relationships]
    assert any("/" in r for r in relationships) and any(" & " in r for r in relationships)
    assert any(" | " in c for w in WORKS for c in w.characters)
    assert any(c.notes for w in WORKS for c in w.chapters)
    assert any(c.end_notes for w in WORKS for c in w.chapters)
    assert any(c.summary for w in WORKS for c in w.chapters)
    assert len({w.rating for w in WORKS}) >= 3


def test_demo_constants_point_at_real_content() -> None:
    work = sample_works.by_id(sample_works.DEMO_PHRASE_WORK_ID)
    assert sample_works.DEMO_PHRASE_CHAPTER > 1
    for n, chapter in enumerate(work.chapters, 1):
        text = " ".join(chapter.paragraphs)
        assert (sample_works.DEMO_PHRASE in text) == (n == sample_works.DEMO_PHRASE_CHAPTER)
    others = " ".join(p for w in WORKS if w is not work for c in w.chapters for p in c.paragraphs)
    assert sample_works.DEMO_PHRASE not in others.lower()
    readable = of_state("ok", "adult")
    assert sum(sample_works.DEMO_CHARACTER in w.characters for w in readable) >= 2
    assert sum(sample_works.DEMO_TAG in w.freeforms for w in readable) >= 2
    noted = sample_works.by_id(sample_works.IN_BODY_NOTE_WORK_ID)
    assert noted.chapters[-1].paragraphs[-1].startswith("A/N:")
    with pytest.raises(KeyError):
        sample_works.by_id(1)


def test_prose_is_plain_text_that_escapes_the_same_either_way() -> None:
    """Curly quotes only, so html.escape(p) and html.escape(p, quote=False) agree."""
    for w in WORKS:
        for c in w.chapters:
            for p in c.paragraphs:
                if p in DIVIDERS:
                    continue
                assert "'" not in p and '"' not in p and "<" not in p, p
        if w.state == "ok":
            assert all(120 <= c.words <= 700 for c in w.chapters), w.title


def _sample_texts() -> list[str]:
    texts = []
    for w in WORKS:
        texts += [w.summary, w.notes, w.end_notes]
        for c in w.chapters:
            texts += [c.summary, c.notes, c.end_notes, *c.paragraphs]
    return [x for x in texts if len(x) >= 40]


def test_no_sample_text_is_copied_from_the_fixtures() -> None:
    shared_fixture("ao3/ao3_work_single_chapter_unlockedWork.html")
    windows = {x[i : i + 40].lower() for x in _sample_texts() for i in range(len(x) - 39)}
    for path in sorted(p for p in SHARED_FIXTURES.rglob("*") if p.is_file()):
        raw = path.read_text(encoding="utf-8", errors="replace")
        for text in {raw.lower(), html.unescape(raw).lower()}:
            hit = next(
                (text[i : i + 40] for i in range(len(text) - 39) if text[i : i + 40] in windows),
                None,
            )
            assert hit is None, f"{path.name} shares {hit!r} with the sample works"


# --- HTTP: robots, listings -------------------------------------------------------------


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


def _listed_ids(page_html: str) -> list[int]:
    return [
        int(li["id"].removeprefix("work_")) for li in soup(page_html).select("li.work.blurb.group")
    ]


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
    ids = _listed_ids(first.text) + _listed_ids(second.text)
    assert len(_listed_ids(first.text)) == 8
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


# --- HTTP: work pages ---------------------------------------------------------------------


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


# --- HTTP: caching, logging, changes, failures ---------------------------------------------


def test_conditional_get(client: httpx.Client) -> None:
    path = f"/works/{WORKS[0].work_id}?view_full_work=true"
    r = client.get(path)
    etag, modified = r.headers["etag"], r.headers["last-modified"]
    assert modified == "Sat, 16 Mar 2024 00:00:00 GMT"
    assert client.get(path).headers["etag"] == etag, "the ETag must be stable"
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert client.get(path, headers={"If-Modified-Since": modified}).status_code == 304
    old = "Fri, 01 Mar 2024 00:00:00 GMT"
    assert client.get(path, headers={"If-Modified-Since": old}).status_code == 200
    stale = client.get(path, headers={"If-None-Match": '"nope"', "If-Modified-Since": modified})
    assert stale.status_code == 200, "If-None-Match wins over If-Modified-Since"
    listing = client.get(LISTING)
    assert (
        client.get(LISTING, headers={"If-None-Match": listing.headers["etag"]}).status_code == 304
    )


def test_request_log(srv: SampleArchiveServer, client: httpx.Client) -> None:
    client.get("/robots.txt")
    client.get(f"{LISTING}?page=2", headers={"User-Agent": "ficarchive-test"})
    log = srv.requests
    assert [r.path for r in log] == ["/robots.txt", f"{LISTING}?page=2"]
    assert log[1].method == "GET" and log[1].headers["user-agent"] == "ficarchive-test"
    assert log[0].time <= log[1].time
    srv.clear_log()
    assert srv.requests == []


def test_failures_can_be_injected(srv: SampleArchiveServer, client: httpx.Client) -> None:
    srv.fail_next(429, {"Retry-After": "7"})
    r = client.get("/robots.txt")
    assert r.status_code == 429 and r.headers["retry-after"] == "7"
    assert client.get("/robots.txt").status_code == 200
    srv.fail_next(503, path="/works/")
    assert client.get(LISTING).status_code == 200
    assert client.get(f"/works/{WORKS[0].work_id}").status_code == 503
    assert client.get(f"/works/{WORKS[0].work_id}").status_code == 200


def test_works_can_change_while_serving(srv: SampleArchiveServer, client: httpx.Client) -> None:
    wip = next(w for w in WORKS if w.chapters_label == "2/?")
    before = client.get(f"/works/{wip.work_id}?view_full_work=true")
    third = SampleChapter(title="The Third Day", paragraphs=("The rain stopped at last.",))
    srv.update_work(
        wip.work_id,
        dataclasses.replace(wip, chapters=(*wip.chapters, third), updated="2024-04-02"),
    )
    after = client.get(
        f"/works/{wip.work_id}?view_full_work=true",
        headers={"If-None-Match": before.headers["etag"]},
    )
    assert after.status_code == 200 and "The rain stopped at last." in after.text
    assert after.headers["last-modified"] == "Tue, 02 Apr 2024 00:00:00 GMT"
    first = soup(client.get(LISTING).text).select("li.work.blurb")[0]
    assert first["id"] == f"work_{wip.work_id}"
    assert first.select_one("p.datetime").get_text() == "02 Apr 2024"
    assert first.select_one("dd.chapters").get_text() == "3/?"

    victim, locked = WORKS[0], WORKS[1]
    srv.delete(victim.work_id)
    srv.lock(locked.work_id)
    assert client.get(f"/works/{victim.work_id}").status_code == 404
    assert client.get(f"/works/{locked.work_id}").status_code == 302
    assert victim.work_id in _listed_ids(
        client.get(LISTING).text + client.get(f"{LISTING}?page=2").text
    )
    srv.reset()
    assert client.get(f"/works/{victim.work_id}").status_code == 200


def test_server_lifecycle() -> None:
    srv = SampleArchiveServer()
    with pytest.raises(RuntimeError):
        _ = srv.base_url
    srv.start()
    try:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", srv.base_url)
        assert httpx.get(srv.url("/robots.txt")).status_code == 200
    finally:
        srv.stop()
    srv.stop()  # idempotent


# --- the markup against real AO3 pages --------------------------------------------------


def _fixture(name: str) -> BeautifulSoup:
    return soup(Path(shared_fixture(f"ao3/{name}")).read_text(encoding="utf-8"))


WORK_SELECTORS = [
    "div#main.works-show",
    "div#main ul.work.navigation.actions",
    "dl.work.meta.group dd.rating.tags ul.commas > li > a.tag",
    "dl.work.meta.group dd.warning.tags ul.commas > li > a.tag",
    "dl.work.meta.group dd.category.tags ul.commas > li > a.tag",
    "dl.work.meta.group dd.fandom.tags ul.commas > li > a.tag",
    "dl.work.meta.group dd.character.tags ul.commas > li > a.tag",
    "dl.work.meta.group dd.freeform.tags ul.commas > li > a.tag",
    "dl.work.meta.group dd.language",
    "dl.work.meta.group dd.series span.series span.position a[href^='/series/']",
    "dl.work.meta.group dd.stats dl.stats dd.published",
    "dl.work.meta.group dd.stats dl.stats dd.words",
    "dl.work.meta.group dd.stats dl.stats dd.chapters",
    "dl.work.meta.group dd.stats dl.stats dd.kudos",
    "dl.work.meta.group dd.stats dl.stats dd.hits",
    "div#work-skin style",
    "div#work-skin > div#workskin > div.preface.group > h2.title.heading",
    "div#workskin > div.preface.group > h3.byline.heading a[rel=author]",
    "div#workskin > div.preface.group > div.summary.module > blockquote.userstuff",
    "div#workskin > div.preface.group > div.notes.module",
    "div#workskin div#chapters > h3.landmark.heading#work",
    "div#workskin div#chapters > div.userstuff > p",
    "div#workskin > div.afterword.preface.group > div#work_endnotes.end.notes.module > blockquote.userstuff",
    "div#workskin > div.afterword.preface.group > div#series.series.module",
    "div#feedback.feedback form#new_kudo",
]

MULTI_SELECTORS = [
    "div#main.works-show ul.work.navigation.actions li.chapter.bychapter a",
    "dl.work.meta.group dd.stats dl.stats dt.status",
    "dl.work.meta.group dd.stats dl.stats dd.status",
    "div#workskin div#chapters[role=article] > div.chapter#chapter-1",
    "div.chapter#chapter-2 > div.chapter.preface.group > h3.title > a[href*='/chapters/']",
    "div.chapter > div.chapter.preface.group > div#summary.summary.module > blockquote.userstuff",
    "div.chapter > div.userstuff.module[role=article] > h3.landmark.heading#work",
    "div.chapter > div.userstuff.module[role=article] > p",
    "div#feedback.feedback",
]

CHAPTER_SELECTORS = [
    "div#main.chapters-show ul.work.navigation.actions li.chapter.entire a[href$='view_full_work=true']",
    "ul.work.navigation.actions li.chapter.next a",
    "ul.work.navigation.actions ul#chapter_index select#selected_id option",
    "div#workskin div#chapters > div.chapter#chapter-1 > div.chapter.preface.group > h3.title > a",
    "div#workskin > div.preface.group > div.notes.module > p.jump a",
    "div#chapters div.chapter div.userstuff.module h3.landmark.heading",
]

LISTING_SELECTORS = [
    "div#main.works-index h2.heading a.tag",
    "ol.pagination.actions li.next a[rel=next]",
    "ol.work.index.group > li.work.blurb.group[role=article]",
    "li.work.blurb.group > div.header.module > h4.heading > a[href^='/works/']",
    "li.work.blurb.group h4.heading a[rel=author]",
    "li.work.blurb.group h5.fandoms.heading a.tag",
    "li.work.blurb.group ul.required-tags span.rating span.text",
    "li.work.blurb.group ul.required-tags span.warnings",
    "li.work.blurb.group ul.required-tags span.category",
    "li.work.blurb.group ul.required-tags span.complete-yes.iswip",
    "li.work.blurb.group ul.required-tags span.complete-no.iswip",
    "li.work.blurb.group div.header.module > p.datetime",
    "li.work.blurb.group ul.tags.commas li.warnings strong a.tag",
    "li.work.blurb.group ul.tags.commas li.relationships a.tag",
    "li.work.blurb.group ul.tags.commas li.characters a.tag",
    "li.work.blurb.group ul.tags.commas li.freeforms a.tag",
    "li.work.blurb.group blockquote.userstuff.summary p",
    "li.work.blurb.group ul.series li a[href^='/series/']",
    "li.work.blurb.group dl.stats dd.language",
    "li.work.blurb.group dl.stats dd.words",
    "li.work.blurb.group dl.stats dd.chapters",
    "li.work.blurb.group dl.stats dd.chapters a[href*='/chapters/']",
    "li.work.blurb.group dl.stats dd.kudos a",
    "li.work.blurb.group dl.stats dd.hits",
]

ADULT_SELECTORS = [
    "div#main.works-show p.caution",
    "div#main ul.actions a[href*='view_adult=true']",
    "div#main ol.work.index.group li.work.blurb.group h4.heading a[rel=author]",
]

LOGIN_SELECTORS = [
    "div#main.sessions-new div#signin h3.heading",
    "div#main.sessions-new div#signin div#loginform form#new_user",
    "header#header div#small_login form",
]


def _assert_same_selectors(ours: BeautifulSoup, real: BeautifulSoup, selectors: list[str]) -> None:
    for selector in selectors:
        assert real.select(selector), f"not in the real page (test is wrong): {selector}"
        assert ours.select(selector), f"in the real AO3 page but not in ours: {selector}"


def test_single_chapter_work_markup_matches_real_ao3(client: httpx.Client) -> None:
    real = _fixture("ao3_work_single_chapter_unlockedWork.html")
    work = next(w for w in of_state("ok") if not w.chaptered and w.notes and w.end_notes)
    selectors = [
        s
        for s in WORK_SELECTORS
        if (work.series or "series" not in s) and (work.work_skin or "style" not in s)
    ]
    ours = soup(client.get(f"/works/{work.work_id}").text)
    _assert_same_selectors(ours, real, selectors)
    # the first (multi-chapter) work has what the single one lacks: series and a work skin
    first = soup(client.get(f"/works/{WORKS[0].work_id}?view_full_work=true").text)
    _assert_same_selectors(first, real, [s for s in WORK_SELECTORS if "div#chapters" not in s])


def test_full_view_markup_matches_real_ao3(client: httpx.Client) -> None:
    real = _fixture("ao3_work_multichapter_full_view_explicit.html")
    work = sample_works.by_id(sample_works.DEMO_PHRASE_WORK_ID)
    ours = soup(client.get(f"/works/{work.work_id}?view_full_work=true").text)
    _assert_same_selectors(ours, real, MULTI_SELECTORS)
    # unfinished: "10/?" there, "2/?" here, both with an "Updated:" status
    wip = next(w for w in WORKS if w.chapters_label == "2/?")
    wip_page = soup(client.get(f"/works/{wip.work_id}?view_full_work=true").text)
    for doc in (real, wip_page):
        assert doc.select_one("dl.stats dt.status").get_text() == "Updated:"
        assert doc.select_one("dl.stats dd.chapters").get_text().endswith("/?")


def test_chapter_view_markup_matches_real_ao3(client: httpx.Client) -> None:
    real = _fixture("ao3_chapter_page_multichapter_in_series.html")
    work = sample_works.by_id(sample_works.DEMO_PHRASE_WORK_ID)
    ours = soup(client.get(f"/works/{work.work_id}/chapters/{work.chapter_id(1)}").text)
    _assert_same_selectors(ours, real, CHAPTER_SELECTORS)
    default = soup(client.get(f"/works/{work.work_id}").text)  # chapter 1, at the work's URL
    assert default.select_one("div#main.works-show div#chapters div#chapter-1") is not None


def test_listing_markup_matches_real_ao3(client: httpx.Client) -> None:
    real = _fixture("ao3_tag_works_index_kataang_week_2020.html")
    ours = soup(client.get(LISTING).text + client.get(f"{LISTING}?page=2").text)
    _assert_same_selectors(ours, real, LISTING_SELECTORS)
    heading = " ".join(real.select_one("div#main h2.heading").get_text().split())
    assert re.fullmatch(r"1 - 20 of 27 Works in .+", heading)


def test_interstitial_and_login_markup_match_real_ao3(client: httpx.Client) -> None:
    adult = of_state("adult")[0]
    ours = soup(client.get(f"/works/{adult.work_id}").text)
    _assert_same_selectors(ours, _fixture("ao3_adult_content_interstitial.html"), ADULT_SELECTORS)
    locked = of_state("locked")[0]
    login = soup(client.get(f"/works/{locked.work_id}", follow_redirects=True).text)
    real = _fixture("ao3_restricted_work_login_required.html")
    _assert_same_selectors(login, real, LOGIN_SELECTORS)
    assert "registered users of the Archive" in real.select_one("div#signin").get_text()


@pytest.mark.parametrize(
    "name",
    ["ao3_work_single_chapter_unlockedWork.html", "ao3_tag_works_index_kataang_week_2020.html"],
)
def test_tag_urls_are_escaped_like_ao3s(name: str) -> None:
    """Every tag link in a real page: our escaping of its text gives AO3's href."""
    links = _fixture(name).select("dd.tags a.tag, ul.tags a.tag, h5.fandoms a.tag")
    assert len(links) > 5
    for link in links:
        assert ao3_markup.tag_url(link.get_text()) == link["href"], link.get_text()
        segment = link["href"].split("/")[2]
        if not link.get_text().startswith("Creator Chose"):
            assert ao3_markup.unescape_tag(segment) == link.get_text()


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


def test_series_page_markup_matches_real_ao3(client: httpx.Client) -> None:
    real = _fixture("ao3_series_page_counting_drabbles.html")
    ours = soup(client.get("/series/4100001").text)
    _assert_same_selectors(
        ours,
        real,
        [
            "div#main.series-show h2.heading",
            "div.wrapper dl.series.meta.group dd.stats dl.stats",
            "ul.series.work.index.group > li.work.blurb.group[role=article]",
            "li.work.blurb.group > div.header.module > h4.heading > a[href^='/works/']",
            "li.work.blurb.group div.header.module > p.datetime",
            "li.work.blurb.group dl.stats dd.chapters",
        ],
    )


def test_a_page_can_be_cut_off_once(srv: SampleArchiveServer, client: httpx.Client) -> None:
    path = f"/works/{WORKS[0].work_id}?view_full_work=true"
    whole = client.get(path).content
    srv.truncate_next(f"/works/{WORKS[0].work_id}?")
    cut = client.get(path)
    assert cut.status_code == 200 and cut.content == whole[: len(whole) // 2]
    assert b"</html>" not in cut.content
    assert client.get(path).content == whole


# --- generated works, for benchmarks ----------------------------------------------------


def test_generated_works_are_well_formed_and_the_same_every_time() -> None:
    works = generate_works(200)
    assert works == generate_works(200)
    assert len({w.work_id for w in works}) == 200
    assert not {w.work_id for w in works} & {w.work_id for w in WORKS}
    for w in works:
        assert w.complete == (w.chapters_expected == len(w.chapters)), w.title
        assert w.rating in sample_works.RATINGS and w.state == "ok"
        assert all(c.words > 0 for c in w.chapters)
    assert {len(w.chapters) for w in works} == {1, 2, 3, 4}
    assert any(w.series for w in works) and any(w.chapters_label.endswith("/?") for w in works)


def test_revised_adds_a_chapter_and_a_later_date_so_the_listing_changes() -> None:
    for work in generate_works(20):
        after = revised(work, "2030-01-01")
        assert len(after.chapters) == len(work.chapters) + 1
        assert after.revised == "2030-01-01" and after.chapters_label != work.chapters_label
        assert after.complete == (after.chapters_expected == len(after.chapters))


def test_the_hand_written_works_stay_as_they_are() -> None:
    assert [w.work_id for w in WORKS] == list(range(71000001, 71000015))


def test_a_server_of_generated_works_lists_them_all_twenty_to_a_page() -> None:
    works = generate_works(45)
    with SampleArchiveServer(works, per_page=20) as server, httpx.Client() as c:
        pages = [c.get(server.url(f"{LISTING}?page={n}")) for n in (1, 2, 3, 4)]
        assert [p.status_code for p in pages] == [200, 200, 200, 404]
        listed = [i for p in pages[:3] for i in _listed_ids(p.text)]
        assert sorted(listed) == sorted(w.work_id for w in works)
        assert [len(_listed_ids(p.text)) for p in pages[:3]] == [20, 20, 5]


def test_no_generated_text_is_copied_from_the_fixtures() -> None:
    shared_fixture("ao3/ao3_work_single_chapter_unlockedWork.html")
    texts = [
        x
        for w in generate_works(40)
        for x in (w.summary, *(p for c in w.chapters for p in c.paragraphs))
        if len(x) >= 40
    ]
    windows = {x[i : i + 40].lower() for x in texts for i in range(len(x) - 39)}
    for path in sorted(p for p in SHARED_FIXTURES.rglob("*") if p.is_file()):
        text = html.unescape(path.read_text(encoding="utf-8", errors="replace")).lower()
        assert not any(text[i : i + 40] in windows for i in range(len(text) - 39)), path.name
