"""Rows for any number of ids (index/sqlin.py): SQLite bounds one statement's values."""

import sqlite3

from index.sqlin import CHUNK, rows_in


def test_more_ids_than_one_statement_may_bind_are_all_asked():
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE works (id TEXT PRIMARY KEY, n INTEGER)")
    db.executemany("INSERT INTO works VALUES (?, ?)", [(f"w{i}", i) for i in range(40_000)])
    ids = [f"w{i}" for i in range(0, 40_000, 1)] + ["missing"]
    rows = rows_in(db, "SELECT id, n FROM works WHERE id IN ({ids}) ORDER BY n", ids)
    assert len(ids) > 32_766 > CHUNK  # past the limit of SQLite 3.32 and later, too
    assert sorted(n for _, n in rows) == list(range(40_000))
    assert rows_in(db, "SELECT id FROM works WHERE id IN ({ids})", []) == []
