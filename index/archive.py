"""The front door: every command goes through one Archive.

crawl, add, import, update, rebuild, remove, select and search; the store and
the search backend stay behind it, so search_cli never touches either, and the
crawler never learns that they exist.
"""

from __future__ import annotations

import contextlib
import functools
import re
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from crawler.config import Config, Source
from crawler.errors import ConfigError, IndexingError, UsageError
from crawler.models import Work
from index import edits
from index.archive_reading import ReadingHalf
from index.backend import SearchBackend, open_backend
from index.mine import ReadersLayer
from index.recorder import Recorder, StoreState, finish
from index.records import Edit
from index.removals import Removals
from index.reports import Outcome, Progress, Report
from index.store import Store

# What only fetching, updating and the reader's marks use loads when they are asked
# for, never for a search, show or list (issue 19's cold start).
if TYPE_CHECKING:  # the crawler's fetching half loads when a command fetches, never for a search
    from crawler.frontier import Fetch, Frontier, Later
    from crawler.http import PoliteClient
    from crawler.sites.base import ListingEntry
    from index import updating
    from index.choosing import Choice
    from index.lock import LockInfo
    from index.marks import Marks
    from index.planning import Budget
    from index.synonyms import TagSynonyms


# A crawled work is parsed by a worker while the next is fetched (Recorder.run) only
# when the site's delay leaves a wait to fill: back to back (a loopback bench) the two
# threads would only contend for the interpreter (31 -> 41 ms CPU a work, measured).
OVERLAP_MIN_DELAY = 0.2


class Archive(ReadingHalf):
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
            from crawler.http import PoliteClient

            self._client = PoliteClient(self.config, on_wait=self.progress.waiting)
        return self._client

    @property
    def frontier(self) -> Frontier:
        return self._frontier(self.client)

    def _frontier(self, client: PoliteClient | None) -> Frontier:
        """The crawler's pipeline (imported here: parsers and HTTP cost a search nothing)."""
        from crawler.frontier import Frontier

        return Frontier(self.config, client, StoreState(self.store))

    @property
    def store_file(self) -> Path:
        return self.store.path

    @functools.cached_property
    def marks(self) -> Marks:
        """The reader's own layer: read / reading / to-read and where they stopped."""
        from index.marks import Marks

        return Marks(self.store_file)

    @functools.cached_property
    def tags(self) -> TagSynonyms:
        """Tag synonyms: AO3's tag pages (cached in the store) and the config's [synonyms]."""
        from index.synonyms import TagSynonyms

        return TagSynonyms(self.store, self.config)

    @functools.cached_property
    def readers(self) -> ReadersLayer:
        """Private tags and bookmark notes, beside each work in the store."""
        return ReadersLayer(self.store)

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
        from index.lock import crawl_lock

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
        from crawler.sites import adapter

        report, began = Report(), time.monotonic()
        sources = list(sources)
        for source in sources:  # the first request, before the parsers load: they load in its wait
            site_config = self.config.sites.get(source.site)
            if site_config is not None and site_config.base_url and source.start:
                first = source.start[0]
                self.client.prime(first if re.match(r"^https?://", first) else site_config.base_url)
        from index import adding, series  # the crawler loads when a command fetches

        for source in sources:
            site = adapter(self.config, source.site)
            limit = max_works if max_works is not None else source.max_works
            cpu = time.thread_time()
            found = self.frontier.discover(site, source, limit)
            self.recorder.cpu.listings += time.thread_time() - cpu
            self.recorder.listings(found, source.name)
            report.notes.extend(found.notes)
            report.errors.extend(adding.listing_errors(found, source))
            series.remember(self.store.db, site.id_prefix, found.series)
            if dry_run:
                titles = {entry.url: entry.title for entry in found.entries}
                for url in self.frontier.planned(site, found.entries):
                    report.planned.append(url)
                    report.planned_titles[url] = titles.get(url, "")
                continue
            frontier = self.frontier

            removed = set(self.removals.removed())
            later = site.site.delay_seconds >= OVERLAP_MIN_DELAY

            def step(
                entry: ListingEntry, site=site, frontier=frontier, removed=removed, later=later
            ) -> Fetch | Outcome | Later:
                work_id = site.work_id(entry.site_id)
                if work_id in removed:  # the reader removed it: a listing never brings it back
                    why = "you removed it; `ficarchive add URL` brings it back"
                    return Outcome(work_id, entry.url, "skipped", why, entry.title)
                return frontier.check(site, entry, later=later)  # parsed while the next waits

            self.recorder.run(report, f"crawling {source.name}", found.entries, step, source.name)
            marked = [(site.work_id(e.site_id), e.bookmark) for e in found.entries if e.bookmark]
            self.readers.keep_bookmarks(marked)  # the reader's notes, tags and recs
            self.store.touch_source(source.name)
        if self.config.tags.refresh_after_crawl and not dry_run:
            self._new_tag_pages(report)
        return self._finish(report, began)

    def _new_tag_pages(self, report: Report) -> None:
        """`[tags] refresh_after_crawl`: the tag pages of tags never fetched before."""
        found = self.tags.refresh(self.client, only_new=True)
        report.notes.append(f"tag synonyms: {len(found.fetched)} tag page(s) fetched")
        report.notes.extend(f"tag synonyms: {e}" for e in found.errors)

    def add(self, urls: Iterable[str]) -> Report:
        """Fetch works by URL (a stored work is refreshed, never duplicated)."""
        from index import adding  # the crawler loads when a command fetches

        report, began = Report(explicit=True), time.monotonic()
        works, listings = adding.listing_urls(self, list(urls))
        for url in listings:  # a series, a user's works or bookmarks: every work listed
            adding.add_listing(self, report, url)
        self.recorder.run(report, "adding", works, self._add_one)
        return self._finish(report, began)

    def _add_one(self, url: str) -> Fetch | Outcome:
        from crawler.sites import adapter_for_url

        site = adapter_for_url(self.config, url)
        site_id = site.work_id_from_url(url)
        if site_id is not None:
            self.removals.forget(site.work_id(site_id))  # asked for again, by name
        if site.single_page:
            return self.frontier.page(site, url)
        site_id = site.work_id_from_url(url)
        if site_id is None:
            return Outcome("", url, "failed", f"not a {site.name} work URL")
        found = self.frontier.fetch(site, site_id, url)
        if found.kind == "gone" and not self.has(found.work_id):  # asked for, never there
            why = f"no such work: {found.reason}; nothing stored (check the URL)"
            return Outcome(found.work_id, url, "failed", why, found.title)
        return found

    def import_paths(self, paths: Iterable[Path], edit: Edit | None = None) -> Report:
        """Import local stories, saved pages and EPUBs (a folder: every file in it, sorted,
        recursively, but never a browser's "Page_files/" folder); no network. `edit`: the
        reader's metadata for what was imported (kept apart, see index/edits.py)."""
        from crawler.sites import adapter

        report, began = Report(), time.monotonic()
        site = adapter(self.config, "text")  # a page no site claims: the plain-text adapter
        frontier = self._frontier(None)
        from crawler import saved  # the parsers load when a command imports, never for a search

        files = [f for p in paths for f in saved.story_files(Path(p))]
        self.recorder.run(report, "importing", files, lambda p: frontier.local(site, p))
        for o in report.outcomes:
            if o.result == "unchanged" and not o.reason:
                o.reason = f"already stored as {o.id}"
        if edit is not None and not edit.is_empty():
            self._edit(report.stored_ids(), edit)
        return self._finish(report, began)

    def edit(self, work_id: str, change: Edit) -> Work:
        """Set the reader's own metadata on a work, over the site's; indexed at once."""
        if not self.has(work_id):
            raise UsageError(f"no work {work_id!r} in {self.dir}; `ficarchive search` finds ids")
        self._edit([work_id], change)
        self.recorder.maybe_index(force=True)
        return self.store.get_work(work_id)

    def _edit(self, ids: list[str], change: Edit) -> None:
        with self.store.transaction("keep your edits") as db:
            for work_id in dict.fromkeys(ids):
                edits.write(db, work_id, change)
        self.recorder.to_index.extend(dict.fromkeys(ids))

    def update(self, ids: Iterable[str], budget: Budget | None = None) -> Report:
        """Re-check stored works upstream; say which gained chapters."""
        from index.choosing import Choice

        return self.run_update(self.prepare_update(Choice(list(ids), "")), budget)

    def choose_update(self, named: list[str] | None, *, everything: bool = False,
                      checked_before: float | None = None) -> Choice:  # fmt: skip
        """The works an update checks (index/choosing.py): named, or by the default."""
        from index.choosing import choose

        return choose(self.store, named=named, everything=everything,
                      recheck_days=self.config.update.recheck_complete_days,
                      checked_before=checked_before)  # fmt: skip

    def prepare_update(
        self, choice: Choice, *, series: bool = False, cheap: bool = True
    ) -> updating.Prepared:
        """The plan: listings to read for cheap checks (and, with `series`, every series
        page of the chosen works, for new parts), and what the run should cost."""
        from index import updating  # the crawler loads when a command fetches

        return updating.prepare(self.config, self.store, choice.ids, choice.said, series, cheap)

    def run_update(self, prepared: updating.Prepared, budget: Budget | None = None) -> Report:
        from index import updating  # the crawler loads when a command fetches

        report, began = Report(), time.monotonic()
        report.plan = prepared.plan.to_dict()
        if budget is None:
            from index.planning import Budget

            budget = Budget()
        run = updating.Run(self, prepared, budget, report)
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
        from crawler.sites import adapter_for_work_id

        try:
            site = adapter_for_work_id(self.config, work_id)
        except ConfigError as exc:
            return Outcome(work_id, pages[0].url, "failed", f"kept the stored copy: {exc}")
        found = self._frontier(None).reclean(site, pages)
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
