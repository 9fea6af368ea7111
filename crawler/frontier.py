"""The crawl, step by step: discover -> fetch (polite) -> parse -> clean.

The frontier writes nothing. It asks a read-only StoredState what is already
archived (fingerprints, validators) and returns typed outcomes; the archive
(index/archive.py) stores them and records every one, in one place.
"""

from __future__ import annotations

import logging
import os
import stat
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from crawler import epub_read, saved
from crawler.clean import clean_work
from crawler.config import Config, Source
from crawler.damage import damage
from crawler.errors import (
    AdultContent,
    FetchError,
    Gone,
    HostGivenUp,
    LoginRequired,
    NotAStory,
    ParseError,
    RobotsDisallowed,
)
from crawler.http import PoliteClient
from crawler.models import FetchedPage, RawWork, Work
from crawler.ports import StoredState
from crawler.records import KINDS, Discovery, Fetch, ListingRead
from crawler.sites.base import ListingEntry, SiteAdapter

# The records live in crawler/records.py; named here too, where they were first.
__all__ = ["KINDS", "Discovery", "Fetch", "Frontier", "Later", "ListingRead"]

log = logging.getLogger(__name__)


class Frontier:
    """Finds, fetches and cleans works; asks `stored` what is already kept."""

    def __init__(self, config: Config, client: PoliteClient | None, stored: StoredState) -> None:
        """`client` may be None for work that never fetches (local files, re-cleans)."""
        self.config = config
        self.client = client
        self.stored = stored

    def _get(self, url: str, **validators: str | None) -> FetchedPage:
        if self.client is None:
            raise FetchError(f"{url}: this command does not fetch")
        return self.client.get(url, **validators)

    # --- discover --------------------------------------------------------------------

    def discover(self, site: SiteAdapter, source: Source, limit: int | None) -> Discovery:
        """Walk the source's listings (following pagination) and collect work entries."""
        found = Discovery()
        entries: dict[str, ListingEntry] = {}
        for start in source.start:
            url: str | None = site.absolute(start)
            site_id = site.work_id_from_url(url)
            if site_id and not site.is_listing_url(url):
                entries.setdefault(site_id, ListingEntry(site_id, site.entry_url(site_id)))
                continue
            self._walk(site, url, limit, entries, found)
        found.entries = (
            list(entries.values())[:limit] if limit is not None else list(entries.values())
        )
        return found

    def _walk(
        self,
        site: SiteAdapter,
        url: str | None,
        limit: int | None,
        entries: dict[str, ListingEntry],
        found: Discovery,
    ) -> None:
        pages, total, before, first = 0, None, len(entries), url
        while url and pages < self.config.politeness.max_listing_pages:
            if limit is not None and len(entries) >= limit:
                break
            try:
                page = self._get(url)
            except FetchError as exc:
                found.notes.append(f"listing {url} not read: {exc}")
                found.listings.append(ListingRead(url, False, str(exc)))
                return
            pages += 1
            if page.status >= 400:
                found.notes.append(f"listing {url} answered HTTP {page.status}")
                found.listings.append(ListingRead(url, False, f"HTTP {page.status}"))
                return
            listing = site.parse_listing(page)
            found.listings.append(ListingRead(url, True))
            for entry in listing.entries:
                entries.setdefault(entry.site_id, entry)
            found.series.extend((listing.series, e) for e in listing.entries if listing.series)
            url, total = listing.next_url, total if total is not None else listing.total
        if url and total is not None:  # cut off: say how many it never read
            why = (
                f"max_works {limit}"
                if limit is not None and len(entries) >= limit
                else f"politeness.max_listing_pages {self.config.politeness.max_listing_pages}"
            )
            taken = len(entries) - before if limit is None else min(limit, len(entries) - before)
            left = max(0, total - taken)
            found.notes.append(f"listing {first} stopped at {why}: {left:,} of"
                               f" its {total:,} works not read")  # fmt: skip

    def planned(self, site: SiteAdapter, entries: list[ListingEntry]) -> list[str]:
        """--dry-run: the entries a crawl would fetch (new, changed or gone)."""
        out = []
        for entry in entries:
            known = self.stored.known(site.work_id(entry.site_id))
            if known is None or known.fingerprint != entry.fingerprint or known.gone:
                out.append(entry.url)
        return out

    # --- fetch -----------------------------------------------------------------------

    def check(
        self, site: SiteAdapter, entry: ListingEntry, *, later: bool = False
    ) -> Fetch | Later:
        """A listed work: unchanged when the listing says so, else fetched (see fetch)."""
        work_id = site.work_id(entry.site_id)
        known = self.stored.known(work_id)
        if (
            known is not None
            and entry.updated is not None
            and known.fingerprint == entry.fingerprint
            and not known.gone
            and not known.locked
        ):
            return Fetch("unchanged", work_id, entry.url, entry.title, "listing shows no change")
        return self.fetch(site, entry.site_id, entry.url, entry.fingerprint, entry.title,
                          later=later)  # fmt: skip

    def fetch(
        self,
        site: SiteAdapter,
        site_id: str,
        url: str,
        fingerprint: str | None = None,
        title: str = "",
        *,
        later: bool = False,
    ) -> Fetch | Later:
        """Fetch every page of one work (conditionally when it is stored), parse, clean.

        `later`: once its pages are fetched, the parsing and cleaning are handed back
        undone (a Later), so a crawl runs them in a worker while it waits for its next
        request slot; the network part and the store's answers stay in this thread.
        """
        work_id = site.work_id(site_id)
        try:
            urls = site.work_urls(site_id)
            validators = self._validators(work_id, urls[0])
            first = self._get(urls[0], **validators)
            if first.status == 304:
                if not validators:  # nothing stored, nothing asked: the server is wrong
                    why = f"{urls[0]}: answered 304 Not Modified for a page never stored"
                    return Fetch("failed", work_id, url, title, why)
                return Fetch(
                    "not_modified",
                    work_id,
                    url,
                    title,
                    "not modified (304)",
                    fingerprint=fingerprint,
                )
            seen = _page_fingerprint(site, first)
            if seen is not None:
                fingerprint = seen
                if self._unchanged(work_id, seen):
                    why = "its first page shows no change"
                    return Fetch("not_modified", work_id, url, title, why, fingerprint=seen)
            pages = [first] + [self._get(u) for u in urls[1:]]
            if pages and pages[0].status < 400:
                pages += [self._get(u) for u in site.more_urls(pages[0])]
        except (FetchError, ParseError) as exc:
            return _failure(exc, work_id, url, title)
        read = Later(self, site, work_id, url, title, pages, fingerprint)
        return read if later else read.done(read.parse())

    def _unchanged(self, work_id: str, fingerprint: str) -> bool:
        known = self.stored.known(work_id)
        return (
            known is not None
            and known.fingerprint == fingerprint
            and not known.gone
            and not known.locked
        )

    def _validators(self, work_id: str, url: str) -> dict[str, str | None]:
        if self.stored.known(work_id) is None:
            return {}
        etag, last_modified = self.stored.validators(work_id, url)
        return {"etag": etag, "last_modified": last_modified}

    def page(self, site: SiteAdapter, url: str) -> Fetch:
        """One page that is a whole story (a configured single-page site)."""
        try:
            page = self._get(url)
            raw = site.parse_work([page])
        except (FetchError, ParseError) as exc:
            return Fetch("failed", "", url, reason=str(exc))
        return self.cleaned(raw, [page], None)

    def local(self, site: SiteAdapter, path: Path) -> Fetch:
        """A story file on this machine: no network, no crawl state.

        Only a regular file is read, and never more than the page cap: a FIFO would
        block the import forever and /dev/zero would fill memory. It is opened without
        blocking and checked on the open descriptor, so nothing can swap it in between.
        """
        cap = self.config.politeness.max_page_bytes
        where = str(path)
        over = f"over the {cap:,} byte limit (politeness.max_page_bytes)"
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
            try:
                info = os.fstat(fd)
                if not stat.S_ISREG(info.st_mode):
                    kinds = [(stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe")]
                    kinds += [(stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device")]
                    kind = next((n for is_it, n in kinds if is_it(info.st_mode)), "a special file")
                    why = f"{path} is {kind}; only a regular file can be imported"
                    if kind == "a folder":  # import_paths walks folders: this one held none
                        why = f"{path} is a folder with no story in it (.html, .txt, .epub)"
                    return Fetch("failed", "", where, reason=why, fetched=False)
                if info.st_size > cap:
                    # The same cap as a fetched page: parsing a huge page takes minutes and
                    # gigabytes, and no story is one 20 MB page.
                    why = f"{path} is {info.st_size:,} bytes, {over}"
                    return Fetch("failed", "", where, reason=why, fetched=False)
                with open(fd, "rb", closefd=False) as f:
                    body = f.read(cap + 1)  # a file still growing stops at the cap too
            finally:
                os.close(fd)
            if len(body) > cap:
                why = f"{path} holds more than its size said, {over}"
                return Fetch("failed", "", where, reason=why, fetched=False)
        except OSError as exc:
            why = f"cannot read {path}: {exc.strerror or exc}"
            return Fetch("failed", "", where, reason=why, fetched=False)
        uri = path.resolve().as_uri()
        page = FetchedPage(uri, 200, {}, body, datetime.now(UTC), uri)
        try:
            site, pages, raw = self._read_local(site, page)
        except NotAStory as exc:  # the summary counts it apart: skipped, not failed
            return Fetch("skipped", "", where, reason=f"not a story: {exc}", fetched=False)
        except ParseError as exc:
            return Fetch("failed", "", where, reason=str(exc), fetched=False)
        found = self.cleaned(raw, pages, None)
        found.fetched, found.origin = False, "import"
        return found

    def _read_local(
        self, site: SiteAdapter, page: FetchedPage
    ) -> tuple[SiteAdapter, list[FetchedPage], RawWork]:
        """An EPUB by its reader; a saved page by the site that claims it (its chapters
        merged with those stored, for a site saved chapter by chapter); else `site`."""
        if page.body[:4] == b"PK\x03\x04":
            return epub_read.read(self.config, page)
        if site.name == "text":
            site, page = saved.recognise(self.config, page)
        pages = [page]
        if not site.single_page:
            work_id = site.work_id_from_url(page.url)
            if work_id:
                pages = saved.merged(site, page, self.stored.pages(site.work_id(work_id)))
        return site, pages, site.parse_work(pages)

    def reclean(self, site: SiteAdapter, pages: list[FetchedPage]) -> Fetch:
        """A stored work cleaned again from its stored raw pages (no network)."""
        try:
            if pages and pages[0].body[:4] == b"PK\x03\x04":  # an imported EPUB
                site, pages, raw = epub_read.read(self.config, pages[0])
            else:
                raw = site.parse_work(pages)
            work = self._clean(raw)
        except (ParseError, FetchError) as exc:
            return Fetch("failed", "", pages[0].url, reason=f"kept the stored copy: {exc}")
        return Fetch("fetched", work.id, pages[0].url, work.title, work=work, fetched=False,
                     origin="reclean")  # fmt: skip

    def _clean(self, raw: RawWork) -> Work:
        return clean_work(raw, detect_body_notes=self.config.cleaning.detect_body_notes)

    def cleaned(self, raw: RawWork, pages: list[FetchedPage], fingerprint: str | None) -> Fetch:
        """Clean a parsed work; a damaged page never becomes stored text."""
        work = self._clean(raw)
        return self.judged(raw, work, damage(work, pages), pages, fingerprint)

    def judged(
        self,
        raw: RawWork,
        work: Work,
        why: str | None,
        pages: list[FetchedPage],
        fingerprint: str | None,
    ) -> Fetch:
        """A cleaned work to store, or, when `why` says its page was damaged, not."""
        if why is not None:
            # The next crawl asks again; what is stored stays as it is.
            kept = "; the stored copy is kept" if self.stored.known(work.id) else ""
            reason = f"{raw.url}: {why}; not stored{kept}"
            return Fetch("failed", work.id, raw.url, work.title, reason)
        return Fetch("fetched", work.id, raw.url, work.title, work=work, pages=pages,
                     fingerprint=fingerprint)  # fmt: skip


def _failure(exc: FetchError | ParseError, work_id: str, url: str, title: str) -> Fetch:
    """What a fetch or parse that raised comes to."""
    kinds = [(Gone, "gone"), (LoginRequired, "locked"), (AdultContent, "skipped"),
             (HostGivenUp, "pending"), (RobotsDisallowed, "disallowed")]  # fmt: skip
    # Disallowed is the politeness rule working, not a failure: said, and left alone.
    kind = next((k for cls, k in kinds if isinstance(exc, cls)), "failed")
    return Fetch(kind, work_id, url, title, str(exc))


@dataclass
class Later:
    """A work's pages fetched, their parsing and cleaning not yet done.

    parse() touches neither the network nor the store, so it may run in a worker
    thread while the crawl waits for its next request slot (issue 19: a work's CPU
    never delays the next request); done() turns its answer into the Fetch, in the
    crawl's own thread (the store's questions are asked there).
    """

    frontier: Frontier
    site: SiteAdapter
    work_id: str
    url: str
    title: str
    pages: list[FetchedPage]
    fingerprint: str | None

    def parse(self) -> Fetch | tuple[RawWork, Work, str | None]:
        """The parsed and cleaned work and what damaged it (None), or the Fetch saying
        why there is none."""
        try:
            raw = self.site.parse_work(self.pages)
        except (FetchError, ParseError) as exc:
            return _failure(exc, self.work_id, self.url, self.title)
        work = self.frontier._clean(raw)
        return raw, work, damage(work, self.pages)

    def done(self, parsed: Fetch | tuple[RawWork, Work, str | None]) -> Fetch:
        if isinstance(parsed, Fetch):
            return parsed
        raw, work, why = parsed
        moved = raw.id != self.work_id
        found = self.frontier.judged(raw, work, why, self.pages,
                                     None if moved else self.fingerprint)  # fmt: skip
        if moved:
            # Moved or merged upstream: the other work is stored under its own id, and
            # never written into this one.
            found.moved_from = self.work_id
        return found


def _page_fingerprint(site: SiteAdapter, first: FetchedPage) -> str | None:
    """What a work's first page says must differ for it to have changed (XenForo's
    threadmarks index, Royal Road's fiction page), or None when the page cannot tell.

    SiteAdapter.page_fingerprint where an adapter has one.
    """
    return site.page_fingerprint(first) if first.status < 400 else None
