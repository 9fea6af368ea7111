"""WhooshBackend: the SearchBackend over the Whoosh index in `<archive>/index`.

Apart from the package's __init__, so that opening an index (which unpickles the
schema, and with it index.whoosh.analysis) loads the analyzers, not the backend with
the search request, tag synonyms and store behind it.
"""

from __future__ import annotations

import contextlib
import pickle
import struct
import zlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from whoosh.filedb.filetables import FileFormatError

from crawler.errors import FicarchiveError, IndexingError
from crawler.models import Work
from index.backend import ChapterTexts
from index.search import SearchRequest, SearchResult
from index.whoosh import history
from index.whoosh import searcher as _searcher
from index.whoosh.verify import describe
from index.whoosh.writer import Indexer, damaged

# What a damaged index file raises from inside Whoosh's readers, whatever else it may.
DAMAGE = (OSError, EOFError, struct.error, zlib.error, pickle.UnpicklingError, FileFormatError)


class WhooshBackend:
    """SearchBackend over the Whoosh index in `<archive>/index`."""

    name = "whoosh"

    def __init__(self, archive_dir: Path) -> None:
        self.indexer = Indexer(archive_dir)
        self.dir = self.indexer.dir
        self.history = Indexer(archive_dir, history.HISTORY_DIR)

    def exists(self) -> bool:
        return self.indexer.exists()

    def index(
        self,
        works: Iterable[Work],
        remove: Iterable[str] = (),
        progress: Callable[[Work], None] | None = None,
        *,
        merge: bool = True,
    ) -> list[str]:
        remove = list(remove)
        if remove and self.history.exists():
            self.history.update([], remove=remove)
        with self._reading():  # deleting a work's old documents reads its segments
            return self.indexer.update(works, remove=remove, progress=progress, merge=merge)

    def index_history(self, works: Iterable[tuple[Work, list]], *, rebuild: bool = False) -> None:
        """Index the chapter texts only older versions hold: (work, [(version, number,
        chapter)]) for each work; a work with none left is dropped from the history."""
        works = [(w, texts) for w, texts in works]
        if not works and not rebuild:
            return
        docs = [history.history_work(w, texts) for w, texts in works if texts]
        if rebuild:
            self.history.rebuild(docs)
        else:
            self.history.update(docs, remove=[w.id for w, texts in works if not texts])

    def rebuild(
        self, works: Iterable[Work], progress: Callable[[Work], None] | None = None
    ) -> list[str]:
        return self.indexer.rebuild(works, progress=progress)

    def work_ids(self) -> set[str]:
        with self._reading():
            return self.indexer.work_ids()

    def documents(self) -> list[tuple[str, str]]:
        with self._reading():
            return self.indexer.documents()

    def verify(self) -> list[str]:
        return self.indexer.verify()

    def leftovers(self) -> list[Path]:
        return self.indexer.leftovers()

    def clean_leftovers(self) -> list[Path]:
        return self.indexer.clean_leftovers()

    def search(self, request: SearchRequest, texts: ChapterTexts) -> SearchResult:
        """Rank the request; a malformed query is refused before the index is opened."""
        tree = request.tree()
        with self._reading():
            found = self._run(self.indexer, request, tree, texts)
            if not request.history or not self.history.exists():
                return found
            from dataclasses import replace

            wide = replace(request, page=1, limit=request.page * request.limit)
            old = self._run(self.history, wide, tree, history.HistoryTexts(texts))
            return history.merge(found, old, request)

    @staticmethod
    def _run(indexer: Indexer, request: SearchRequest, tree, texts: ChapterTexts) -> SearchResult:
        ix = indexer.open(create=False)
        try:
            with ix.searcher() as searcher:
                return _searcher.run(searcher, request, tree, texts)
        finally:
            ix.close()

    @contextlib.contextmanager
    def _reading(self) -> Iterator[None]:
        """Whatever a damaged index makes Whoosh raise becomes one line naming the repair.

        Whoosh has no error of its own for a damaged file (a bad block raises a bare
        Exception, a bad column ValueError), so an unexpected error is held against
        the index read whole: damage found is reported, none found is a bug and raised.
        """
        try:
            yield
        except FicarchiveError:
            raise
        except Exception as exc:
            found = self.verify()
            if not found and not isinstance(exc, DAMAGE):
                raise
            raise IndexingError(damaged(self.dir, found[0] if found else describe(exc))) from None
