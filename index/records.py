"""The store's answers as frozen records, so callers read fields, not dict keys.

`ArchiveStats.to_dict()` is the shape of `ficarchive stats --json`, which the
README promises: keys, their order and their values do not change.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from crawler.models import BookmarkNote
from index.versions import Change, ChapterDiff

# The reader's reading marks (index/marks.py keeps them; `mark`, the web library set them).
READING_MARKS = ("to-read", "reading", "read", "dropped")


@dataclass(frozen=True)
class WorkState:
    """What a crawl needs to know of a stored work without loading its text."""

    id: str
    fingerprint: str | None
    locked: bool
    gone_at: str | None
    content_hash: str
    indexed_hash: str | None
    last_fetched: str

    @property
    def gone(self) -> bool:
        """Upstream lost it; the text is kept."""
        return self.gone_at is not None

    @property
    def indexed(self) -> bool:
        """The index holds this very content, so there is nothing to re-index."""
        return self.indexed_hash == self.content_hash


@dataclass(frozen=True)
class Group:
    """One row of a stats breakdown (a site, a status or a fandom)."""

    # A status may be missing from a work's metadata, so a group can be unnamed.
    name: str | None
    works: int
    chapters: int
    words: int


@dataclass(frozen=True)
class SourceCrawl:
    """When a configured source was last crawled."""

    name: str
    last_crawled: str


@dataclass(frozen=True)
class ArchiveStats:
    """Works, chapters and words by site, status and fandom; size on disk; last crawls."""

    works: int
    chapters: int
    words: int
    by_site: tuple[Group, ...]
    by_status: tuple[Group, ...]
    by_fandom: tuple[Group, ...]
    gone: int
    locked: int
    raw_pages: int
    size_bytes: int
    sources: tuple[SourceCrawl, ...]

    def to_dict(self) -> dict[str, Any]:
        """The `stats --json` document: written out key by key because its order is a promise."""
        return {
            "works": self.works,
            "chapters": self.chapters,
            "words": self.words,
            "by_site": [asdict(g) for g in self.by_site],
            "by_status": [asdict(g) for g in self.by_status],
            "by_fandom": [asdict(g) for g in self.by_fandom],
            "gone": self.gone,
            "locked": self.locked,
            "raw_pages": self.raw_pages,
            "size_bytes": self.size_bytes,
            "sources": [asdict(s) for s in self.sources],
        }


@dataclass(frozen=True)
class Saved:
    """What storing a work came to: new, updated or unchanged, and how it changed."""

    result: str
    change: Change | None = None


@dataclass(frozen=True)
class VersionDiff:
    """`ficarchive diff`: which chapters changed between versions `old` and `new`."""

    work_id: str
    old: int
    new: int
    chapters: list[ChapterDiff]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.work_id,
            "old_version": self.old,
            "new_version": self.new,
            "chapters": [c.to_dict() for c in self.chapters if c.kind != "same"],
        }


@dataclass
class Edit:
    """One change the reader asks of a work's metadata (index/edits.py keeps it apart
    from the site's); an empty list or None leaves a field as it is."""

    title: str | None = None
    authors: list[str] = field(default_factory=list)
    fandoms: list[str] = field(default_factory=list)
    characters: list[str] = field(default_factory=list)
    relationships: list[str] = field(default_factory=list)
    add_tags: list[str] = field(default_factory=list)
    remove_tags: list[str] = field(default_factory=list)
    reset: bool = False  # drop every earlier edit first: the site's metadata again

    def is_empty(self) -> bool:
        lists = (self.authors, self.fandoms, self.characters, self.relationships)
        return not (self.reset or self.title or any(lists) or self.add_tags or self.remove_tags)


@dataclass(frozen=True)
class OwnLayer:
    """What the reader added to one work: a reading mark, private tags, and bookmarks."""

    mark: str | None = None
    tags: list[str] = field(default_factory=list)
    bookmarks: list[BookmarkNote] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The keys `show`, `search` and `list --json` add (a promise: extend, never break)."""
        return {
            "reading_mark": self.mark,
            "private_tags": list(self.tags),
            "bookmark_notes": [{**asdict(b), "tags": list(b.tags)} for b in self.bookmarks],
        }
