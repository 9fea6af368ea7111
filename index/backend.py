"""The search-backend seam: what the archive asks of any search engine.

The archive (index/archive.py) keeps works in the store and hands them to a
backend to index; it asks the backend to rank a neutral SearchRequest and gets
records back. Nothing outside a backend's own sub-package knows its engine.
Adding a backend (OpenSearch, when one machine is not enough) is one
sub-package that implements SearchBackend, plus one line in BACKENDS.
"""

from __future__ import annotations

import gc
import importlib
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Protocol

from crawler.errors import ConfigError
from crawler.models import Block, Work
from index.search import SearchRequest, SearchResult

# name -> "module:Class"; imported only when that backend is opened.
BACKENDS = {
    "whoosh": "index.whoosh:WhooshBackend",
}


class ChapterTexts(Protocol):
    """Where a backend reads the text it cuts snippets from (the store)."""

    def chapter_blocks(self, work_id: str, numbers: list[int]) -> dict[int, list[Block]]: ...

    def get_work(self, work_id: str) -> Work | None: ...

    def history_texts(self, work_id: str) -> list:
        """(version, chapter number, Chapter) of texts found only in older versions."""
        ...


class SearchBackend(Protocol):
    """Index works, find them again, and look after its own files.

    `index` replaces the given works' documents (and drops `remove`) in one
    commit; `rebuild` replaces everything; `documents` lists (work id, document
    id) of what is indexed; `verify` reads every part of the index (doctor's
    check). A damaged index is an IndexingError naming the repair, never the
    engine's own exception.
    """

    name: str

    def exists(self) -> bool: ...

    def index(
        self,
        works: Iterable[Work],
        remove: Iterable[str] = (),
        progress: Callable[[Work], None] | None = None,
        *,
        merge: bool = True,
    ) -> list[str]:
        """Replace these works' documents in one commit. `merge=False` leaves the new
        segment apart from the small ones (a crawl's batches: merging each costs more
        than the batch itself; a later merging write folds them together)."""
        ...

    def rebuild(
        self, works: Iterable[Work], progress: Callable[[Work], None] | None = None
    ) -> list[str]: ...

    def work_ids(self) -> set[str]: ...

    def documents(self) -> list[tuple[str, str]]: ...

    def index_history(self, works: Iterable[tuple[Work, list]], *, rebuild: bool = False) -> None:
        """Index what only older versions hold (for `search --history`)."""
        ...

    def search(self, request: SearchRequest, texts: ChapterTexts) -> SearchResult: ...

    def verify(self) -> list[str]:
        """Read every part of the index (every posting, stored field and column) and
        hold the parts against each other: one line per damage found, [] when whole."""
        ...

    def leftovers(self) -> list[Path]:
        """Files of the backend's no commit refers to (a writer that died)."""
        ...

    def clean_leftovers(self) -> list[Path]: ...


def open_backend(archive_dir: Path, name: str = "whoosh") -> SearchBackend:
    """The named backend over an archive folder, its engine imported on first use.

    The name is checked now; the engine (for Whoosh some 80 ms of imports) loads when
    the archive first asks the backend anything, so `show`, `versions` or `mark`,
    which read the store alone, never load it (issue 19's cold start).
    """
    where = BACKENDS.get(name)
    if where is None:
        raise ConfigError(f"search backend {name!r} is unknown; available: {', '.join(BACKENDS)}")
    return _OnFirstUse(Path(archive_dir), where)  # type: ignore[return-value]


class _OnFirstUse:
    """Stands for a backend until the first attribute is asked for, then opens it and
    hands every question on to it."""

    def __init__(self, archive_dir: Path, where: str) -> None:
        self._archive_dir, self._where, self._opened = archive_dir, where, None

    def __getattr__(self, attr: str):
        if self._opened is None:
            module, _, cls = self._where.partition(":")
            self._opened = _loaded(module, cls)(self._archive_dir)
        return getattr(self._opened, attr)


def _loaded(module: str, name: str) -> type:
    """The backend's class, its modules loaded with the cyclic garbage collector paused.

    What a first load makes (modules, classes, functions) lives as long as the process.
    In a process that froze what it had loaded (the `ficarchive` command does, see
    search_cli/app.py) it is frozen too, so each full collection no longer walks it
    again (issue 19's cold start); a process that never froze is left as it was.
    """
    before, collecting = len(sys.modules), gc.isenabled()
    gc.disable()
    try:
        return getattr(importlib.import_module(module), name)
    finally:
        if collecting:
            if gc.get_freeze_count() and len(sys.modules) > before:
                gc.freeze()
            gc.enable()
