"""The read-only questions the crawl asks about what is already archived.

The crawler writes nothing: it asks these questions (is this work stored, what
did the listing show last time, which validators does its page carry) and
returns outcomes that the archive records. The store answers them, but the
crawler never imports it, so data flows one way: crawler -> index.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from crawler.models import FetchedPage


@dataclass(frozen=True)
class Known:
    """What the archive knows of a work, as far as a crawl needs to know."""

    fingerprint: str | None
    gone: bool
    locked: bool


class StoredState(Protocol):
    """What the archive can tell the crawl (index/archive.py implements it)."""

    def known(self, work_id: str) -> Known | None:
        """The stored work's state, or None when it was never stored."""
        ...

    def validators(self, work_id: str, url: str) -> tuple[str | None, str | None]:
        """ETag and Last-Modified of the newest stored copy of this page."""
        ...

    def pages(self, work_id: str) -> list[FetchedPage]:
        """The raw pages the stored work was last read from (a saved FFN chapter joins
        the chapters already stored)."""
        ...
