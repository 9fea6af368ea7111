"""How a version becomes what readers see: the rows of works, chapters and notes.

These run inside the store's transaction (index/store.py Store.save); a killed
process leaves the old view or the new one, never half of each.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict

from crawler.models import Note, Work
from index.versions import content_hash


def known_hashes(db: sqlite3.Connection, row: sqlite3.Row) -> set[str]:
    """The text readers see, the newest version, and the shown version's own text."""
    found = {row["content_hash"], row["latest_hash"] or row["content_hash"]}
    shown = db.execute(
        "SELECT content_hash FROM versions WHERE work_id = ? AND number = ?",
        (row["id"], row["shown_version"]),
    ).fetchone()
    return found | ({shown[0]} if shown else set())


def touch(
    db: sqlite3.Connection, work: Work, fingerprint: str | None, stamp: str, fetched: bool
) -> None:
    """The same text again: only the marks, the metadata and the fetch time move."""
    if fetched:
        db.execute(
            "UPDATE works SET gone_at = NULL, locked = 0, last_fetched = ?,"
            " meta = ?, fingerprint = COALESCE(?, fingerprint),"
            " indexed_hash = NULL WHERE id = ?",
            (stamp, json.dumps(asdict(work.meta)), fingerprint, work.id),
        )


def write_view(
    db: sqlite3.Connection, work: Work, fingerprint: str | None, stamp: str, fetched: bool
) -> None:
    """What readers see: the works row, its chapters (removed ones kept) and notes."""
    digest = content_hash(work)
    db.execute("DELETE FROM chapters WHERE work_id = ?", (work.id,))
    db.execute("DELETE FROM notes WHERE work_id = ?", (work.id,))
    db.execute(
        """INSERT INTO works (id, site, url, title, words, meta, summary, fingerprint,
             content_hash, locked, gone_at, first_stored, last_fetched, last_changed)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, NULL, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET site = excluded.site, url = excluded.url,
             title = excluded.title, words = excluded.words, meta = excluded.meta,
             summary = excluded.summary,
             fingerprint = COALESCE(excluded.fingerprint, works.fingerprint),
             content_hash = excluded.content_hash,
             locked = CASE WHEN ? THEN 0 ELSE works.locked END,
             gone_at = CASE WHEN ? THEN NULL ELSE works.gone_at END,
             last_fetched = CASE WHEN ? THEN excluded.last_fetched
                            ELSE works.last_fetched END,
             last_changed = excluded.last_changed""",
        (
            work.id, work.site, work.url, work.title, work.words,
            json.dumps(asdict(work.meta)), work.summary, fingerprint, digest,
            stamp, stamp, stamp, fetched, fetched, fetched,
        ),
    )  # fmt: skip
    for ch in work.chapters:
        db.execute(
            "INSERT INTO chapters (work_id, number, title, blocks, words, removed_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                work.id, ch.number, ch.title,
                json.dumps([b.to_dict() for b in ch.blocks], ensure_ascii=False),
                ch.words, ch.removed_at,
            ),
        )  # fmt: skip
        save_notes(db, work.id, ch.number, ch.notes)
    save_notes(db, work.id, 0, work.notes)


def save_notes(db: sqlite3.Connection, work_id: str, chapter: int, notes: list[Note]) -> None:
    db.executemany(
        "INSERT INTO notes VALUES (?, ?, ?, ?, ?, ?)",
        [(work_id, chapter, i, n.kind, n.position, n.text) for i, n in enumerate(notes)],
    )
