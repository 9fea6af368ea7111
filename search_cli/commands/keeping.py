"""Commands that carry works out or look after the archive: export, remove, doctor, demo."""

from __future__ import annotations

import dataclasses
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from crawler.errors import UsageError
from search_cli import render_export
from search_cli.cli import JsonOpt, app, guarded, state_of
from search_cli.commands.reading import NO_FILTERS, request_of
from search_cli.export import format_help, format_names
from search_cli.options import Filters, with_filters
from search_cli.render import RichProgress, out, print_json, safe


@app.command()
@guarded
@with_filters
def export(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="Export every work this search query matches.")] = "",
    filters: Filters = NO_FILTERS,
    ids: Annotated[
        list[str] | None, typer.Option("--id", help="Export this work id (repeatable).")
    ] = None,
    all_works: Annotated[
        bool, typer.Option("--all", help="Export every work in the archive.")
    ] = False,
    fmt: Annotated[str, typer.Option("--format", "-f", help=f"{format_help()}.")] = "epub",
    out_dir: Annotated[
        Path, typer.Option("--out", "-o", help="Folder to write into (made if missing).")
    ] = Path("export"),
    notes: Annotated[bool, typer.Option("--notes/--no-notes", help="Include author notes.")] = True,
    one_file: Annotated[
        bool,
        typer.Option("--one-file", help="All works in one file: an anthology EPUB, JSON lines, …"),
    ] = False,
    title: Annotated[
        str | None,
        typer.Option(help="Title (and file name) of the --one-file anthology."),
    ] = None,
    overwrite: Annotated[
        bool, typer.Option("--overwrite", help="Replace existing files (else they are kept).")
    ] = False,
    changed: Annotated[
        bool,
        typer.Option(
            "--changed",
            help="Write only works new or changed since their last export into --out"
            " (replacing the stale file); the rest are left as they are.",
        ),
    ] = False,
    removed: Annotated[
        bool,
        typer.Option(
            "--removed/--no-removed",
            help="Keep chapters removed upstream (marked so) or leave them out.",
        ),
    ] = True,
    version: Annotated[
        int | None,
        typer.Option("--version", metavar="N", help="Export version N of the one --id work."),
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """Export works (a query, search filters, --id or --all) to EPUB, HTML, Markdown, text or JSON."""
    fmt = fmt.lower()
    if fmt not in format_names():
        raise UsageError(f"--format {fmt!r} is not one of: {format_help()}")
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"--out {out_dir} is a file; give a folder")
    if title is not None and not one_file:
        raise UsageError("--title names the --one-file anthology; add --one-file")
    if changed and (one_file or overwrite):
        other = "--one-file" if one_file else "--overwrite"
        raise UsageError(f"--changed writes each work's own file when it changed; drop {other}")
    with state_of(ctx).archive() as archive:
        named = [archive.resolve(i) for i in ids or []]
        wanted = archive.select(request_of(query, filters), named, everything=all_works)
        if version is not None and len(wanted) != 1:
            raise UsageError("--version N exports one work: give exactly one --id")
        archived = {i: d for i in wanted if (d := archive.archived_on(i))}
        works = _reader(archive, version, removed)
        with RichProgress(not json_out) as progress:
            report = _write(works, wanted, fmt, out_dir, progress, archived, notes=notes,
                            overwrite=overwrite, one_file=one_file, title=title, changed=changed,
                            record=archive.dir / "exports.json")  # fmt: skip
    if json_out:
        print_json(report.to_dict())
    elif not wanted:
        out.print(f"No works match {safe(query or filters.describe())}; nothing exported.")
    else:
        render_export.export_summary(report)
    raise typer.Exit(report.exit_code)


def _reader(archive, version: int | None, removed: bool):
    """The works to write: as readers see them (chapters removed upstream kept, or not),
    or one exact version."""

    def works(ids: list[str]):
        if version is not None:
            archive.diff(ids[0], version, version)  # refuses a version that is not there
            yield archive.get_work(ids[0], version)
            return
        for work in archive.iter_works(ids):
            if not removed:
                work = dataclasses.replace(
                    work, chapters=[c for c in work.chapters if not c.removed_at]
                )
            yield work

    return works


def _write(
    read, wanted, fmt, out_dir, progress, archived, *, notes, overwrite, one_file, title, changed,
    record,
):  # fmt: skip
    """Each work in its own file, or (--one-file) all of them in one."""
    from search_cli.export.batch import export_each, export_one_file

    if one_file and wanted:
        progress.start(len(wanted), "reading")
        works = []
        for work in read(wanted):
            works.append(work)
            progress.step(work.title)
        progress.start(None, f"writing {fmt}")
        today = datetime.now(UTC).date().isoformat()
        return export_one_file(
            works,
            fmt,
            out_dir,
            title=title or f"ficarchive reading list {today}",
            notes=notes,
            overwrite=overwrite,
            archived=archived,
        )
    progress.start(len(wanted), f"exporting {fmt}")
    return export_each(
        read(wanted),
        fmt,
        out_dir,
        notes=notes,
        overwrite=overwrite,
        changed=changed,
        record=record,
        archived=archived,
        on_done=lambda o: progress.step(o.title or o.id),
    )


@app.command()
@guarded
def remove(
    ctx: typer.Context,
    ids: Annotated[list[str], typer.Argument(help="Work ids to remove from the archive.")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask first.")] = False,
) -> None:
    """Remove works from the archive for good (text, notes, raw pages and index entries)."""
    state = state_of(ctx)
    with state.archive() as archive:
        works = {i: archive.get_work(i) for i in dict.fromkeys(map(archive.resolve, ids))}
        unknown = [i for i, w in works.items() if w is None]
        if unknown:
            raise UsageError(f"no work {unknown[0]!r} in {state.config.archive_dir}")
        known = list(works)
        if not yes:
            _confirm(works)
        archive.remove(known)
    out.print(f"removed {len(known)} work(s)")


def _confirm(works: dict) -> None:
    for work_id, work in works.items():
        gone = " [yellow](gone upstream: this may be the only copy left)[/]"
        gone = gone if work.meta.status == "gone" else ""
        out.print(f"  {safe(work_id)}  {safe(work.title)}{gone}")
    if not sys.stdin.isatty():
        raise UsageError("nothing removed: confirm on a terminal, or add --yes")
    if not typer.confirm(f"Remove these {len(works)} work(s) for good?", default=False):
        out.print("nothing removed")
        raise typer.Exit(1)


@app.command()
@guarded
def doctor(
    ctx: typer.Context,
    repair: Annotated[
        bool, typer.Option("--repair/--check-only", help="Repair what is safe to repair.")
    ] = True,
    json_out: JsonOpt = False,
) -> None:
    """Check store integrity, index and store agreement, and orphaned raw pages."""
    with state_of(ctx).archive() as archive:
        report = archive.doctor(repair=repair)
    if json_out:
        print_json(report.to_dict())
    else:
        for c in report.checks:
            mark = (
                "[green]ok[/]"
                if c.ok
                else ("[yellow]repaired[/]" if c.repaired else "[red]problem[/]")
            )
            out.print(f"{mark:>20}  {c.name}: {safe(c.detail)}")
    raise typer.Exit(0 if report.healthy else 1)


@app.command()
@guarded
def demo(
    directory: Annotated[
        Path, typer.Option("--dir", help="Where to put the demo archive and exports.")
    ] = Path("demo-archive"),
    serve: Annotated[
        bool, typer.Option("--serve", help="Then serve the demo archive (web library, OPDS).")
    ] = False,
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port for --serve.")] = 8080,
) -> None:
    """Run the whole pipeline on the built-in sample archive (served on 127.0.0.1)."""
    from search_cli.demo.run import run_demo

    code = run_demo(directory)
    if serve and code == 0:
        from crawler.config import load_config
        from search_cli.commands.serving import serve_archive

        serve_archive(load_config(directory / "config.toml"), port=port)
    raise typer.Exit(code)
