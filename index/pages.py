"""Raw pages: every page a work was read from, each body stored once.

A re-fetch of a page whose bytes did not change (a site without ETag or
Last-Modified) adds no copy: the newest row of that URL is brought up to date.
Bodies are kept by their hash, zlib-compressed, so an identical page costs one
row of metadata, never a second body.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import zlib
from datetime import datetime

from crawler.models import FetchedPage

# Two fetches of one work within this many seconds are one reading of it.
SAME_READING_SECONDS = 3600


def save_page(db: sqlite3.Connection, work_id: str, page: FetchedPage) -> int:
    """Keep one fetched page; the row id it is kept under."""
    url = page.final_url or page.url
    digest = hashlib.sha1(page.body).hexdigest()
    newest = db.execute(
        "SELECT id, body_hash FROM raw_pages WHERE work_id = ? AND url = ? ORDER BY id DESC LIMIT 1",
        (work_id, url),
    ).fetchone()
    headers = json.dumps(page.headers)
    if newest is not None and newest["body_hash"] == digest:
        db.execute(
            "UPDATE raw_pages SET status = ?, headers = ?, fetched_at = ? WHERE id = ?",
            (page.status, headers, page.fetched_at.isoformat(), newest["id"]),
        )
        return newest["id"]
    db.execute(
        "INSERT OR IGNORE INTO bodies (hash, body) VALUES (?, ?)",
        (digest, zlib.compress(page.body, 6)),
    )
    cur = db.execute(
        "INSERT INTO raw_pages (url, work_id, status, headers, body, fetched_at, body_hash)"
        " VALUES (?, ?, ?, ?, x'', ?, ?)",
        (url, work_id, page.status, headers, page.fetched_at.isoformat(), digest),
    )
    return int(cur.lastrowid)


_SELECT = (
    "SELECT r.id, r.url, r.status, r.headers, r.fetched_at,"
    " COALESCE(b.body, r.body) AS body FROM raw_pages r"
    " LEFT JOIN bodies b ON b.hash = r.body_hash"
)


def _page(row: sqlite3.Row) -> FetchedPage:
    return FetchedPage(
        url=row["url"],
        status=row["status"],
        headers=json.loads(row["headers"]),
        body=zlib.decompress(row["body"]),
        fetched_at=datetime.fromisoformat(row["fetched_at"]),
        final_url=row["url"],
    )


def pages_by_id(db: sqlite3.Connection, ids: list[int]) -> list[FetchedPage]:
    """These rows' pages, in the order given."""
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    rows = {r["id"]: r for r in db.execute(f"{_SELECT} WHERE r.id IN ({marks})", ids)}
    return [_page(rows[i]) for i in ids if i in rows]


def newest_reading(db: sqlite3.Connection, work_id: str) -> list[FetchedPage]:
    """The pages of the newest reading of a work: the newest page of each URL, but only
    URLs read then (a URL the work is no longer read from, after a change of base_url
    or allow_adult, would bring back older text)."""
    rows = db.execute(
        f"""{_SELECT} WHERE r.id IN (
               SELECT MAX(id) FROM raw_pages WHERE work_id = ? GROUP BY url)
           ORDER BY r.id""",
        (work_id,),
    ).fetchall()
    if not rows:
        return []
    last = max(datetime.fromisoformat(r["fetched_at"]) for r in rows)
    recent = [
        r
        for r in rows
        if (last - datetime.fromisoformat(r["fetched_at"])).total_seconds() <= SAME_READING_SECONDS
    ]
    return [_page(r) for r in recent]


def drop_unused_bodies(db: sqlite3.Connection) -> None:
    db.execute(
        "DELETE FROM bodies WHERE hash NOT IN"
        " (SELECT body_hash FROM raw_pages WHERE body_hash IS NOT NULL)"
    )
