"""The AO3 adapter on real saved AO3 pages, field by field."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crawler.config import default_sites
from crawler.errors import AdultContent, Gone, LoginRequired, ParseError
from crawler.models import FetchedPage
from crawler.sites.ao3 import AO3Adapter
from tests.conftest import shared_fixture

BASE = "https://archiveofourown.org"


def adapter(allow_adult: bool = False) -> AO3Adapter:
    from dataclasses import replace

    return AO3Adapter(replace(default_sites()["ao3"], allow_adult=allow_adult))


def page(name: str, url: str = f"{BASE}/works/41822007", status: int = 200) -> FetchedPage:
    body = shared_fixture(f"ao3/{name}").read_bytes()
    return FetchedPage(url, status, {}, body, datetime.now(UTC), url)


def test_single_chapter_work_metadata():
    raw = adapter().parse_work([page("ao3_work_single_chapter_unlockedWork.html")])
    m = raw.meta
    assert raw.id == "ao3:41822007"
    assert m.title == "so I open the window to hear sounds of people"
    assert m.authors == ["oriflamme"]
    assert m.rating == "Teen And Up Audiences"
    assert m.warnings == ["No Archive Warnings Apply"]
    assert m.categories == ["Gen"]
    assert m.fandoms == ["The Locked Tomb Series | Gideon the Ninth Series - Tamsyn Muir"]
    assert m.characters[0] == "John Gaius | Necrolord Prime"
    assert len(m.characters) == 4
    assert m.relationships == []
    assert "Unreliable Narrator" in m.tags and len(m.tags) == 9
    assert m.language == "English"
    assert m.series == [{"name": "it's about the bones 👌", "id": "3196530", "part": 3}]
    assert (m.published, m.updated) == ("2022-09-20", "2022-09-20")
    assert (m.status, m.chapters_total) == ("complete", 1)
    assert (m.words_upstream, m.kudos, m.hits, m.bookmarks, m.comments) == (
        5688,
        671,
        4370,
        192,
        88,
    )
    assert len(raw.chapters) == 1
    assert "You know I had to do it to them" in raw.chapters[0].html
    assert raw.summary_html.startswith("\n<p>") or "<p>" in raw.summary_html
    assert [n.kind for n in raw.notes] == ["work_end_note"]  # the preface note is only a jump link
    assert "sourcing all the memes" in raw.notes[0].html


def test_full_view_multichapter_work():
    raw = adapter().parse_work(
        [
            page(
                "ao3_work_multichapter_full_view_explicit.html",
                f"{BASE}/works/20907563?view_full_work=true",
            )
        ]
    )
    m = raw.meta
    assert raw.id == "ao3:20907563"
    assert m.title == "Monster Fucker October"
    assert m.rating == "Explicit"
    assert m.categories == ["F/M", "M/M", "Other", "F/F"]
    assert (m.status, m.chapters_total) == ("in_progress", None)  # "10/?"
    assert (m.published, m.updated) == ("2019-10-05", "2020-05-27")
    assert len(raw.chapters) == 10
    assert [c.number for c in raw.chapters] == list(range(1, 11))
    assert raw.chapters[0].title == "Female Reader/Male Werewolf"
    assert raw.chapters[9].title == "Gender Neutral Reader/Spider Monster Thing"
    assert raw.chapters[0].notes[0].kind == "chapter_summary"
    assert "Chapter Text" in raw.chapters[0].html  # the landmark is the cleaner's to drop


def test_chapter_view_in_several_series():
    raw = adapter().parse_work(
        [page("ao3_chapter_page_multichapter_in_series.html", f"{BASE}/works/41214669")]
    )
    m = raw.meta
    assert m.title == "Permablocking Specific Tags - Site Skin"
    assert m.fandoms == ["Fandom - Fandom", "AO3", "No Fandom"]
    assert [s["name"] for s in m.series] == ["AO3 Skins", ":has() selector"]
    assert (m.status, m.chapters_total, m.updated) == ("complete", 3, "2023-08-10")


def test_adult_interstitial_restricted_and_gone():
    with pytest.raises(AdultContent, match="allow_adult"):
        adapter().parse_work([page("ao3_adult_content_interstitial.html")])
    with pytest.raises(LoginRequired, match="registered users"):
        adapter().parse_work(
            [page("ao3_restricted_work_login_required.html", f"{BASE}/users/login?restricted=true")]
        )
    with pytest.raises(Gone):
        adapter().parse_work(
            [FetchedPage(f"{BASE}/works/5", 404, {}, b"<html>404</html>", datetime.now(UTC))]
        )
    with pytest.raises(ParseError, match="not an AO3 work page"):
        adapter().parse_work(
            [FetchedPage(f"{BASE}/works/5", 200, {}, b"<html><p>hi</p></html>", datetime.now(UTC))]
        )


def test_adult_works_are_fetched_only_when_allowed():
    assert adapter().work_urls("7") == [f"{BASE}/works/7?view_full_work=true"]
    assert adapter(True).work_urls("7") == [f"{BASE}/works/7?view_full_work=true&view_adult=true"]


def test_tag_listing_entries_and_pagination():
    listing = adapter().parse_listing(
        page(
            "ao3_tag_works_index_kataang_week_2020.html", f"{BASE}/tags/Kataang%20Week%202020/works"
        )
    )
    assert len(listing.entries) == 20
    first = listing.entries[0]
    assert (first.site_id, first.updated, first.chapters) == ("29034420", "2021-01-27", "1/1")
    assert first.title == "Kataang Week 2020: The Red Thread of Fate"
    assert listing.next_url == f"{BASE}/tags/Kataang%20Week%202020/works?page=2"
    assert len({e.site_id for e in listing.entries}) == 20


def test_series_page_listing():
    listing = adapter().parse_listing(
        page("ao3_series_page_counting_drabbles.html", f"{BASE}/series/1")
    )
    assert [e.title for e in listing.entries][0] == "Skipping Stones"
    assert len(listing.entries) == 2 and listing.next_url is None
