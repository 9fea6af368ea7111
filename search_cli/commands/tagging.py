"""`tags`: what a tag resolves to, and fetching AO3's tag synonyms."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from crawler.errors import UsageError
from search_cli.cli import JsonOpt, app, archiving, guarded, state_of
from search_cli.render import err, print_json, safe


@app.command()
@guarded
def tags(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="A tag: shows its canonical tag and synonyms.")] = "",
    refresh: Annotated[
        bool,
        typer.Option(
            "--refresh",
            help="Fetch AO3's tag pages (politely) for the tags of archived works, "
            "where not fetched within \\[tags] refresh_after_days.",
        ),
    ] = False,
    json_out: JsonOpt = False,
) -> None:
    """What a tag resolves to (AO3's synonyms and the config's \\[synonyms]); --refresh fetches them."""
    if not name.strip() and not refresh:
        raise UsageError(
            "give a tag NAME (ficarchive tags 'Fluff'), or --refresh to fetch synonyms"
        )
    state = state_of(ctx)
    report = None
    with archiving(state, json_out, lock=refresh) as archive:
        if refresh:  # one tag page every delay_seconds: a bar says which, on a terminal
            archive.progress.start(None, "fetching AO3 tag pages")
            step = getattr(archive.progress, "step", None)
            report = archive.tags.refresh(archive.client, progress=step)
        found = archive.tags.resolve(name.strip()) if name.strip() else None
    if json_out:
        data = {**({"refresh": report.to_dict()} if report else {})}
        print_json({**data, **found.to_dict()} if found else data)
    else:
        if report is not None:
            _print_refresh(report, state.config.tags.refresh_after_days)
        if found is not None:
            _print_resolution(found)
    raise typer.Exit(1 if report is not None and report.errors else 0)


def _print_refresh(report, days: int) -> None:
    """A tagcache.RefreshReport as one line, then its errors."""
    line = f"fetched {len(report.fetched)} tag page(s); {report.fresh} fetched within {days} days"
    if report.unknown:
        line += f"; {len(report.unknown)} unknown to AO3"
    sys.stdout.write(line + "\n")
    for error in report.errors:
        err.print(f"[red]error:[/] {safe(error)}")


def _print_resolution(found) -> None:
    """A synonyms.Resolution: the canonical tag, each synonym, and who said so."""
    lines = [found.name]
    if found.source == "none":
        lines.append(
            "  no synonyms known (`ficarchive tags --refresh` asks AO3; [synonyms] in the config)"
        )
    else:
        where = {"site": "AO3 tag page", "config": "[synonyms] in the config"}
        said = " and ".join(where[s] for s in found.source.split("+"))
        if found.sites:
            said += f" ({', '.join(found.sites)}" + (
                f", fetched {found.fetched_at[:10]})" if found.fetched_at else ")"
            )
        lines.append(f"  canonical: {found.canonical}")
        if found.category:
            lines.append(f"  category: {found.category}")
        lines += [f"  synonym: {s}" for s in found.synonyms]
        lines.append(f"  from: {said}")
    sys.stdout.write("\n".join(lines) + "\n")
