"""The crawl lock: one crawl per archive folder, and who holds it when asked."""

from __future__ import annotations

import fcntl
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from crawler.errors import ArchiveLocked, StoreError

log = logging.getLogger(__name__)

LOCK_FILE = "crawl.lock"


@dataclass(frozen=True)
class LockInfo:
    """What taking the crawl lock found: the pid of a crawl that died holding it, if any."""

    path: Path
    stale_pid: int | None = None


def lock_holder(archive_dir: Path) -> int | None:
    """The pid of the process crawling this archive now, or None when no one is."""
    path = Path(archive_dir) / LOCK_FILE
    try:
        fd = os.open(path, os.O_RDWR)
    except OSError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return _read_pid(fd) or -1
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)


def _read_pid(fd: int) -> int | None:
    text = os.pread(fd, 32, 0).decode(errors="replace").strip()
    return int(text) if text.isdigit() else None


@contextmanager
def crawl_lock(archive_dir: Path) -> Iterator[LockInfo]:
    """One crawl per archive: a second one is told which process holds it.

    The lock is flock(2), so the kernel releases it when its holder dies, even by
    SIGKILL; the pid written in the file is only for people. A clean exit empties
    the file, so a pid found there by the next holder is a crawl that died: it is
    reported and cleared, and what that crawl stored is kept.
    """
    archive_dir = Path(archive_dir)
    path = archive_dir / LOCK_FILE
    try:
        archive_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise StoreError(f"{archive_dir}: cannot create the archive folder: {exc}") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_pid(fd)
            raise ArchiveLocked(
                f"{archive_dir}: a crawl is already running"
                f" ({f'pid {holder}' if holder else 'another process'}); wait for it to finish"
            ) from None
        stale = _read_pid(fd)
        if stale is not None and stale != os.getpid():
            log.warning(
                "%s: a crawl (pid %d) ended without finishing; its lock is cleared and"
                " everything it stored is kept",
                archive_dir,
                stale,
            )
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        try:
            yield LockInfo(path, stale)
        finally:
            os.ftruncate(fd, 0)
    finally:
        os.close(fd)
