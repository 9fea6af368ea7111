"""Commands that read the archive: search, list, show, stats."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import Annotated

import typer

from crawler.errors import UsageError
from index.search import SORTS, SearchRequest
from search_cli import render, render_results, render_work
from search_cli.cli import JsonOpt, app, guarded, state_of
from search_cli.commands.yours import own_rows
from search_cli.options import Filters, with_filters
from search_cli.render import print_json

SortOpt = Annotated[str, typer.Option(help=f"One of: {', '.join(SORTS)}.")]
LIST_SORTS = tuple(s for s in SORTS if s != "relevance")  # a list has no query to rank by
ListSortOpt = Annotated[str, typer.Option(help=f"One of: {', '.join(LIST_SORTS)}.")]
OrderOpt = Annotated[
    bool | None,
    typer.Option(
        "--asc/--desc",
        help="Sort order (default: titles A to Z; best, newest, longest, most first).",
        show_default=False,
    ),
]
NO_FILTERS = Filters()  # a placeholder: with_filters puts the filter options in its place


def check_sort(sort: str, sorts: tuple[str, ...] = SORTS) -> None:
    if sort == "relevance" and sorts is LIST_SORTS:
        raise UsageError(
            "list has no query to rank by relevance; sort by one of: "
            f"{', '.join(LIST_SORTS)} (or `ficarchive search WORDS`)"
        )
    if sort not in sorts:
        raise UsageError(f"--sort {sort!r} is not one of: {', '.join(sorts)}")


def descending(ascending: bool | None) -> bool | None:
    """--asc/--desc as the request's order (None: the sort's own)."""
    return None if ascending is None else not ascending


def request_of(query: str, filters: Filters, **options) -> SearchRequest:
    """The neutral request for a query and the filter options."""
    return SearchRequest(
        query=query,
        filters=filters.fields,
        in_text=filters.in_text,
        scope=filters.scope,
        **options,
    )


@app.command()
@guarded
@with_filters
def search(
    ctx: typer.Context,
    query: Annotated[
        str, typer.Argument(help='Words, "phrases", OR, NOT, fields like character:holmes.')
    ] = "",
    filters: Filters = NO_FILTERS,
    facets: Annotated[
        bool,
        typer.Option(
            "--facets",
            help="Counts by rating, warning, category, fandom, ship, character, tag, language, status, site, words.",
        ),
    ] = False,
    sort: SortOpt = "relevance",
    ascending: OrderOpt = None,
    limit: Annotated[int, typer.Option(min=1, max=1000, help="Works per page.")] = 20,
    page: Annotated[int, typer.Option(min=1, help="Page of results.")] = 1,
    history: Annotated[
        bool,
        typer.Option("--history", help="Also text found only in older versions of works."),
    ] = False,
    json_out: JsonOpt = False,
) -> None:
    """Search the archive: full text (exact phrases too), characters, tags and more."""
    check_sort(sort)
    if not query.strip() and not filters:
        raise UsageError("give a query or a filter, e.g. ficarchive search '\"exact phrase\"'")
    request = request_of(
        query,
        filters,
        limit=limit,
        page=page,
        sort=sort,
        descending=descending(ascending),
        facets=facets,
        history=history,
    )
    with state_of(ctx).archive() as archive:
        result = archive.search(request)
        own = archive.readers.layers([h.id for h in result.hits])
    shown = query or filters.describe()
    if json_out:
        print_hits(result, facets, query, own)
        return
    render_results.results_table(result, shown, page=page, limit=limit, sort=sort)
    if facets:  # after the results, so they stay on screen
        render_results.facet_tables(result.facets)
    if result.suggestion:
        sys.stdout.write(f"Did you mean: {again(query, result)}\n")  # whole, to paste


def print_hits(result, facets: bool, query: str = "", own=None) -> None:
    """--json: one line per work, then (asked) facet counts, then any suggestion."""
    for hit in result.hits:
        print_json({**hit.to_dict(), **(own[hit.id].to_dict() if own else {})})
    if facets:
        print_json({"facets": {k: dict(v) for k, v in result.facets.items()}})
    if result.suggestion:  # a last line with no `id`, like the facets line
        print_json({"suggestion": result.suggestion, "command": again(query, result)})


def again(query: str, result) -> str:
    """This very command line with the query replaced by the suggested one: the program
    as it was typed (`.venv/bin/ficarchive` stays that), so the line works when pasted."""
    prog = sys.argv[0] if Path(sys.argv[0]).name == "ficarchive" else "ficarchive"
    args = sys.argv[1:]
    where = args.index(query) if query in args else None
    if where is None:
        return shlex.join([prog, "search", result.suggestion])
    return shlex.join([prog, *args[:where], result.suggestion, *args[where + 1 :]])


@app.command()
@guarded
def show(
    ctx: typer.Context,
    work_id: Annotated[
        str, typer.Argument(help="A work id such as ao3:1234567 or file:0123456789ab.")
    ],
    notes: Annotated[bool, typer.Option("--notes/--no-notes", help="Show author notes.")] = True,
    chapter: Annotated[
        int | None, typer.Option("--chapter", metavar="N", min=1, help="Chapter N alone.")
    ] = None,
    version: Annotated[
        int | None,
        typer.Option(
            "--version", metavar="N", help="Version N exactly as it came (see `versions`)."
        ),
    ] = None,
    pager: Annotated[
        bool,
        typer.Option(
            "--pager/--no-pager", help="On a terminal, a long work goes through $PAGER or less."
        ),
    ] = True,
    json_out: JsonOpt = False,
) -> None:
    """Show one stored work: its metadata, notes and cleaned text (a long one in a pager)."""
    state = state_of(ctx)
    with state.archive() as archive:
        work_id = archive.resolve(work_id)  # `(ao3-123)` from an exported file's name too
        if version is not None:
            archive.diff(work_id, version, version)  # refuses a version that is not there
        work = archive.get_work(work_id, version)
        own = archive.readers.layer(work_id) if work is not None else None
    if work is None:
        raise UsageError(
            f"no work {work_id!r} in {state.config.archive_dir}; `ficarchive search` finds ids"
        )
    numbers = [ch.number for ch in work.chapters]
    if chapter is not None and chapter not in numbers:
        raise UsageError(f"{work_id} has no chapter {chapter}; its chapters are 1-{len(numbers)}")
    if json_out:
        data = work.to_dict()
        if chapter is not None:
            data["chapters"] = [c for c in data["chapters"] if c["number"] == chapter]
        if not notes:  # the same shape, the notes left empty (a promise: README)
            data["notes"] = []
            for one in data["chapters"]:
                one["notes"] = []
        print_json({**data, **own.to_dict()})
        return
    render_work.page_work(work, notes, chapter, pager=pager, own=own_rows(own))


@app.command("list")
@guarded
@with_filters(query=False)
def list_(
    ctx: typer.Context,
    filters: Filters = NO_FILTERS,
    sort: ListSortOpt = "title",
    ascending: OrderOpt = None,
    short: Annotated[
        bool, typer.Option("--short", "--oneline", "-s", help="One line per work.")
    ] = False,
    facets: Annotated[
        bool,
        typer.Option("--facets", help="Counts by rating, fandom, tag, … of the works listed."),
    ] = False,
    limit: Annotated[int, typer.Option(min=1, help="Works per page.")] = 50,
    page: Annotated[int, typer.Option(min=1, help="Page.")] = 1,
    series_gaps: Annotated[
        bool,
        typer.Option("--series-gaps", help="Series with parts missing from the archive, and why."),
    ] = False,
    json_out: JsonOpt = False,
) -> None:
    """List stored works, with the filters and sorts of search and no query."""
    if series_gaps:
        with state_of(ctx).archive() as archive:
            _print_gaps(archive.series_gaps(), json_out)
        return
    check_sort(sort, LIST_SORTS)
    request = request_of(
        "",
        filters,
        limit=limit,
        page=page,
        sort=sort,
        descending=descending(ascending),
        facets=facets,
    )
    with state_of(ctx).archive() as archive:
        result = archive.search(request)
        own = archive.readers.layers([h.id for h in result.hits])
    if json_out:
        print_hits(result, facets, own=own)
        return
    shown = filters.describe()
    if short:
        render_results.short_list(result, shown, page=page, limit=limit, sort=sort)
    else:
        render_results.results_table(result, shown, page=page, limit=limit, sort=sort, listing=True)
    if facets:
        render_results.facet_tables(result.facets)


def _print_gaps(gaps, json_out: bool) -> None:
    """One line per series with parts missing, then one per missing part."""
    if json_out:
        for gap in gaps:
            print_json(gap.to_dict())
        return
    if not gaps:
        render.out.print("No series in the archive has a part missing.")
    for gap in gaps:
        held = ", ".join(map(str, gap.held)) or "none"
        render.out.print(f"series {render.safe(gap.series_id)} {render.safe(repr(gap.name))}:"
                         f" parts held {held}")  # fmt: skip
        for part, why in gap.missing:
            render.out.print(f"  part {part} missing: {render.safe(why)}")


@app.command()
@guarded
def stats(ctx: typer.Context, json_out: JsonOpt = False) -> None:
    """Works, chapters and words by site, fandom and status; size on disk; last crawls."""
    with state_of(ctx).archive() as archive:
        data = archive.stats().to_dict()
    if json_out:
        print_json(data)
    else:
        render.stats_tables(data)
