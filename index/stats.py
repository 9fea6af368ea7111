"""What the archive holds, counted: read-only questions over the store, answered as a record."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from index.records import ArchiveStats, Group, SourceCrawl

if TYPE_CHECKING:
    from index.store import Store

_STATUS = "CASE WHEN gone_at IS NOT NULL THEN 'gone' ELSE json_extract(meta, '$.status') END"
_CHAPTERS = "(SELECT COUNT(*) FROM chapters c WHERE c.work_id = works.id)"


def archive_stats(store: Store) -> ArchiveStats:
    """Works, chapters and words by site, fandom and status; size on disk; last crawls."""
    db = store.db
    totals = db.execute("SELECT COUNT(*), COALESCE(SUM(words), 0) FROM works").fetchone()
    return ArchiveStats(
        works=totals[0],
        chapters=_count(db, "SELECT COUNT(*) FROM chapters"),
        words=totals[1],
        by_site=_grouped(db, "site"),
        by_status=_grouped(db, _STATUS),
        by_fandom=_by_fandom(db),
        gone=_count(db, "SELECT COUNT(*) FROM works WHERE gone_at IS NOT NULL"),
        locked=_count(db, "SELECT COUNT(*) FROM works WHERE locked = 1"),
        raw_pages=_count(db, "SELECT COUNT(*) FROM raw_pages"),
        size_bytes=sum(p.stat().st_size for p in store.dir.rglob("*") if p.is_file()),
        sources=tuple(
            SourceCrawl(r["name"], r["last_crawled"])
            for r in db.execute("SELECT * FROM sources ORDER BY name")
        ),
    )


def _count(db: sqlite3.Connection, sql: str) -> int:
    return db.execute(sql).fetchone()[0]


def _grouped(db: sqlite3.Connection, expr: str) -> tuple[Group, ...]:
    rows = db.execute(
        f"SELECT {expr} AS k, COUNT(*) AS works, COALESCE(SUM({_CHAPTERS}), 0) AS ch,"
        f" COALESCE(SUM(words), 0) AS words FROM works GROUP BY k ORDER BY works DESC, k"
    ).fetchall()
    return tuple(Group(r["k"], r["works"], r["ch"], r["words"]) for r in rows)


def _by_fandom(db: sqlite3.Connection) -> tuple[Group, ...]:
    # A work with several fandoms counts once in each, so these rows may sum past the total;
    # the fandoms a reader set (index/edits.py) stand for the site's.
    rows = db.execute(
        f"SELECT j.value, COUNT(*), COALESCE(SUM({_CHAPTERS}), 0),"
        " COALESCE(SUM(works.words), 0)"
        " FROM works, json_each(COALESCE((SELECT json_extract(e.fields, '$.fandoms') FROM"
        " work_edits e WHERE e.work_id = works.id), json_extract(works.meta, '$.fandoms'))) AS j"
        " GROUP BY j.value ORDER BY COUNT(*) DESC, j.value"
    )
    return tuple(Group(*r) for r in rows)


def chapter_totals(store: Store, ids: list[str]) -> dict[str, int | None]:
    """Each work's declared chapter total (None: the site does not know yet), for `3/?`."""
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    rows = store.db.execute(
        f"SELECT id, json_extract(meta, '$.chapters_total') FROM works WHERE id IN ({marks})",
        ids,
    )
    return {work_id: total for work_id, total in rows}
