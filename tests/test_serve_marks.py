"""index/marks.py: the reading marks the web library keeps in the store file."""

from __future__ import annotations

import sqlite3

import pytest

from crawler.errors import UsageError
from index.archive import Archive
from index.marks import Marks, ReadingMark
from index.store import Store
from tests.export_works import make_work
from tests.serve_library import FERRY, GONE, HOSTILE, LOCKED, build_archive


@pytest.fixture
def archive(tmp_path):
    with Archive(build_archive(tmp_path)) as a:
        yield a


@pytest.fixture
def marks(archive):
    with Marks(archive.store_file) as m:
        yield m


def test_nothing_marked_reads_as_nothing(marks):
    assert marks.get(FERRY) == ReadingMark(FERRY)
    assert marks.of([FERRY, HOSTILE]) == {}
    assert marks.with_mark("read", 10) == ([], 0)


def test_a_mark_and_a_position_are_kept_apart(marks):
    marks.set_mark(FERRY, "reading")
    marks.set_position(FERRY, 2, 0.25)
    got = marks.get(FERRY)
    assert (got.mark, got.chapter, got.progress) == ("reading", 2, 0.25)
    marks.set_mark(FERRY, None)
    assert marks.get(FERRY).mark is None and marks.get(FERRY).chapter == 2
    marks.set_position(FERRY, 1, 7.0)  # clamped
    assert marks.get(FERRY).progress == 1.0


def test_a_bad_mark_or_an_unknown_work_is_a_usage_error(marks):
    with pytest.raises(UsageError, match="not one of"):
        marks.set_mark(FERRY, "loved")
    with pytest.raises(UsageError, match="no work"):
        marks.set_mark("ao3:0", "read")
    with pytest.raises(UsageError, match="no work"):
        marks.set_position("ao3:0", 1)


def test_shelves_newest_mark_first_and_counted(marks):
    marks.set_mark(FERRY, "to-read")
    marks.set_mark(HOSTILE, "to-read")
    marks.set_mark(GONE, "read")
    marks.db.execute(
        "UPDATE reading_marks SET updated_at = '2000-01-01' WHERE work_id = ?", (FERRY,)
    )
    assert marks.with_mark("to-read", 10) == ([HOSTILE, FERRY], 2)
    assert marks.with_mark("to-read", 1, 1) == ([FERRY], 2)
    assert marks.marked_ids() == {FERRY, HOSTILE, GONE}
    assert marks.marked_ids("read") == {GONE}


def test_the_archive_marks_are_read(marks):
    flags = marks.flags([FERRY, GONE, LOCKED])
    assert set(flags) == {GONE, LOCKED}
    assert flags[GONE].gone and not flags[GONE].locked
    assert flags[LOCKED].locked and not flags[LOCKED].gone
    ids, total = marks.recently_added(2)
    assert total == 5 and len(ids) == 2
    assert set(marks.first_stored([FERRY])) == {FERRY}


def test_catalog_values_and_series_parts(marks):
    fandoms = dict(marks.values("fandoms"))
    assert fandoms["Original Work"] == 3 and fandoms["Locked Fandom"] == 1
    assert dict(marks.values("series"))["Harbour Stories"] == 4
    assert [part for _, part in marks.series_parts("Harbour Stories")] == [2, 2, 2, 2]


def test_marks_go_with_a_removed_work_and_survive_everything_else(archive, marks):
    marks.set_mark(FERRY, "read")
    with Store(archive.dir) as store:
        store.save_work(make_work(FERRY, "The Night Ferry, revised"))  # an update keeps it
    assert marks.get(FERRY).mark == "read"
    archive.remove([FERRY])
    assert marks.get(FERRY) == ReadingMark(FERRY)
    fk = sqlite3.connect(archive.store_file).execute("PRAGMA foreign_key_check").fetchall()
    assert fk == []


def test_a_second_opening_finds_the_table_and_its_rows(archive):
    with Marks(archive.store_file) as first:
        first.set_mark(HOSTILE, "to-read")
    with Marks(archive.store_file) as again:
        assert again.get(HOSTILE).mark == "to-read"
    assert archive.doctor(repair=False).healthy  # doctor knows nothing of the table, and need not
