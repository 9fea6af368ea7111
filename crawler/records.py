"""What the crawler hands the archive: a Fetch for each work, a Discovery for each
source's listings. Records only, so the archive's loop can name them without loading
the parsers (crawler/frontier.py makes them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from crawler.models import FetchedPage, Work

if TYPE_CHECKING:
    from crawler.sites.base import ListingEntry

# What one attempt at a work came to, before the archive stores it.
KINDS = (
    "fetched", "not_modified", "unchanged", "gone", "locked", "skipped", "disallowed", "pending",
    "failed",
)  # fmt: skip


@dataclass
class Fetch:
    """The outcome of one work: a cleaned Work to store, or why there is none."""

    kind: str
    work_id: str
    url: str
    title: str = ""
    reason: str = ""
    work: Work | None = None
    pages: list[FetchedPage] = field(default_factory=list)
    fingerprint: str | None = None
    fetched: bool = True  # False for a local file or a re-clean: no crawl state, no fetch time
    origin: str = "fetch"  # what made this text: fetch, import or reclean (a version says it)
    moved_from: str | None = None  # the id asked for, when upstream answered with another work


@dataclass(frozen=True)
class ListingRead:
    """One listing page asked for, and whether it answered."""

    url: str
    ok: bool
    reason: str = ""


@dataclass
class Discovery:
    """The works a source's listings hold, and what reading them took."""

    entries: list[ListingEntry] = field(default_factory=list)
    listings: list[ListingRead] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # What series pages showed: ((series id, name), entry with its part number)
    series: list[tuple[tuple[str, str], ListingEntry]] = field(default_factory=list)


__all__ = ["KINDS", "Discovery", "Fetch", "ListingRead"]
