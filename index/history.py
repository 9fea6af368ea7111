"""Every version of every work, kept: append-only, chapter texts stored once each.

A version is a row naming its chapters by content hash; a chapter text that did
not change between versions is one row in `texts`, however many versions hold
it. Nothing here deletes: only `remove` drops a work, and with it its versions.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict, dataclass
from typing import Any

from crawler.models import Block, Chapter, Note, Work, WorkMeta
from index.versions import Change, chapter_hash

# Appended to index/schema.py's MIGRATIONS: versions, texts once per hash, bodies
# once per hash, what readers see (shown) and what is held back.
MIGRATION = """
    CREATE TABLE texts (
        hash TEXT PRIMARY KEY,            -- sha1 of the chapter's title, blocks and notes
        body TEXT NOT NULL                -- that chapter as JSON
    );
    CREATE TABLE versions (
        work_id TEXT NOT NULL REFERENCES works(id) ON DELETE CASCADE,
        number INTEGER NOT NULL,
        made_at TEXT NOT NULL,
        origin TEXT NOT NULL,             -- fetch | import | reclean | migrated
        content_hash TEXT NOT NULL,
        meta TEXT NOT NULL,
        summary TEXT NOT NULL,
        notes TEXT NOT NULL,              -- work-level notes as JSON
        chapters TEXT NOT NULL,           -- JSON list of text hashes, in order
        words INTEGER NOT NULL,
        pages TEXT NOT NULL DEFAULT '[]', -- raw_pages ids it was cleaned from
        change TEXT NOT NULL DEFAULT '{}',
        PRIMARY KEY (work_id, number)
    );
    CREATE TABLE bodies (
        hash TEXT PRIMARY KEY,            -- sha1 of the raw page body
        body BLOB NOT NULL,               -- zlib-compressed: the page, or its delta
        base TEXT                         -- NULL, or the newer body the delta is against
    );
    -- works: the content of the newest version, the version readers see, and a newer
    -- one held back (it loses most of the words); chapters: the day one went upstream.
    ALTER TABLE raw_pages ADD COLUMN body_hash TEXT;
    ALTER TABLE works ADD COLUMN latest_hash TEXT;
    ALTER TABLE works ADD COLUMN shown_version INTEGER;
    ALTER TABLE works ADD COLUMN held_version INTEGER;
    ALTER TABLE chapters ADD COLUMN removed_at TEXT
"""


@dataclass(frozen=True)
class Version:
    """One version of a work, as `ficarchive versions` lists it."""

    number: int
    made_at: str
    origin: str
    chapters: int
    words: int
    shown: bool
    held: bool
    change: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _chapter_json(chapter: Chapter) -> str:
    data = chapter.to_dict()
    data.pop("number", None)
    data.pop("removed_upstream", None)
    return json.dumps(data, sort_keys=True, ensure_ascii=False)


def record(
    db: sqlite3.Connection,
    work: Work,
    digest: str,
    *,
    origin: str,
    made_at: str,
    pages: list[int],
    change: Change | None,
) -> int:
    """Append a version of `work` (its chapters' texts stored once each); its number."""
    hashes = []
    for chapter in work.chapters:
        h = chapter_hash(chapter)
        hashes.append(h)
        db.execute(
            "INSERT OR IGNORE INTO texts (hash, body) VALUES (?, ?)", (h, _chapter_json(chapter))
        )
    number = (
        1
        + db.execute(
            "SELECT COALESCE(MAX(number), 0) FROM versions WHERE work_id = ?", (work.id,)
        ).fetchone()[0]
    )
    db.execute(
        "INSERT INTO versions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            work.id, number, made_at, origin, digest, json.dumps(asdict(work.meta)),
            work.summary, json.dumps([n.to_dict() for n in work.notes], ensure_ascii=False),
            json.dumps(hashes), work.words, json.dumps(pages),
            json.dumps(change.to_dict() if change else {}, ensure_ascii=False),
        ),
    )  # fmt: skip
    return number


def listing(db: sqlite3.Connection, work_id: str) -> list[Version]:
    row = db.execute(
        "SELECT shown_version, held_version FROM works WHERE id = ?", (work_id,)
    ).fetchone()
    if row is None:
        return []
    return [
        Version(
            r["number"],
            r["made_at"],
            r["origin"],
            len(json.loads(r["chapters"])),
            r["words"],
            r["number"] == row["shown_version"],
            r["number"] == row["held_version"],
            json.loads(r["change"]),
        )  # fmt: skip
        for r in db.execute("SELECT * FROM versions WHERE work_id = ? ORDER BY number", (work_id,))
    ]


def load(db: sqlite3.Connection, base: Work, number: int) -> Work | None:
    """Version `number` of a work as a Work (site, id and url from `base`)."""
    r = db.execute(
        "SELECT * FROM versions WHERE work_id = ? AND number = ?", (base.id, number)
    ).fetchone()
    if r is None:
        return None
    chapters = []
    for i, h in enumerate(json.loads(r["chapters"]), 1):
        text = db.execute("SELECT body FROM texts WHERE hash = ?", (h,)).fetchone()
        data = json.loads(text["body"]) if text else {"title": "", "blocks": [], "notes": []}
        chapters.append(
            Chapter(
                i,
                data.get("title", ""),
                [Block.from_dict(b) for b in data.get("blocks", [])],
                [Note(n["kind"], n["position"], n["text"]) for n in data.get("notes", [])],
            )
        )
    notes = [Note(n["kind"], n["position"], n["text"]) for n in json.loads(r["notes"])]
    meta = WorkMeta(**json.loads(r["meta"]))
    return Work(base.id, base.site, base.url, meta, r["summary"], notes, chapters)


def pages_of(db: sqlite3.Connection, work_id: str, number: int | None) -> list[int]:
    if number is None:
        return []
    row = db.execute(
        "SELECT pages FROM versions WHERE work_id = ? AND number = ?", (work_id, number)
    ).fetchone()
    return json.loads(row["pages"]) if row else []


def newest(db: sqlite3.Connection, work_id: str) -> int | None:
    return db.execute("SELECT MAX(number) FROM versions WHERE work_id = ?", (work_id,)).fetchone()[
        0
    ]


def history_texts(db: sqlite3.Connection, work_id: str) -> list[tuple[int, int, Chapter]]:
    """(version, chapter number, chapter) of every chapter text that readers no longer
    see: found only in older versions (what `search --history` looks in)."""
    shown = {chapter_hash(c) for c in _view_chapters(db, work_id)}
    seen: set[str] = set()
    out = []
    for r in db.execute(
        "SELECT number, chapters FROM versions WHERE work_id = ? ORDER BY number DESC", (work_id,)
    ):
        for i, h in enumerate(json.loads(r["chapters"]), 1):
            if h in shown or h in seen:
                continue
            seen.add(h)
            text = db.execute("SELECT body FROM texts WHERE hash = ?", (h,)).fetchone()
            if text is None:
                continue
            data = json.loads(text["body"])
            blocks = [Block.from_dict(b) for b in data.get("blocks", [])]
            out.append((r["number"], i, Chapter(i, data.get("title", ""), blocks)))
    return out


def _view_chapters(db: sqlite3.Connection, work_id: str) -> list[Chapter]:
    out = []
    for c in db.execute("SELECT * FROM chapters WHERE work_id = ?", (work_id,)):
        notes = [
            Note(n["kind"], n["position"], n["text"])
            for n in db.execute(
                "SELECT * FROM notes WHERE work_id = ? AND chapter = ? ORDER BY seq",
                (work_id, c["number"]),
            )
        ]
        blocks = [Block.from_dict(b) for b in json.loads(c["blocks"])]
        out.append(Chapter(c["number"], c["title"], blocks, notes))
    return out


def drop_unused_texts(db: sqlite3.Connection) -> None:
    db.execute(
        "DELETE FROM texts WHERE hash NOT IN"
        " (SELECT j.value FROM versions, json_each(versions.chapters) AS j)"
    )
