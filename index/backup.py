"""A copy of an archive that can be restored: the store and the search index.

The store is copied with SQLite's online backup API, which gives a consistent
snapshot even while a crawl writes to it (the WAL keeps the crawl going). The
index folder is copied until two looks at it agree, so a commit landing in the
middle is never half copied; and it can always be rebuilt from the store.
"""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from crawler.errors import StoreError, UsageError

INDEX_FOLDER = "index"
COPY_TRIES = 5


@dataclass(frozen=True)
class BackupResult:
    """What a backup wrote, for the CLI to say."""

    store: Path
    store_bytes: int
    index: Path | None
    index_files: int = 0
    notes: list[str] = field(default_factory=list)


def backup_archive(db: sqlite3.Connection, archive_dir: Path, dest: Path) -> BackupResult:
    """Copy the store (through `db`, the open store) and the index folder into `dest`."""
    store_name = Path(db.path).name if hasattr(db, "path") else "ficarchive.sqlite3"
    target = dest / store_name
    if target.exists() or (dest / INDEX_FOLDER).exists():
        raise UsageError(f"{dest} already holds a backup; give an empty or new folder")
    try:
        dest.mkdir(parents=True, exist_ok=True)
        _backup_store(db, target)
    except (OSError, sqlite3.Error) as exc:
        raise StoreError(f"{dest}: could not write the backup: {exc}") from None
    notes: list[str] = []
    source = archive_dir / INDEX_FOLDER
    if not source.is_dir():
        notes.append("no search index to copy; `ficarchive index` builds one from the store")
        return BackupResult(target, target.stat().st_size, None, 0, notes)
    copied = _copy_index(source, dest / INDEX_FOLDER, notes)
    return BackupResult(target, target.stat().st_size, dest / INDEX_FOLDER, copied, notes)


def _backup_store(db: sqlite3.Connection, target: Path) -> None:
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    copy = sqlite3.connect(partial)
    try:
        # All pages in one read transaction: under WAL a crawl keeps writing meanwhile,
        # and the copy is the store as it was when the backup began.
        db.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one file, nothing beside it
    finally:
        copy.close()
    partial.replace(target)


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _copy_index(source: Path, target: Path, notes: list[str]) -> int:
    partial = target.with_name(target.name + ".partial")
    for _ in range(COPY_TRIES):
        shutil.rmtree(partial, ignore_errors=True)
        before = _snapshot(source)
        try:
            shutil.copytree(source, partial)
        except (OSError, shutil.Error):
            continue  # a file went away under us: an index commit; look again
        if _snapshot(source) == before:
            partial.replace(target)
            return len(before)
    shutil.rmtree(partial, ignore_errors=True)
    notes.append(
        "the search index kept changing while it was copied, so it was left out;"
        " after restoring, `ficarchive index --rebuild` makes it again from the store"
    )
    return 0
