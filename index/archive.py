"""The front door: every command goes through one Archive.

crawl, add, import, update, rebuild, remove, select and search; the store and
the search backend stay behind it, so search_cli never touches either, and the
crawler never learns that they exist.
"""

from __future__ import annotations

import contextlib
import functools
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from crawler import saved
from crawler.config import Config, Source
from crawler.errors import ConfigError, IndexingError, UsageError
from crawler.frontier import Fetch, Frontier
from crawler.http import PoliteClient
from crawler.models import Work
from crawler.sites import adapter, adapter_for_url, adapter_for_work_id
from crawler.sites.base import ListingEntry
from index import adding, series, updating
from index.backend import SearchBackend, open_backend
from index.choosing import Choice, choose
from index.history import Version
from index.lock import LockInfo, crawl_lock
from index.marks import Marks
from index.planning import Budget
from index.recorder import Recorder, StoreState, finish
from index.records import ArchiveStats, VersionDiff
from index.removals import Removals
from index.reports import Outcome, Progress, Report
from index.search import SearchRequest, SearchResult
from index.stats import archive_stats
from index.store import Store
from index.versions import Change, diff_works


class Archive:
    """One archive folder: its store, its search index, and the crawl that feeds them."""

    def __init__(
        self,
        config: Config,
        *,
        progress: Progress | None = None,
        client: PoliteClient | None = None,
        backend: str = "whoosh",
    ) -> None:
        self.config = config
        self.dir = Path(config.archive_dir)
        self.progress = progress or Progress()
        self.store = Store(self.dir)
        self.backend: SearchBackend = open_backend(self.dir, backend)
        self.recorder = Recorder(self.store, self.backend, self.progress)
        self.removals = Removals(self.store)
        self._client = client

    @property
    def client(self) -> PoliteClient:
        if self._client is None:
            self._client = PoliteClient(self.config, on_wait=self.progress.waiting)
        return self._client

    @property
    def frontier(self) -> Frontier:
        return Frontier(self.config, self.client, StoreState(self.store))

    @property
    def store_file(self) -> Path:
        return self.store.path

    @functools.cached_property
    def marks(self) -> Marks:
        """The reader's own layer: read / reading / to-read and where they stopped."""
        return Marks(self.store_file)

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
        if "marks" in self.__dict__:
            self.marks.close()
        self.store.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def exclusive(self) -> Iterator[LockInfo]:
        """One crawl per archive: held by every command that fetches."""
        with crawl_lock(self.dir) as info:
            yield info

    # --- fetching --------------------------------------------------------------------

    def sources(self, names: list[str]) -> list[Source]:
        """The sources named on the command line (all when none), or a clear error."""
        config = self.config
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

    def crawl(
        self, sources: Iterable[Source], *, max_works: int | None = None, dry_run: bool = False
    ) -> Report:
        report, began = Report(), time.monotonic()
        for source in sources:
            site = adapter(self.config, source.site)
            limit = max_works if max_works is not None else source.max_works
            found = self.frontier.discover(site, source, limit)
            self.recorder.listings(found, source.name)
            report.notes.extend(found.notes)
            report.errors.extend(adding.listing_errors(found, source))
            series.remember(self.store.db, site.id_prefix, found.series)
            if dry_run:
                report.planned.extend(self.frontier.planned(site, found.entries))
                continue
            frontier = self.frontier

            removed = set(self.removals.removed())

            def step(
                entry: ListingEntry, site=site, frontier=frontier, removed=removed
            ) -> Fetch | Outcome:
                work_id = site.work_id(entry.site_id)
                if work_id in removed:  # the reader removed it: a listing never brings it back
                    why = "you removed it; `ficarchive add URL` brings it back"
                    return Outcome(work_id, entry.url, "skipped", why, entry.title)
                return frontier.check(site, entry)

            self.recorder.run(report, f"crawling {source.name}", found.entries, step, source.name)
            self.store.touch_source(source.name)
        return self._finish(report, began)

    def add(self, urls: Iterable[str]) -> Report:
        """Fetch works by URL (a stored work is refreshed, never duplicated)."""
        report, began = Report(explicit=True), time.monotonic()
        works, listings = adding.listing_urls(self, list(urls))
        for url in listings:  # a series, a user's works or bookmarks: every work listed
            adding.add_listing(self, report, url)
        self.recorder.run(report, "adding", works, self._add_one)
        return self._finish(report, began)

    def _add_one(self, url: str) -> Fetch | Outcome:
        site = adapter_for_url(self.config, url)
        site_id = site.work_id_from_url(url)
        if site_id is not None:
            self.removals.forget(site.work_id(site_id))  # asked for again, by name
        if site.single_page:
            return self.frontier.page(site, url)
        site_id = site.work_id_from_url(url)
        if site_id is None:
            return Outcome("", url, "failed", f"not a {site.name} work URL")
        return self.frontier.fetch(site, site_id, url)

    def import_paths(self, paths: Iterable[Path]) -> Report:
        """Import local stories, saved pages and EPUBs (a folder: every file in it, sorted,
        recursively, but never a browser's "Page_files/" folder); no network."""
        report, began = Report(), time.monotonic()
        site = adapter(self.config, "text")  # a page no site claims: the plain-text adapter
        frontier = Frontier(self.config, None, StoreState(self.store))
        files = [f for p in paths for f in _walk(Path(p))]
        self.recorder.run(report, "importing", files, lambda p: frontier.local(site, p))
        return self._finish(report, began)

    def update(self, ids: Iterable[str], budget: Budget | None = None) -> Report:
        """Re-check stored works upstream; say which gained chapters."""
        return self.run_update(self.prepare_update(Choice(list(ids), "")), budget)

    def choose_update(self, named: list[str] | None, *, everything: bool = False,
                      checked_before: float | None = None) -> Choice:  # fmt: skip
        """The works an update checks (index/choosing.py): named, or by the default."""
        return choose(self.store, named=named, everything=everything,
                      recheck_days=self.config.update.recheck_complete_days,
                      checked_before=checked_before)  # fmt: skip

    def prepare_update(
        self, choice: Choice, *, series: bool = False, cheap: bool = True
    ) -> updating.Prepared:
        """The plan: listings to read for cheap checks (and, with `series`, every series
        page of the chosen works, for new parts), and what the run should cost."""
        return updating.prepare(self.config, self.store, choice.ids, choice.said, series, cheap)

    def run_update(self, prepared: updating.Prepared, budget: Budget | None = None) -> Report:
        report, began = Report(), time.monotonic()
        report.plan = prepared.plan.to_dict()
        run = updating.Run(self, prepared, budget or Budget(), report)
        run.listings()
        items = prepared.targets + run.new_parts()
        self.recorder.run(report, "updating", items, run.step)  # each keeps its source
        if prepared.groups:
            report.notes.append(run.notes())
        report.checks = run.checks
        return self._finish(report, began)

    def rebuild(self) -> Report:
        """Re-parse every stored raw page, re-clean, and rebuild the index: no network."""
        report, began = Report(), time.monotonic()
        self.recorder.run(report, "re-cleaning", self.store.work_ids(), self._reclean)
        self.recorder.rebuild_index()
        report.elapsed = time.monotonic() - began
        return report

    def _reclean(self, work_id: str) -> Fetch | Outcome:
        pages = self.store.raw_pages(work_id)
        if not pages:
            return Outcome(work_id, "", "unchanged", "no raw page stored; kept as it is")
        try:
            site = adapter_for_work_id(self.config, work_id)
        except ConfigError as exc:
            return Outcome(work_id, pages[0].url, "failed", f"kept the stored copy: {exc}")
        found = Frontier(self.config, None, StoreState(self.store)).reclean(site, pages)
        if found.kind == "failed":
            found.work_id = work_id
        return found

    def index_pending(self) -> int:
        self._finish_removals()
        return self.recorder.index_pending()

    def _finish(self, report: Report, began: float) -> Report:
        self._finish_removals()
        try:
            self.recorder.index_pending()
        except IndexingError as exc:  # what is stored stays stored; `index` catches up
            report.errors.append(str(exc))
        finish(report, began, self._client)
        return report

    # --- reading ---------------------------------------------------------------------

    def search(self, request: SearchRequest) -> SearchResult:
        result = self.backend.search(request, self.store)
        gone = set(self.removals.pending())
        if gone:  # a removal was interrupted: those works are gone for readers already
            kept = [h for h in result.hits if h.id not in gone]
            result.total -= len(result.hits) - len(kept)
            result.hits = kept
        return result

    def get_work(self, work_id: str, version: int | None = None) -> Work | None:
        """What readers see of a work, or (asked) one of its versions exactly as it came."""
        if version is None:
            return self.store.get_work(work_id)
        return self.store.get_version(work_id, version)

    def versions(self, work_id: str) -> list[Version]:
        return self.store.versions(work_id)

    def use_version(self, work_id: str, number: int) -> Change:
        """Readers see version `number` from now on (the index follows)."""
        self._need_version(work_id, number)
        change = self.store.use_version(work_id, number)
        self.recorder.to_index.append(work_id)
        self.recorder.maybe_index(force=True)
        return change

    def diff(self, work_id: str, a: int | None = None, b: int | None = None) -> VersionDiff:
        """What changed between two versions (default: the newest and the one before)."""
        numbers = [v.number for v in self.versions(work_id)]
        if not numbers:
            raise UsageError(f"no work {work_id!r} in {self.dir}; `ficarchive search` finds ids")
        b = b if b is not None else numbers[-1]
        a = a if a is not None else (numbers[-2] if len(numbers) > 1 else numbers[-1])
        old, new = self._need_version(work_id, a), self._need_version(work_id, b)
        return VersionDiff(work_id, a, b, diff_works(old, new))

    def _need_version(self, work_id: str, number: int) -> Work:
        work = self.store.get_version(work_id, number)
        if work is None:
            known = ", ".join(str(v.number) for v in self.versions(work_id)) or "none"
            raise UsageError(f"{work_id} has no version {number}; its versions: {known}")
        return work

    def iter_works(self, ids: list[str] | None = None) -> Iterator[Work]:
        return self.store.iter_works(ids)

    def work_ids(self) -> list[str]:
        return self.store.work_ids()

    def has(self, work_id: str) -> bool:
        return self.store.work_state(work_id) is not None

    def resolve(self, text: str) -> str:
        """A work id as a reader may paste it: `ao3:123`, or the `(ao3-123)` form of an
        exported file's name (`efiction-host-42` too)."""
        text = text.strip().strip("()")
        if ":" in text or self.has(text):
            return text
        for n in (1, 2):
            candidate = text.replace("-", ":", n)
            if self.has(candidate):
                return candidate
        return text

    def archived_on(self, work_id: str) -> str | None:
        """The date the archive last took this work's text from its source."""
        state = self.store.work_state(work_id)
        return str(state.last_fetched)[:10] if state and state.last_fetched else None

    def series_gaps(self) -> list[series.Gap]:
        """Series whose parts the archive lacks (index/series.py), each part said why."""
        return series.gaps(self.store.db)

    def stats(self) -> ArchiveStats:
        return archive_stats(self.store)

    def select(
        self, request: SearchRequest, ids: list[str], *, everything: bool = False
    ) -> list[str]:
        """The ids to export, in order: named ids first, then what the query matched."""
        asked = bool(request.query.strip() or request.filters)
        if not (ids or everything or asked):
            raise UsageError("nothing to export: give a query, a filter, --id or --all")
        if everything and asked:
            raise UsageError("--all exports every work; drop it to export what the query matches")
        unknown = [i for i in ids if not self.has(i)]
        if unknown:
            raise UsageError(f"no work {unknown[0]!r} in {self.dir}; `ficarchive search` finds ids")
        wanted = list(ids)
        if everything:
            wanted += self.store.work_ids()
        elif asked:
            from dataclasses import replace

            every = replace(request, limit=max(self.store.count(), 1), snippets_per_work=1)
            wanted += [hit.id for hit in self.search(every).hits]
        wanted = list(dict.fromkeys(wanted))
        keys = request.filters.get("series") or []
        return series.reading_order(self.store.db, wanted, keys) if keys else wanted

    # --- removing and repairing --------------------------------------------------------

    def remove(self, ids: list[str]) -> int:
        """Remove works for good, all or nothing as readers see it: each is first marked
        (so no search or list shows it again, whatever interrupts), then taken out of
        the index, then out of the store. An interrupted removal finishes next time."""
        self.removals.mark(ids)
        return self._finish_removals()

    def _finish_removals(self) -> int:
        pending = self.removals.pending()
        if not pending:
            return 0
        self.backend.index([], remove=pending)
        return sum(self.store.remove_work(i) for i in pending)

    def doctor(self, repair: bool = True):
        from index.doctor import diagnose

        if repair:
            self._finish_removals()
        return diagnose(self.store, self.backend, repair=repair)

    def backup(self, dest: Path):
        """Copy the store (SQLite's online backup) and the index into dest; safe mid-crawl."""
        from index.backup import backup_archive

        return backup_archive(self.store.db, self.dir, Path(dest))


def _walk(path: Path) -> list[Path]:
    """A file as it is; a folder as its files, sorted, without browsers' asset folders."""
    if not path.is_dir() or path.is_symlink():
        return [path]
    found = [
        f
        for f in sorted(path.rglob("*"))
        if f.suffix.lower() in saved.STORY_SUFFIXES
        and not f.name.startswith(".")
        and not saved.is_saved_assets(f.relative_to(path))
        and not f.is_dir()
    ]
    return found or [path]  # a folder with no story in it is one failure, not silence
