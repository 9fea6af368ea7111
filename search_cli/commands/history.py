"""Commands that show what the archive kept as works changed upstream: versions, diff."""

from __future__ import annotations

from typing import Annotated

import typer

from search_cli import render
from search_cli.cli import JsonOpt, app, guarded, state_of
from search_cli.render import out, print_json, safe

IdArg = Annotated[str, typer.Argument(help="A work id such as ao3:1234567.")]


@app.command()
@guarded
def versions(
    ctx: typer.Context,
    work_id: IdArg,
    use: Annotated[
        int | None,
        typer.Option("--use", metavar="N", help="Readers see version N from now on."),
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """List every kept version of a work; --use N shows readers that one."""
    with state_of(ctx).archive() as archive:
        work_id = archive.resolve(work_id)
        if use is not None:
            change = archive.use_version(work_id, use)
            if json_out:
                print_json(change.to_dict())
            else:
                out.print(f"{safe(work_id)}: readers now see version {use}")
            return
        found = archive.versions(work_id)
        if not found:
            from crawler.errors import UsageError

            raise UsageError(f"no work {work_id!r} in the archive; `ficarchive search` finds ids")
    if json_out:
        print_json({"id": work_id, "versions": [v.to_dict() for v in found]})
    else:
        render.versions_table(work_id, found)


@app.command()
@guarded
def diff(
    ctx: typer.Context,
    work_id: IdArg,
    old: Annotated[
        int | None, typer.Argument(help="The older version (default: the one before the newest).")
    ] = None,
    new: Annotated[
        int | None, typer.Argument(help="The newer version (default: the newest).")
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """Which chapters were added, removed or changed between two versions, word by word."""
    with state_of(ctx).archive() as archive:
        found = archive.diff(archive.resolve(work_id), old, new)
    if json_out:
        print_json(found.to_dict())
    else:
        render.version_diff(found)
