"""Marks on works: the reader's own, and the archive's, read beside the store.

The reader's marks are the one thing the web library writes: read / reading /
to-read / dropped and where reading stopped (a chapter, and how far down it).
They live in their own table in the store file, created if it is missing (the
store's migration 3 rebuilt it to allow "dropped", keeping its rows), and a store
without them reads as "nothing marked".
A row goes with its work: `remove` deletes both (the foreign key cascades).

The archive's own marks (gone, locked) and when each work was first stored are
read here too, for badges and the "recently added" shelf, as are the names
the catalog's shelves are built from (every fandom, character, relationship,
tag and series, with how many works carry each); this module never changes them.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from crawler.errors import StoreError, UsageError
from crawler.models import WorkMeta
from index import edits
from index.records import READING_MARKS
from index.sqlin import rows_in

MARKS = READING_MARKS

_TABLE = """
CREATE TABLE IF NOT EXISTS reading_marks (
    work_id TEXT PRIMARY KEY REFERENCES works(id) ON DELETE CASCADE,
    mark TEXT CHECK (mark IS NULL OR mark IN ('to-read', 'reading', 'read', 'dropped')),
    chapter INTEGER,                  -- the chapter the reader last opened
    progress REAL NOT NULL DEFAULT 0, -- how far down that chapter, 0 to 1
    updated_at TEXT NOT NULL
)
"""


@dataclass(frozen=True)
class ReadingMark:
    """What the reader said of one work, and where they stopped."""

    work_id: str
    mark: str | None = None
    chapter: int | None = None
    progress: float = 0.0
    updated: str = ""


@dataclass(frozen=True)
class Flags:
    """The archive's own marks on a work: upstream lost it, or locked it."""

    gone: bool = False
    locked: bool = False


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


class Marks:
    """The reading marks in an archive's store file (one connection, one thread)."""

    def __init__(self, store_file: Path) -> None:
        self.path = Path(store_file)
        try:
            self.db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            self.db.execute("PRAGMA foreign_keys=ON")
            self.db.execute(_TABLE)
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot open the reading marks: {exc}") from None

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Marks:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _write(self, sql: str, args: tuple) -> None:
        try:
            self.db.execute(sql, args)
        except sqlite3.IntegrityError:
            raise UsageError(f"no work {args[0]!r} in the archive to mark") from None
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: could not record a reading mark: {exc}") from None

    # --- the reader's marks ------------------------------------------------------------

    def get(self, work_id: str) -> ReadingMark:
        row = self.db.execute(
            "SELECT work_id, mark, chapter, progress, updated_at FROM reading_marks"
            " WHERE work_id = ?",
            (work_id,),
        ).fetchone()
        return ReadingMark(*row) if row else ReadingMark(work_id)

    def of(self, ids: list[str]) -> dict[str, ReadingMark]:
        """The marks of these works (unmarked ones left out)."""
        rows = rows_in(
            self.db,
            "SELECT work_id, mark, chapter, progress, updated_at FROM reading_marks"
            " WHERE work_id IN ({ids})",
            ids,
        )
        return {r[0]: ReadingMark(*r) for r in rows}

    def set_mark(self, work_id: str, mark: str | None) -> None:
        """Mark a work read, reading, to-read or dropped; None clears the mark (the position stays)."""
        if mark is not None and mark not in MARKS:
            raise UsageError(f"mark {mark!r} is not one of: {', '.join(MARKS)}")
        self._write(
            "INSERT INTO reading_marks (work_id, mark, updated_at) VALUES (?, ?, ?)"
            " ON CONFLICT (work_id) DO UPDATE SET mark = excluded.mark,"
            " updated_at = excluded.updated_at",
            (work_id, mark, _now()),
        )

    def set_position(self, work_id: str, chapter: int, progress: float = 0.0) -> None:
        """Where the reader is: a chapter, and how far down it (clamped to 0..1)."""
        progress = min(max(float(progress), 0.0), 1.0)
        self._write(
            "INSERT INTO reading_marks (work_id, chapter, progress, updated_at)"
            " VALUES (?, ?, ?, ?) ON CONFLICT (work_id) DO UPDATE SET"
            " chapter = excluded.chapter, progress = excluded.progress,"
            " updated_at = excluded.updated_at",
            (work_id, int(chapter), progress, _now()),
        )

    def with_mark(self, mark: str, limit: int, offset: int = 0) -> tuple[list[str], int]:
        """(ids of one page of works with this mark, last marked first; how many in all)."""
        total = self.db.execute(
            "SELECT COUNT(*) FROM reading_marks WHERE mark = ?", (mark,)
        ).fetchone()[0]
        rows = self.db.execute(
            "SELECT work_id FROM reading_marks WHERE mark = ?"
            " ORDER BY updated_at DESC, work_id LIMIT ? OFFSET ?",
            (mark, limit, offset),
        )
        return [r[0] for r in rows], total

    def marked_ids(self, mark: str | None = None) -> set[str]:
        """Every work with this mark (with any mark when None): for `list --read`, `read:no`."""
        from index.mine import marked_works

        return marked_works(self.db, mark)

    # --- the archive's own marks, read only ------------------------------------------------

    def flags(self, ids: list[str]) -> dict[str, Flags]:
        """Gone and locked, for the works that carry either."""
        rows = rows_in(
            self.db,
            "SELECT id, gone_at IS NOT NULL, locked FROM works"
            " WHERE id IN ({ids}) AND (gone_at IS NOT NULL OR locked)",
            ids,
        )
        return {r[0]: Flags(bool(r[1]), bool(r[2])) for r in rows}

    def recently_added(self, limit: int, offset: int = 0) -> tuple[list[str], int]:
        """(ids of one page of works, newest first stored first; how many works in all)."""
        total = self.db.execute("SELECT COUNT(*) FROM works").fetchone()[0]
        rows = self.db.execute(
            "SELECT id FROM works ORDER BY first_stored DESC, id LIMIT ? OFFSET ?",
            (limit, offset),
        )
        return [r[0] for r in rows], total

    def first_stored(self, ids: list[str]) -> dict[str, str]:
        rows = rows_in(self.db, "SELECT id, first_stored FROM works WHERE id IN ({ids})", ids)
        return {r[0]: r[1] for r in rows}

    def values(self, key: str) -> list[tuple[str, int]]:
        """Every value of a list field of the works' metadata (fandoms, characters,
        relationships, tags; series by name), with how many works carry it, most first."""
        counts: Counter[str] = Counter()
        for meta, kept in self.db.execute(
            "SELECT meta, e.fields FROM works LEFT JOIN work_edits e ON e.work_id = works.id"
        ):
            data = json.loads(meta)
            if kept and key in (*edits.SET_FIELDS, "tags"):  # what the reader set stands
                data[key] = getattr(edits.apply(WorkMeta(**data), json.loads(kept)), key)
            entries = data.get(key) or []
            if key == "series":
                entries = [str(e.get("name") or "") for e in entries if isinstance(e, dict)]
            counts.update({str(v).strip() for v in entries if str(v).strip()})
        return sorted(counts.items(), key=lambda item: (-item[1], item[0].casefold()))

    def series_parts(self, name: str) -> list[tuple[str, int]]:
        """(work id, part) of every work in the series called `name`, in part order."""
        found = []
        for work_id, meta in self.db.execute("SELECT id, meta FROM works"):
            for entry in json.loads(meta).get("series") or []:
                if isinstance(entry, dict) and str(entry.get("name") or "").strip() == name:
                    part = entry.get("part")
                    found.append((work_id, int(part) if str(part).isdigit() else 0))
        return sorted(found, key=lambda item: (item[1], item[0]))
