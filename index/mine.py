"""The reader's own layer beside each work: private tags and AO3 bookmark notes.

Everything here is the reader's, not upstream's. It lives in tables of its own in
the store file, keyed by work id, and nothing that fetches, re-cleans or re-indexes
writes them, so it survives every `update` and `index --rebuild`; a row goes with
its work on `remove` (the foreign keys cascade). The search index holds none of it:
tags and marks change without reindexing, and a query's `mine:` and `read:` terms
are turned into work ids when it runs (index/ownquery.py).

A tag is kept as the reader typed it, and compared by its key: case, spaces,
hyphens and underscores aside, so `mine:comfort-read` finds "Comfort Read".
"""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from crawler.errors import UsageError
from crawler.models import BookmarkNote
from index.records import OwnLayer
from index.sqlin import rows_in

if TYPE_CHECKING:  # index/schema.py imports this module for MIGRATION: no cycle at run time
    from index.store import Store

# Appended to index/schema.py's MIGRATIONS. The reading marks table (index/marks.py
# made it on first use, so it may be missing) is rebuilt to allow "dropped", its rows
# kept; then the private tags and the bookmarks the reader's listings showed.
MIGRATION = """
    CREATE TABLE IF NOT EXISTS reading_marks (
        work_id TEXT PRIMARY KEY REFERENCES works(id) ON DELETE CASCADE,
        mark TEXT CHECK (mark IS NULL OR mark IN ('to-read', 'reading', 'read')),
        chapter INTEGER,
        progress REAL NOT NULL DEFAULT 0,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE reading_marks_new (
        work_id TEXT PRIMARY KEY REFERENCES works(id) ON DELETE CASCADE,
        mark TEXT CHECK (mark IS NULL OR mark IN ('to-read', 'reading', 'read', 'dropped')),
        chapter INTEGER,                  -- the chapter the reader last opened
        progress REAL NOT NULL DEFAULT 0, -- how far down that chapter, 0 to 1
        updated_at TEXT NOT NULL
    );
    INSERT INTO reading_marks_new (work_id, mark, chapter, progress, updated_at)
        SELECT work_id, mark, chapter, progress, updated_at FROM reading_marks;
    DROP TABLE reading_marks;
    ALTER TABLE reading_marks_new RENAME TO reading_marks;
    CREATE TABLE private_tags (
        work_id TEXT NOT NULL REFERENCES works(id) ON DELETE CASCADE,
        key TEXT NOT NULL,                -- the tag folded: what mine: compares
        tag TEXT NOT NULL,                -- as the reader typed it
        added_at TEXT NOT NULL,
        PRIMARY KEY (work_id, key)
    );
    CREATE INDEX private_tags_key ON private_tags (key);
    CREATE TABLE bookmarks (
        work_id TEXT NOT NULL REFERENCES works(id) ON DELETE CASCADE,
        bookmarker TEXT NOT NULL,
        notes TEXT NOT NULL DEFAULT '',
        tags TEXT NOT NULL DEFAULT '[]',  -- JSON list, as the listing showed them
        rec INTEGER NOT NULL DEFAULT 0,
        private INTEGER NOT NULL DEFAULT 0,
        bookmarked TEXT,
        seen_at TEXT NOT NULL,            -- when a listing last showed it
        PRIMARY KEY (work_id, bookmarker)
    )
"""

MAX_TAG_CHARS = 100
# `mine:rec` finds the works a bookmark of yours recommends.
REC_TAG = "rec"


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def tag_key(text: str) -> str:
    """A tag as compared: case folded, runs of spaces, hyphens and underscores one space."""
    return " ".join(re.sub(r"[\s_\-]+", " ", text.casefold()).split())


def check_tag(text: str) -> str:
    tag = " ".join(text.split())
    if not tag_key(tag):
        raise UsageError(f"tag {text!r} is empty: give a word, like +comfort-read")
    if len(tag) > MAX_TAG_CHARS:
        raise UsageError(
            f"tag {tag[:20]!r}… is {len(tag)} characters; the limit is {MAX_TAG_CHARS}"
        )
    if any(ord(c) < 32 or c in "\x7f" for c in tag):
        raise UsageError(f"tag {tag!r} holds a control character")
    return tag


class ReadersLayer:
    """Private tags and bookmark notes in an archive's store."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.db = store.db

    # --- private tags -------------------------------------------------------------

    def tags(self, work_id: str) -> list[str]:
        return self.tags_of([work_id]).get(work_id, [])

    def tags_of(self, ids: list[str]) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for work_id, tag in self._rows(
            "SELECT work_id, tag FROM private_tags", ids, "added_at, key"
        ):
            found.setdefault(work_id, []).append(tag)
        return found

    def change_tags(self, work_id: str, add: Iterable[str], remove: Iterable[str]) -> list[str]:
        """Add and remove private tags of a stored work (in one write); its tags after."""
        if self.store.work_state(work_id) is None:
            raise UsageError(f"no work {work_id!r} in the archive; `ficarchive search` finds ids")
        add = [check_tag(t) for t in add]
        gone = [tag_key(t) for t in remove]
        stamp = _now()
        with self.store.transaction(f"change the private tags of {work_id}") as db:
            db.executemany(
                "DELETE FROM private_tags WHERE work_id = ? AND key = ?",
                [(work_id, k) for k in gone],
            )
            db.executemany(
                "INSERT INTO private_tags (work_id, key, tag, added_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (work_id, key) DO UPDATE SET tag = excluded.tag",
                [(work_id, tag_key(t), t, stamp) for t in add],
            )
        return self.tags(work_id)

    # --- bookmarks ------------------------------------------------------------------

    def keep_bookmarks(self, found: Iterable[tuple[str, BookmarkNote]]) -> int:
        """Keep what bookmarks listings showed, for the works that are stored (a work
        not archived has nothing to hang it on); the newest listing's wins."""
        rows = [(w, b) for w, b in found if self.store.work_state(w) is not None]
        if not rows:
            return 0
        stamp = _now()
        with self.store.transaction("keep bookmark notes") as db:
            db.executemany(
                "INSERT INTO bookmarks (work_id, bookmarker, notes, tags, rec, private,"
                " bookmarked, seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (work_id, bookmarker) DO UPDATE SET notes = excluded.notes,"
                " tags = excluded.tags, rec = excluded.rec, private = excluded.private,"
                " bookmarked = COALESCE(excluded.bookmarked, bookmarks.bookmarked),"
                " seen_at = excluded.seen_at",
                [
                    (w, b.by, b.notes, json.dumps(list(b.tags), ensure_ascii=False),
                     int(b.rec), int(b.private), b.bookmarked, stamp)
                    for w, b in rows
                ],
            )  # fmt: skip
        return len(rows)

    def bookmarks_of(self, ids: list[str]) -> dict[str, list[BookmarkNote]]:
        sql = "SELECT work_id, bookmarker, notes, tags, rec, private, bookmarked FROM bookmarks"
        found: dict[str, list[BookmarkNote]] = {}
        for w, by, notes, tags, rec, private, day in self._rows(sql, ids, "bookmarker"):
            note = BookmarkNote(by, notes, tuple(json.loads(tags)), bool(rec), bool(private), day)
            found.setdefault(w, []).append(note)
        return found

    def layer(self, work_id: str) -> OwnLayer:
        return self.layers([work_id])[work_id]

    def layers(self, ids: list[str]) -> dict[str, OwnLayer]:
        tags, notes = self.tags_of(ids), self.bookmarks_of(ids)
        sql = "SELECT work_id, mark FROM reading_marks"
        marks = dict(self._rows(sql, ids, "work_id"))
        return {i: OwnLayer(marks.get(i), tags.get(i, []), notes.get(i, [])) for i in ids}

    # --- what mine: finds ---------------------------------------------------------------

    def tagged(self, pattern: str) -> set[str]:
        """Works carrying this tag (private, or a bookmark's; `rec` for recommended ones);
        * and ? are wildcards."""
        key = tag_key(pattern)
        wild = any(c in key for c in "*?")

        def hit(candidate: str) -> bool:
            return fnmatch.fnmatchcase(candidate, key) if wild else candidate == key

        if wild:
            rows = self.db.execute("SELECT work_id, key FROM private_tags")
            found = {w for w, k in rows if hit(k)}
        else:
            rows = self.db.execute("SELECT work_id FROM private_tags WHERE key = ?", (key,))
            found = {r[0] for r in rows}
        for work_id, tags, rec in self.db.execute("SELECT work_id, tags, rec FROM bookmarks"):
            keys = {tag_key(t) for t in json.loads(tags)} | ({REC_TAG} if rec else set())
            if any(hit(k) for k in keys):
                found.add(work_id)
        return found

    def marked(self, mark: str | None = None) -> set[str]:
        """Works with this reading mark (any mark when None), for `read:`."""
        return marked_works(self.db, mark)

    def _rows(self, sql: str, ids: list[str], order: str) -> list[tuple]:
        return rows_in(self.db, f"{sql} WHERE work_id IN ({{ids}}) ORDER BY {order}", ids)


def marked_works(db, mark: str | None = None) -> set[str]:
    """Works with this reading mark (with any mark when None), from the store's table."""
    if mark is None:
        rows = db.execute("SELECT work_id FROM reading_marks WHERE mark IS NOT NULL")
    else:
        rows = db.execute("SELECT work_id FROM reading_marks WHERE mark = ?", (mark,))
    return {r[0] for r in rows}
