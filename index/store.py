"""The archive store: one SQLite file (WAL) holding works, raw pages and crawl state.

Every write of a work happens in one transaction, so a killed process leaves
either the old work or the new one, never half of each. Works are never
deleted because upstream lost them: they are marked gone and kept.
"""

from __future__ import annotations

import errno
import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from crawler.errors import StoreError
from crawler.models import Block, Chapter, FetchedPage, Note, Work, WorkMeta
from index import edits, history, pages, views
from index.records import Saved, WorkState
from index.schema import WAL_LIMIT_BYTES, checkpoint, connect, wal_size
from index.versions import Change, content_hash, view_after

STORE_FILE = "ficarchive.sqlite3"
DISK_FULL = "the disk is full"


def is_disk_full(exc: BaseException) -> bool:
    """SQLite's SQLITE_FULL or the OS's ENOSPC/EDQUOT: out of space, not a damaged archive."""
    if isinstance(exc, sqlite3.Error):
        return getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL
    return isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT)


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


class Store:
    """Open (creating and migrating) the store in an archive folder."""

    def __init__(self, archive_dir: Path) -> None:
        self.dir = Path(archive_dir)
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
            self.path = self.dir / STORE_FILE
            self.db = connect(self.path)
            self.wrote = False  # a writing store empties its WAL when it closes
            self._first_versions()
            edits.ensure_table(self.db)
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"{self.dir / STORE_FILE}: cannot open the archive store: {exc}"
            ) from None
        except OSError as exc:
            raise StoreError(f"{self.dir}: cannot create the archive folder: {exc}") from None

    def _first_versions(self) -> None:
        """An archive from before versions: each work's text becomes its version 1."""
        try:
            rows = self.db.execute("SELECT * FROM works WHERE shown_version IS NULL").fetchall()
        except StoreError:  # a damaged file: `doctor` says what is left; nothing is written
            return
        if not rows:
            return
        with self.transaction("keep each work's text as its first version") as db:
            for row in rows:
                work = self._work_from_row(row)
                number = history.record(db, work, row["content_hash"], origin="migrated",
                                        made_at=row["last_changed"], pages=[], change=None)  # fmt: skip
                db.execute(
                    "UPDATE works SET shown_version = ?, latest_hash = content_hash WHERE id = ?",
                    (number, row["id"]),
                )

    def close(self) -> None:
        if self.wrote:
            checkpoint(self.db, truncate=True)
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self, what: str = "write to the archive") -> Iterator[sqlite3.Connection]:
        """One all-or-nothing write; an SQLite failure becomes a StoreError saying what failed."""
        try:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            except BaseException:
                # SQLite rolls back by itself after SQLITE_FULL or an I/O error; a second
                # ROLLBACK would fail and hide the real error.
                if self.db.in_transaction:
                    self.db.execute("ROLLBACK")
                raise
            else:
                self.db.execute("COMMIT")
        except sqlite3.Error as exc:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            raise self._error(what, exc) from None
        self.wrote = True
        if wal_size(self.path) > WAL_LIMIT_BYTES:
            checkpoint(self.db)

    def _error(self, what: str, exc: sqlite3.Error) -> StoreError:
        if is_disk_full(exc):
            return StoreError(
                f"{self.path}: could not {what}: {DISK_FULL} (nothing of this one write was"
                " kept; everything stored before it is); free some space and run it again"
            )
        return StoreError(f"{self.path}: could not {what}: {exc}")

    # --- works ----------------------------------------------------------------

    def save_work(
        self,
        work: Work,
        pages: list[FetchedPage] = (),
        fingerprint: str | None = None,
        *,
        fetched: bool = True,
        origin: str = "fetch",
    ) -> str:
        """Store a cleaned work and the raw pages it came from; say new, updated or unchanged."""
        return self.save(work, pages, fingerprint, fetched=fetched, origin=origin).result

    def save(
        self,
        work: Work,
        pages_read: list[FetchedPage] = (),
        fingerprint: str | None = None,
        *,
        fetched: bool = True,
        origin: str = "fetch",
    ) -> Saved:
        """Store a cleaned work as a new version when its text changed, keeping every
        version; readers see it unless it would leave them far fewer words (held).

        `fetched=False` (a re-clean from stored pages, a local file) keeps the
        gone/locked marks and the time of the last fetch.
        """
        digest = content_hash(work)
        stamp = now_iso()
        with self.transaction(f"store {work.id}") as db:
            row = db.execute("SELECT * FROM works WHERE id = ?", (work.id,)).fetchone()
            page_ids = [pages.save_page(db, work.id, page) for page in pages_read]
            if row is not None and digest in views.known_hashes(db, row):
                views.touch(db, work, fingerprint, stamp, fetched)
                if digest != (row["latest_hash"] or row["content_hash"]):
                    # upstream is back to what readers see: nothing is held any more
                    db.execute(
                        "UPDATE works SET latest_hash = ?, held_version = NULL WHERE id = ?",
                        (digest, work.id),
                    )
                return Saved("unchanged")
            shown = self._work_from_row(row) if row is not None else None
            view, change = view_after(shown, work, stamp[:10])
            if not change.held:
                views.write_view(db, view, fingerprint, stamp, fetched)
            number = history.record(db, work, digest, origin=origin, made_at=stamp,
                                    pages=page_ids, change=None)  # fmt: skip
            change.version = number
            change.shown = row["shown_version"] or 0 if change.held else number
            db.execute(
                "UPDATE versions SET change = ? WHERE work_id = ? AND number = ?",
                (json.dumps(change.to_dict(), ensure_ascii=False), work.id, number),
            )
            if change.held:
                db.execute(
                    "UPDATE works SET latest_hash = ?, held_version = ?, fingerprint ="
                    " COALESCE(?, fingerprint), last_fetched = CASE WHEN ? THEN ? ELSE"
                    " last_fetched END WHERE id = ?",
                    (digest, number, fingerprint, fetched, stamp, work.id),
                )
                return Saved("updated", change)
            db.execute(
                "UPDATE works SET latest_hash = ?, shown_version = ?, held_version = NULL"
                " WHERE id = ?",
                (digest, number, work.id),
            )
            return Saved("new" if row is None else "updated", change)

    def get_work(self, work_id: str) -> Work | None:
        """A work as readers see it: the site's metadata with the reader's edits on top."""
        row = self.db.execute("SELECT * FROM works WHERE id = ?", (work_id,)).fetchone()
        if row is None:
            return None
        work = self._work_from_row(row)
        work.meta = edits.apply(work.meta, edits.read(self.db, work_id))
        return work

    def _work_from_row(self, row: sqlite3.Row) -> Work:
        meta = WorkMeta(**json.loads(row["meta"]))
        if row["gone_at"]:
            meta.status = "gone"
        notes: dict[int, list[Note]] = {}
        for n in self.db.execute(
            "SELECT * FROM notes WHERE work_id = ? ORDER BY chapter, seq", (row["id"],)
        ):
            notes.setdefault(n["chapter"], []).append(Note(n["kind"], n["position"], n["text"]))
        chapters = [
            Chapter(
                c["number"],
                c["title"],
                [Block.from_dict(b) for b in json.loads(c["blocks"])],
                notes.get(c["number"], []),
                c["removed_at"],
            )
            for c in self.db.execute(
                "SELECT * FROM chapters WHERE work_id = ? ORDER BY number", (row["id"],)
            )
        ]
        return Work(
            row["id"], row["site"], row["url"], meta, row["summary"], notes.get(0, []), chapters
        )

    def chapter_blocks(self, work_id: str, numbers: list[int]) -> dict[int, list[Block]]:
        """Just these chapters' blocks (snippets need no more than that)."""
        marks = ",".join("?" * len(numbers))
        rows = self.db.execute(
            f"SELECT number, blocks FROM chapters WHERE work_id = ? AND number IN ({marks})",
            (work_id, *numbers),
        )
        return {r["number"]: [Block.from_dict(b) for b in json.loads(r["blocks"])] for r in rows}

    def work_ids(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT id FROM works ORDER BY id")]

    def iter_works(self, ids: list[str] | None = None) -> Iterator[Work]:
        """Works one at a time, so memory stays flat however large the archive."""
        for work_id in ids if ids is not None else self.work_ids():
            work = self.get_work(work_id)
            if work is not None:
                yield work

    def work_state(self, work_id: str) -> WorkState | None:
        """What a crawl asks of a stored work (marks, fingerprint, hashes) without its text."""
        row = self._state_row(work_id)
        if row is None:
            return None
        return WorkState(
            id=row["id"],
            fingerprint=row["fingerprint"],
            locked=bool(row["locked"]),
            gone_at=row["gone_at"],
            content_hash=row["content_hash"],
            indexed_hash=row["indexed_hash"],
            last_fetched=row["last_fetched"],
        )

    def _state_row(self, work_id: str) -> sqlite3.Row | None:
        return self.db.execute(
            "SELECT id, fingerprint, locked, gone_at, content_hash, indexed_hash, last_fetched"
            " FROM works WHERE id = ?",
            (work_id,),
        ).fetchone()

    def count(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM works").fetchone()[0]

    def mark_gone(self, work_id: str) -> bool:
        """Upstream lost the work: keep every word, remember when it went."""
        with self.transaction(f"mark {work_id} gone") as db:
            cur = db.execute(
                "UPDATE works SET gone_at = COALESCE(gone_at, ?), indexed_hash = NULL WHERE id = ?",
                (now_iso(), work_id),
            )
            return cur.rowcount > 0

    def mark_locked(self, work_id: str) -> bool:
        with self.transaction(f"mark {work_id} locked") as db:
            cur = db.execute("UPDATE works SET locked = 1 WHERE id = ?", (work_id,))
            return cur.rowcount > 0

    def mark_indexed(self, work_ids: list[str]) -> None:
        with self.transaction("record what is indexed") as db:
            db.executemany(
                "UPDATE works SET indexed_hash = content_hash WHERE id = ?",
                [(i,) for i in work_ids],
            )

    def unindexed_ids(self) -> list[str]:
        return [
            r[0]
            for r in self.db.execute(
                "SELECT id FROM works WHERE indexed_hash IS NOT content_hash ORDER BY id"
            )
        ]

    def remove_work(self, work_id: str) -> bool:
        """Only the user removes a work (never a crawl): text, notes and raw pages go."""
        with self.transaction(f"remove {work_id}") as db:
            db.execute("DELETE FROM raw_pages WHERE work_id = ?", (work_id,))
            gone = db.execute("DELETE FROM works WHERE id = ?", (work_id,)).rowcount > 0
            db.execute(  # remembered, so a listing that holds it never brings it back
                "UPDATE crawl_state SET state = 'done' WHERE url = ?", (f"remove:{work_id}",)
            )
            history.drop_unused_texts(db)  # its versions went with it (ON DELETE CASCADE)
            pages.drop_unused_bodies(db)
            return gone

    # --- raw pages --------------------------------------------------------------

    def raw_pages(self, work_id: str) -> list[FetchedPage]:
        """The pages the newest version was cleaned from (what a rebuild re-cleans), or,
        for a version from before versions were kept, the newest reading of the work."""
        number = history.newest(self.db, work_id)
        found = pages.pages_by_id(self.db, history.pages_of(self.db, work_id, number))
        return found or pages.newest_reading(self.db, work_id)

    # --- versions ------------------------------------------------------------------

    def versions(self, work_id: str) -> list[history.Version]:
        return history.listing(self.db, work_id)

    def get_version(self, work_id: str, number: int) -> Work | None:
        base = self.get_work(work_id)
        return history.load(self.db, base, number) if base is not None else None

    def use_version(self, work_id: str, number: int) -> Change:
        """Make version `number` what readers see (chapters gone since are kept)."""
        with self.transaction(f"show version {number} of {work_id}") as db:
            row = db.execute("SELECT * FROM works WHERE id = ?", (work_id,)).fetchone()
            chosen = history.load(db, self._work_from_row(row), number)
            view, change = view_after(self._work_from_row(row), chosen, now_iso()[:10])
            if change.held:  # the reader asked for it: show it whole
                view = chosen
            views.write_view(db, view, None, now_iso(), False)
            db.execute(
                "UPDATE works SET shown_version = ?, held_version = CASE WHEN held_version = ?"
                " THEN NULL ELSE held_version END WHERE id = ?",
                (number, number, work_id),
            )
            change.version = change.shown = number
            return change

    def history_texts(self, work_id: str):
        return history.history_texts(self.db, work_id)

    def with_history(self, ids: list[str]) -> list[str]:
        """Those of these works that have more than one version."""
        many = {r[0] for r in self.db.execute(
            "SELECT work_id FROM versions GROUP BY work_id HAVING COUNT(*) > 1")}  # fmt: skip
        return [i for i in ids if i in many]

    def validators(self, work_id: str, url: str) -> tuple[str | None, str | None]:
        """ETag and Last-Modified of the newest stored copy of this URL, for a conditional GET."""
        row = self.db.execute(
            "SELECT headers FROM raw_pages WHERE work_id = ? AND url = ? ORDER BY id DESC LIMIT 1",
            (work_id, url),
        ).fetchone()
        if row is None:
            return None, None
        headers = json.loads(row["headers"])
        return headers.get("etag"), headers.get("last-modified")

    def touch_fetched(self, work_id: str, fingerprint: str | None) -> None:
        """A 304: the stored copy is current; remember when we checked and what the listing said."""
        with self.transaction(f"record that {work_id} is current") as db:
            db.execute(
                "UPDATE works SET last_fetched = ?, fingerprint = COALESCE(?, fingerprint),"
                " gone_at = NULL, locked = 0 WHERE id = ?",
                (now_iso(), fingerprint, work_id),
            )

    # --- crawl state ----------------------------------------------------------------

    def set_state(
        self, url: str, kind: str, state: str, reason: str = "", source: str | None = None
    ) -> None:
        with self.transaction(f"record the crawl state of {url}") as db:
            db.execute(
                """INSERT INTO crawl_state (url, source, kind, state, reason, attempts, updated_at)
                   VALUES (?, ?, ?, ?, ?, 1, ?)
                   ON CONFLICT (url) DO UPDATE SET state = excluded.state, reason = excluded.reason,
                     source = COALESCE(excluded.source, crawl_state.source),
                     attempts = crawl_state.attempts + 1, updated_at = excluded.updated_at""",
                (url, source, kind, state, reason, now_iso()),
            )

    def touch_source(self, name: str) -> None:
        with self.transaction(f"record the crawl of {name}") as db:
            db.execute(
                "INSERT INTO sources VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET"
                " last_crawled = excluded.last_crawled",
                (name, now_iso()),
            )
