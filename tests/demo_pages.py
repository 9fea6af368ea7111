"""Reading the sample archive's pages in tests: the listing path, parsing, the saved AO3 pages.

Shared by the demo server's tests (routes, state, markup, generated works).
"""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup

from search_cli.demo import ao3_markup, sample_works
from search_cli.demo.sample_works import WORKS
from tests.conftest import shared_fixture

LISTING = f"/tags/{ao3_markup.escape_tag(sample_works.LISTING_TAG)}/works"


def soup(text: str) -> BeautifulSoup:
    return BeautifulSoup(text, "lxml")


def of_state(*states: str) -> list[sample_works.SampleWork]:
    return [w for w in WORKS if w.state in states]


def listed_ids(page_html: str) -> list[int]:
    """The work ids of a listing page's blurbs, in page order."""
    return [
        int(li["id"].removeprefix("work_")) for li in soup(page_html).select("li.work.blurb.group")
    ]


def ao3_fixture(name: str) -> BeautifulSoup:
    """A saved real AO3 page from ../shared/fixtures/ao3 (the test skips where it is absent)."""
    return soup(Path(shared_fixture(f"ao3/{name}")).read_text(encoding="utf-8"))
