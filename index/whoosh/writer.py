"""Writing the Whoosh index: one writer, one commit per batch, crash-safe.

Only works whose cleaned text changed are re-analysed: Whoosh is slow (see
MEASUREMENTS.md), so it must waste nothing.
"""

from __future__ import annotations

import contextlib
import re
import shutil
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from whoosh import index as windex
from whoosh import writing
from whoosh.fields import Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.util.filelock import try_for

from crawler.errors import IndexingError
from crawler.models import Work
from index.store import is_disk_full
from index.whoosh.fastwrite import FastSegmentWriter
from index.whoosh.schema import chapter_docs, expected_fields, make_schema
from index.whoosh.verify import describe, verify

INDEX_DIR = "index"
INDEX_NAME = "works"
# How long a writer waits for another process's commit (a crawl's batch, a rebuild).
LOCK_WAIT_SECONDS = 60.0


def damaged(index_dir: Path, why: str) -> str:
    """The one line for a search index that does not read."""
    return (
        f"{index_dir}: the search index is damaged ({why}); `ficarchive doctor` rebuilds it"
        " from the store, which is not touched (or run `ficarchive index --rebuild`)"
    )


class Indexer:
    """Owns the index folder; opens it, creating it when missing."""

    def __init__(self, archive_dir: Path, folder: str = INDEX_DIR) -> None:
        self.dir = Path(archive_dir) / folder

    def exists(self) -> bool:
        """A table of contents is there (readable or not: open() says which)."""
        pattern = re.compile(rf"^_{INDEX_NAME}_\d+\.toc$")
        return self.dir.is_dir() and any(pattern.match(p.name) for p in self.dir.iterdir())

    def open(self, *, create: bool = True, schema: Schema | None = None):
        """Open the index (creating it, with `schema`, unless `create=False`); an index
        from an older schema is refused with the command that rebuilds it."""
        try:
            if not self.exists():
                if not create:
                    raise IndexingError(
                        f"{self.dir}: there is no search index yet; run `ficarchive index` "
                        "(it indexes every stored work), or add works with `ficarchive crawl`, "
                        "`ficarchive add URL` or `ficarchive import FILE`"
                    )
                self.dir.mkdir(parents=True, exist_ok=True)
                return windex.create_in(
                    str(self.dir), schema or make_schema(), indexname=INDEX_NAME
                )
            ix = windex.open_dir(str(self.dir), indexname=INDEX_NAME)
            schema = ix.schema
        except IndexingError:
            raise
        except Exception as exc:  # whatever a damaged table of contents makes Whoosh raise
            if isinstance(exc, OSError) and is_disk_full(exc):
                raise IndexingError(
                    f"{self.dir}: cannot create the search index: the disk is full; the store"
                    " holds everything (`ficarchive index` catches up once there is space)"
                ) from None
            raise IndexingError(damaged(self.dir, describe(exc))) from None
        missing = [
            name
            for name, kind in expected_fields().items()
            if name not in schema or (kind and schema[name].column_type is None)
        ]
        if missing:
            ix.close()
            raise IndexingError(
                f"{self.dir}: the search index was made by an older ficarchive (it lacks "
                f"{', '.join(sorted(missing))}); run `ficarchive index --rebuild` (offline)"
            )
        return ix

    def update(
        self,
        works: Iterable[Work],
        remove: Iterable[str] = (),
        progress: Callable[[Work], None] | None = None,
        *,
        merge: bool = True,
    ) -> list[str]:
        """Replace these works' documents in one commit; return the ids written.
        `merge=False`: the new segment is not merged with the small ones (NO_MERGE)."""
        mergetype = None if merge else writing.NO_MERGE
        return self._write(self.open(), works, remove, progress, mergetype=mergetype)

    def rebuild(
        self, works: Iterable[Work], progress: Callable[[Work], None] | None = None
    ) -> list[str]:
        """Replace the whole index with these works, in one commit.

        Until that commit lands searches see the old index, and a crash or a full
        disk on the way leaves it whole. The new schema is written with it, so a
        rebuild is also how an index from an older ficarchive is brought up to date.
        """
        schema = make_schema()
        try:
            if not self.exists():
                raise FileNotFoundError(self.dir)
            ix = windex.open_dir(str(self.dir), indexname=INDEX_NAME, schema=schema)
        except Exception:  # missing or unreadable: nothing in it is worth keeping
            shutil.rmtree(self.dir, ignore_errors=True)
            ix = self.open(schema=schema)
        return self._write(ix, works, (), progress, mergetype=writing.CLEAR)

    def _write(
        self,
        ix,
        works: Iterable[Work],
        remove: Iterable[str],
        progress: Callable[[Work], None] | None,
        mergetype=None,
    ) -> list[str]:
        # The write lock is taken here, not by Whoosh's writer: a writer that fails
        # while it sets up (a full disk) would keep the lock it took for the life
        # of the process.
        lock = ix.lock("WRITELOCK")
        if not try_for(lock.acquire, timeout=LOCK_WAIT_SECONDS, delay=0.25):
            ix.close()
            raise IndexingError(
                f"{self.dir}: another ficarchive process has been writing the index for"
                f" over {LOCK_WAIT_SECONDS:.0f} s; try again when it has finished"
            )
        written: list[str] = []
        failure: OSError | None = None
        try:
            self._drop_stray_tocs()
            # compound=False: Whoosh reads a sub-file of a compound segment by copying
            # it into memory on every search (BufferFile wraps it in BytesIO), which
            # cost ~450 ms a query at 10,000 works; separate files are read in place.
            # The fast path writes what SegmentWriter writes (fastwrite.py says how).
            writer = FastSegmentWriter(ix, _lk=False, limitmb=256, compound=False)
            # One searcher of the old segments for every delete: Whoosh opens a reader of
            # all segments per delete_by_term without one (8% of a crawl's 25-work batch).
            clearing = mergetype is writing.CLEAR  # old segments all go: nothing to delete
            old = None if clearing else writer.searcher()
            try:
                for work_id in remove:
                    writer.delete_by_term("work_id", work_id, searcher=old)
                for work in works:
                    if old is not None:
                        writer.delete_by_term("work_id", work.id, searcher=old)
                    for doc in chapter_docs(work):
                        writer.add_document(**doc)
                    written.append(work.id)
                    if progress:
                        progress(work)
                if old is not None:
                    old.close()
                writer.commit(mergetype=mergetype)
            except BaseException:
                if old is not None:
                    with contextlib.suppress(Exception):
                        old.close()
                self._abandon(writer)
                raise
        except OSError as exc:
            failure = exc
        finally:
            lock.release()
            ix.close()
        if failure is not None:
            self.clean_leftovers()  # a full disk wants its space back
            why = "the disk is full" if is_disk_full(failure) else str(failure)
            raise IndexingError(
                f"{self.dir}: could not write the index: {why}; the index is as it was before"
                " this write and the store holds everything (`ficarchive index` catches up)"
            )
        return written

    @staticmethod
    def _abandon(writer) -> None:
        """Give up a writer whose commit failed: close its files, drop its temp folder."""
        with contextlib.suppress(Exception):
            writer.cancel()
        for part in ("perdocwriter", "fieldwriter"):
            with contextlib.suppress(Exception):
                getattr(writer, part).close()
        with contextlib.suppress(Exception):
            writer._tempstorage.destroy()

    # --- leftovers of crashed writers ------------------------------------------------

    def _drop_stray_tocs(self) -> None:
        """With the write lock held: a table of contents a dead writer never renamed in.

        Whoosh's own commit cleans old generations and unused segments, and the next
        writer reuses the temp folder; only these half-written temp files would stay.
        """
        for path in self.dir.glob(f"_{INDEX_NAME}_*.toc.*"):
            path.unlink(missing_ok=True)

    def _lock(self):
        return FileStorage(str(self.dir)).lock(f"{INDEX_NAME}_WRITELOCK")

    def leftovers(self) -> list[Path]:
        """Files no commit refers to, left by a writer that died or failed: its temp
        folder, half-written segments and tables of contents. Readers never open them.
        Nothing is a leftover while a live writer holds the lock (its files are new)."""
        with self._scanning() as found:
            return found

    @contextlib.contextmanager
    def _scanning(self) -> Iterator[list[Path]]:
        """The unreferenced files, while the write lock is held (none if a writer has it)."""
        if not self.exists():
            yield []
            return
        lock = self._lock()
        if not lock.acquire(blocking=False):
            yield []
            return
        try:
            yield self._unreferenced()
        finally:
            lock.release()

    def _unreferenced(self) -> list[Path]:
        try:
            ix = windex.open_dir(str(self.dir), indexname=INDEX_NAME, schema=make_schema())
            try:
                toc = ix._read_toc()
            finally:
                ix.close()
        except Exception:
            return []  # an unreadable index is rebuilt, not swept
        keep = {f"_{INDEX_NAME}_{toc.generation}.toc", f"{INDEX_NAME}_WRITELOCK"}
        segments = tuple(seg.segment_id() + "." for seg in toc.segments)
        return sorted(
            path
            for path in self.dir.iterdir()
            if path.name not in keep and not (segments and path.name.startswith(segments))
        )

    def clean_leftovers(self) -> list[Path]:
        """Remove leftovers, holding the write lock so no live writer loses a file."""
        with self._scanning() as found:
            for path in found:
                if path.is_dir():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    path.unlink(missing_ok=True)
            return found

    def verify(self) -> list[str]:
        """Read every part of the index (verify.py); one line per damaged part."""
        found: list[str] = []
        for _ in range(3):
            if not self.exists():
                return []
            before = self._generation()
            found = verify(self.dir, INDEX_NAME)
            # Damage seen while a writer committed may be the old generation going away.
            if not found or self._generation() == before:
                break
        return found

    def _generation(self) -> int:
        pattern = re.compile(rf"^_{INDEX_NAME}_(\d+)\.toc$")
        found = (pattern.match(p.name) for p in self.dir.iterdir())
        return max((int(m.group(1)) for m in found if m), default=-1)

    def work_ids(self) -> set[str]:
        return {work_id for work_id, _ in self.documents()}

    def documents(self) -> list[tuple[str, str]]:
        """(work id, document id) of every chapter document in the index."""
        if not self.exists():
            return []
        ix = self.open()
        try:
            with ix.searcher() as s:
                return [(f["work_id"], f["doc_id"]) for f in s.all_stored_fields()]
        finally:
            ix.close()
