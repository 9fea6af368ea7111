"""The store's schema as numbered migrations; PRAGMA user_version says which ran.

Add a migration by appending to MIGRATIONS; never edit one that has shipped.
"""

from __future__ import annotations

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
]

SCHEMA_VERSION = len(MIGRATIONS)
