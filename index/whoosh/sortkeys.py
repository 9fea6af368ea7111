"""Every work's sort keys, kept beside the index for the next process.

`ficarchive list` sorts every work (newest first) and shows fifty. In a fresh
process the works table (index/whoosh/table.py) would read all 10,000 works' stored
fields for that (a pickle each: most of a cold `list`, bench/RESULTS.md
"## coldstart"). The keys are small (a date, a count, a title per work), so the
first process that reads them writes them to one marshal file named for the index
generation it read, and later processes load that file instead; a commit makes a
new generation and the old file is replaced. It is a cache: a missing, stale,
unwritable or damaged file only means the fields are read again.
"""

from __future__ import annotations

import marshal
import os
from pathlib import Path
from typing import Any

from index.search import SORTS

SORT_KEYS = tuple(s for s in SORTS if s != "relevance")
NUMERIC_SORTS = ("words", "kudos", "hits")
PREFIX = "ficarchive-sortkeys-"
FORMAT = 1


def key_of(fields: dict[str, Any], sort: str) -> Any:
    """The value a work is ordered by under `sort`."""
    if sort == "title":
        return str(fields.get("title", "")).casefold()
    if sort in NUMERIC_SORTS:
        return fields.get(sort) or 0
    return fields.get(sort) or ""


def _path(version: tuple) -> Path:
    return Path(version[0]) / f"{PREFIX}{version[1]}.marshal"


def _stamp(version: tuple) -> tuple:
    return (FORMAT, version[1], tuple(version[2]), version[3])


def load(version: tuple, ids: list[str]) -> dict[str, list[Any]] | None:
    """The keys kept for exactly this generation and these works, or None."""
    try:
        data = marshal.loads(_path(version).read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if not isinstance(data, dict) or data.get("stamp") != _stamp(version):
        return None
    keys = data.get("keys")
    if data.get("ids") != ids or not isinstance(keys, dict):
        return None
    if set(keys) != set(SORT_KEYS) or any(len(keys[s]) != len(ids) for s in SORT_KEYS):
        return None
    return keys


def save(version: tuple, ids: list[str], keys: dict[str, list[Any]]) -> None:
    """Keep the keys for this generation (atomically) and drop older generations'."""
    path = _path(version)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(marshal.dumps({"stamp": _stamp(version), "ids": ids, "keys": keys}))
        os.replace(tmp, path)
        for old in path.parent.glob(f"{PREFIX}*.marshal"):
            if old != path:
                old.unlink(missing_ok=True)
    except (OSError, ValueError):  # a read-only or full disk: the next process reads again
        tmp.unlink(missing_ok=True)
