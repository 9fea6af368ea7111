"""search_cli/demo/ao3_markup.py: our pages against the saved real AO3 pages.

The selectors that find things in ../shared/fixtures must find the same things
here, so the AO3 adapter cannot tell the two apart.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from bs4 import BeautifulSoup

from search_cli.demo import ao3_markup, sample_works
from search_cli.demo.sample_works import WORKS
from search_cli.demo.server import SampleArchiveServer
from tests.demo_pages import LISTING, ao3_fixture, of_state, soup


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
    real = ao3_fixture("ao3_work_single_chapter_unlockedWork.html")
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
    real = ao3_fixture("ao3_work_multichapter_full_view_explicit.html")
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
    real = ao3_fixture("ao3_chapter_page_multichapter_in_series.html")
    work = sample_works.by_id(sample_works.DEMO_PHRASE_WORK_ID)
    ours = soup(client.get(f"/works/{work.work_id}/chapters/{work.chapter_id(1)}").text)
    _assert_same_selectors(ours, real, CHAPTER_SELECTORS)
    default = soup(client.get(f"/works/{work.work_id}").text)  # chapter 1, at the work's URL
    assert default.select_one("div#main.works-show div#chapters div#chapter-1") is not None


def test_listing_markup_matches_real_ao3(client: httpx.Client) -> None:
    real = ao3_fixture("ao3_tag_works_index_kataang_week_2020.html")
    ours = soup(client.get(LISTING).text + client.get(f"{LISTING}?page=2").text)
    _assert_same_selectors(ours, real, LISTING_SELECTORS)
    heading = " ".join(real.select_one("div#main h2.heading").get_text().split())
    assert re.fullmatch(r"1 - 20 of 27 Works in .+", heading)


def test_series_page_markup_matches_real_ao3(client: httpx.Client) -> None:
    real = ao3_fixture("ao3_series_page_counting_drabbles.html")
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


def test_interstitial_and_login_markup_match_real_ao3(client: httpx.Client) -> None:
    adult = of_state("adult")[0]
    ours = soup(client.get(f"/works/{adult.work_id}").text)
    _assert_same_selectors(
        ours, ao3_fixture("ao3_adult_content_interstitial.html"), ADULT_SELECTORS
    )
    locked = of_state("locked")[0]
    login = soup(client.get(f"/works/{locked.work_id}", follow_redirects=True).text)
    real = ao3_fixture("ao3_restricted_work_login_required.html")
    _assert_same_selectors(login, real, LOGIN_SELECTORS)
    assert "registered users of the Archive" in real.select_one("div#signin").get_text()


@pytest.mark.parametrize(
    "name",
    ["ao3_work_single_chapter_unlockedWork.html", "ao3_tag_works_index_kataang_week_2020.html"],
)
def test_tag_urls_are_escaped_like_ao3s(name: str) -> None:
    """Every tag link in a real page: our escaping of its text gives AO3's href."""
    links = ao3_fixture(name).select("dd.tags a.tag, ul.tags a.tag, h5.fandoms a.tag")
    assert len(links) > 5
    for link in links:
        assert ao3_markup.tag_url(link.get_text()) == link["href"], link.get_text()
        segment = link["href"].split("/")[2]
        if not link.get_text().startswith("Creator Chose"):
            assert ao3_markup.unescape_tag(segment) == link.get_text()
