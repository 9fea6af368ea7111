"""The front door's reading half: search, works and their versions, and selections.

index/archive.py's Archive inherits this, so every command still goes through one
Archive; the reading half lives apart only to keep each module small. It uses the
archive's store, backend, tag synonyms, reader's layer and removals.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from crawler.errors import UsageError
from crawler.models import Work
from index.history import Version
from index.records import ArchiveStats, VersionDiff
from index.search import SearchRequest, SearchResult
from index.stats import archive_stats, chapter_totals
from index.versions import Change, diff_works

if TYPE_CHECKING:
    from pathlib import Path

    from index import series  # loaded when a series is asked about, never for a search
    from index.backend import SearchBackend
    from index.mine import ReadersLayer
    from index.recorder import Recorder
    from index.removals import Removals
    from index.store import Store
    from index.synonyms import TagSynonyms


class ReadingHalf:
    """What an Archive answers without fetching: search, works, versions, selections."""

    dir: Path
    store: Store
    backend: SearchBackend
    recorder: Recorder
    removals: Removals
    tags: TagSynonyms
    readers: ReadersLayer

    def search(self, request: SearchRequest) -> SearchResult:
        from index.ownquery import with_own  # the query's modules load for a search alone

        widened = with_own(self.tags.widen(request), self.readers)
        result = self.backend.search(widened, self.store)
        gone = set(self.removals.pending())
        if gone:  # a removal was interrupted: those works are gone for readers already
            kept = [h for h in result.hits if h.id not in gone]
            result.total -= len(result.hits) - len(kept)
            result.hits = kept
        totals = chapter_totals(self.store, [h.id for h in result.hits])
        for hit in result.hits:  # what `list` shows as 3/3 (or 3/?), as AO3 does
            hit.fields = {**hit.fields, "chapters_total": totals.get(hit.id)}
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
        prefix, _, rest = text.partition("-")  # the host of `efiction-my-host.org-42` may
        host, _, last = rest.rpartition("-")  # hold dashes too: the id is after the last
        for candidate in (f"{prefix}:{rest}", f"{prefix}:{host}:{last}"):
            if self.has(candidate):
                return candidate
        return text

    def archived_on(self, work_id: str) -> str | None:
        """The date the archive last took this work's text from its source."""
        state = self.store.work_state(work_id)
        return str(state.last_fetched)[:10] if state and state.last_fetched else None

    def series_gaps(self) -> list[series.Gap]:
        """Series whose parts the archive lacks (index/series.py), each part said why."""
        from index import series

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
        from index import series

        keys = request.filters.get("series") or []
        if keys:
            return series.reading_order(self.store.db, wanted, keys)
        return series.grouped(self.store.db, wanted) if (asked or everything) else wanted
