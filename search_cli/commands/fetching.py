"""Commands that bring works in: crawl, add, import, update, index."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from crawler.errors import UsageError
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


@app.command()
@guarded
def update(
    ctx: typer.Context,
    ids: Annotated[list[str] | None, typer.Argument(help="Work ids to re-check.")] = None,
    all_works: Annotated[bool, typer.Option("--all", help="Re-check every stored work.")] = False,
    json_out: JsonOpt = False,
) -> None:
    """Re-check stored works upstream and report new chapters (gone works are kept)."""
    if not ids and not all_works:
        raise UsageError("name work ids to update, or use --all")
    with archiving(state_of(ctx), json_out) as archive:
        chosen = archive.work_ids() if all_works else [archive.resolve(i) for i in ids]
        report = archive.update(chosen)
    raise typer.Exit(finish_report(report, json_out, "update"))
