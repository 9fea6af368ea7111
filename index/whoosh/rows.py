"""Each work's stored fields, read from the index once per index generation.

A faceted or sorted search needs the metadata of every work it matched, not only
of the twenty it shows: the web library's search page counts facets on every
search, and its home page matches every work. Reading those fields means one
pickle per work from the stored-fields file; at 10,000 works that alone was most
of a search page's time. A long-running process (`ficarchive serve`) asks the same
index again and again, so the fields are kept per work until the index changes
(a commit makes a new generation, and the next search reads afresh).

Searches now read fields through the works table (index/whoosh/table.py), which keeps
them the same way; this stays for an index the table cannot name a generation for.

The fields kept are the ones every chapter document of a work shares (its
metadata); the chapter's own (doc_id, chapter, chapter_title) are left out, since
another search may reach the work through another chapter.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

CHAPTER_KEYS = ("doc_id", "chapter", "chapter_title")
T = TypeVar("T")
_UNSET = object()
_lock = threading.Lock()
_kept: dict[str, tuple[tuple, dict[str, dict[str, Any]]]] = {}  # folder -> (version, rows)


def index_version(searcher) -> tuple | None:
    """Which index this searcher reads: its folder, generation and segments (a rebuilt
    index starts its generations again, but its segments are new); None when the
    searcher cannot say, and then nothing is kept."""
    ix = getattr(searcher, "_ix", None)
    folder = getattr(getattr(ix, "storage", None), "folder", None)
    reader = searcher.ixreader
    generation = reader.generation()
    segments = tuple(getattr(leaf, "_segid", None) for leaf, _ in reader.leaf_readers())
    if folder is None or generation is None or generation < 0 or None in segments:
        return None
    return (str(folder), generation, segments, reader.doc_count_all())


def per_generation(
    searcher, name: str, kept: dict, lock, make: Callable[[tuple], T | None]
) -> T | None:
    """What `make(version)` builds for this searcher's index generation: asked once per
    searcher, built once per generation and kept per index folder in `kept` (a new
    generation replaces it); None, and nothing kept, where the index cannot say which
    generation it is or `make` gives None."""
    attr = f"_ficarchive_{name}"
    mine = searcher.__dict__.get(attr, _UNSET)
    if mine is not _UNSET:
        return mine
    version = index_version(searcher)
    value = None
    if version is not None:
        with lock:
            found = kept.get(version[0])
            if found is None or found[0] != version:
                found = (version, make(version))
                if found[1] is not None:
                    kept[version[0]] = found
            value = found[1]
    searcher.__dict__[attr] = value
    return value


def _rows(searcher) -> dict[str, dict[str, Any]] | None:
    """The fields kept for this searcher's index (asked once per searcher)."""
    return per_generation(searcher, "rows", _kept, _lock, lambda version: {})


def work_fields(searcher, work: str, docnum: int) -> dict[str, Any]:
    """The work's metadata as stored with its chapter document `docnum`."""
    rows = _rows(searcher)
    if rows is not None:
        kept = rows.get(work)
        if kept is not None:
            return kept
    fields = searcher.stored_fields(docnum)
    for key in CHAPTER_KEYS:
        fields.pop(key, None)
    if rows is not None:
        rows[work] = fields
    return fields
