"""The config's smaller sections: `[tags]` (fetching AO3's tag synonyms), `[synonyms]`
(the reader's own) and `[update]` (what `update` re-checks by default).

Kept apart from crawler/config.py so that file stays one screenful of sections.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from crawler.errors import ConfigError


@dataclass(frozen=True)
class Updating:
    """What `ficarchive update` with no argument re-checks: every work in progress, and
    a completed work once it has gone this many days unchecked (a finished work rarely
    changes, so checking it every run would spend requests on nothing)."""

    recheck_complete_days: int = 30


@dataclass(frozen=True)
class TagsConfig:
    """`[tags]`: how AO3's tag pages are fetched (`ficarchive tags --refresh`).

    refresh_after_days: a tag page fetched longer ago than this is fetched again.
    refresh_after_crawl: fetch the pages of newly seen tags at the end of every crawl.
    """

    refresh_after_days: int = 30
    refresh_after_crawl: bool = False


def parse_synonyms(raw: Any, fail: Callable[[str, str], ConfigError]) -> dict[str, tuple[str, ...]]:
    """`[synonyms]`: NAME = ["same meaning", …], for a tag of any site. NAME is the
    canonical tag: a filter on NAME or on any of its list finds them all."""
    if not isinstance(raw, dict):
        raise fail("synonyms", 'must be a table of NAME = ["synonym", …]')
    out: dict[str, tuple[str, ...]] = {}
    for name, same in raw.items():
        key = f"synonyms.{name}"
        if isinstance(same, str):
            same = [same]
        if not isinstance(same, list) or not all(isinstance(s, str) and s.strip() for s in same):
            raise fail(key, f"must be a list of tag names, got {same!r}")
        if not name.strip():
            raise fail(key, "needs a tag name before the =")
        out[name.strip()] = tuple(s.strip() for s in same)
    return out
