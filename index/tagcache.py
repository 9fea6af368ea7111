"""What AO3's tag pages said, kept in the store, and the polite refresh that asks them.

The cache is its own table in the store file, created when missing (as the
reading marks are), so no migration of the store's schema is needed and an
archive that never fetched a tag page reads as "no synonyms known". A row says
what one tag page said and when it was fetched; a tag AO3 does not know (404) is
kept too, so it is not asked again before `[tags] refresh_after_days`.
"""

from __future__ import annotations

import json
import sqlite3
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from crawler.config import Config
from crawler.errors import FetchError, HostGivenUp, ParseError, StoreError
from crawler.models import TagPage
from index.store import Store

if TYPE_CHECKING:  # the HTTP client loads when tags are fetched, never for a search
    from crawler.http import PoliteClient

_TABLE = """
CREATE TABLE IF NOT EXISTS tag_pages (
    site TEXT NOT NULL,            -- the [sites.NAME] whose archive answered
    folded TEXT NOT NULL,          -- the tag's name, case-folded, one space between words
    name TEXT NOT NULL,            -- as the page (or, for a 404, the work) wrote it
    found INTEGER NOT NULL,        -- 0: the archive has no such tag (404)
    canonical INTEGER NOT NULL DEFAULT 0,
    merged_into TEXT,              -- the canonical tag this one is a synonym of
    synonyms TEXT NOT NULL DEFAULT '[]',  -- JSON: the tags with the same meaning
    category TEXT,
    fetched_at TEXT NOT NULL,
    PRIMARY KEY (site, folded)
)
"""
# The AO3 tag groups that have synonyms (ratings, warnings and categories are fixed).
TAG_GROUPS = ("fandoms", "characters", "relationships", "tags")


def fold(name: str) -> str:
    """A tag's name as it is compared: case folded, runs of spaces as one."""
    return " ".join(name.casefold().split())


@dataclass(frozen=True)
class CachedTag:
    """One row of the cache: a tag page as fetched, at a time."""

    site: str
    page: TagPage | None  # None: the archive answered that it has no such tag
    fetched_at: str


@dataclass
class RefreshReport:
    """What `tags --refresh` did: pages fetched, tags still fresh, and failures."""

    fetched: list[str] = field(default_factory=list)
    fresh: int = 0
    unknown: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "fetched": len(self.fetched),
            "fresh": self.fresh,
            "unknown": self.unknown,
            "errors": self.errors,
        }


class TagCache:
    """The tag_pages table of one store connection."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        try:
            db.execute(_TABLE)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open the tag synonyms table: {exc}") from None

    def put(self, site: str, name: str, page: TagPage | None, when: datetime) -> None:
        row = (
            site,
            fold(name),
            page.name if page else name,
            1 if page else 0,
            1 if page and page.canonical else 0,
            page.merged_into if page else None,
            json.dumps(list(page.synonyms) if page else []),
            page.category if page else None,
            when.replace(microsecond=0).isoformat(),
        )
        self.db.execute("INSERT OR REPLACE INTO tag_pages VALUES (?,?,?,?,?,?,?,?,?)", row)

    def all(self) -> list[CachedTag]:
        rows = self.db.execute("SELECT * FROM tag_pages ORDER BY site, folded").fetchall()
        return [_cached(row) for row in rows]

    def signature(self) -> tuple:
        """Changes whenever a row is written: how many, and the newest fetch."""
        return tuple(self.db.execute("SELECT count(*), max(fetched_at) FROM tag_pages").fetchone())

    def fetched_at(self) -> dict[tuple[str, str], str]:
        """(site, folded name) -> when its page was fetched."""
        rows = self.db.execute("SELECT site, folded, fetched_at FROM tag_pages").fetchall()
        return {(r[0], r[1]): r[2] for r in rows}


def _cached(row) -> CachedTag:
    site, _folded, name, found, canonical, merged, synonyms, category, when = tuple(row)
    page = None
    if found:
        page = TagPage(name, bool(canonical), merged, tuple(json.loads(synonyms)), category)
    return CachedTag(site, page, when)


def archived_tags(db: sqlite3.Connection, sites: Iterable[str]) -> list[tuple[str, str]]:
    """(site, tag) for every fandom, character, relationship and freeform tag of the
    stored works of these sites, each once, in a stable order."""
    wanted = set(sites)
    seen: dict[tuple[str, str], tuple[str, str]] = {}
    for site, meta in db.execute("SELECT site, meta FROM works ORDER BY id"):
        if site not in wanted:
            continue
        data = json.loads(meta)
        for group in TAG_GROUPS:
            for name in data.get(group) or []:
                if isinstance(name, str) and name.strip():
                    seen.setdefault((site, fold(name)), (site, name.strip()))
    return list(seen.values())


def refresh(
    store: Store,
    config: Config,
    client: PoliteClient,
    *,
    only_new: bool = False,
    now: datetime | None = None,
    progress: Callable[[str], None] | None = None,
) -> RefreshReport:
    """Fetch the tag page of every archived AO3 tag not fetched within
    `[tags] refresh_after_days` (or, `only_new`, never fetched), one at a time
    through the polite client, and of the canonical tag a synonym is merged into.
    Each answer is stored as it comes, so an interrupted refresh keeps its pages."""
    from crawler.sites.ao3_tags import fetch_tag  # the parser loads only to fetch

    now = now or datetime.now(UTC)
    db = store.db
    cache = TagCache(db)
    ao3 = {n: s.base_url for n, s in config.sites.items() if s.adapter == "ao3" and s.base_url}
    stale_before = (now - timedelta(days=config.tags.refresh_after_days)).replace(microsecond=0)
    stale_before = stale_before.isoformat()
    report = RefreshReport()
    queue = deque(archived_tags(db, ao3))
    asked: set[tuple[str, str]] = set()
    fetched = cache.fetched_at()
    while queue:
        site, name = queue.popleft()
        key = (site, fold(name))
        if key in asked:
            continue
        asked.add(key)
        when = fetched.get(key)
        if when is not None and (only_new or when >= stale_before):
            report.fresh += 1
            continue
        if progress:
            progress(name)
        try:
            page = fetch_tag(client, ao3[site], name)
        except HostGivenUp as exc:
            report.errors.append(str(exc))
            break
        except (FetchError, ParseError) as exc:
            report.errors.append(str(exc))
            continue
        with store.transaction("keep what a tag page said"):
            cache.put(site, name, page, datetime.now(UTC))
        report.fetched.append(name)
        if page is None:
            report.unknown.append(name)
        elif page.merged_into:
            queue.append((site, page.merged_into))  # its page lists the other synonyms
    return report
