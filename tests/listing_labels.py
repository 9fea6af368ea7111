"""Labels of the real AO3 listing pages the cheap update checks read (issue 17): a
works listing (the same blurbs as a user's works pages), a series page and a work's
chapter index. Joined into tests/test_clean_quality.py's CHECKS."""

from __future__ import annotations

from crawler.config import default_sites
from crawler.sites.ao3 import AO3Adapter
from tests.clean_gate import page

SEARCH = "ao3/ao3_works_search_results_harry.html"
SERIES_PAGE = "ao3/ao3_series_page_counting_drabbles.html"
NAVIGATE = "ao3/ao3_work_navigate_43703871.html"
AO3 = "https://archiveofourown.org"

Result = tuple[str, object, object]


def _ao3() -> AO3Adapter:
    return AO3Adapter(default_sites()["ao3"])


def check_works_listing() -> list[Result]:
    listing = _ao3().parse_listing(page(SEARCH, f"{AO3}/works/search?work_search%5Bquery%5D=harry"))
    first, last = listing.entries[0], listing.entries[-1]
    return [
        ("blurbs", 20, len(listing.entries)),
        ("total shown", 714_297, listing.total),
        ("first: id, date, chapters", ("10057010", "2018-11-12", "188/188"),
         (first.site_id, first.updated, first.chapters)),
        ("last: id, date, chapters", ("27300139", "2021-07-25", "17/17"),
         (last.site_id, last.updated, last.chapters)),
        ("every blurb dated", True, all(e.updated for e in listing.entries)),
        ("next page", True, bool(listing.next_url and "page=2" in listing.next_url)),
    ]  # fmt: skip


def check_series_listing() -> list[Result]:
    listing = _ao3().parse_listing(page(SERIES_PAGE, f"{AO3}/series/46"))
    return [
        ("series", ("46", "Counting Drabbles"), listing.series),
        ("works in the series", 2, listing.total),
        ("parts in order", [("688", 1), ("689", 2)], [(e.site_id, e.part) for e in listing.entries]),
        ("dates and chapters", [("2005-07-04", "1/1")] * 2,
         [(e.updated, e.chapters) for e in listing.entries]),
        ("last page", None, listing.next_url),
    ]  # fmt: skip


def check_navigate() -> list[Result]:
    chapters = _ao3().chapter_index(page(NAVIGATE, f"{AO3}/works/43703871/navigate"))
    return [
        ("chapters", 9, len(chapters)),
        ("first", (1, "Coming Through The Fog", "2022-12-19"), chapters[0] if chapters else None),
        ("last", (9, "Epilogue (Silver Cities Rise)", "2022-12-25"), chapters[-1] if chapters else None),
    ]  # fmt: skip


CHECKS = {SEARCH: check_works_listing, NAVIGATE: check_navigate}
