"""The store's SQLite file: its schema as numbered migrations, and how it is opened.

PRAGMA user_version says which migrations ran. Add a migration by appending to
MIGRATIONS; never edit one that has shipped. A connection opened here reports a
damaged file as a StoreError on every statement and every row read.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from crawler.errors import StoreError
from index.history import MIGRATION as HISTORY_MIGRATION
from index.mine import MIGRATION as READERS_MIGRATION

MIGRATIONS: list[str] = [
    # 1: works, chapters (cleaned blocks), typed notes, raw pages, crawl state.
    """
    CREATE TABLE works (
        id TEXT PRIMARY KEY,
        site TEXT NOT NULL,
        url TEXT NOT NULL,
        title TEXT NOT NULL,
        words INTEGER NOT NULL,
        meta TEXT NOT NULL,               -- WorkMeta as JSON
        summary TEXT NOT NULL DEFAULT '',
        fingerprint TEXT,                 -- the listing's updated|chapters when last fetched
        content_hash TEXT NOT NULL,       -- of the cleaned work, to tell updated from unchanged
        locked INTEGER NOT NULL DEFAULT 0,-- upstream now for registered users only
        gone_at TEXT,                     -- upstream answered 404/410/deleted; text kept
        first_stored TEXT NOT NULL,
        last_fetched TEXT NOT NULL,
        last_changed TEXT NOT NULL,
        indexed_hash TEXT                 -- content_hash last written to the index
    );
    CREATE TABLE chapters (
        work_id TEXT NOT NULL REFERENCES works(id) ON DELETE CASCADE,
        number INTEGER NOT NULL,
        title TEXT NOT NULL,
        blocks TEXT NOT NULL,             -- JSON list of {type, text}
        words INTEGER NOT NULL,
        PRIMARY KEY (work_id, number)
    );
    CREATE TABLE notes (
        work_id TEXT NOT NULL REFERENCES works(id) ON DELETE CASCADE,
        chapter INTEGER NOT NULL,         -- 0 for work-level notes
        seq INTEGER NOT NULL,
        kind TEXT NOT NULL,
        position TEXT NOT NULL,
        text TEXT NOT NULL,
        PRIMARY KEY (work_id, chapter, seq)
    );
    CREATE TABLE raw_pages (
        id INTEGER PRIMARY KEY,
        url TEXT NOT NULL,
        work_id TEXT,
        status INTEGER NOT NULL,
        headers TEXT NOT NULL,
        body BLOB NOT NULL,               -- zlib-compressed
        fetched_at TEXT NOT NULL
    );
    CREATE INDEX raw_pages_work ON raw_pages (work_id, url, id);
    CREATE TABLE crawl_state (
        url TEXT PRIMARY KEY,
        source TEXT,
        kind TEXT NOT NULL,               -- listing | work
        state TEXT NOT NULL,              -- pending | done | failed | gone | locked | skipped
        reason TEXT NOT NULL DEFAULT '',
        attempts INTEGER NOT NULL DEFAULT 0,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE sources (
        name TEXT PRIMARY KEY,
        last_crawled TEXT NOT NULL
    );
    """,
    # 2: versions (append-only), chapter texts and raw page bodies once per hash.
    HISTORY_MIGRATION,
    # 3: the reader's own layer: "dropped" among the reading marks (rows kept),
    # private tags, and the notes, tags and rec flag of the reader's AO3 bookmarks.
    READERS_MIGRATION,
    # 4: opening the store asks for works from before versions (none, once migrated):
    # a partial index answers at once instead of scanning every work.
    "CREATE INDEX IF NOT EXISTS works_unversioned ON works (id) WHERE shown_version IS NULL",
]

SCHEMA_VERSION = len(MIGRATIONS)


DAMAGED = (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)


def connect(path: Path) -> sqlite3.Connection:
    """Open (creating and migrating) the store file: WAL, foreign keys, rows by name."""
    db = sqlite3.connect(path, timeout=30, isolation_level=None, factory=_Connection)
    try:
        db.path = path
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA journal_mode=WAL")
        # SQLite's own checkpoints reuse the WAL but never shrink it: once reset, it is
        # cut back to this, so a large import leaves no megabytes beside the store.
        db.execute(f"PRAGMA journal_size_limit = {WAL_LIMIT_BYTES}")
        db.execute("PRAGMA foreign_keys=ON")
        db.execute("PRAGMA synchronous=NORMAL")
        migrate(db, path)
    except BaseException:
        db.close()  # a file we refuse is not left open behind the error
        raise
    return db


# A WAL past this after a commit is checkpointed at once (a large import, a rebuild).
WAL_LIMIT_BYTES = 1024 * 1024
# How long closing waits for a reader (`serve`) to let the WAL be truncated.
CLOSE_WAIT_MS = 500


def checkpoint(db: sqlite3.Connection, *, truncate: bool = False) -> None:
    """Copy the WAL into the store: PASSIVE never waits for anyone; TRUNCATE (when a
    writing store closes) empties the file, waiting a moment for readers. A full disk
    or a busy reader leaves the WAL for later, where SQLite finds it: never an error."""
    try:
        if truncate:
            db.execute(f"PRAGMA busy_timeout = {CLOSE_WAIT_MS}")
        db.execute(f"PRAGMA wal_checkpoint({'TRUNCATE' if truncate else 'PASSIVE'})").fetchall()
    except (sqlite3.Error, StoreError):
        pass


def wal_size(path: Path) -> int:
    try:
        return Path(f"{path}-wal").stat().st_size
    except OSError:
        return 0


def migrate(db: sqlite3.Connection, path: Path) -> None:
    """Run the migrations this file has not seen; refuse a file from a newer ficarchive."""
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{path}: made by a newer ficarchive (schema {version} > {SCHEMA_VERSION}); upgrade ficarchive"
        )
    for number in range(version, SCHEMA_VERSION):
        # executescript commits whatever is open, so the migration carries its own
        # transaction; user_version changes inside it, all or nothing.
        try:
            db.executescript(
                f"BEGIN IMMEDIATE; {MIGRATIONS[number]}; PRAGMA user_version = {number + 1}; COMMIT;"
            )
        except sqlite3.Error:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise


@contextmanager
def _damage_is_a_store_error(path: Path) -> Iterator[None]:
    """A damaged file is the user's news, not a traceback; other errors pass through."""
    try:
        yield
    except sqlite3.DatabaseError as exc:
        if (getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF not in DAMAGED:
            raise
        raise StoreError(
            f"{path}: the archive store is damaged ({exc}); `ficarchive doctor` says what is"
            " left, and a backup or `sqlite3 FILE .recover` can bring the rest back"
        ) from None


class _Cursor(sqlite3.Cursor):
    def execute(self, sql, parameters=()):
        with _damage_is_a_store_error(self.connection.path):
            return super().execute(sql, parameters)

    def executemany(self, sql, seq_of_parameters):
        with _damage_is_a_store_error(self.connection.path):
            return super().executemany(sql, seq_of_parameters)

    def fetchone(self):
        with _damage_is_a_store_error(self.connection.path):
            return super().fetchone()

    def fetchmany(self, size: int = 1):
        with _damage_is_a_store_error(self.connection.path):
            return super().fetchmany(size)

    def fetchall(self):
        with _damage_is_a_store_error(self.connection.path):
            return super().fetchall()

    def __next__(self):
        with _damage_is_a_store_error(self.connection.path):
            return super().__next__()


class _Connection(sqlite3.Connection):
    """Every statement, and every row read, reports a damaged file as a StoreError."""

    path: Path

    def execute(self, sql, parameters=()):
        return self.cursor(_Cursor).execute(sql, parameters)

    def executemany(self, sql, seq_of_parameters):
        return self.cursor(_Cursor).executemany(sql, seq_of_parameters)
