"""Rows for a list of ids of any length: SQLite bounds the values one statement binds."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

CHUNK = 500  # well under SQLite's limit on bound values (999 before 3.32)


def rows_in(db: sqlite3.Connection, sql: str, ids: Sequence[str]) -> list[tuple]:
    """The rows of `sql`, whose `{ids}` stands for these ids' placeholders, asked
    CHUNK ids at a time (an ORDER BY orders within each chunk)."""
    out: list[tuple] = []
    for at in range(0, len(ids), CHUNK):
        chunk = tuple(ids[at : at + CHUNK])
        out += db.execute(sql.format(ids=",".join("?" * len(chunk))), chunk).fetchall()
    return [tuple(r) for r in out]
