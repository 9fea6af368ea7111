"""A search as records: the neutral request a reader makes and what comes back.

These cross every boundary (the CLI, the web library, a backend) and carry no
engine's internals.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the query's parser loads when a tree is made: `show` never needs it
    from index.query import Node

MARK_OPEN, MARK_CLOSE = "«", "»"
SORTS = ("relevance", "updated", "published", "words", "kudos", "hits", "title")
# AO3's seven tag groups, then language, status, site and word-count buckets. An index
# made before warnings and categories were stored has those two empty until a rebuild.
FACET_FIELDS = (
    "rating",
    "warnings",
    "categories",
    "fandoms",
    "relationships",
    "characters",
    "tags",
    "language",
    "status",
    "site",
    "words",
)
# Word-count buckets (AO3's search offers the same cut points): (below, label).
WORD_BUCKETS = (
    (1_000, "under 1k"),
    (5_000, "1k-5k"),
    (10_000, "5k-10k"),
    (50_000, "10k-50k"),
    (100_000, "50k-100k"),
)
OVER_BUCKETS = "over 100k"


def word_bucket(words: int) -> str:
    """The word-count facet a work of `words` words is counted under."""
    for below, label in WORD_BUCKETS:
        if (words or 0) < below:
            return label
    return OVER_BUCKETS


@dataclass(frozen=True)
class SearchRequest:
    """What a reader asked: the query, filters, where to look, and which page."""

    query: str = ""
    filters: Mapping[str, list[str]] = field(default_factory=dict)
    in_text: bool = False  # a --character name may also be found in the story text
    scope: str = "story"  # story, notes or all
    sort: str = "relevance"
    # None: the sort's own order (best, newest, longest, most first; titles A to Z).
    descending: bool | None = None
    limit: int = 20
    page: int = 1
    snippets_per_work: int = 3
    facets: bool = False
    history: bool = False  # also text found only in older versions of works
    # Tag synonyms: folded tag name -> every name of its group (index/synonyms.py); the
    # archive fills it in, so a tag filter finds its canonical tag and every synonym.
    synonyms: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # The tree with read:/mine: already turned into works (index/ownquery.py), once set,
    # with what it was resolved from: a copy asking something else parses afresh.
    resolved: tuple[tuple, Node] | None = field(default=None, compare=False, repr=False)

    def basis(self) -> tuple:
        """What the tree is made from; a resolved tree holds only while this is unchanged."""
        return (self.query, self.filters, self.in_text, self.scope, id(self.synonyms))

    def with_resolved(self, tree: Node) -> SearchRequest:
        """This request carrying `tree` as its resolved tree."""
        return replace(self, resolved=(self.basis(), tree))

    def tree(self) -> Node:
        """The query and filters as the neutral tree (raises QueryError), each tag
        filter widened to the tag's synonyms."""
        if self.resolved is not None and self.resolved[0] == self.basis():
            return self.resolved[1]
        from index.query import parse_query
        from index.synonyms import expand

        tree = parse_query(self.query, dict(self.filters), in_text=self.in_text, scope=self.scope)
        return expand(tree, self.synonyms)


@dataclass
class Match:
    """A chapter that matched, with a snippet saying where."""

    chapter: int  # 0: the match is in the work's metadata (its source says which field)
    snippet: str = ""
    # Where the match is: "text" or "notes" of the chapter, or (chapter 0) a metadata
    # field of the work: "title", "summary", "tags", "characters", "relationships", …
    source: str = "text"


@dataclass
class Hit:
    """One work that matched, with the chapters that matched and their snippets."""

    id: str
    title: str = ""
    authors: list[str] = field(default_factory=list)
    fandoms: list[str] = field(default_factory=list)
    score: float = 0.0
    words: int = 0
    status: str = ""
    updated: str = ""
    matches: list[Match] = field(default_factory=list)
    # The rest of the work's indexed metadata (summary, characters, kudos, …), by field.
    fields: dict[str, Any] = field(default_factory=dict)

    @property
    def chapters(self) -> list[int]:
        """The chapters the match is in (a metadata match, chapter 0, names none)."""
        return [m.chapter for m in self.matches if m.chapter]

    def to_dict(self) -> dict[str, Any]:
        """The `search --json` line (a promise: extend, never break)."""
        return {
            "id": self.id,
            "title": self.title,
            "authors": self.authors,
            "fandoms": self.fandoms,
            "score": round(self.score, 4),
            "chapters": self.chapters,
            "snippets": [m.snippet for m in self.matches if m.snippet],
            "matches": [
                {"chapter": m.chapter, "snippet": m.snippet, "source": m.source}
                for m in self.matches
            ],
            "words": self.words,
            "status": self.status,
            "updated": self.updated or None,
            "kudos": self.fields.get("kudos"),
            "hits": self.fields.get("hits"),
            "chapter_count": self.fields.get("chapters"),
            "chapters_total": self.fields.get("chapters_total"),
        }


@dataclass
class SearchResult:
    total: int
    hits: list[Hit]
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    # When nothing matched: the query with its misspelt words corrected, which does match
    # ("holmse" -> "holmes"); None otherwise. The CLI and the web library offer it.
    suggestion: str | None = None
