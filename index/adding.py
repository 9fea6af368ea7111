"""`add` of a listing URL: an AO3 series, a user's works or bookmarks archive every
work they list (a work the reader removed stays removed: only its own URL brings it
back). A listing cut off by `politeness.max_listing_pages` says how many works it
left unread; a series page's parts are remembered for `list --series-gaps`.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from crawler.config import Source
from crawler.frontier import Fetch
from crawler.sites import adapter_for_url
from crawler.sites.base import ListingEntry
from index import series
from index.reports import Outcome, Report


def listing_urls(archive, urls: list[str]) -> tuple[list[str], list[str]]:
    """(work URLs, listing URLs) among what the user gave, in their order."""
    works, listings = [], []
    for url in urls:
        try:
            site = adapter_for_url(archive.config, url)
        except Exception:  # noqa: BLE001 - said for that URL by the work path
            works.append(url)
            continue
        absolute = site.absolute(url)
        is_listing = site.has_listings() and site.is_listing_url(absolute)
        (listings if is_listing else works).append(url)
    return works, listings


def add_listing(archive, report: Report, url: str) -> None:
    """Every work the listing shows, checked as a crawl checks them."""
    site = adapter_for_url(archive.config, url)
    source = Source(name=f"add {urlsplit(url).path}", site=site.name, start=(url,))
    found = archive.frontier.discover(site, source, None)
    report.notes.extend(found.notes)
    report.errors.extend(listing_errors(found, source))
    series.remember(archive.store.db, site.id_prefix, found.series)
    removed = set(archive.removals.removed())
    frontier = archive.frontier

    def step(entry: ListingEntry) -> Fetch | Outcome:
        work_id = site.work_id(entry.site_id)
        if work_id in removed:
            why = "you removed it; `ficarchive add URL` of the work brings it back"
            return Outcome(work_id, entry.url, "skipped", why, entry.title)
        return frontier.check(site, entry)

    archive.recorder.run(report, f"adding {urlsplit(url).path}", found.entries, step)


def listing_errors(found, source: Source) -> list[str]:
    """A listing that did not answer is a failure to say in one line, not a note."""
    failed = [read for read in found.listings if not read.ok]
    if not failed:
        return []
    read = failed[0]
    host = urlsplit(read.url).netloc or read.url
    why = read.reason.removeprefix(f"{read.url}: ")
    what = (
        "nothing crawled" if not found.entries else f"{len(found.entries)} work(s) found before it"
    )
    return [f"{host}: {why}; {what} from source {source.name!r}"]
