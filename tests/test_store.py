"""The archive store: migrations, WAL, round trips, and nothing ever lost."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime

import pytest

from crawler.errors import ArchiveLocked, StoreError
from crawler.models import Block, Chapter, FetchedPage, Note, Work, WorkMeta
from index.lock import crawl_lock
from index.records import ArchiveStats, Group, WorkState
from index.schema import SCHEMA_VERSION
from index.stats import archive_stats
from index.store import STORE_FILE, Store


def make_work(text: str = "The fog lay thick on Baker Street.", work_id: str = "ao3:1") -> Work:
    meta = WorkMeta(title="A Study in Fog", authors=["Tester"], characters=["Sherlock Holmes"])
    chapters = [
        Chapter(
            1,
            "Fog",
            [Block("paragraph", text), Block("scene_break"), Block("paragraph", "Later, tea.")],
            [Note("end_note", "after", "Thanks for reading.")],
        )
    ]
    return Work(work_id, "ao3", "https://example.org/works/1", meta, "A summary.", [], chapters)


def page(body: bytes = b"<html>raw</html>") -> FetchedPage:
    return FetchedPage("https://example.org/works/1", 200, {"etag": "x"}, body, datetime.now(UTC))


def test_schema_versioned_wal(tmp_path):
    with Store(tmp_path) as store:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with Store(tmp_path) as store:  # reopening runs no migration twice
        assert store.count() == 0


def test_newer_schema_is_refused(tmp_path):
    Store(tmp_path).close()
    db = sqlite3.connect(tmp_path / STORE_FILE)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    db.close()
    with pytest.raises(StoreError, match="newer ficarchive"):
        Store(tmp_path)


def test_round_trip_and_change_detection(tmp_path):
    with Store(tmp_path) as store:
        work = make_work()
        assert store.save_work(work, [page()], "2020-01-01|1/1") == "new"
        back = store.get_work("ao3:1")
        assert back.to_dict() == work.to_dict()
        assert store.save_work(make_work(), [page()]) == "unchanged"
        assert store.save_work(make_work("Different text now."), [page(b"v2")]) == "updated"
        assert store.get_work("ao3:1").chapters[0].blocks[0].text == "Different text now."
        assert store.work_state("ao3:1").fingerprint == "2020-01-01|1/1"
        assert [p.body for p in store.raw_pages("ao3:1")] == [b"v2"]  # newest page per URL
        total = store.db.execute("SELECT COUNT(*) FROM raw_pages").fetchone()[0]
        assert total == 2  # every raw page is kept; an identical re-fetch only once


def test_gone_keeps_text_and_refetch_clears(tmp_path):
    with Store(tmp_path) as store:
        store.save_work(make_work(), [page()])
        assert store.mark_gone("ao3:1")
        gone = store.get_work("ao3:1")
        assert gone.meta.status == "gone"
        assert gone.chapters[0].blocks[0].text.startswith("The fog")
        assert "ao3:1" in store.unindexed_ids()  # status changed: re-index it
        store.save_work(make_work(), fetched=False)  # re-clean keeps the mark
        assert store.get_work("ao3:1").meta.status == "gone"
        store.save_work(make_work(), [page()])  # fetched again: back
        assert store.get_work("ao3:1").meta.status == "complete"


def test_failed_write_leaves_old_work(tmp_path, monkeypatch):
    import sqlite3

    from index import history

    with Store(tmp_path) as store:
        store.save_work(make_work(), [page()])
        broken = make_work("New text")

        def fail(*args, **kwargs):  # the view is written, then the version fails
            raise sqlite3.OperationalError("disk I/O error")

        monkeypatch.setattr(history, "record", fail)
        with pytest.raises(StoreError):
            store.save_work(broken, [page(b"v2")])
        assert store.get_work("ao3:1").chapters[0].blocks[0].text.startswith("The fog")
        assert [p.body for p in store.raw_pages("ao3:1")] != [b"v2"]


def test_crawl_lock_names_the_holder(tmp_path):
    with (
        crawl_lock(tmp_path),
        pytest.raises(ArchiveLocked, match="already running"),
        crawl_lock(tmp_path),
    ):
        pass
    with crawl_lock(tmp_path):  # released
        pass


def test_inline_marks_are_stored_beside_plain_text(tmp_path):
    from crawler.models import Mark

    work = make_work()
    work.chapters[0].blocks[0].marks = (Mark("em", 4, 7), Mark("link", 8, 11, "https://x.example"))
    with Store(tmp_path) as store:
        store.save_work(work)
        block = store.get_work("ao3:1").chapters[0].blocks[0]
        again = store.chapter_blocks("ao3:1", [1])[1][0]
    assert block.text == work.chapters[0].blocks[0].text
    assert (
        block.marks == again.marks == (Mark("em", 4, 7), Mark("link", 8, 11, "https://x.example"))
    )


def test_stats_count_works_chapters_and_words_by_group(tmp_path):
    two = make_work("One two three.", "ao3:2")
    two.chapters.append(Chapter(2, "", [Block("paragraph", "Four five.")]))
    with Store(tmp_path) as store:
        store.save_work(make_work())
        store.save_work(two)
        stats = archive_stats(store)
    assert (stats.works, stats.chapters) == (2, 3)
    assert stats.by_site == (Group("ao3", 2, 3, two.words + make_work().words),)
    assert stats.to_dict()["by_site"] == [
        {"name": "ao3", "works": 2, "chapters": 3, "words": two.words + make_work().words}
    ]


def test_stats_json_keeps_the_readme_shape(tmp_path):
    """`ficarchive stats --json` is a promise: these keys, in this order, lists of dicts."""
    work = make_work()
    work.meta.fandoms = ["Sherlock Holmes", "Fog"]
    with Store(tmp_path) as store:
        store.save_work(work, [page()])
        store.mark_gone("ao3:1")
        store.touch_source("baker-street")
        stats = archive_stats(store)
    assert isinstance(stats, ArchiveStats)
    data = stats.to_dict()
    assert list(data) == [
        "works", "chapters", "words", "by_site", "by_status", "by_fandom",
        "gone", "locked", "raw_pages", "size_bytes", "sources",
    ]  # fmt: skip
    group = {"works": 1, "chapters": 1, "words": work.words}
    assert data["by_status"] == [{"name": "gone", **group}]
    assert data["by_fandom"] == [{"name": "Fog", **group}, {"name": "Sherlock Holmes", **group}]
    assert (data["gone"], data["locked"], data["raw_pages"]) == (1, 0, 1)
    assert data["size_bytes"] > 0
    assert data["sources"] == [
        {"name": "baker-street", "last_crawled": stats.sources[0].last_crawled}
    ]
    assert json.loads(json.dumps(data)) == data  # plain JSON, nothing that dumps differently


def test_work_state_is_a_record_of_the_marks(tmp_path):
    with Store(tmp_path) as store:
        assert store.work_state("ao3:1") is None
        store.save_work(make_work(), [page()], "2020-01-01|1/1")
        state = store.work_state("ao3:1")
        assert isinstance(state, WorkState)
        assert (state.id, state.fingerprint, state.locked) == ("ao3:1", "2020-01-01|1/1", False)
        assert not state.gone and not state.indexed
        store.mark_indexed(["ao3:1"])
        assert store.work_state("ao3:1").indexed
        store.mark_locked("ao3:1")
        store.mark_gone("ao3:1")
        state = store.work_state("ao3:1")
        assert state.locked is True and state.gone and state.gone_at
        assert not state.indexed  # gone changes the status, so the index must hear of it


def test_an_older_page_is_kept_as_a_delta_and_read_back_exactly(tmp_path):
    from index.pages import pages_by_id

    lines = [f"<p>Line {i} of a long page about lamps and ledgers.</p>\n" for i in range(400)]
    bodies = [
        ("".join(lines)).encode(),
        ("".join(lines[:200] + ["<p>An edit in the middle.</p>\n"] + lines[200:])).encode(),
        ("".join(lines[:200] + lines[250:]) + "<p>The end, rewritten.</p>").encode(),
    ]
    with Store(tmp_path) as store:
        for n, body in enumerate(bodies):
            store.save_work(make_work(f"Version {n}."), [page(body)])
        db = store.db
        ids = [r[0] for r in db.execute("SELECT id FROM raw_pages ORDER BY id")]
        assert [p.body for p in pages_by_id(db, ids)] == bodies
        kinds = [r[0] for r in db.execute("SELECT base IS NULL FROM bodies ORDER BY rowid")]
        assert kinds == [0, 0, 1]  # the two older ones are deltas, the newest whole
        whole = len(__import__("zlib").compress(bodies[0], 6))
        deltas = db.execute("SELECT SUM(LENGTH(body)) FROM bodies WHERE base IS NOT NULL")
        assert deltas.fetchone()[0] < whole / 2


def test_an_archive_from_before_versions_keeps_its_text_as_version_1(tmp_path):
    """Migration: the text an older archive holds becomes version 1; raw pages stay."""
    import sqlite3

    from index.schema import MIGRATIONS

    db = sqlite3.connect(tmp_path / STORE_FILE)
    db.executescript(f"{MIGRATIONS[0]}; PRAGMA user_version = 1;")
    db.execute(
        "INSERT INTO works VALUES ('ao3:5', 'ao3', 'https://example.org/works/5', 'Old Light',"
        " 3, '{\"title\": \"Old Light\"}', '', NULL, 'abc', 0, NULL, '2024-01-01',"
        " '2024-01-01', '2024-01-01', 'abc')"
    )
    db.execute(
        "INSERT INTO chapters VALUES ('ao3:5', 1, 'One', ?, 3)",
        ('[{"type": "paragraph", "text": "Kept for years."}]',),
    )
    db.execute(
        "INSERT INTO raw_pages (url, work_id, status, headers, body, fetched_at)"
        " VALUES ('https://example.org/works/5', 'ao3:5', 200, '{}', ?, '2024-01-01T00:00:00')",
        (__import__("zlib").compress(b"<html>old page</html>"),),
    )
    db.commit()
    db.close()
    with Store(tmp_path) as store:
        (version,) = store.versions("ao3:5")
        assert (version.number, version.origin, version.shown) == (1, "migrated", True)
        assert store.get_version("ao3:5", 1).chapters[0].blocks[0].text == "Kept for years."
        assert [p.body for p in store.raw_pages("ao3:5")] == [b"<html>old page</html>"]
        # the next different text is version 2, and the old one is still there
        store.save_work(make_work("A new text."), [page()])
        assert store.get_work("ao3:1") is not None


def test_opening_the_store_finds_unversioned_works_by_index_not_by_scanning(tmp_path):
    with Store(tmp_path / "a") as store:
        plan = store.db.execute(
            "EXPLAIN QUERY PLAN SELECT * FROM works WHERE shown_version IS NULL"
        ).fetchall()
    assert any("works_unversioned" in str(tuple(row)) for row in plan), plan
