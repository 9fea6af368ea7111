"""The crawl, step by step: discover -> fetch (polite) -> parse -> clean -> store -> index.

Every outcome of every work is recorded, nothing stored is ever deleted by a
crawl, and works are indexed in the same run that stored them.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from crawler.clean import clean_work
from crawler.config import Config, Source
from crawler.damage import damage
from crawler.errors import (
    AdultContent,
    FetchError,
    FicarchiveError,
    Gone,
    LoginRequired,
    ParseError,
    UsageError,
)
from crawler.http import PoliteClient
from crawler.models import FetchedPage, RawWork, Work
from crawler.sites import adapter, adapter_for_url
from crawler.sites.base import ListingEntry, SiteAdapter
from crawler.sites.text import TextAdapter
from index.indexer import Indexer
from index.store import Store

log = logging.getLogger(__name__)

RESULTS = ("new", "updated", "unchanged", "gone", "locked", "skipped", "failed")
INDEX_BATCH = 25


@dataclass
class Outcome:
    """What happened to one work in this run."""

    id: str
    url: str
    result: str
    reason: str = ""
    title: str = ""


@dataclass
class Report:
    """The summary of a crawl, add, update or import."""

    outcomes: list[Outcome] = field(default_factory=list)
    requests: int = 0
    waited: float = 0.0
    bound: float = 0.0  # the politeness bound: the sum of the gaps the rules required
    elapsed: float = 0.0
    notes: list[str] = field(default_factory=list)
    planned: list[str] = field(default_factory=list)  # --dry-run: what would be fetched

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(RESULTS, 0)
        for o in self.outcomes:
            counts[o.result] += 1
        return counts

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.result == "failed"]

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0

    def stored_ids(self) -> list[str]:
        return [o.id for o in self.outcomes if o.result in ("new", "updated", "unchanged")]

    def to_dict(self) -> dict:
        return {
            "counts": self.counts(),
            "requests": self.requests,
            "waited_seconds": round(self.waited, 2),
            "politeness_bound_seconds": round(self.bound, 2),
            "elapsed_seconds": round(self.elapsed, 2),
            "notes": self.notes,
            "planned": self.planned,
            "works": [o.__dict__ for o in self.outcomes],
        }


class Progress:
    """What the CLI hears while work goes on; the default hears nothing."""

    def start(self, total: int | None, label: str) -> None: ...

    def advance(self, outcome: Outcome) -> None: ...

    def waiting(self, seconds: float, host: str) -> None: ...

    def indexing(self, work: Work) -> None: ...


class Archiver:
    """Runs crawls, adds, imports and re-indexing against one archive."""

    def __init__(
        self,
        config: Config,
        store: Store,
        *,
        progress: Progress | None = None,
        client: PoliteClient | None = None,
    ) -> None:
        self.config = config
        self.store = store
        self.indexer = Indexer(config.archive_dir)
        self.progress = progress or Progress()
        self._client = client
        self._to_index: list[str] = []

    @property
    def client(self) -> PoliteClient:
        if self._client is None:
            self._client = PoliteClient(self.config, on_wait=self.progress.waiting)
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()

    # --- crawl --------------------------------------------------------------------

    def crawl(
        self, sources: Iterable[Source], *, max_works: int | None = None, dry_run: bool = False
    ) -> Report:
        report = Report()
        began = time.monotonic()
        for source in sources:
            site = adapter(self.config, source.site)
            limit = max_works if max_works is not None else source.max_works
            entries = self._discover(site, source, limit, report)
            if dry_run:
                for entry in entries:
                    row = self.store.work_row(f"{site.name}:{entry.site_id}")
                    if row is None or row["fingerprint"] != entry.fingerprint or row["gone_at"]:
                        report.planned.append(entry.url)
                continue
            self.progress.start(len(entries), f"crawling {source.name}")
            for entry in entries:
                outcome = self._crawl_entry(site, entry, source.name)
                report.outcomes.append(outcome)
                self.progress.advance(outcome)
                self._maybe_index()
            self.store.touch_source(source.name)
        self._finish(report, began)
        return report

    def _discover(
        self, site: SiteAdapter, source: Source, limit: int | None, report: Report
    ) -> list[ListingEntry]:
        """Walk the source's listings (following pagination) and collect work entries."""
        entries: dict[str, ListingEntry] = {}
        for start in source.start:
            url: str | None = site.absolute(start)
            work_id = site.work_id_from_url(url)
            if work_id and not site.is_listing_url(url):
                entries.setdefault(
                    work_id, ListingEntry(work_id, site.absolute(f"/works/{work_id}"))
                )
                continue
            pages = 0
            while url and pages < self.config.politeness.max_listing_pages:
                if limit is not None and len(entries) >= limit:
                    break
                try:
                    page = self.client.get(url)
                except FetchError as exc:
                    report.notes.append(f"listing {url} not read: {exc}")
                    self.store.set_state(url, "listing", "failed", str(exc), source.name)
                    break
                pages += 1
                if page.status >= 400:
                    report.notes.append(f"listing {url} answered HTTP {page.status}")
                    self.store.set_state(
                        url, "listing", "failed", f"HTTP {page.status}", source.name
                    )
                    break
                listing = site.parse_listing(page)
                self.store.set_state(url, "listing", "done", "", source.name)
                for entry in listing.entries:
                    entries.setdefault(entry.site_id, entry)
                url = listing.next_url
        found = list(entries.values())
        return found[:limit] if limit is not None else found

    def _crawl_entry(self, site: SiteAdapter, entry: ListingEntry, source: str | None) -> Outcome:
        work_id = f"{site.name}:{entry.site_id}"
        row = self.store.work_row(work_id)
        if (
            row is not None
            and entry.updated is not None
            and row["fingerprint"] == entry.fingerprint
            and not row["gone_at"]
            and not row["locked"]
        ):
            return Outcome(work_id, entry.url, "unchanged", "listing shows no change", entry.title)
        return self._fetch_work(
            site, entry.site_id, entry.url, entry.fingerprint, source, entry.title
        )

    def _fetch_work(
        self,
        site: SiteAdapter,
        site_id: str,
        url: str,
        fingerprint: str | None,
        source: str | None,
        title: str = "",
    ) -> Outcome:
        work_id = f"{site.name}:{site_id}"
        try:
            urls = site.work_urls(site_id)
            first = self.client.get(urls[0], **self._validators(work_id, urls[0]))
            if first.status == 304:
                self.store.touch_fetched(work_id, fingerprint)
                self.store.set_state(url, "work", "done", "not modified", source)
                return Outcome(work_id, url, "unchanged", "not modified (304)", title)
            pages = [first] + [self.client.get(u) for u in urls[1:]]
            if pages and pages[0].status < 400:
                pages += [self.client.get(u) for u in site.more_urls(pages[0])]
            raw = site.parse_work(pages)
        except Gone as exc:
            kept = self.store.mark_gone(work_id)
            self.store.set_state(url, "work", "gone", str(exc), source)
            why = (
                "gone upstream; the stored copy is kept" if kept else "gone upstream (never stored)"
            )
            return Outcome(work_id, url, "gone", why, title)
        except LoginRequired as exc:
            kept = self.store.mark_locked(work_id)
            self.store.set_state(url, "work", "locked", str(exc), source)
            why = "registered users only" + ("; the stored copy is kept" if kept else "")
            return Outcome(work_id, url, "locked", why, title)
        except AdultContent as exc:
            self.store.set_state(url, "work", "skipped", str(exc), source)
            return Outcome(
                work_id,
                url,
                "skipped",
                "adult content: set allow_adult = true to archive it",
                title,
            )
        except (FetchError, ParseError) as exc:
            self.store.set_state(url, "work", "failed", str(exc), source)
            return Outcome(work_id, url, "failed", str(exc), title)
        return self._store(raw, pages, fingerprint, source)

    def _validators(self, work_id: str, url: str) -> dict[str, str | None]:
        etag, last_modified = self.store.validators(work_id, url)
        if self.store.work_row(work_id) is None:
            return {}
        return {"etag": etag, "last_modified": last_modified}

    def _store(
        self,
        raw: RawWork,
        pages: list[FetchedPage],
        fingerprint: str | None,
        source: str | None,
        *,
        fetched: bool = True,
    ) -> Outcome:
        """Clean and store a work; `fetched=False` for a local file (no crawl state)."""
        work = clean_work(raw, detect_body_notes=self.config.cleaning.detect_body_notes)
        why = damage(work, pages)
        if why is not None:
            # A damaged page never becomes the stored text; the next crawl asks again.
            kept = "; the stored copy is kept" if self.store.work_row(work.id) else ""
            reason = f"{raw.url}: {why}; not stored{kept}"
            if fetched:
                self.store.set_state(raw.url, "work", "failed", reason, source)
            return Outcome(work.id, raw.url, "failed", reason, work.title)
        result = self.store.save_work(work, pages, fingerprint)
        if fetched:
            self.store.set_state(raw.url, "work", "done", result, source)
        if result != "unchanged" or self.store.work_row(work.id)["indexed_hash"] is None:
            self._to_index.append(work.id)
        return Outcome(work.id, raw.url, result, "", work.title)

    # --- add / import -------------------------------------------------------------------

    def add(self, urls: Iterable[str]) -> Report:
        """Fetch works by URL (a stored work is refreshed, never duplicated)."""
        report = Report()
        began = time.monotonic()
        urls = list(urls)
        self.progress.start(len(urls), "adding")
        for url in urls:
            site = adapter_for_url(self.config, url)
            site_id = site.work_id_from_url(url)
            if isinstance(site, TextAdapter):
                outcome = self._add_page(site, url)
            elif site_id is None:
                outcome = Outcome("", url, "failed", f"not a {site.name} work URL")
            else:
                outcome = self._fetch_work(site, site_id, url, None, None)
            report.outcomes.append(outcome)
            self.progress.advance(outcome)
        self._finish(report, began)
        return report

    def _add_page(self, site: TextAdapter, url: str) -> Outcome:
        try:
            page = self.client.get(url)
            raw = site.parse_work([page])
        except (FetchError, ParseError) as exc:
            return Outcome("", url, "failed", str(exc))
        return self._store(raw, [page], None, None)

    def import_paths(self, paths: Iterable[Path]) -> Report:
        """Import local .txt/.html stories; no network."""
        report = Report()
        began = time.monotonic()
        paths = list(paths)
        site = TextAdapter(self.config.site("text"))
        self.progress.start(len(paths), "importing")
        for path in paths:
            outcome = self._import_one(site, Path(path))
            report.outcomes.append(outcome)
            self.progress.advance(outcome)
        self._finish(report, began)
        return report

    def _import_one(self, site: TextAdapter, path: Path) -> Outcome:
        cap = self.config.politeness.max_page_bytes
        try:
            size = path.stat().st_size
            if size > cap:
                # The same cap as a fetched page: parsing a huge page takes minutes and
                # gigabytes, and no story is one 20 MB page.
                return Outcome(
                    "",
                    str(path),
                    "failed",
                    f"{path} is {size:,} bytes, over the {cap:,} byte limit"
                    " (politeness.max_page_bytes)",
                )
            body = path.read_bytes()
        except OSError as exc:
            return Outcome("", str(path), "failed", f"cannot read {path}: {exc.strerror or exc}")
        page = FetchedPage(
            path.resolve().as_uri(), 200, {}, body, datetime.now(UTC), path.resolve().as_uri()
        )
        try:
            raw = site.parse_work([page])
        except ParseError as exc:
            return Outcome("", str(path), "failed", str(exc))
        return self._store(raw, [page], None, None, fetched=False)

    def update(self, ids: Iterable[str]) -> Report:
        """Re-check stored works upstream; say which gained chapters."""
        report = Report()
        began = time.monotonic()
        ids = list(ids)
        self.progress.start(len(ids), "updating")
        for work_id in ids:
            outcome = self._update_one(work_id)
            report.outcomes.append(outcome)
            self.progress.advance(outcome)
        self._finish(report, began)
        return report

    def _update_one(self, work_id: str) -> Outcome:
        before = self.store.get_work(work_id)
        if before is None:
            return Outcome(work_id, "", "failed", "not in the archive")
        site_name, _, site_id = work_id.partition(":")
        if site_name == "file":
            return Outcome(
                work_id, before.url, "skipped", "a local file: import it again to refresh"
            )
        try:
            site = adapter(self.config, site_name)
        except FicarchiveError as exc:
            return Outcome(work_id, before.url, "skipped", str(exc), before.title)
        outcome = self._fetch_work(site, site_id, before.url, None, "update", before.title)
        after = self.store.get_work(work_id)
        if outcome.result == "updated" and after is not None:
            added = len(after.chapters) - len(before.chapters)
            if added > 0:
                outcome.reason = f"{added} new chapter(s)"
        return outcome

    # --- index -----------------------------------------------------------------------------

    def _maybe_index(self, force: bool = False) -> None:
        if self._to_index and (force or len(self._to_index) >= INDEX_BATCH):
            ids, self._to_index = self._to_index, []
            self.indexer.update(self.store.iter_works(ids), progress=self.progress.indexing)
            self.store.mark_indexed(ids)

    def index_pending(self) -> int:
        """Bring the index to exactly the works in the store, whatever a crash left.

        Works whose text changed since they were indexed, works the index lacks (a
        rebuild or commit killed half way) and works the store no longer holds.
        """
        stored = set(self.store.work_ids())
        indexed = self.indexer.work_ids()
        self._to_index = sorted(
            set(self._to_index) | set(self.store.unindexed_ids()) | (stored - indexed)
        )
        count = len(self._to_index)
        self._maybe_index(force=True)
        stale = indexed - stored
        if stale:
            self.indexer.update([], remove=sorted(stale))
        return count

    def rebuild(self) -> Report:
        """Re-parse every stored raw page, re-clean, and rebuild the index: no network."""
        report = Report()
        began = time.monotonic()
        ids = self.store.work_ids()
        self.progress.start(len(ids), "re-cleaning")
        for work_id in ids:
            outcome = self._reclean(work_id)
            report.outcomes.append(outcome)
            self.progress.advance(outcome)
        self.progress.start(len(ids), "indexing")
        self.indexer.rebuild(self.store.iter_works(), progress=self.progress.indexing)
        self.store.mark_indexed(ids)
        self._to_index = []
        report.elapsed = time.monotonic() - began
        return report

    def _reclean(self, work_id: str) -> Outcome:
        pages = self.store.raw_pages(work_id)
        site_name = work_id.split(":", 1)[0]
        if not pages:
            return Outcome(work_id, "", "unchanged", "no raw page stored; kept as it is")
        try:
            site = (
                TextAdapter(self.config.site("text"))
                if site_name == "file"
                else adapter(self.config, site_name)
            )
            raw = site.parse_work(pages)
            work = clean_work(raw, detect_body_notes=self.config.cleaning.detect_body_notes)
            result = self.store.save_work(work, fetched=False)
        except FicarchiveError as exc:
            return Outcome(work_id, pages[0].url, "failed", f"kept the stored copy: {exc}")
        return Outcome(work_id, pages[0].url, result, "", work.title)

    def _finish(self, report: Report, began: float) -> None:
        self.index_pending()
        if self._client is not None:
            stats = self._client.stats
            report.requests = stats.requests
            report.waited = stats.waited
            report.bound = stats.bound
            report.notes.extend(f"{host}: {why}" for host, why in stats.robots_notes.items())
        report.elapsed = time.monotonic() - began


def require_sources(config: Config, names: list[str]) -> list[Source]:
    """The sources named on the command line (all when none), or a clear error."""
    if not config.sources:
        where = config.file or "config.toml"
        raise UsageError(
            f"{where}: no [[sources]] configured; add one (see the example config.toml)"
        )
    if not names:
        return list(config.sources)
    known = {s.name: s for s in config.sources}
    missing = [n for n in names if n not in known]
    if missing:
        raise UsageError(f"unknown source {missing[0]!r}; configured: {', '.join(known)}")
    return [known[n] for n in names]


ProgressCallback = Callable[[Outcome], None]
