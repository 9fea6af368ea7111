"""Raw pages: every page a work was read from, each body stored once.

A re-fetch of a page whose bytes did not change (a site without ETag or
Last-Modified) adds no copy: the newest row of that URL is brought up to date.
Bodies are kept by their hash, zlib-compressed, so an identical page costs one
row of metadata, never a second body. When a page changes, the newest body is
kept whole and the one before it becomes a delta against it (as RCS keeps
files): an edited chapter costs the lines that changed, not a second page.
"""

from __future__ import annotations

import difflib
import json
import marshal
import sqlite3
import zlib
from datetime import datetime

from crawler.models import FetchedPage

# Two fetches of one work within this many seconds are one reading of it.
SAME_READING_SECONDS = 3600


def save_page(db: sqlite3.Connection, work_id: str, page: FetchedPage) -> int:
    """Keep one fetched page; the row id it is kept under."""
    url = page.final_url or page.url
    import hashlib  # here: OpenSSL's start-up costs a search or a show 5 ms (issue 19)

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
    if newest is not None and newest["body_hash"]:
        _as_delta(db, newest["body_hash"], digest, page.body)
    cur = db.execute(
        "INSERT INTO raw_pages (url, work_id, status, headers, body, fetched_at, body_hash)"
        " VALUES (?, ?, ?, ?, x'', ?, ?)",
        (url, work_id, page.status, headers, page.fetched_at.isoformat(), digest),
    )
    return int(cur.lastrowid)


def _lines(body: bytes) -> list[bytes]:
    return body.splitlines(keepends=True)


def _as_delta(db: sqlite3.Connection, old_hash: str, new_hash: str, new_body: bytes) -> None:
    """Re-keep the older body as the lines that differ from the newer one, when smaller."""
    row = db.execute("SELECT body, base FROM bodies WHERE hash = ?", (old_hash,)).fetchone()
    if row is None or row["base"] is not None or old_hash == new_hash:
        return
    old = zlib.decompress(row["body"])
    base = _lines(new_body)
    ops: list[tuple[int, int] | bytes] = []
    matcher = difflib.SequenceMatcher(None, base, _lines(old))
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            ops.append((i1, i2))
        elif j2 > j1:
            ops.append(b"".join(_lines(old)[j1:j2]))
    delta = zlib.compress(marshal.dumps(ops), 6)
    if len(delta) < len(row["body"]):
        db.execute(
            "UPDATE bodies SET body = ?, base = ? WHERE hash = ?", (delta, new_hash, old_hash)
        )


def body_of(db: sqlite3.Connection, digest: str, depth: int = 0) -> bytes:
    """A stored body, whole: a delta is applied to the (newer) body it is against."""
    row = db.execute("SELECT body, base FROM bodies WHERE hash = ?", (digest,)).fetchone()
    if row is None:
        raise KeyError(digest)
    if row["base"] is None:
        return zlib.decompress(row["body"])
    if depth > 10_000:
        raise ValueError(f"raw page {digest}: a delta chain that never ends")
    base = _lines(body_of(db, row["base"], depth + 1))
    out = []
    for op in marshal.loads(zlib.decompress(row["body"])):
        out.append(b"".join(base[op[0] : op[1]]) if isinstance(op, tuple) else op)
    return b"".join(out)


_SELECT = (
    "SELECT r.id, r.url, r.status, r.headers, r.fetched_at, r.body, r.body_hash FROM raw_pages r"
)


def _page(db: sqlite3.Connection, row: sqlite3.Row) -> FetchedPage:
    body = body_of(db, row["body_hash"]) if row["body_hash"] else zlib.decompress(row["body"])
    return FetchedPage(
        url=row["url"],
        status=row["status"],
        headers=json.loads(row["headers"]),
        body=body,
        fetched_at=datetime.fromisoformat(row["fetched_at"]),
        final_url=row["url"],
    )


def pages_by_id(db: sqlite3.Connection, ids: list[int]) -> list[FetchedPage]:
    """These rows' pages, in the order given."""
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    rows = {r["id"]: r for r in db.execute(f"{_SELECT} WHERE r.id IN ({marks})", ids)}
    return [_page(db, rows[i]) for i in ids if i in rows]


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
    return [_page(db, r) for r in recent]


def drop_unused_bodies(db: sqlite3.Connection) -> None:
    """Bodies no page refers to, and that no kept delta is against."""
    while db.execute(
        "DELETE FROM bodies WHERE hash NOT IN"
        " (SELECT body_hash FROM raw_pages WHERE body_hash IS NOT NULL)"
        " AND hash NOT IN (SELECT base FROM bodies WHERE base IS NOT NULL)"
    ).rowcount:
        pass
