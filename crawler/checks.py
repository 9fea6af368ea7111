"""Cheap update checks: one listing page shows up to 20 works' updated dates and
chapter counts, so it can tell which of them changed for one request where
fetching each would cost 20.

This module reads listings and writes nothing; index/updating.py decides which
listings to read for which works and records what they said.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from crawler.errors import FetchError
from crawler.models import FetchedPage
from crawler.sites.base import ListingEntry, SiteAdapter


@dataclass
class ListingCheck:
    """What one listing (all the pages of it read) showed."""

    url: str
    entries: dict[str, ListingEntry] = field(default_factory=dict)  # by site id
    pages: int = 0
    ok: bool = True
    reason: str = ""
    stopped: str = ""  # why it stopped before every wanted work was seen
    series: tuple[str, str] | None = None  # a series page: (series id, name)


def read_listing(
    get: Callable[[str], FetchedPage],
    site: SiteAdapter,
    url: str,
    want: set[str],
    max_pages: int,
    may_ask: Callable[[], str | None] = lambda: None,
) -> ListingCheck:
    """Walk the listing from `url` until every wanted site id is seen, the listing
    ends, `max_pages` are read or `may_ask` (the run's budget) says stop."""
    check = ListingCheck(url)
    next_url: str | None = url
    while next_url and not want.issubset(check.entries):
        if check.pages >= max_pages:
            check.stopped = f"stopped at {max_pages} pages (politeness.max_listing_pages)"
            break
        if why := may_ask():
            check.stopped = why
            break
        try:
            page = get(next_url)
        except FetchError as exc:
            check.ok, check.reason = False, str(exc)
            break
        check.pages += 1
        if page.status >= 400:
            check.ok, check.reason = False, f"{next_url}: HTTP {page.status}"
            break
        listing = site.parse_listing(page)
        check.series = check.series or listing.series
        for entry in listing.entries:
            check.entries.setdefault(entry.site_id, entry)
        next_url = listing.next_url
    return check
