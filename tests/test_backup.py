"""`ficarchive backup DEST`: a copy that opens as an archive, made even mid-crawl."""

from __future__ import annotations

import sqlite3
import threading

from crawler.config import load_config
from index.archive import Archive
from tests.cli import ficarchive

STORY = "The Harbour Lights\n\nThe harbour lights came on one by one.\n\nThen the ferry.\n"


def _archive(tmp_path):
    cfg = tmp_path / "config.toml"
    cfg.write_text('[archive]\npath = "arch"\n')
    story = tmp_path / "harbour.txt"
    story.write_text(STORY, encoding="utf-8")
    run = ficarchive("--config", str(cfg), "import", str(story))
    assert run.code == 0, run.err
    return cfg, run.out.strip()


def test_backup_opens_as_an_archive_and_searches(tmp_path):
    cfg, work_id = _archive(tmp_path)
    dest = tmp_path / "backups" / "one"
    run = ficarchive("--config", str(cfg), "backup", str(dest), env={"COLUMNS": "40"})
    assert run.code == 0, run.err
    assert str(dest / "ficarchive.sqlite3") in run.out and "restore" in run.out
    assert (dest / "index").is_dir()
    restored = tmp_path / "restored.toml"
    restored.write_text(f'[archive]\npath = "{dest}"\n')
    found = ficarchive("--config", str(restored), "search", '"ferry"', "--json")
    assert found.code == 0, found.err
    assert [hit["id"] for hit in found.json_lines()] == [work_id]


def test_backup_refuses_to_overwrite_one(tmp_path):
    cfg, _ = _archive(tmp_path)
    dest = tmp_path / "b"
    assert ficarchive("--config", str(cfg), "backup", str(dest)).code == 0
    run = ficarchive("--config", str(cfg), "backup", str(dest))
    assert run.code == 2 and "already holds a backup" in run.err


def test_backup_is_consistent_while_the_store_is_written(tmp_path):
    cfg, _ = _archive(tmp_path)
    config = load_config(cfg)
    stop = threading.Event()

    def writer():
        db = sqlite3.connect(config.archive_dir / "ficarchive.sqlite3", timeout=30)
        db.execute("CREATE TABLE IF NOT EXISTS busy (n INTEGER)")
        n = 0
        while not stop.is_set():
            n += 1
            db.execute("INSERT INTO busy VALUES (?)", (n,))
            db.commit()
        db.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        with Archive(config) as archive:
            result = archive.backup(tmp_path / "mid")
    finally:
        stop.set()
        thread.join()
    copy = sqlite3.connect(result.store)
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert copy.execute("SELECT count(*) FROM works").fetchone()[0] == 1
