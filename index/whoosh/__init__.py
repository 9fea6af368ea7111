"""The Whoosh search backend: the only code in ficarchive that imports whoosh.

analysis (analyzers, the stem memo), schema (one document per chapter), writer
(crash-safe commits), compile (the neutral query tree to Whoosh queries),
scoring (every matching chapter scored a block at a time), searcher (grouping
chapters into works), snippets, names (characters and ships as readers write
them).
"""

from __future__ import annotations

import pickle
import struct
import zlib
from collections.abc import Callable, Iterable
from pathlib import Path

from whoosh.filedb.filetables import FileFormatError

from crawler.errors import FicarchiveError, IndexingError
from crawler.models import Work
from index.backend import ChapterTexts
from index.search import SearchRequest, SearchResult
from index.whoosh import searcher as _searcher
from index.whoosh.writer import Indexer

# What a damaged index file raises from inside Whoosh's readers.
DAMAGE = (OSError, EOFError, struct.error, zlib.error, pickle.UnpicklingError, FileFormatError)


class WhooshBackend:
    """SearchBackend over the Whoosh index in `<archive>/index`."""

    name = "whoosh"

    def __init__(self, archive_dir: Path) -> None:
        self.indexer = Indexer(archive_dir)
        self.dir = self.indexer.dir

    def exists(self) -> bool:
        return self.indexer.exists()

    def index(
        self,
        works: Iterable[Work],
        remove: Iterable[str] = (),
        progress: Callable[[Work], None] | None = None,
    ) -> list[str]:
        return self.indexer.update(works, remove=remove, progress=progress)

    def rebuild(
        self, works: Iterable[Work], progress: Callable[[Work], None] | None = None
    ) -> list[str]:
        return self.indexer.rebuild(works, progress=progress)

    def work_ids(self) -> set[str]:
        return self.indexer.work_ids()

    def documents(self) -> list[tuple[str, str]]:
        return self.indexer.documents()

    def leftovers(self) -> list[Path]:
        return self.indexer.leftovers()

    def clean_leftovers(self) -> list[Path]:
        return self.indexer.clean_leftovers()

    def search(self, request: SearchRequest, texts: ChapterTexts) -> SearchResult:
        """Rank the request; a malformed query is refused before the index is opened."""
        tree = request.tree()
        ix = self.indexer.open(create=False)
        try:
            with ix.searcher() as searcher:
                return _searcher.run(searcher, request, tree, texts)
        except FicarchiveError:
            raise
        except DAMAGE as exc:
            raise IndexingError(
                f"{self.dir}: the search index is damaged ({type(exc).__name__}: {exc});"
                " run `ficarchive doctor` to repair it (the store is not touched)"
            ) from None
        finally:
            ix.close()
