"""The reader's own metadata for a work, kept apart from what the site says.

An imported file often comes with a title taken from its file name and the author
"Anonymous"; a reader fixes that with `import --title/--author/...` or `ficarchive
edit ID`. What they set lives in its own table beside the store (created if it is
missing, so no migration of the store's schema is needed), never in the work's
own metadata: an update, a re-import or `index --rebuild` rewrites what the site
says and leaves the reader's word alone, and `edit ID --reset` gives the site's
back. Everything that reads a work through Store.get_work (search, list, show,
export, the web library) sees the edit on top.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime

from crawler.models import WorkMeta
from index.records import Edit

# The fields a reader sets outright; tags are added and removed one by one.
SET_FIELDS = ("title", "authors", "fandoms", "characters", "relationships")
__all__ = ["SET_FIELDS", "Edit", "apply", "ensure_table", "read", "write"]

_TABLE = """
CREATE TABLE IF NOT EXISTS work_edits (
    work_id TEXT PRIMARY KEY REFERENCES works(id) ON DELETE CASCADE,
    fields TEXT NOT NULL,             -- JSON: SET_FIELDS given, tags_added, tags_removed
    updated_at TEXT NOT NULL
)
"""


def ensure_table(db: sqlite3.Connection) -> None:
    db.execute(_TABLE)


def read(db: sqlite3.Connection, work_id: str) -> dict | None:
    """The reader's edits of one work, or None when there are none."""
    row = db.execute("SELECT fields FROM work_edits WHERE work_id = ?", (work_id,)).fetchone()
    return json.loads(row[0]) if row else None


def write(db: sqlite3.Connection, work_id: str, edit: Edit) -> dict:
    """Merge one edit into the work's stored edits; the result is what is kept."""
    kept = {} if edit.reset else dict(read(db, work_id) or {})
    if edit.title is not None and edit.title.strip():
        kept["title"] = edit.title.strip()
    for name in SET_FIELDS[1:]:
        values = _clean(getattr(edit, name))
        if values:
            kept[name] = values
    added, removed = kept.get("tags_added", []), kept.get("tags_removed", [])
    for tag in _clean(edit.add_tags):
        added = [*[t for t in added if t.lower() != tag.lower()], tag]
        removed = [t for t in removed if t.lower() != tag.lower()]
    for tag in _clean(edit.remove_tags):
        removed = [*[t for t in removed if t.lower() != tag.lower()], tag]
        added = [t for t in added if t.lower() != tag.lower()]
    kept.update(tags_added=added, tags_removed=removed)
    kept = {k: v for k, v in kept.items() if v}
    stamp = datetime.now(UTC).replace(microsecond=0).isoformat()
    if kept:
        db.execute(
            "INSERT INTO work_edits (work_id, fields, updated_at) VALUES (?, ?, ?)"
            " ON CONFLICT (work_id) DO UPDATE SET fields = excluded.fields,"
            " updated_at = excluded.updated_at",
            (work_id, json.dumps(kept, ensure_ascii=False), stamp),
        )
    else:
        db.execute("DELETE FROM work_edits WHERE work_id = ?", (work_id,))
    return kept


def apply(meta: WorkMeta, kept: dict | None) -> WorkMeta:
    """The site's metadata with the reader's edits on top."""
    if not kept:
        return meta
    changed = {name: kept[name] for name in SET_FIELDS if name in kept}
    removed = {t.lower() for t in kept.get("tags_removed", [])}
    tags = [t for t in meta.tags if t.lower() not in removed]
    seen = {t.lower() for t in tags}
    tags += [t for t in kept.get("tags_added", []) if t.lower() not in seen]
    return replace(meta, **changed, tags=tags)


def _clean(values: list[str]) -> list[str]:
    """Names as given, stripped, each once (a comma never splits: AO3 tags hold commas)."""
    return list(dict.fromkeys(v.strip() for v in values if v and v.strip()))
