"""Search as the tests ask it: one call over an archive folder.

The library's front door is index.archive.Archive; backend tests ask the Whoosh
backend directly with a neutral SearchRequest, as the archive does.
"""

from __future__ import annotations

from pathlib import Path

from index.search import SearchRequest, SearchResult
from index.store import Store
from index.whoosh import WhooshBackend


def search(
    archive_dir: Path,
    query: str = "",
    *,
    filters: dict[str, list[str]] | None = None,
    store: Store | None = None,
    **options,
) -> SearchResult:
    """Run one request against the archive's index, reading snippets from its store."""
    request = SearchRequest(query=query, filters=filters or {}, **options)
    if store is not None:
        return WhooshBackend(archive_dir).search(request, store)
    with Store(archive_dir) as own:
        return WhooshBackend(archive_dir).search(request, own)


def whoosh_query(
    text: str,
    schema,
    filters: dict[str, list[str]] | None = None,
    *,
    pairs: bool = True,
    in_text: bool = False,
    scope: str = "story",
):
    """The Whoosh query a search runs for this text and these filters."""
    from index.ownquery import resolve
    from index.query import parse_query
    from index.whoosh.compile import compile_query

    tree = parse_query(text, filters, in_text=in_text, scope=scope)
    tree = resolve(tree, _NothingMarked())  # read:/mine: as an archive with no marks has them
    return compile_query(tree, schema, pairs=pairs)


class _NothingMarked:
    def marked(self, mark: str | None = None) -> set[str]:
        return set()

    def tagged(self, pattern: str) -> set[str]:
        return set()
