"""The `ficarchive` command: a thin typer layer over the library.

Library errors (FicarchiveError) become one line on stderr and an exit code:
0 success, 1 a failure during work, 2 a usage or config error.
"""

from __future__ import annotations

import contextlib
import functools
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from crawler import __version__
from crawler.config import Config, load_config
from crawler.errors import FicarchiveError, UsageError
from crawler.pipeline import Archiver, require_sources
from index.search import SORTS
from index.search import search as run_search
from index.store import Store, archive_stats, crawl_lock
from search_cli import render
from search_cli.options import Filters, with_filters
from search_cli.render import RichProgress, err, out, print_json, safe

app = typer.Typer(
    name="ficarchive",
    help="Keep a personal, offline, searchable archive of fan fiction.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def guarded(func: Callable) -> Callable:
    """Library errors become one line on stderr and their exit code; tracebacks are for bugs."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except FicarchiveError as exc:
            err.print(f"[red]error:[/] {safe(exc)}")
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            err.print("interrupted; everything stored so far is kept")
            raise typer.Exit(130) from None
        except OSError as exc:  # the disk, or a damaged index file Whoosh could not read
            err.print(
                f"[red]error:[/] {safe(exc)}; if the search index is damaged,"
                " `ficarchive doctor` repairs it (the store is not touched)"
            )
            raise typer.Exit(1) from None

    return wrapper


@dataclass
class State:
    config_path: Path | None = None
    _config: Config | None = None

    @property
    def config(self) -> Config:
        if self._config is None:
            self._config = load_config(self.config_path)
        return self._config


def _state(ctx: typer.Context) -> State:
    return ctx.ensure_object(State)


def _version(value: bool) -> None:
    if value:
        out.print(f"ficarchive {__version__}")
        raise typer.Exit(0)


@app.callback()
def main_options(
    ctx: typer.Context,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            "-c",
            help="Config file (default: $FICARCHIVE_CONFIG, then ./config.toml, then built-in defaults).",
        ),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    """Keep a personal, offline, searchable archive of fan fiction."""
    ctx.obj = State(config)


JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable JSON output.")]


@contextlib.contextmanager
def _archiving(state: State, json_out: bool, *, lock: bool = True):
    """An Archiver over the store with a progress bar, under the crawl lock for
    commands that fetch (one crawl per archive), closed however the work ends."""
    with (
        crawl_lock(state.config.archive_dir) if lock else contextlib.nullcontext(),
        RichProgress(not json_out) as progress,
    ):
        if lock and not state.config.archive.contact:
            err.print(
                "[yellow]note:[/] no [archive] contact in the config: archive admins cannot"
                " reach you through the User-Agent; please add an email or URL"
            )
        store = Store(state.config.archive_dir)
        archiver = Archiver(state.config, store, progress=progress)
        try:
            yield archiver, store
        finally:
            archiver.close()
            store.close()


def _finish_report(report, json_out: bool, title: str) -> int:
    if json_out:
        print_json(report.to_dict())
    else:
        render.report_table(report, title)
    return report.exit_code


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
    state = _state(ctx)
    chosen = require_sources(state.config, sources or [])
    with _archiving(state, json_out) as (archiver, store):
        report = archiver.crawl(chosen, max_works=max_works, dry_run=dry_run)
    if dry_run and not json_out:
        out.print(f"{len(report.planned)} work(s) would be fetched:")
        for url in report.planned:
            out.print(f"  {safe(url)}")
    raise typer.Exit(_finish_report(report, json_out, "crawl"))


@app.command()
@guarded
def add(
    ctx: typer.Context,
    urls: Annotated[list[str], typer.Argument(help="Work URLs on a configured archive.")],
    json_out: JsonOpt = False,
) -> None:
    """Fetch works by URL and store them (a stored work is refreshed, not duplicated)."""
    state = _state(ctx)
    with _archiving(state, json_out) as (archiver, store):
        report = archiver.add(urls)
    if not json_out:
        for o in report.outcomes:
            if o.id and o.result in ("new", "updated", "unchanged"):
                out.print(o.id)
    raise typer.Exit(_finish_report(report, json_out, "add"))


@app.command("import")
@guarded
def import_(
    ctx: typer.Context,
    paths: Annotated[list[Path], typer.Argument(help="Local .txt or .html story files.")],
    json_out: JsonOpt = False,
) -> None:
    """Import local story files (.txt, .html) into the archive; prints the id of each."""
    state = _state(ctx)
    with _archiving(state, json_out, lock=False) as (archiver, store):
        report = archiver.import_paths(paths)
    if json_out:
        print_json(report.to_dict())
    else:
        for o in report.outcomes:
            if o.result == "failed":
                err.print(f"[red]error:[/] {safe(o.reason)}")
            else:
                out.print(o.id)
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
    state = _state(ctx)
    with _archiving(state, json_out, lock=False) as (archiver, store):
        if rebuild:
            report = archiver.rebuild()
            count = len(report.outcomes)
        else:
            report = None
            count = archiver.index_pending()
    if json_out:
        print_json({"indexed": count, "rebuilt": rebuild, **(report.to_dict() if report else {})})
    else:
        if report is not None:
            render.report_table(report, "re-clean")
        out.print(f"indexed {count} work(s)")
    raise typer.Exit(report.exit_code if report else 0)


SortOpt = Annotated[str, typer.Option(help=f"One of: {', '.join(SORTS)}.")]
NO_FILTERS = Filters()  # a placeholder: with_filters puts the filter options in its place


def _check_sort(sort: str) -> None:
    if sort not in SORTS:
        raise UsageError(f"--sort {sort!r} is not one of: {', '.join(SORTS)}")


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
        bool, typer.Option("--facets", help="Counts by fandom, character, relationship, rating.")
    ] = False,
    sort: SortOpt = "relevance",
    limit: Annotated[int, typer.Option(min=1, max=1000, help="Works per page.")] = 20,
    page: Annotated[int, typer.Option(min=1, help="Page of results.")] = 1,
    json_out: JsonOpt = False,
) -> None:
    """Search the archive: full text (exact phrases too), characters, tags and more."""
    _check_sort(sort)
    if not query.strip() and not filters:
        raise UsageError("give a query or a filter, e.g. ficarchive search '\"exact phrase\"'")
    state = _state(ctx)
    with Store(state.config.archive_dir) as store:
        result = run_search(
            state.config.archive_dir,
            query,
            filters=filters.fields,
            limit=limit,
            page=page,
            sort=sort,
            store=store,
            in_text=filters.in_text,
            scope=filters.scope,
            facets=facets,
        )
    if json_out:
        for hit in result.hits:
            print_json(hit.to_dict())
        if facets:
            print_json({"facets": {k: dict(v) for k, v in result.facets.items()}})
    else:
        if facets:
            render.facet_tables(result.facets)
        render.results_table(result, query or filters.describe(), page=page, limit=limit)


@app.command()
@guarded
def show(
    ctx: typer.Context,
    work_id: Annotated[
        str, typer.Argument(help="A work id such as ao3:1234567 or file:0123456789ab.")
    ],
    notes: Annotated[bool, typer.Option("--notes/--no-notes", help="Show author notes.")] = True,
    json_out: JsonOpt = False,
) -> None:
    """Show one stored work: its metadata, notes and cleaned text."""
    state = _state(ctx)
    with Store(state.config.archive_dir) as store:
        work = store.get_work(work_id)
    if work is None:
        raise UsageError(
            f"no work {work_id!r} in {state.config.archive_dir}; `ficarchive search` finds ids"
        )
    if json_out:
        data = work.to_dict()
        if not notes:  # the same shape, the notes left empty
            data["notes"] = []
            for chapter in data["chapters"]:
                chapter["notes"] = []
        print_json(data)
    else:
        render.show_work(work, notes)


def _export_selection(
    store: Store,
    archive_dir: Path,
    query: str,
    filters: Filters,
    ids: list[str],
    all_works: bool,
) -> list[str]:
    """The ids to export, in order: --id ones first, then what the query matched."""
    if not (ids or all_works or query.strip() or filters):
        raise UsageError("nothing to export: give a query, a filter, --id or --all")
    if all_works and (query.strip() or filters):
        raise UsageError("--all exports every work; drop it to export what the query matches")
    unknown = [i for i in ids if store.work_row(i) is None]
    if unknown:
        raise UsageError(f"no work {unknown[0]!r} in {archive_dir}; `ficarchive search` finds ids")
    wanted = list(ids)
    if all_works:
        wanted += store.work_ids()
    elif query.strip() or filters:
        result = run_search(
            archive_dir,
            query,
            filters=filters.fields,
            in_text=filters.in_text,
            scope=filters.scope,
            limit=max(store.count(), 1),
            snippets_per_work=1,
            store=store,
        )
        wanted += [hit.id for hit in result.hits]
    return list(dict.fromkeys(wanted))


def _archived_on(store: Store, work_id: str) -> str | None:
    """The date the archive last took this work's text from its source."""
    row = store.work_row(work_id)
    return str(row["last_fetched"])[:10] if row and row.get("last_fetched") else None


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
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="epub, html, md, txt or json.")
    ] = "epub",
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
    json_out: JsonOpt = False,
) -> None:
    """Export works (a query, search filters, --id or --all) to EPUB, HTML, Markdown, text or JSON."""
    from search_cli.export import FORMATS
    from search_cli.export.batch import export_each, export_one_file

    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise UsageError(f"--format {fmt!r} is not one of: {', '.join(FORMATS)}")
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"--out {out_dir} is a file; give a folder")
    if title is not None and not one_file:
        raise UsageError("--title names the --one-file anthology; add --one-file")
    state = _state(ctx)
    archive_dir = state.config.archive_dir
    with Store(archive_dir) as store:
        wanted = _export_selection(store, archive_dir, query, filters, ids or [], all_works)
        archived = {i: d for i in wanted if (d := _archived_on(store, i))}
        with RichProgress(not json_out) as progress:
            if one_file and wanted:
                progress.start(len(wanted), "reading")
                works = []
                for work in store.iter_works(wanted):
                    works.append(work)
                    progress.step(work.title)
                progress.start(None, f"writing {fmt}")
                today = datetime.now(UTC).date().isoformat()
                report = export_one_file(
                    works,
                    fmt,
                    out_dir,
                    title=title or f"ficarchive reading list {today}",
                    notes=notes,
                    overwrite=overwrite,
                    archived=archived,
                )
            else:
                progress.start(len(wanted), f"exporting {fmt}")
                report = export_each(
                    store.iter_works(wanted),
                    fmt,
                    out_dir,
                    notes=notes,
                    overwrite=overwrite,
                    archived=archived,
                    on_done=lambda o: progress.step(o.title or o.id),
                )
    if json_out:
        print_json(report.to_dict())
    elif not wanted:
        out.print(f"No works match {safe(query or filters.describe())}; nothing exported.")
    else:
        render.export_summary(report)
    raise typer.Exit(report.exit_code)


@app.command()
@guarded
def update(
    ctx: typer.Context,
    ids: Annotated[list[str] | None, typer.Argument(help="Work ids to re-check.")] = None,
    all_works: Annotated[bool, typer.Option("--all", help="Re-check every stored work.")] = False,
    json_out: JsonOpt = False,
) -> None:
    """Re-check stored works upstream and report new chapters (gone works are kept)."""
    state = _state(ctx)
    if not ids and not all_works:
        raise UsageError("name work ids to update, or use --all")
    with _archiving(state, json_out) as (archiver, store):
        report = archiver.update(store.work_ids() if all_works else ids)
    raise typer.Exit(_finish_report(report, json_out, "update"))


@app.command()
@guarded
def remove(
    ctx: typer.Context,
    ids: Annotated[list[str], typer.Argument(help="Work ids to remove from the archive.")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask first.")] = False,
) -> None:
    """Remove works from the archive for good (text, notes, raw pages and index entries)."""
    state = _state(ctx)
    with Store(state.config.archive_dir) as store:
        works = {i: store.get_work(i) for i in dict.fromkeys(ids)}
        unknown = [i for i, w in works.items() if w is None]
        if unknown:
            raise UsageError(f"no work {unknown[0]!r} in {state.config.archive_dir}")
        known = list(works)
        if not yes:
            for work_id, work in works.items():
                gone = " [yellow](gone upstream: this may be the only copy left)[/]"
                gone = gone if work.meta.status == "gone" else ""
                out.print(f"  {safe(work_id)}  {safe(work.title)}{gone}")
            if not sys.stdin.isatty():
                raise UsageError("nothing removed: confirm on a terminal, or add --yes")
            if not typer.confirm(f"Remove these {len(known)} work(s) for good?", default=False):
                out.print("nothing removed")
                raise typer.Exit(1)
        for work_id in known:
            store.remove_work(work_id)
    from index.indexer import Indexer

    Indexer(state.config.archive_dir).update([], remove=known)
    out.print(f"removed {len(known)} work(s)")


@app.command("list")
@guarded
@with_filters
def list_(
    ctx: typer.Context,
    filters: Filters = NO_FILTERS,
    sort: SortOpt = "title",
    limit: Annotated[int, typer.Option(min=1, help="Works per page.")] = 50,
    page: Annotated[int, typer.Option(min=1, help="Page.")] = 1,
    json_out: JsonOpt = False,
) -> None:
    """List stored works, with the filters and sorts of search and no query."""
    _check_sort(sort)
    state = _state(ctx)
    with Store(state.config.archive_dir) as store:
        result = run_search(
            state.config.archive_dir,
            "",
            filters=filters.fields,
            in_text=filters.in_text,
            scope=filters.scope,
            limit=limit,
            page=page,
            sort=sort,
            store=store,
        )
    if json_out:
        for hit in result.hits:
            print_json(hit.to_dict())
    else:
        render.results_table(result, filters.describe(), page=page, limit=limit)


@app.command()
@guarded
def stats(ctx: typer.Context, json_out: JsonOpt = False) -> None:
    """Works, chapters and words by site, fandom and status; size on disk; last crawls."""
    state = _state(ctx)
    with Store(state.config.archive_dir) as store:
        data = archive_stats(store)
    if json_out:
        print_json(data)
    else:
        render.stats_tables(data)


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
    from index.doctor import diagnose

    state = _state(ctx)
    with Store(state.config.archive_dir) as store:
        report = diagnose(store, repair=repair)
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
) -> None:
    """Run the whole pipeline on the built-in sample archive (served on 127.0.0.1)."""
    from search_cli.demo.run import run_demo

    raise typer.Exit(run_demo(directory))


def main() -> None:
    """Entry point of the `ficarchive` command.

    Usage mistakes (an unknown option, a missing argument, --page 0) are one line
    on stderr with exit code 2, like every other error, not typer's boxed panel.
    """
    from typer._click import exceptions as click_errors

    try:
        code = app(standalone_mode=False)
    except click_errors.ClickException as exc:
        if type(exc).__name__ != "NoArgsIsHelpError":  # help was already printed
            ctx = getattr(exc, "ctx", None)
            hint = f" (see `{ctx.command_path} --help`)" if ctx is not None else ""
            err.print(f"[red]error:[/] {safe(' '.join(exc.format_message().split()))}{hint}")
        sys.exit(exc.exit_code)
    except typer.Abort:
        err.print("aborted; nothing was changed")
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
