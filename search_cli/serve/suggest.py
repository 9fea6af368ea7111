"""A corrected spelling for a search that found nothing, offered only when it finds works.

The index layer knows the words the archive holds: a search result may carry its
own `suggestion` (a whole corrected query), or the archive may answer
`suggest(query)`. Whichever is there is asked; the web page never guesses words
itself. A correction is shown only when searching it finds something, with how
many works it finds, so the link never leads to a second empty page.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from crawler.errors import FicarchiveError
from search_cli.serve.forms import SearchForm


@dataclass(frozen=True)
class Suggestion:
    query: str
    total: int
    url: str


def corrected(archive, form: SearchForm, result) -> str | None:
    """The index layer's corrected query for this empty result, if it has one."""
    found = getattr(result, "suggestion", None)
    if found is None:
        suggest = getattr(archive, "suggest", None)
        found = suggest(form.q) if callable(suggest) else None
    found = (found or "").strip()
    return found if found and found != form.q.strip() else None


def suggestion(archive, form: SearchForm, result) -> Suggestion | None:
    """What to offer on a page that found nothing: the correction, if it finds works."""
    if result.total or not form.q.strip():
        return None
    query = corrected(archive, form, result)
    if query is None:
        return None
    better = replace(form, q=query, page=1)
    try:
        total = archive.search(better.request(limit=1, facets=False)).total
    except FicarchiveError:  # a correction the query language refuses is no help
        return None
    return Suggestion(query, total, better.url()) if total else None
