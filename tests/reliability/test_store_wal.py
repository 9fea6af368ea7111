"""The store's write-ahead log after large writes and a full disk: trimmed, never left large.

SQLite checkpoints its WAL as it goes but never shrinks the file, and deletes it only
when the last connection closes; with a reader open beside a writer (`serve` while a
crawl runs, or any second command) the WAL stayed at its largest, megabytes beside the
store. The imports run as a user runs them, with a real reader holding the file open.
"""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest

from crawler.config import parse_config
from crawler.errors import StoreError
from index.archive import Archive
from index.store import STORE_FILE
from tests.reliability.harness import ficarchive, problems, snapshot
from tests.reliability.hooks import patch_disk_full_store

# What "small" means: a WAL trimmed when its writer closed holds (next to) nothing.
SMALL = 64 * 1024
MB = 1024 * 1024
WORDS = "lamp keeper sea night wrote storm light harbour gull stone tide rope oil wick".split()


def wal_size(store: Path) -> int:
    wal = Path(f"{store}-wal")
    return wal.stat().st_size if wal.exists() else 0


def stories(folder: Path, count: int, paragraphs: int = 120) -> list[Path]:
    """Stories of random words (~50 KB each), so pages and text do not compress away."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(count):
        rng = random.Random(n)
        body = "\n\n".join(
            " ".join(rng.choice(WORDS) for _ in range(70)) for _ in range(paragraphs)
        )
        path = folder / f"story_{n:03}.txt"
        path.write_text(f"Story {n}\n\n{body}\n", encoding="utf-8")
        paths.append(path)
    return paths


@pytest.fixture
def archive_with_reader(tmp_path):
    """A config, its archive (one work in it), and a reader holding the store open."""
    config = tmp_path / "config.toml"
    config.write_text('[archive]\npath = "archive"\n', encoding="utf-8")
    first = stories(tmp_path / "first", 1)
    assert ficarchive("--config", str(config), "import", *map(str, first)).code == 0
    reader = sqlite3.connect(tmp_path / "archive" / STORE_FILE)
    assert reader.execute("SELECT COUNT(*) FROM works").fetchone() == (1,)
    yield config, tmp_path / "archive"
    reader.close()


def test_a_large_import_leaves_a_small_wal_beside_a_reader(archive_with_reader, tmp_path):
    config, archive = archive_with_reader
    paths = stories(tmp_path / "many", 80)
    run = ficarchive("--config", str(config), "import", *map(str, paths), timeout=300)
    assert run.code == 0, run.err
    store = archive / STORE_FILE
    assert store.stat().st_size > 4 * MB  # a large write, for this archive
    assert wal_size(store) <= SMALL, wal_size(store)  # emptied at close
    assert problems(snapshot(archive)) == []


def test_a_disk_full_import_keeps_what_it_stored_and_trims_the_wal(
    archive_with_reader, tmp_path, monkeypatch
):
    config, archive = archive_with_reader
    paths = stories(tmp_path / "many", 60)
    patch_disk_full_store(free_pages=400, setattr_=monkeypatch.setattr)  # room for a few
    cfg = parse_config({"archive": {"path": str(archive)}}, config)
    with pytest.raises(StoreError, match="the disk is full") as caught, Archive(cfg) as opened:
        opened.import_paths(paths)
    message = str(caught.value)
    assert "\n" not in message and "everything stored before it is" in message
    monkeypatch.undo()
    store = archive / STORE_FILE
    assert wal_size(store) <= SMALL, wal_size(store)
    snap = snapshot(archive)
    assert snap.ok and 1 < len(snap.works) < 61  # some works stored, each one whole
    # what was stored and not yet indexed is waiting for the index, never lost from it
    assert ficarchive("--config", str(config), "index").code == 0
    assert problems(snapshot(archive)) == []
