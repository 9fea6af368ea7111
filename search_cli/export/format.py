"""What an export format declares: its name, file extension, description and renderers.

Each format module ends with one `FORMAT = ExportFormat(...)`; search_cli.export lists
them in its registry. Renderers return text or bytes; the registry's caller encodes
and writes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from crawler.models import Work


class RenderWork(Protocol):
    """One work as the bytes (or text) of one file."""

    def __call__(
        self, work: Work, *, notes: bool = True, archived_at: str | None = None
    ) -> bytes | str: ...


class RenderAnthology(Protocol):
    """Several works as one file; `archived` maps work ids to the day each was archived."""

    def __call__(
        self,
        works: list[Work],
        *,
        notes: bool = True,
        title: str,
        archived: Mapping[str, str] | None = None,
    ) -> bytes | str: ...


@dataclass(frozen=True)
class ExportFormat:
    """One export format: what --format calls it, how its files are named, how it renders."""

    name: str
    extension: str  # without the dot
    description: str  # one line, for help
    render: RenderWork
    render_anthology: RenderAnthology | None = None  # None: one file per work only
    anthology_extension: str | None = None  # when the one file of many works differs

    @property
    def anthology_suffix(self) -> str:
        """The extension of the one file that holds several works."""
        return self.anthology_extension or self.extension
