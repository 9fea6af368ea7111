"""Commands that bring works in: crawl, add, import, update, index."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from crawler.errors import UsageError
from crawler.sites import ADAPTERS
from index.planning import Budget
from search_cli import render
from search_cli.cli import JsonOpt, app, archiving, finish_report, guarded, state_of
from search_cli.commands.editing import (
    AuthorOpt,
    CharacterOpt,
    FandomOpt,
    RelationshipOpt,
    TitleOpt,
    make_edit,
)
from search_cli.commands.reading import NO_FILTERS, request_of
from search_cli.durations import parse_duration
from search_cli.options import Filters, with_filters
from search_cli.render import err, out, print_json, safe


@app.command()
@guarded
def crawl(
    ctx: typer.Context,
    sources: Annotated[
        list[str] | None, typer.Argument(help="Source names from config.toml (default: all).")
    ] = None,
    max_works: Annotated[
        int | None, typer.Option(min=1, help="At most this many works per source.")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Read listings only; say what would be fetched.")
    ] = False,
    json_out: JsonOpt = False,
) -> None:
    """Crawl the sources in config.toml politely; store, clean and index new and changed works."""
    state = state_of(ctx)
    with archiving(state, json_out) as archive:
        chosen = archive.sources(sources or [])
        report = archive.crawl(chosen, max_works=max_works, dry_run=dry_run)
    if dry_run and not json_out:
        out.print(f"{len(report.planned)} work(s) would be fetched:")
        for url in report.planned:  # the title as the listing shows it, then where it is
            title = report.planned_titles.get(url)
            out.print(f"  [bold]{safe(title)}[/]  {safe(url)}" if title else f"  {safe(url)}")
    raise typer.Exit(finish_report(report, json_out, "crawl"))


@app.command()
@guarded
def add(
    ctx: typer.Context,
    urls: Annotated[list[str], typer.Argument(help="Work URLs on a configured archive.")],
    json_out: JsonOpt = False,
) -> None:
    """Fetch works by URL and store them (a stored work is refreshed, not duplicated)."""
    with archiving(state_of(ctx), json_out) as archive:
        report = archive.add(urls)
    if not json_out:
        for o in report.outcomes:
            if o.id and o.result in ("new", "updated", "unchanged"):
                out.print(o.id)
    raise typer.Exit(finish_report(report, json_out, "add"))


@app.command("import")
@guarded
def import_(
    ctx: typer.Context,
    paths: Annotated[
        list[Path],
        typer.Argument(help="Story files (.txt, .html, saved site pages, .epub) or folders."),
    ],
    title: TitleOpt = None,
    author: AuthorOpt = None,
    fandom: FandomOpt = None,
    character: CharacterOpt = None,
    relationship: RelationshipOpt = None,
    tag: Annotated[list[str] | None, typer.Option("--tag", help="A tag (repeat).")] = None,
    json_out: JsonOpt = False,
) -> None:
    """Import story files and folders (saved pages go to their site, EPUBs are read whole);
    prints the id of each and a summary. --title, --author... set what a file does not
    say (kept apart from the file's own metadata, as `ficarchive edit` does)."""
    change = make_edit(title, author, fandom, character, relationship, tag)
    with archiving(state_of(ctx), json_out, lock=False) as archive:
        report = archive.import_paths(paths, change)
    if json_out:
        print_json(report.to_dict())
    else:
        for o in report.outcomes:
            if o.result == "failed":
                err.print(f"[red]error:[/] {safe(o.reason)}")
            else:
                out.print(o.id)
                if o.result == "unchanged":
                    err.print(f"unchanged ({safe(o.reason)})")
        if len(report.outcomes) > 1:
            counts = {k: v for k, v in report.counts().items() if v}
            err.print("imported: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
    raise typer.Exit(report.exit_code)


@app.command()
@guarded
def index(
    ctx: typer.Context,
    rebuild: Annotated[
        bool,
        typer.Option(
            "--rebuild", help="Re-clean every stored raw page and rebuild the index (offline)."
        ),
    ] = False,
    json_out: JsonOpt = False,
) -> None:
    """Bring the search index up to date with the store (no network)."""
    with archiving(state_of(ctx), json_out, lock=False) as archive:
        if rebuild:
            report = archive.rebuild()
            count = len(report.outcomes)
        else:
            report = None
            count = archive.index_pending()
    if json_out:
        print_json({"indexed": count, "rebuilt": rebuild, **(report.to_dict() if report else {})})
    else:
        if report is not None:
            render.report_table(report, "re-clean")
        out.print(f"indexed {count} work(s)")
    raise typer.Exit(report.exit_code if report else 0)


def _targets(archive, targets: list[str]) -> tuple[list[str] | None, str]:
    """Ids when every argument names a work (`ao3:123`, `(ao3-123)`), else one query."""
    if not targets:
        return None, ""
    prefixes = {cls.id_prefix for cls in ADAPTERS.values()}
    ids = [archive.resolve(t) for t in targets]
    if all(archive.has(i) or i.partition(":")[0] in prefixes for i in ids):
        return ids, ""
    return None, " ".join(targets)


@app.command()
@guarded
@with_filters(skip=("series",))  # --series here: read series pages
def update(
    ctx: typer.Context,
    targets: Annotated[
        list[str] | None,
        typer.Argument(
            help="Work ids, or a query in the search language (fandom:Dracula) choosing"
            " the works; none: works in progress and completed works not checked lately."
        ),
    ] = None,
    filters: Filters = NO_FILTERS,
    all_works: Annotated[bool, typer.Option("--all", help="Re-check every stored work.")] = False,
    checked_before: Annotated[
        str | None,
        typer.Option("--checked-before", help="Only works not checked for this long: 30d, 12h."),
    ] = None,
    max_requests: Annotated[
        int | None,
        typer.Option(min=1, help="Stop before passing this many requests; the rest wait."),
    ] = None,
    for_: Annotated[
        str | None,
        typer.Option("--for", help="Stop after this long (1h, 30m); the rest wait, pending."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the plan (works, requests, time) only.")
    ] = False,
    series: Annotated[
        bool,
        typer.Option("--series", help="Also read the chosen works' series pages; fetch new parts."),
    ] = False,
    one_by_one: Annotated[
        bool,
        typer.Option(
            "--one-by-one",
            help="Ask every work by its own page, trusting no listing (finds a work gone"
            " upstream that a listing still shows).",
        ),
    ] = False,
    json_out: JsonOpt = False,
) -> None:
    """Re-check stored works upstream and report new chapters (gone works are kept).

    Listings that show many works' dates and chapter counts are asked first (AO3: the
    author's works, series pages); a work is fetched only when they show a change.
    """
    targets = targets or []
    if all_works and (targets or filters):
        raise UsageError("--all re-checks every work; drop it to update what you named")
    before = parse_duration(checked_before, "--checked-before") if checked_before else None
    budget = Budget(max_requests, parse_duration(for_, "--for", "h") if for_ else None)
    with archiving(state_of(ctx), json_out, lock=not dry_run) as archive:
        named, query = _targets(archive, targets)
        if query or filters:
            named = archive.select(request_of(query, filters), [])
        choice = archive.choose_update(named, everything=all_works, checked_before=before)
        prepared = archive.prepare_update(choice, series=series, cheap=not one_by_one)
        if not json_out:
            said = f" ({choice.said})" if choice.said else ""
            err.print(f"plan: {safe(prepared.plan.describe() + said)}")
        if dry_run:
            if json_out:
                print_json({"plan": prepared.plan.to_dict()})
            raise typer.Exit(0)
        report = archive.run_update(prepared, budget)
    raise typer.Exit(finish_report(report, json_out, "update"))
