"""Command-line options several commands share, defined once.

`search`, `list` and `export` all take every search filter. Typer reads a command's
options from its signature, so `with_filters` splices the filter options into the
signature in place of one `filters: Filters` parameter and hands the values over as one
object. A new filter added here reaches every such command.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any

import typer

from crawler.errors import UsageError

# Option name -> help. The names are the filter keys index.search understands.
FILTERS: dict[str, str] = {
    "character": "Only works with this character (repeatable).",
    "fandom": "Only works in this fandom (repeatable).",
    "relationship": "Only works with this relationship.",
    "tag": "Only works with this freeform tag.",
    "author": "Only works by this author.",
    "rating": "Rating: G, T, M, E, 'Not Rated' or AO3's full name.",
    "warning": "Only works with this warning.",
    "lang": "Only works in this language.",
    "site": "Only works from this site (ao3, file, …).",
    "status": "complete, in_progress or gone.",
    "words": "Word count: 5000, '>1k', '<5000', 300-400 or 1k-10k.",
    "chapters": "Chapter count: 1, '>=10' or 3-5.",
    "category": "Only works in this category (F/M, Gen, …).",
    "series": "Only works in this series.",
    "complete": "yes or no.",
    "updated": "Last updated: 2024, 2024-03 (the month) or '>=2020-01-15'.",
    "published": "First published, e.g. '<2015'.",
    "kudos": "Kudos: '>1k', 100-500, …",
    "hits": "Hits: '>10k', 1000-5000, …",
    "read": "Your reading mark: yes, no (not marked read), reading, to-read, dropped, unmarked.",
    "mine": "Only works with this private tag of yours (or AO3 bookmark tag; rec).",
}
IN_TEXT_HELP = "--character also matches the name in story text."
SCOPE_HELP = "Where words and phrases are looked for: story (default), notes (author notes) or all."
INCLUDE_NOTES_HELP = "Search author notes as well as the story (same as --in all)."


@dataclass(frozen=True)
class Filters:
    """The search filters given on the command line; empty ones left out."""

    fields: dict[str, list[str]] = field(default_factory=dict)
    in_text: bool = False
    scope: str = "story"

    def __bool__(self) -> bool:
        return bool(self.fields)

    def describe(self) -> str:
        """The filters as the user typed them, for titles ("--fandom Dracula")."""
        return " ".join(f"--{k} {v}" for k, vs in self.fields.items() for v in vs)


def _filter_parameters(query: bool = True, skip: tuple[str, ...] = ()) -> list[inspect.Parameter]:
    params = [
        inspect.Parameter(
            name,
            inspect.Parameter.POSITIONAL_OR_KEYWORD,
            default=None,
            annotation=Annotated[list[str] | None, typer.Option(help=help_text)],
        )
        for name, help_text in FILTERS.items()
        if name not in skip
    ]
    # (parameter, option, type, default, help): how the search looks, beside what it filters
    extras = (
        ("in_text", "--in-text", bool, False, IN_TEXT_HELP),
        ("scope", "--in", str, "story", SCOPE_HELP),
        ("include_notes", "--include-notes", bool, False, INCLUDE_NOTES_HELP),
    )
    params += [
        inspect.Parameter(
            name,
            inspect.Parameter.POSITIONAL_OR_KEYWORD,
            default=default,
            annotation=Annotated[
                kind, typer.Option(flag, help=help_text, hidden=not query and name != "in_text")
            ],
        )
        for name, flag, kind, default, help_text in extras
    ]
    return params


def with_filters(
    func: Callable[..., Any] | None = None, *, query: bool = True, skip: tuple[str, ...] = ()
) -> Any:
    """Give a command every search filter option, passed to it as `filters: Filters`
    (but those in `skip`: a command whose own option has that name).

    With query=False (`list`: no words to look for) --in and --include-notes are
    hidden from its help and refused, saying why, when given anyway."""
    if func is None:
        return functools.partial(with_filters, query=query, skip=skip)
    signature = inspect.signature(func, eval_str=True)
    if "filters" not in signature.parameters:
        raise TypeError(f"{func.__name__} needs a `filters` parameter to receive the filters")
    params: list[inspect.Parameter] = []
    for param in signature.parameters.values():
        params += _filter_parameters(query, skip) if param.name == "filters" else [param]

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        values = {name: kwargs.pop(name, None) for name in FILTERS if name not in skip}
        in_text = bool(kwargs.pop("in_text", False))
        scope = kwargs.pop("scope", "story") or "story"
        if kwargs.pop("include_notes", False):
            scope = "all" if scope == "story" else scope
        if not query and scope != "story":
            raise UsageError(
                "--in and --include-notes say where a query's words are looked for, and list"
                " has no query: use `ficarchive search WORDS --in notes`"
            )
        filters = Filters({k: list(v) for k, v in values.items() if v}, in_text, scope)
        return func(*args, filters=filters, **kwargs)

    wrapper.__signature__ = signature.replace(parameters=params)  # type: ignore[attr-defined]
    wrapper.__annotations__ = {p.name: p.annotation for p in params}
    return wrapper
