"""The neutral query tree's nodes: what the reader asked, not how an engine finds it.

index/query.py parses text into these; index/whoosh/compile.py compiles them. They
live apart so the parser stays small and a second backend can import the tree alone.
"""

from __future__ import annotations

from dataclasses import dataclass


class Node:
    """A node of the neutral query tree."""


@dataclass(frozen=True)
class Words(Node):
    """A word (maybe with * or ? wildcards) looked for in any of `fields`.

    `free` is true for a word the reader typed without a field: it searches the
    default fields, each with its FIELD_BOOSTS weight.
    """

    text: str
    fields: tuple[str, ...]
    free: bool = False


@dataclass(frozen=True)
class Phrase(Node):
    """Words that must stand together, in this order, in any of `fields`."""

    text: str
    fields: tuple[str, ...]
    free: bool = False


@dataclass(frozen=True)
class Range(Node):
    """A field's value between two ends; an end of None is open."""

    field: str
    start: str | None
    end: str | None
    start_excl: bool = False
    end_excl: bool = False


@dataclass(frozen=True)
class Period(Node):
    """A date field within a year, month or day (updated:2024-03)."""

    field: str
    prefix: str


@dataclass(frozen=True)
class Exact(Node):
    """A keyword field holding exactly this value (site:ao3, status:gone)."""

    field: str
    value: str


@dataclass(frozen=True)
class Character(Node):
    """A character as readers name them: a tag's words, its full or short form
    ("Faye V."), and with `in_text` the name in the story text too. `phrase` is
    false for a bare word typed as character:spike (only the tag's words)."""

    name: str
    phrase: bool = True
    in_text: bool = False


@dataclass(frozen=True)
class Relationship(Node):
    """A pairing, written with / (romantic) or & (platonic), in any order."""

    text: str


@dataclass(frozen=True)
class Own(Node):
    """The reader's own layer: read:no, read:dropped, mine:comfort-read. Marks and
    private tags change without reindexing, so the archive resolves this to Ids
    (index/ownquery.py) before a backend sees the tree."""

    field: str  # one of OWN_FIELDS
    value: str


@dataclass(frozen=True)
class Ids(Node):
    """Exactly these works (an empty set matches nothing)."""

    ids: frozenset[str]


@dataclass(frozen=True)
class All(Node):
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Any(Node):
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Not(Node):
    child: Node


@dataclass(frozen=True)
class Everything(Node):
    """No query at all: every work (list, or filters alone)."""
