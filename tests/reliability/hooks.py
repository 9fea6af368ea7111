"""Run the real CLI with a pause or a fault at one named point.

    python -m tests.reliability.hooks --pause index-before-toc --flag F -- --config C crawl

With `--pause`, the process writes its pid to the file F when it reaches the
point and then waits, so a test can SIGKILL it exactly there. The points sit
in the libraries' own seams (Whoosh's commit, SQLite's transaction), and the
real code runs on both sides of them: nothing is simulated but the timing.

With `--note index-lock-busy`, the process goes on as usual but writes its pid to F
when it first finds the index's write lock held by another: a test waits for that
instead of for a length of time.

With `--fault`, a resource runs out: `disk-full-store` (SQLite's own
SQLITE_FULL, from a page limit) or `disk-full-index` (ENOSPC from the writes of
Whoosh's files). The same patches serve in-process tests through `patch_*`.
"""

from __future__ import annotations

import argparse
import errno
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

Setter = Callable[[object, str, object], None]

PAUSES = (
    "index-segment",  # segment files written, not yet assembled or committed
    "index-before-toc",  # segment complete, new table of contents not yet renamed in
    "index-after-toc",  # new generation committed, old files not yet cleaned
    "store-in-transaction",  # a work's write transaction open, not committed
)
NOTES = ("index-lock-busy",)  # the index writer lock was tried and found taken
FAULTS = ("disk-full-store", "disk-full-index")


def _pause(flag: Path) -> None:
    flag.write_text(str(os.getpid()))
    while True:  # until SIGKILL
        time.sleep(60)


def patch_pause(point: str, flag: Path, setattr_: Setter = setattr, nth: int = 1) -> None:
    """Make the process stop for good at the nth time it reaches `point`."""
    seen = {"n": 0}

    def reached() -> bool:
        seen["n"] += 1
        return seen["n"] == nth

    if point == "index-segment":
        from whoosh.writing import SegmentWriter

        original = SegmentWriter._assemble_segment

        def assemble(self):
            if reached():
                _pause(flag)
            return original(self)

        setattr_(SegmentWriter, "_assemble_segment", assemble)
    elif point == "index-before-toc":
        from whoosh.filedb.filestore import FileStorage

        original_rename = FileStorage.rename_file

        def rename(self, oldname, newname, safe=False):
            if newname.endswith(".toc") and reached():
                _pause(flag)
            return original_rename(self, oldname, newname, safe)

        setattr_(FileStorage, "rename_file", rename)
    elif point == "index-after-toc":
        import whoosh.index

        original_clean = whoosh.index.clean_files

        def clean(*args, **kwargs):
            if reached():
                _pause(flag)
            return original_clean(*args, **kwargs)

        setattr_(whoosh.index, "clean_files", clean)
    elif point == "store-in-transaction":
        from index import pages

        original_page = pages.save_page

        def save_page(db, work_id, page):
            found = original_page(db, work_id, page)
            if reached():
                _pause(flag)
            return found

        setattr_(pages, "save_page", save_page)
    else:
        raise ValueError(f"unknown pause point {point!r}; known: {', '.join(PAUSES)}")


def patch_note(point: str, flag: Path, setattr_: Setter = setattr) -> None:
    """Write the pid to `flag` when the process reaches `point`, and carry on."""
    if point != "index-lock-busy":
        raise ValueError(f"unknown note point {point!r}; known: {', '.join(NOTES)}")
    from index.whoosh import writer

    original = writer.try_for

    def try_for(fn, timeout=5.0, delay=0.1):
        def attempt():
            got = fn()
            if not got:
                flag.write_text(str(os.getpid()))
            return got

        return original(attempt, timeout, delay)

    setattr_(writer, "try_for", try_for)


def patch_disk_full_store(free_pages: int = 2, setattr_: Setter = setattr) -> None:
    """Every store opened from now on can grow by only `free_pages` pages: SQLITE_FULL."""
    from index.store import Store

    original_init = Store.__init__

    def init(self, archive_dir):
        original_init(self, archive_dir)
        pages = self.db.execute("PRAGMA page_count").fetchone()[0]
        self.db.execute(f"PRAGMA max_page_count = {pages + free_pages}")

    setattr_(Store, "__init__", init)


class _FullFile:
    """A file on a disk with `budget` bytes left (shared by every file of the index)."""

    def __init__(self, fileobj, budget: dict[str, int]) -> None:
        self._file = fileobj
        self._budget = budget

    def write(self, data) -> int:
        if len(data) > self._budget["left"]:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self._budget["left"] -= len(data)
        return self._file.write(data)

    def __getattr__(self, name: str):
        return getattr(self._file, name)


def patch_disk_full_index(budget_bytes: int = 0, setattr_: Setter = setattr) -> dict[str, int]:
    """Whoosh's files may take `budget_bytes` more in all, then writes fail with ENOSPC."""
    from whoosh.filedb.filestore import FileStorage
    from whoosh.filedb.structfile import StructFile

    budget = {"left": budget_bytes}
    original_create = FileStorage.create_file

    def create_file(self, name, excl=False, mode="wb", **kwargs):
        f = original_create(self, name, excl, mode, **kwargs)
        return StructFile(_FullFile(f.file, budget), name=name, onclose=f.onclose)

    setattr_(FileStorage, "create_file", create_file)
    return budget


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    split = argv.index("--") if "--" in argv else len(argv)
    parser = argparse.ArgumentParser(prog="python -m tests.reliability.hooks")
    parser.add_argument("--pause", choices=PAUSES)
    parser.add_argument("--nth", type=int, default=1)
    parser.add_argument("--flag", type=Path)
    parser.add_argument("--note", choices=NOTES)
    parser.add_argument("--fault", choices=FAULTS)
    opts = parser.parse_args(argv[:split])
    if (opts.pause or opts.note) and opts.flag is None:
        parser.error("--pause and --note need --flag FILE")
    if opts.pause and opts.note:
        parser.error("--pause and --note share --flag: give one of them")
    if opts.pause:
        patch_pause(opts.pause, opts.flag, nth=opts.nth)
    if opts.note:
        patch_note(opts.note, opts.flag)
    if opts.fault == "disk-full-store":
        patch_disk_full_store()
    elif opts.fault == "disk-full-index":
        patch_disk_full_index()
    from search_cli.app import app

    sys.argv = ["ficarchive", *argv[split + 1 :]]
    app(prog_name="ficarchive")


if __name__ == "__main__":
    main()
