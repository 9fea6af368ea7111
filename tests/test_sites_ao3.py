"""The AO3 adapter on every real saved AO3 page, field by field, and on the sample
archive's markup for what no saved page shows (user, bookmark and collection
listings; a chapter whose notes module holds only a jump link)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from crawler.config import SiteConfig, default_sites
from crawler.errors import AdultContent, Gone, LoginRequired, ParseError
from crawler.models import FetchedPage
from crawler.sites.ao3 import AO3Adapter
from search_cli.demo import ao3_markup, sample_works
from tests.conftest import shared_fixture

BASE = "https://archiveofourown.org"


def adapter(allow_adult: bool = False) -> AO3Adapter:
    return AO3Adapter(replace(default_sites()["ao3"], allow_adult=allow_adult))


def page(name: str, url: str = f"{BASE}/works/41822007", status: int = 200) -> FetchedPage:
    body = shared_fixture(f"ao3/{name}").read_bytes()
    return FetchedPage(url, status, {}, body, datetime.now(UTC), url)


def served(html: str, url: str) -> FetchedPage:
    """A page as the sample archive serves it."""
    return FetchedPage(url, 200, {}, html.encode(), datetime.now(UTC), url)


# --- work pages: every field ----------------------------------------------------------


def test_single_chapter_work_every_field():
    raw = adapter().parse_work([page("ao3_work_single_chapter_unlockedWork.html")])
    m = raw.meta
    assert (raw.id, raw.site, raw.url) == ("ao3:41822007", "ao3", f"{BASE}/works/41822007")
    assert m.title == "so I open the window to hear sounds of people"
    assert m.authors == ["oriflamme"]
    assert m.rating == "Teen And Up Audiences"
    assert m.warnings == ["No Archive Warnings Apply"]
    assert m.categories == ["Gen"]
    assert m.fandoms == ["The Locked Tomb Series | Gideon the Ninth Series - Tamsyn Muir"]
    assert m.relationships == []
    assert m.characters == [
        "John Gaius | Necrolord Prime",
        "The Body | Alecto | The Girl in the Tomb",
        "Gideon the First (Locked Tomb Series)",
        "Mercymorn the First (Locked Tomb Series)",
    ]
    assert len(m.tags) == 9
    assert (m.tags[0], m.tags[5], m.tags[-1]) == (
        "John: Could A Depressed Person Make This? /Holds Up Alecto/",
        "Unreliable Narrator",
        "Nona the Ninth Spoilers (Locked Tomb Series)",
    )
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
    assert raw.summary_html.lstrip().startswith("<p>") and "real beach" in raw.summary_html
    assert "Summary:" not in raw.summary_html  # the module heading is not the summary
    # The preface notes module holds only "(See the end of the work for notes.)": no note.
    assert [(n.kind, n.position) for n in raw.notes] == [("work_end_note", "after")]
    assert "sourcing all the memes" in raw.notes[0].html
    assert [(c.number, c.title, c.notes) for c in raw.chapters] == [(1, "", [])]
    assert "You know I had to do it to them" in raw.chapters[0].html


def test_full_view_multichapter_work_every_field():
    url = f"{BASE}/works/20907563?view_full_work=true"
    raw = adapter().parse_work([page("ao3_work_multichapter_full_view_explicit.html", url)])
    m = raw.meta
    assert (raw.id, raw.url) == ("ao3:20907563", f"{BASE}/works/20907563")
    assert (m.title, m.authors) == ("Monster Fucker October", ["SmileDarlin"])
    assert (m.rating, m.warnings) == ("Explicit", ["No Archive Warnings Apply"])
    assert m.categories == ["F/M", "M/M", "Other", "F/F"]
    assert m.fandoms == ["Original Work"]
    assert len(m.relationships) == 12
    assert (m.relationships[0], m.relationships[-1]) == ("Reader/Other(s)", "Reader/Minotaur")
    assert len(m.characters) == 19
    assert (m.characters[0], m.characters[-1]) == ("Reader", "The Minotaur")
    assert len(m.tags) == 202 and (m.tags[0], m.tags[-1]) == ("Smut", "Mythology")
    assert m.language == "English"
    assert m.series == []
    assert (m.status, m.chapters_total) == ("in_progress", None)  # "10/?"
    assert (m.published, m.updated) == ("2019-10-05", "2020-05-27")
    assert (m.words_upstream, m.kudos, m.hits, m.bookmarks, m.comments) == (
        13800,
        7161,
        562700,
        551,
        198,
    )
    assert "the time of monsters" in raw.summary_html
    assert raw.notes == []
    assert [c.number for c in raw.chapters] == list(range(1, 11))
    assert [c.title for c in raw.chapters] == [
        "Female Reader/Male Werewolf",
        "Gender Neutral reader/Tentacles",
        "Male Reader/Male Vampire",
        "Gender neutral reader/Sharkman",
        "Female Reader/Female Demon",
        "Female Reader/Female Spellcaster",
        "Male Reader/Male Orc",
        "Trans Male Reader/Mothman",
        "Male Reader/The Minotaur",
        "Gender Neutral Reader/Spider Monster Thing",
    ]
    for chapter in raw.chapters:
        assert [(n.kind, n.position) for n in chapter.notes] == [("chapter_summary", "before")]
        assert chapter.notes[0].html.strip()
        assert len(chapter.html) > 5000
    assert "Bondage, dubcon" in raw.chapters[0].notes[0].html
    assert "Chapter Text" in raw.chapters[0].html  # the landmark is the cleaner's to drop


def test_chapter_view_in_several_series_every_field():
    raw = adapter().parse_work(
        [page("ao3_chapter_page_multichapter_in_series.html", f"{BASE}/works/41214669")]
    )
    m = raw.meta
    assert raw.id == "ao3:41214669"
    assert (m.title, m.authors) == ("Permablocking Specific Tags - Site Skin", ["Eli0t"])
    assert (m.rating, m.warnings, m.categories) == (
        "General Audiences",
        ["No Archive Warnings Apply"],
        [],
    )
    assert m.fandoms == ["Fandom - Fandom", "AO3", "No Fandom"]
    assert (m.relationships, m.characters) == ([], [])
    assert m.tags == [
        "site skin",
        "Tutorial",
        "Embedded Images",
        "Fanwork Research & Reference Guides",
    ]
    assert m.language == "English"
    assert m.series == [
        {"name": "AO3 Skins", "id": "3078150", "part": 1},
        {"name": ":has() selector", "id": "3078153", "part": 1},
    ]
    assert m.collections == ["Ao3 Skins"]
    assert (m.status, m.chapters_total) == ("complete", 3)
    assert (m.published, m.updated) == ("2022-08-22", "2023-08-10")
    assert (m.words_upstream, m.kudos, m.hits, m.bookmarks, m.comments) == (
        2232,
        759,
        39535,
        811,
        375,
    )
    assert "It finally exists." in raw.summary_html
    assert raw.notes == []  # the preface notes hold only a jump link to the end of the work
    assert [(c.number, c.title, c.notes) for c in raw.chapters] == [(1, "", [])]
    assert "permablock specific tags" in raw.chapters[0].html


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


def test_a_work_page_cut_off_in_transit_is_refused_not_stored_in_part():
    whole = page("ao3_work_multichapter_full_view_explicit.html", f"{BASE}/works/20907563")
    cut = replace(whole, body=whole.body[: len(whole.body) // 2])
    assert b'id="chapter-1"' in cut.body  # enough to parse, too little to keep
    with pytest.raises(ParseError, match="cut off"):
        adapter().parse_work([cut])


def test_adult_works_are_fetched_only_when_allowed():
    assert adapter().work_urls("7") == [f"{BASE}/works/7?view_full_work=true"]
    assert adapter(True).work_urls("7") == [f"{BASE}/works/7?view_full_work=true&view_adult=true"]


# --- notes: only what holds a note ------------------------------------------------------


def test_chapter_notes_module_with_only_the_jump_link_is_not_a_note():
    # Chapter 3 of the sample work has end notes and no notes of its own, so AO3's
    # preface shows "(See the end of the chapter for notes.)" and nothing else.
    work = sample_works.LIGHTHOUSE
    assert work.chapters[2].end_notes and not work.chapters[2].notes
    html = ao3_markup.work_page(work)
    assert "See the end of the chapter for" in html
    raw = adapter().parse_work([served(html, f"{BASE}/works/{work.work_id}")])
    notes = [[n.kind for n in c.notes] for c in raw.chapters]
    assert notes == [["chapter_note"], ["chapter_summary"], ["end_note"]]
    assert all(n.html.strip() for c in raw.chapters for n in c.notes)


def test_notes_module_with_a_blockquote_and_a_jump_link_keeps_only_the_blockquote():
    work = sample_works.SNOWSTORM  # chapter 1: notes; chapter 3: summary, end notes
    raw = adapter().parse_work([served(ao3_markup.work_page(work), f"{BASE}/works/1")])
    first = raw.chapters[0].notes
    assert [n.kind for n in first] == ["chapter_summary", "chapter_note"]
    assert "See the end" not in first[1].html


# --- listings ----------------------------------------------------------------------------


def test_tag_listing_every_entry_and_pagination():
    listing = adapter().parse_listing(
        page(
            "ao3_tag_works_index_kataang_week_2020.html", f"{BASE}/tags/Kataang%20Week%202020/works"
        )
    )
    assert len(listing.entries) == 20
    assert len({e.site_id for e in listing.entries}) == 20
    first = listing.entries[0]
    assert (first.site_id, first.updated, first.chapters) == ("29034420", "2021-01-27", "1/1")
    assert first.title == "Kataang Week 2020: The Red Thread of Fate"
    assert first.url == f"{BASE}/works/29034420"
    assert listing.next_url == f"{BASE}/tags/Kataang%20Week%202020/works?page=2"
    by_id = {e.site_id: e for e in listing.entries}
    # A multi-chapter blurb links its first number: "<a>8</a>/8" must read "8/8", not "8 /8".
    assert (by_id["25793935"].chapters, by_id["25793935"].updated) == ("8/8", "2020-08-15")
    assert (by_id["20326240"].chapters, by_id["20326240"].updated) == ("10/15", "2020-08-03")
    assert by_id["25639372"].chapters == "1/8"
    assert by_id["20326240"].fingerprint == "2020-08-03|10/15"
    assert all(" " not in (e.chapters or "") for e in listing.entries)
    assert all(e.updated and e.chapters for e in listing.entries)


def test_series_page_listing_every_entry():
    listing = adapter().parse_listing(
        page("ao3_series_page_counting_drabbles.html", f"{BASE}/series/1")
    )
    assert [(e.site_id, e.title, e.updated, e.chapters) for e in listing.entries] == [
        ("688", "Skipping Stones", "2005-07-04", "1/1"),
        ("689", "The Flower [sequel to Skipping Stones]", "2005-07-04", "1/1"),
    ]
    assert listing.next_url is None


@pytest.mark.parametrize(
    ("path", "listing"),
    [
        ("/tags/Fluff/works", True),
        ("/users/someone/works", True),
        ("/users/someone/pseuds/other/works", True),
        ("/users/someone/bookmarks", True),
        ("/collections/SomeFest/works", True),
        ("/series/123", True),
        ("/works/123", False),
        ("/works/123/chapters/456", False),
        ("/users/someone", False),
    ],
)
def test_which_urls_are_listings(path, listing):
    assert adapter().is_listing_url(BASE + path) is listing


def _listing_of(html: str, path: str):
    return adapter().parse_listing(served(html, BASE + path))


def test_a_users_works_listing():
    works = [w for w in sample_works.WORKS if "inkwell_and_fog" in w.authors]
    listing = _listing_of(
        ao3_markup.user_works_page("inkwell_and_fog", works, 1, 20), "/users/inkwell_and_fog/works"
    )
    assert [e.site_id for e in listing.entries] == [str(w.work_id) for w in works]
    assert [(e.updated, e.chapters) for e in listing.entries] == [
        (w.revised, w.chapters_label) for w in works
    ]


def test_a_users_bookmarks_listing_takes_the_works_date_not_the_bookmarks():
    marks = [(sample_works.by_id(i), day) for i, day in sample_works.BOOKMARKS["marginalia"]]
    html = ao3_markup.user_bookmarks_page("marginalia", marks, 1, 20)
    listing = _listing_of(html, "/users/marginalia/bookmarks")
    assert [e.site_id for e in listing.entries] == [str(w.work_id) for w, _ in marks]
    for entry, (work, bookmarked) in zip(listing.entries, marks, strict=True):
        assert entry.updated == work.revised != bookmarked
        assert entry.chapters == work.chapters_label


def test_a_collection_listing_with_pagination():
    title, ids = sample_works.COLLECTIONS["SampleArchiveWeek2024"]
    works = [sample_works.by_id(i) for i in ids]
    html = ao3_markup.collection_works_page("SampleArchiveWeek2024", title, works, 1, 2)
    listing = _listing_of(html, "/collections/SampleArchiveWeek2024/works")
    assert [e.site_id for e in listing.entries] == [str(w.work_id) for w in works[:2]]
    assert listing.next_url == f"{BASE}/collections/SampleArchiveWeek2024/works?page=2"


def test_a_listings_next_link_to_another_host_is_not_followed():
    html = ao3_markup.listing_page("Fluff", list(sample_works.WORKS), 1, 4)
    html = html.replace('href="/tags/Fluff/works?page=2"', 'href="https://elsewhere.example/p2"')
    listing = _listing_of(html, "/tags/Fluff/works")
    assert len(listing.entries) == 4 and listing.next_url is None


def test_entry_url_is_the_work_on_the_configured_base():
    mirror = AO3Adapter(SiteConfig("ao3", "http://127.0.0.1:8000", 0.0))
    assert mirror.entry_url("41822007") == "http://127.0.0.1:8000/works/41822007"
    assert mirror.work_id_from_url(mirror.entry_url("41822007")) == "41822007"
    assert adapter().entry_url("7") == f"{BASE}/works/7"


def test_listing_links_become_work_urls_on_the_configured_base():
    mirror = AO3Adapter(SiteConfig("ao3", "http://127.0.0.1:8000", 0.0))
    html = ao3_markup.listing_page("Fluff", list(sample_works.WORKS), 1, 20)
    listing = mirror.parse_listing(served(html, "http://127.0.0.1:8000/tags/Fluff/works"))
    assert all(e.url.startswith("http://127.0.0.1:8000/works/") for e in listing.entries)
