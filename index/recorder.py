"""The one loop every fetching command runs, and the one place outcomes are recorded.

The crawler hands back a Fetch for each work; here it is stored (or the stored
copy marked gone or locked), its crawl state recorded, the Outcome reported,
and the work indexed in batches as the run goes, so search sees it soon.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from crawler.errors import IndexingError, StoreError
from crawler.ports import Known
from crawler.records import Fetch
from index.backend import SearchBackend
from index.reports import Outcome, Progress, Report
from index.store import Store

if TYPE_CHECKING:  # records only: the crawler's pipeline loads when a command fetches
    from crawler.frontier import Discovery, Later

INDEX_BATCH = 25
# A stored work is searchable within this long of its fetch, however slow the crawl:
# at AO3's 5 s delay a batch of 25 fills in two minutes, so a batch also closes by age.
# Not shorter: each commit costs CPU (at a 1 s delay, 10 s batches took 70 ms/work
# against 51 ms at 45 s, bench/crawl_bench.py --slow).
INDEX_MAX_AGE_SECONDS = 30.0
# A batch written behind the crawl merges the small segments only every this many
# batches: merging at each cost 13.7 ms a work at 300 works, every 8th 8.0 (index 7.2
# with no merge at all); a forced batch (the run's end, `ficarchive index`) merges.
MERGE_EVERY = 8
T = TypeVar("T")


@dataclass
class CrawlCpu:
    """CPU seconds a run spent by stage, each in its own thread (time.thread_time), so
    a loaded machine's waiting never counts: the bench's per-work split (issue 19).

    `works` is fetching (the client's own share is in FetchStats.cpu), parsing and
    cleaning; `index` sums the batch thread and the batch reads in the crawl's thread.
    """

    listings: float = 0.0
    works: float = 0.0
    store: float = 0.0
    index: float = 0.0


class StoreState:
    """The crawler's read-only questions (crawler/ports.py), answered by the store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def known(self, work_id: str) -> Known | None:
        state = self.store.work_state(work_id)
        if state is None:
            return None
        return Known(state.fingerprint, state.gone, state.locked)

    def validators(self, work_id: str, url: str) -> tuple[str | None, str | None]:
        return self.store.validators(work_id, url)

    def pages(self, work_id: str) -> list:
        return self.store.raw_pages(work_id)


class Recorder:
    """Stores what the crawler found, reports it, and keeps the index in step."""

    def __init__(
        self,
        store: Store,
        backend: SearchBackend,
        progress: Progress,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.backend = backend
        self.progress = progress
        self.to_index: list[str] = []
        self.clock = clock
        self._waiting_since: float | None = None  # when the oldest unindexed work was stored
        self._batch: _Batch | None = None  # a batch being indexed while the crawl goes on
        self._behind = 0  # batches written behind the crawl, for MERGE_EVERY
        self.cpu = CrawlCpu()

    def run(
        self,
        report: Report,
        label: str,
        items: Iterable[T],
        step: Callable[[T], Fetch | Outcome | Later],
        source: str | None = None,
    ) -> None:
        """The loop: each item becomes a Fetch (or an Outcome), recorded and reported.

        A step may hand back a Later (pages fetched, not yet parsed): a worker thread
        parses and cleans it while the next step waits for its request slot and
        fetches, so a work's CPU never delays the next request; it is recorded, in
        order, once the next step has fetched. A Ctrl-C drops the one being parsed
        (fetched, never stored: the next crawl asks for it again).
        """
        items = list(items)
        self.progress.start(len(items), label)
        pending: tuple[Later, Future] | None = None
        worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="parse")
        try:
            for left, item in zip(range(len(items) - 1, -1, -1), items, strict=True):
                try:
                    began = time.thread_time()
                    found = step(item)
                    self.cpu.works += time.thread_time() - began
                    if isinstance(found, Fetch | Outcome):
                        if pending is not None:  # the work parsed meanwhile goes first
                            self._record(report, self._parsed(pending), source, left)
                            pending = None
                    else:
                        later, pending = pending, (found, worker.submit(_timed, found.parse))
                        if later is None:
                            continue
                        found = self._parsed(later)
                    self._record(report, found, source, left)
                except (StoreError, KeyboardInterrupt):
                    # A full disk or Ctrl-C: what was stored before it is indexed (searchable
                    # now, not after `ficarchive index`) and kept; a second Ctrl-C leaves it
                    # for `ficarchive index`.
                    with contextlib.suppress(IndexingError, StoreError, KeyboardInterrupt):
                        self.maybe_index(force=True)
                    raise
            if pending is not None:
                self._record(report, self._parsed(pending), source, 0)
        finally:
            worker.shutdown(wait=pending is None, cancel_futures=True)
        began = time.thread_time()
        self.settle()
        self.cpu.index += time.thread_time() - began

    def _parsed(self, pending: tuple[Later, Future]) -> Fetch:
        later, future = pending
        parsed, seconds = future.result()
        began = time.thread_time()
        found = later.done(parsed)
        self.cpu.works += seconds + time.thread_time() - began
        return found

    def _record(
        self, report: Report, found: Fetch | Outcome, source: str | None, left: int
    ) -> None:
        """Store one item's Fetch, report it, and index as the run goes."""
        began = time.thread_time()
        outcome = found if isinstance(found, Outcome) else self.record(found, source)
        stored = time.thread_time()
        self.cpu.store += stored - began
        report.outcomes.append(outcome)
        self.progress.advance(outcome)
        # With one item left, what waits is indexed in that item's wait for its
        # request slot, so little is left to index after the run's last answer.
        self.maybe_index(behind=True, closing=left == 1)
        self.cpu.index += time.thread_time() - stored

    def record(self, found: Fetch, source: str | None) -> Outcome:
        """Store one Fetch and record its crawl state; the Outcome says what happened."""
        store = self.store
        state = {"gone": "gone", "locked": "locked", "skipped": "skipped", "failed": "failed",
                 "disallowed": "skipped", "pending": "pending"}  # fmt: skip
        if found.kind == "fetched" and found.work is not None:
            return self._save(found, source)
        if found.kind == "not_modified":
            store.touch_fetched(found.work_id, found.fingerprint)
            self._state(found, "done", "not modified", source)
            return Outcome(found.work_id, found.url, "unchanged", found.reason, found.title)
        if found.kind == "unchanged":
            return Outcome(found.work_id, found.url, "unchanged", found.reason, found.title)
        reason = found.reason
        if found.kind == "gone":
            kept = store.mark_gone(found.work_id)
            reason = (
                "gone upstream; the stored copy is kept" if kept else "gone upstream (never stored)"
            )
        elif found.kind == "locked":
            kept = store.mark_locked(found.work_id)
            reason = "registered users only" + ("; the stored copy is kept" if kept else "")
        elif found.kind == "skipped":
            reason = found.reason or (
                "adult content: set allow_adult = true under [sites.NAME] in config.toml to "
                "archive it"
            )
        elif found.kind == "disallowed":
            reason = f"robots.txt disallows it; left alone ({found.reason})"
        self._state(found, state[found.kind], found.reason, source)
        result = "skipped" if found.kind == "disallowed" else found.kind
        return Outcome(found.work_id, found.url, result, reason, found.title)

    def _save(self, found: Fetch, source: str | None) -> Outcome:
        work = found.work
        saved = self.store.save(work, found.pages, found.fingerprint, fetched=found.fetched,
                                origin=found.origin)  # fmt: skip
        result = saved.result
        self._state(found, "done", result, source)
        state = self.store.work_state(work.id)
        if result != "unchanged" or (state is not None and state.indexed_hash is None):
            self.to_index.append(work.id)
        change = saved.change.to_dict() if saved.change and result == "updated" else None
        reason = change["summary"] if change else found.reason
        if found.moved_from:
            reason = (f"{found.moved_from} moved or merged upstream into {work.id}; stored"
                      f" under its own id, and {found.moved_from} is kept as it was")  # fmt: skip
            self.store.set_state(f"moved:{found.moved_from}", "work", "moved", work.id, source)
        return Outcome(work.id, found.url, result, reason, work.title, change)

    def _state(self, found: Fetch, state: str, reason: str, source: str | None) -> None:
        if found.fetched and found.url:
            self.store.set_state(found.url, "work", state, reason, source)

    def listings(self, found: Discovery, source: str) -> None:
        for read in found.listings:
            self.store.set_state(read.url, "listing", "done" if read.ok else "failed",
                                 read.reason, source)  # fmt: skip

    # --- index ---------------------------------------------------------------------

    def maybe_index(
        self, force: bool = False, *, behind: bool = False, closing: bool = False
    ) -> None:
        """Index the stored works in batches: INDEX_BATCH of them, or the oldest waiting
        INDEX_MAX_AGE_SECONDS, whichever comes first.

        `closing`: the run has one item left: what waits goes now, in that item's wait.
        `behind` (the crawl loop): the batch is read from the store here, then written
        and committed by a thread while the crawler waits for its next request slot, so
        a commit never adds to a crawl's wall time. One batch at a time; a work is
        marked indexed only once its batch has committed (a crash re-indexes it).
        """
        if force:
            self.settle()
        if not self.to_index:
            self._waiting_since = None
            return
        if self._waiting_since is None:
            self._waiting_since = self.clock()
        aged = self.clock() - self._waiting_since >= INDEX_MAX_AGE_SECONDS
        if force or aged or closing or len(self.to_index) >= INDEX_BATCH:
            self.settle()
            ids, self.to_index, self._waiting_since = self.to_index, [], None
            works = list(self.store.iter_works(ids))
            histories = list(self._histories(ids))
            self._behind += behind
            merge = not behind or self._behind % MERGE_EVERY == 0
            self._batch = _Batch(ids, works, histories, self.backend, self.progress, self.cpu,
                                 merge)  # fmt: skip
            if not behind:
                self.settle()

    def settle(self) -> None:
        """Wait for the batch being indexed, mark its works indexed, raise what it raised."""
        batch, self._batch = self._batch, None
        if batch is None:
            return
        batch.join()
        queued = set(self.to_index)  # saved again since: indexed again, marked then
        self.store.mark_indexed([i for i in batch.ids if i not in queued])

    def _histories(self, ids: list[str]):
        """Works with more than one version, and what only their older versions hold."""
        for work_id in self.store.with_history(ids):
            work = self.store.get_work(work_id)
            if work is not None:
                yield work, self.store.history_texts(work_id)

    def index_pending(self) -> int:
        """Bring the index to exactly the works in the store, whatever a crash left.

        Works whose text changed since they were indexed, works the index lacks (a
        rebuild or commit killed half way) and works the store no longer holds.
        """
        self.settle()
        stored = set(self.store.work_ids())
        indexed = self.backend.work_ids()
        self.to_index = sorted(
            set(self.to_index) | set(self.store.unindexed_ids()) | (stored - indexed)
        )
        count = len(self.to_index)
        self.maybe_index(force=True)
        stale = indexed - stored
        if stale:
            self.backend.index([], remove=sorted(stale))
        return count

    def rebuild_index(self) -> None:
        ids = self.store.work_ids()
        self.progress.start(len(ids), "indexing")
        self.backend.rebuild(self.store.iter_works(), progress=self.progress.indexing)
        self.backend.index_history(self._histories(ids), rebuild=True)
        self.store.mark_indexed(ids)
        self.to_index = []


def _timed(parse: Callable[[], T]) -> tuple[T, float]:
    """A worker's answer and the CPU it took (its own thread's, for CrawlCpu.works)."""
    began = time.thread_time()
    return parse(), time.thread_time() - began


def finish(report: Report, began: float, client) -> None:
    """The run's totals: requests, waits, the politeness bound, robots notes."""
    if client is not None:
        stats = client.stats
        report.requests = stats.requests
        report.waited = stats.waited
        report.bound = stats.bound
        report.notes.extend(f"{host}: {why}" for host, why in stats.robots_notes.items())
        for host, (times, seconds) in stats.throttled.items():
            report.notes.append(
                f"{host} throttled the crawl: it answered 429/503 {times:.0f} time(s) and"
                f" asked for {seconds:.0f} s of waiting; the rest of the crawl went slower"
            )
        left = sum(o.result == "pending" for o in report.outcomes)
        for host, why in stats.given_up.items():
            if why in stats.robots_notes.get(host, ""):
                continue  # said once, as a robots note
            report.errors.append(
                f"{host}: {why}; given up for this run, {left} work(s) left for the next"
            )
        if stats.proxy:
            report.notes.append(f"every request went through the proxy {stats.proxy}")
    report.elapsed = time.monotonic() - began


class _Batch:
    """One batch of works written into the index by a thread of its own."""

    def __init__(self, ids, works, histories, backend: SearchBackend, progress: Progress,
                 cpu: CrawlCpu, merge: bool = True) -> None:  # fmt: skip
        self.ids: list[str] = ids
        self.cpu = cpu
        self.seconds = 0.0
        self.error: BaseException | None = None
        self.thread = threading.Thread(
            target=self._write, args=(works, histories, backend, progress, merge), daemon=True
        )
        self.thread.start()

    def _write(self, works, histories, backend: SearchBackend, progress: Progress,
               merge: bool) -> None:  # fmt: skip
        began = time.thread_time()
        try:
            backend.index(works, progress=progress.indexing, merge=merge)
            backend.index_history(histories)
        except BaseException as exc:  # raised again in the crawl's own thread by join()
            self.error = exc
        finally:
            self.seconds = time.thread_time() - began  # counted by join(), in the crawl's thread

    def join(self) -> None:
        self.thread.join()
        self.cpu.index += self.seconds
        if self.error is not None:
            raise self.error
