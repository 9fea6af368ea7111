"""What was last exported into a folder, so `export --changed` writes only what changed.

The record is one file beside the store (`exports.json` in the archive folder),
kept per export folder: "changed since its last export" is a question about the
files in that folder, so a folder synced to an e-reader and a folder of HTML for
a friend each have their own, and a file the reader deleted is written again.
It is not kept in the export folder itself, which holds the exported files and
nothing else (an e-reader lists every file it is given). Each entry is one
(work, format, notes choice): the file written and a digest of what went into it.

The digest is the work's text and metadata as exported, less the counts that
move daily (kudos, hits, bookmarks, comments) and the archive date: a work
re-crawled unchanged is not rewritten because its kudos grew. A missing or
unreadable record only means every work counts as new: the export is written
again, nothing is lost.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from crawler.models import Work

MANIFEST = "exports.json"
_DAILY = ("kudos", "hits", "bookmarks", "comments")


def work_digest(work: Work) -> str:
    """What an export of this work holds, as one hash (daily counts left out)."""
    data = work.to_dict()
    for key in _DAILY:
        data.pop(key, None)
    return hashlib.sha1(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _key(work_id: str, fmt: str, notes: bool) -> str:
    return f"{fmt}\t{'notes' if notes else 'no-notes'}\t{work_id}"


@dataclass
class Manifest:
    """One export folder's record, read once and written once per run (`record` None:
    nothing is kept, as when the library is called without an archive)."""

    folder: Path
    record: Path | None = None
    entries: dict[str, dict[str, Any]] = field(default_factory=dict)
    dirty: bool = False

    @classmethod
    def load(cls, folder: Path, record: Path | None) -> Manifest:
        folder = Path(folder)
        found = _read(record).get(_folder_key(folder), {}) if record else {}
        entries = found if isinstance(found, dict) else {}
        return cls(folder, record, {k: v for k, v in entries.items() if isinstance(v, dict)})

    def last(self, work: Work, fmt: str, notes: bool) -> dict[str, Any] | None:
        """This work's last export in this format, or None."""
        return self.entries.get(_key(work.id, fmt, notes))

    def unchanged(self, work: Work, fmt: str, notes: bool, digest: str) -> dict[str, Any] | None:
        """The last export's entry when it holds exactly this and its file is still there."""
        entry = self.last(work, fmt, notes)
        if entry is None or entry.get("digest") != digest:
            return None
        name = str(entry.get("file", ""))
        if not name or Path(name).name != name or not (self.folder / name).is_file():
            return None
        return entry

    def note(self, work: Work, fmt: str, notes: bool, path: Path, digest: str) -> None:
        """Remember that `path` now holds this work as `digest`."""
        stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        self.entries[_key(work.id, fmt, notes)] = {
            "file": path.name,
            "digest": digest,
            "exported_at": stamp,
        }
        self.dirty = True

    def save(self) -> None:
        """Written atomically (read again first: other folders' records are kept)."""
        if not self.dirty or self.record is None:
            return
        folders = _read(self.record)
        folders[_folder_key(self.folder)] = self.entries
        body = {"about": "what ficarchive export wrote, by folder (for --changed)",
                "folders": folders}  # fmt: skip
        tmp = self.record.with_name(self.record.name + ".tmp")
        tmp.write_text(json.dumps(body, indent=1, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, self.record)
        self.dirty = False


def _folder_key(folder: Path) -> str:
    return str(Path(folder).resolve())


def _read(record: Path | None) -> dict[str, Any]:
    """Every folder's entries; a missing or unreadable record is an empty one."""
    if record is None:
        return {}
    try:
        data = json.loads(Path(record).read_text(encoding="utf-8"))
        folders = data.get("folders")
    except (OSError, ValueError, AttributeError):
        return {}
    return folders if isinstance(folders, dict) else {}
