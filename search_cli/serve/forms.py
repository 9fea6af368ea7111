"""What a page asks for, read from its URL or form, and the URLs that change one thing.

A search is a URL: `/search?q=…&fandom=…&sort=…&page=…`, the filter names those of the
command line (`--fandom`, `--character`, …), so every link the pages draw (a facet, a
tag, a sort, a page) is the same search with one thing added, dropped or changed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from urllib.parse import parse_qsl, quote, urlencode

from index.search import SORTS, SearchRequest
from search_cli.options import FILTERS

PER_PAGE = 20
MAX_PAGE = 10_000
SCOPES = ("story", "notes", "all")

# A facet the backend counts -> the filter a click on it adds, and its heading.
FACETS: dict[str, tuple[str, str]] = {
    "rating": ("rating", "Rating"),
    "warnings": ("warning", "Warnings"),
    "categories": ("category", "Categories"),
    "fandoms": ("fandom", "Fandoms"),
    "characters": ("character", "Characters"),
    "relationships": ("relationship", "Relationships"),
    "tags": ("tag", "Additional tags"),
    "language": ("lang", "Language"),
    "status": ("status", "Status"),
}
WORD_RANGES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Under 1,000", ("<1000",)),
    ("1,000 to 10,000", (">=1000", "<10000")),
    ("10,000 to 50,000", (">=10000", "<50000")),
    ("50,000 and over", (">=50000",)),
)
SORTS_SHOWN = tuple(
    (name, label)
    for name, label in (
        ("relevance", "Best match"),
        ("updated", "Date updated"),
        ("published", "Date published"),
        ("words", "Word count"),
        ("kudos", "Kudos"),
        ("hits", "Hits"),
        ("title", "Title"),
    )
    if name in SORTS
)
MARK_LABELS = {"to-read": "To read", "reading": "Reading", "read": "Read", "dropped": "Dropped"}
STATUSES = (("complete", "Complete"), ("in_progress", "In progress"), ("gone", "Gone upstream"))


# Filters whose values are numbers, dates or keywords: passed on as they are.
EXACT_FILTERS = (
    "words",
    "chapters",
    "kudos",
    "hits",
    "updated",
    "published",
    "status",
    "complete",
    "site",
)
# What the query checker reads as syntax inside a filter value ("Prompt: light", "Smut :)",
# '"><img…'); none of it is part of a word, so the words searched for stay the same.
_SYNTAX = re.compile(r'["()*?]|(?<=\w):')


def literal(name: str, value: str) -> str:
    """A tag, name or title as a filter value the query checker takes word for word."""
    if name in EXACT_FILTERS:
        return value
    words = _SYNTAX.sub(" ", value).lstrip("<>= ").split()
    if words and words[0] in ("AND", "OR"):
        words[0] = words[0].lower()  # words are case-folded: the same search
    if words and words[-1] in ("AND", "OR", "NOT"):
        words[-1] = words[-1].lower()
    return " ".join(words) or value


def work_path(work_id: str, *rest: str | int) -> str:
    """/works/<id>[/…]; an id keeps its colons, anything else unsafe is escaped."""
    tail = "".join(f"/{quote(str(part), safe='')}" for part in rest)
    return f"/works/{quote(work_id, safe=':')}{tail}"


def local_path(target: str | None, default: str = "/") -> str:
    """A redirect target on this site only: a path, never `//host` or a scheme."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


def form_fields(body: bytes) -> dict[str, str]:
    """An urlencoded form body as its last value per name (no multipart: the app never
    takes uploads)."""
    return dict(parse_qsl(body.decode("utf-8", errors="replace"), keep_blank_values=True))


@dataclass(frozen=True)
class SearchForm:
    """One search as the reader asked it in the URL."""

    q: str = ""
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    sort: str = ""
    page: int = 1
    scope: str = "story"
    in_text: bool = False

    @classmethod
    def from_params(cls, params: Iterable[tuple[str, str]]) -> SearchForm:
        found: dict[str, list[str]] = {}
        single: dict[str, str] = {}
        for key, value in params:
            value = value.strip()
            if key in FILTERS and value:
                if value not in found.setdefault(key, []):
                    found[key].append(value)
            elif key in ("q", "sort", "page", "in", "in_text"):
                single[key] = value
        try:
            page = min(max(int(single.get("page") or 1), 1), MAX_PAGE)
        except ValueError:
            page = 1
        return cls(
            q=single.get("q", ""),
            filters={k: tuple(v) for k, v in found.items()},
            sort=single.get("sort", ""),
            page=page,
            scope=single.get("in", "story") if single.get("in") in SCOPES else "story",
            in_text=single.get("in_text", "") in ("1", "yes", "on", "true"),
        )

    @property
    def asked(self) -> bool:
        return bool(self.q.strip() or self.filters)

    @property
    def sort_used(self) -> str:
        if self.sort in SORTS:
            return self.sort
        return "relevance" if self.q.strip() else "updated"

    def request(self, *, limit: int = PER_PAGE, facets: bool = True) -> SearchRequest:
        return SearchRequest(
            query=self.q,
            filters={k: [literal(k, x) for x in v] for k, v in self.filters.items()},
            in_text=self.in_text,
            scope=self.scope,
            sort=self.sort_used,
            limit=limit,
            page=self.page,
            facets=facets,
        )

    def params(self) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = [("q", self.q)] if self.q else []
        out += [(k, v) for k, vs in self.filters.items() for v in vs]
        if self.sort:
            out.append(("sort", self.sort))
        if self.scope != "story":
            out.append(("in", self.scope))
        if self.in_text:
            out.append(("in_text", "1"))
        if self.page > 1:
            out.append(("page", str(self.page)))
        return out

    def url(self, path: str = "/search") -> str:
        params = self.params()
        return f"{path}?{urlencode(params)}" if params else path

    # --- the same search, one thing changed (always back to page 1, but for paging) --------

    def adding(self, name: str, *values: str) -> SearchForm:
        filters = dict(self.filters)
        if name == "words":  # one word range at a time
            filters.pop("words", None)
        kept = filters.get(name, ())
        filters[name] = kept + tuple(v for v in values if v not in kept)
        return replace(self, filters=filters, page=1)

    def dropping(self, name: str, value: str | None = None) -> SearchForm:
        filters = dict(self.filters)
        left = () if value is None else tuple(v for v in filters.get(name, ()) if v != value)
        if left:
            filters[name] = left
        else:
            filters.pop(name, None)
        return replace(self, filters=filters, page=1)

    def sorted_by(self, sort: str) -> SearchForm:
        return replace(self, sort=sort, page=1)

    def on_page(self, page: int) -> SearchForm:
        return replace(self, page=page)

    def has(self, name: str, value: str) -> bool:
        return value in self.filters.get(name, ())


def search_url(path: str = "/search", **filters: str) -> str:
    """A fresh search for one filter value each (a tag on a work page, say)."""
    return SearchForm(filters={k: (v,) for k, v in filters.items()}).url(path)


@dataclass(frozen=True)
class Paging:
    """Where one page stands among all of them."""

    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max((self.total + self.per_page - 1) // self.per_page, 1)

    @property
    def first(self) -> int:
        return (self.page - 1) * self.per_page + 1 if self.total else 0

    @property
    def last(self) -> int:
        return min(self.page * self.per_page, self.total)

    @property
    def previous(self) -> int | None:
        return self.page - 1 if self.page > 1 else None

    @property
    def next(self) -> int | None:
        return self.page + 1 if self.page < self.pages else None

    def window(self, size: int = 2) -> list[int]:
        """Page numbers to link: the first, the last, and a few around this one."""
        near = range(max(self.page - size, 1), min(self.page + size, self.pages) + 1)
        return sorted({1, self.pages, *near})
