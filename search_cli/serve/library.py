"""The archive as the web app sees it: one thread owns it, every request asks that thread.

SQLite connections (the store, the reading marks) are used only from the thread that
opened them, so the archive is opened lazily on a single worker thread and each
request hands it a function to run there. Requests still overlap everywhere else
(parsing, templates, sending bytes); only their turns at the archive are queued.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from index.archive import Archive

T = TypeVar("T")


def marks_of(archive: Archive) -> Any:
    """The archive's reading marks, from the front door."""
    return archive.marks


class Shelf:
    """The archive and its marks, as one worker thread holds them."""

    def __init__(self, archive: Archive) -> None:
        self.archive = archive
        self.marks = marks_of(archive)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.marks.close()
        self.archive.close()


class Library:
    """Runs functions of a Shelf on the one thread that opened it."""

    def __init__(self, open_archive: Callable[[], Archive]) -> None:
        self._open = open_archive
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ficarchive-library")
        self._shelf: Shelf | None = None

    def _on_thread(self, fn: Callable[..., T], args: tuple) -> T:
        if self._shelf is None:
            self._shelf = Shelf(self._open())
        return fn(self._shelf, *args)

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """fn(shelf, *args) on the library's thread; its result, or its exception."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, self._on_thread, fn, args)

    def call(self, fn: Callable[..., T], *args: Any) -> T:
        """The same, from synchronous code (the command, tests)."""
        return self._pool.submit(self._on_thread, fn, args).result()

    def close(self) -> None:
        def shut() -> None:
            if self._shelf is not None:
                self._shelf.close()
                self._shelf = None

        with contextlib.suppress(RuntimeError):  # already shut down
            self._pool.submit(shut).result()
        self._pool.shutdown(wait=True)
