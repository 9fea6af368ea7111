"""The Royal Road adapter (crawler/sites/royalroad*.py): the real saved fiction and
chapter pages field by field, and tiny hand-written pages (our own words, Royal
Road's markup) for what they lack: the hidden anti-piracy lines above all."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crawler.clean import clean_work
from crawler.config import default_sites
from crawler.errors import Gone, LoginRequired, ParseError
from crawler.models import FetchedPage
from crawler.sites import ADAPTERS
from crawler.sites.base import soup
from crawler.sites.royalroad import RoyalRoadAdapter, chapter_rows
from crawler.sites.royalroad_chapter import hidden_classes, parse_chapter
from tests.conftest import shared_fixture

RR = "https://www.royalroad.com"
CANDLE = "royalroad/rr_fiction_page_worth_the_candle_25137.html"
GREAT = "royalroad/rr_fiction_page_2020_layout_ANONYMIZED.html"
CHAPTER = "royalroad/rr_chapter_page_ANONYMIZED.html"
ROCK = "royalroad/rr_chapter_page_reborn_as_a_demonic_rock_ch1_PARTIAL.html"
GREAT_CH1 = f"{RR}/fiction/555/great-story/chapter/771/chapter-one"
GREAT_CH2 = f"{RR}/fiction/555/great-story/chapter/772/chapter-two"
ROCK_URL = (
    f"{RR}/fiction/192682/reborn-as-a-demonic-rock-monster-evolution-litrpg"
    "/chapter/3966586/chapter-01-buying-new-shoes-and-dying"
)


def road() -> RoyalRoadAdapter:
    return RoyalRoadAdapter(default_sites()["royalroad"])


def page(rel: str, url: str, status: int = 200) -> FetchedPage:
    return FetchedPage(url, status, {}, shared_fixture(rel).read_bytes(), datetime.now(UTC), url)


def html_page(html: str, url: str, status: int = 200) -> FetchedPage:
    return FetchedPage(url, status, {}, html.encode(), datetime.now(UTC), url)


# --- what the adapter declares, ids and URLs -----------------------------------------------------


def test_the_adapter_declares_its_site():
    cls = ADAPTERS["royalroad"]
    assert cls is RoyalRoadAdapter
    assert (cls.name, cls.id_prefix, cls.default_base_url, cls.default_delay) == (
        "royalroad", "rr", RR, 3.0,
    )  # fmt: skip
    assert cls.listing_kinds == ("fiction",) and not cls.single_page


@pytest.mark.parametrize(
    ("url", "site_id"),
    [
        (f"{RR}/fiction/25137/worth-the-candle", "25137"),
        (f"{RR}/fiction/25137", "25137"),
        (f"{RR}/fiction/25137/", "25137"),
        (f"{RR}/fiction/25137/worth-the-candle/chapter/366577/chapter-1-taking-the-fall", "25137"),
        (f"{RR}/fiction/chapter/366577", None),  # a short chapter link names no fiction
        (f"{RR}/profile/119608", None),
        (f"{RR}/fictions/best-rated", None),
    ],
)
def test_fiction_and_chapter_urls_name_the_fiction(url, site_id):
    assert road().work_id_from_url(url) == site_id


def test_ids_and_urls():
    rr = road()
    assert (rr.work_id("25137"), rr.site_id("rr:25137"), rr.site_id("xf:1")) == (
        "rr:25137", "25137", None,
    )  # fmt: skip
    assert rr.entry_url("25137") == rr.work_urls("25137")[0] == f"{RR}/fiction/25137"


# --- fiction pages, field by field ---------------------------------------------------------------


def test_worth_the_candle_fiction_page_every_field():
    first = page(CANDLE, f"{RR}/fiction/25137")
    doc = soup(first.body)
    meta = road()._meta(doc, chapter_rows(doc, first.url))
    assert (meta.title, meta.authors) == ("Worth the Candle", ["Alexander Wales"])
    assert meta.tags == [
        "LitRPG", "Portal Fantasy / Isekai", "Male Lead", "Drama", "Action", "Adventure",
        "Fantasy", "GameLit", "High Fantasy", "Magic",
    ]  # fmt: skip
    assert meta.warnings == ["Graphic Violence", "Profanity", "Sensitive Content", "Sexual Content"]
    # the status label says STUB: not "COMPLETED", so not complete
    assert (meta.status, meta.chapters_total) == ("in_progress", None)
    assert (meta.hits, meta.bookmarks, meta.kudos) == (3_062_207, 5_089, 2_919)
    assert meta.words_upstream == 751_549  # "calculated from 751,549 words."
    rows = chapter_rows(doc, first.url)
    assert len(rows) == 111  # table#chapters data-chapters="111"
    assert (rows[0].title, rows[0].date, rows[0].chapter_id) == (
        "Chapter 1 - Taking the Fall", "2019-05-28", "366577",
    )  # fmt: skip
    assert (rows[-1].title, rows[-1].date) == ("Epilogue 8 - Nevermore", "2021-08-07")
    # one chapter was re-released later than the epilogue: the last date is the newest one
    assert (meta.published, meta.updated) == ("2019-05-28", "2026-03-17")
    assert road().page_fingerprint(first) == "2026-03-17|111"
    urls = road().more_urls(first)
    assert len(urls) == 111
    assert (
        urls[0] == f"{RR}/fiction/25137/worth-the-candle/chapter/366577/chapter-1-taking-the-fall"
    )


def test_the_chapter_list_is_read_from_window_chapters_when_the_table_is_empty():
    doc = soup(shared_fixture(CANDLE).read_bytes())
    from_table = chapter_rows(doc, RR)
    for row in doc.select("table#chapters tbody tr"):
        row.decompose()  # as a page whose table is drawn by script
    from_script = chapter_rows(doc, RR)
    assert [(r.url, r.title, r.date) for r in from_script] == [
        (r.url, r.title, r.date) for r in from_table
    ]


def test_2020_layout_fiction_page_every_field():
    first = page(GREAT, f"{RR}/fiction/555")
    doc = soup(first.body)
    rows = chapter_rows(doc, first.url)
    meta = road()._meta(doc, rows)
    assert (meta.title, meta.authors, meta.status) == (
        "Great Story",
        ["Great Author"],
        "in_progress",
    )  # fmt: skip  (ONGOING)
    assert meta.tags == [
        "Action", "Adventure", "Comedy", "Fantasy", "Female Lead", "LitRPG", "Magic",
        "Portal Fantasy / Isekai",
    ]  # fmt: skip
    # no datetime in this layout: the dates come from the titles' "Sunday, April 5, 2020 3:59 PM"
    assert [(r.title, r.date, r.url) for r in rows] == [
        ("Chapter One", "2020-04-05", GREAT_CH1),
        ("Chapter Two", "2020-04-06", GREAT_CH2),
    ]
    assert road().page_fingerprint(first) == "2020-04-06|2"
    assert road().more_urls(first) == [GREAT_CH1, GREAT_CH2]


# --- chapter pages -----------------------------------------------------------------------------------


def test_chapter_page_notes_before_and_after_the_text():
    chapter = parse_chapter(soup(shared_fixture(CHAPTER).read_bytes()))
    assert (chapter.title, chapter.fiction_title, chapter.author) == (
        "Chapter One", "Great Story", "Great Author",
    )  # fmt: skip
    assert [(n.kind, n.position, n.html.strip()) for n in chapter.notes] == [
        ("author_note", "before", "<p>Author note top</p>"),
        ("author_note", "after", "<p>Author note bottom</p>"),
    ]
    assert chapter.html.strip() == "<p>Chapter One content</p>" and chapter.hidden == 0


def test_the_hidden_anti_piracy_line_goes_and_everything_visible_stays():
    doc = soup(shared_fixture(ROCK).read_bytes())
    assert hidden_classes(doc) == {"cjE3MTA4ZjM4NDllYTQ1MzY5NDkwZGI0ZDRmOTNkZGZl"}
    visible = [p.get_text() for p in doc.select(".chapter-content p")]
    raw = road().parse_work([page(ROCK, ROCK_URL)])
    (chapter,) = clean_work(raw).chapters
    assert "stolen" not in chapter.text and "Amazon" not in chapter.text
    assert [b.text for b in chapter.blocks] == [" ".join(t.split()) for t in visible]
    assert (raw.id, raw.meta.authors, chapter.title) == (
        "rr:192682", ["Roobit"], "Chapter 01: Buying New Shoes and Dying?!",
    )  # fmt: skip
    assert [n.position for n in chapter.notes] == ["before"]
    assert chapter.notes[0].text.startswith("I'll be posting the first ten chapters today.")


HIDDEN = """<!DOCTYPE html><html><head><style>
.cAbc1{display: none; speak: never;}
.cShown{color: #333}
.cAlso, .cAbc2 { display:none }
</style><link rel="stylesheet" href="/site.css"></head><body>
<div class="fic-header"><a href="/fiction/77/lanterns"><h2>Lanterns</h2></a>
<h3><a href="/profile/5">Weir Writer</a></h3><h1>Chapter 2 - Dusk</h1></div>
<div class="chapter-inner chapter-content">
<p class="cShown">The ferry came at dusk.</p>
<span class="cAbc1"><br>This story was taken without permission.<br></span>
<p class="cAbc2">Read it on the site it was posted to.</p>
<p class="hidden-xs">A line hidden only by the site's own stylesheet is still text.</p>
<p>Nobody was waiting.</p>
</div></body></html>"""


def test_only_what_the_pages_own_style_hides_is_dropped():
    chapter = parse_chapter(soup(HIDDEN))
    assert chapter.hidden == 2
    raw = road().parse_work([html_page(HIDDEN, f"{RR}/fiction/77/lanterns/chapter/9/dusk")])
    assert [b.text for b in clean_work(raw).chapters[0].blocks] == [
        "The ferry came at dusk.",
        "A line hidden only by the site's own stylesheet is still text.",
        "Nobody was waiting.",
    ]


# --- a whole fiction, and what is not one ----------------------------------------------------------


def test_fiction_page_and_chapters_make_one_work_in_table_order():
    rr = road()
    fiction = page(GREAT, f"{RR}/fiction/555")
    second = page(ROCK, GREAT_CH2)  # any chapter page serves as chapter two here
    raw = rr.parse_work([fiction, second, page(CHAPTER, GREAT_CH1)])
    assert (raw.id, raw.url, raw.meta.title) == ("rr:555", f"{RR}/fiction/555", "Great Story")
    assert [(c.number, c.title) for c in raw.chapters] == [(1, "Chapter One"), (2, "Chapter Two")]
    assert raw.summary_html.strip() == "<p>Description here, untruncated</p>"
    work = clean_work(raw)
    assert work.summary == "Description here, untruncated"
    assert work.chapters[0].text == "Chapter One content"


def test_a_completed_fiction_counts_its_chapters():
    html = shared_fixture(GREAT).read_text(encoding="utf-8").replace(">ONGOING<", ">COMPLETED<")
    raw = road().parse_work(
        [html_page(html, f"{RR}/fiction/555"), page(CHAPTER, GREAT_CH1), page(ROCK, GREAT_CH2)]
    )
    assert (raw.meta.status, raw.meta.chapters_total) == ("complete", 2)


def test_gone_login_missing_chapters_and_cut_pages():
    rr = road()
    with pytest.raises(Gone):
        rr.parse_work([html_page("<html><body>Not Found</body></html>", f"{RR}/fiction/5", 404)])
    login = FetchedPage(f"{RR}/fiction/5", 200, {}, b"<html></html>", datetime.now(UTC),
                        f"{RR}/account/login?ReturnUrl=%2Ffiction%2F5")  # fmt: skip
    with pytest.raises(LoginRequired):
        rr.parse_work([login])
    fiction = page(GREAT, f"{RR}/fiction/555")
    with pytest.raises(ParseError, match="HTTP 404"):
        rr.parse_work([fiction, html_page("<html></html>", GREAT_CH1, 404)])
    body = shared_fixture(CHAPTER).read_bytes()
    cut = FetchedPage(GREAT_CH1, 200, {}, body[: len(body) // 2], datetime.now(UTC))
    with pytest.raises(ParseError, match="cut off"):
        rr.parse_work([fiction, cut])
    with pytest.raises(ParseError, match="no chapters"):
        rr.parse_work([fiction])


# --- chrome ----------------------------------------------------------------------------------------


def test_every_chrome_selector_is_on_a_real_saved_page():
    docs = [soup(shared_fixture(rel).read_bytes()) for rel in (CANDLE, GREAT, CHAPTER, ROCK)]
    for selector in RoyalRoadAdapter.chrome:
        assert any(doc.select(selector) for doc in docs), selector


def test_removing_the_chrome_keeps_every_word_of_the_chapter_and_the_description():
    for rel, story in ((CHAPTER, ".chapter-content"), (ROCK, ".chapter-content"),
                       (CANDLE, ".description"), (GREAT, ".description")):  # fmt: skip
        doc = soup(shared_fixture(rel).read_bytes())
        before = [node.get_text() for node in doc.select(story)]
        for node in doc.select(", ".join(RoyalRoadAdapter.chrome)):
            node.decompose()
        assert [node.get_text() for node in doc.select(story)] == before and before
