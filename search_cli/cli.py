"""What every command shares: the typer app, the config state, and one-line errors.

Library errors (FicarchiveError) become one line on stderr and an exit code:
0 success, 1 a failure during work, 2 a usage or config error.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

from crawler.config import Config, load_config
from crawler.errors import FicarchiveError
from index.archive import Archive
from search_cli import coercion, render
from search_cli.render import RichProgress, err, print_json, safe

coercion.install()

app = typer.Typer(
    name="ficarchive",
    help="Keep a personal, offline, searchable archive of fan fiction.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable JSON output.")]


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
            err.print(
                "interrupted; everything stored so far is kept (if a search misses some of it,"
                " run `ficarchive index`)"
            )
            raise typer.Exit(130) from None
        except OSError as exc:  # the disk, or a damaged index file the backend could not read
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

    def archive(self) -> Archive:
        """The archive for reading: no progress bar, no crawl lock."""
        return Archive(self.config)


def state_of(ctx: typer.Context) -> State:
    return ctx.ensure_object(State)


@contextlib.contextmanager
def archiving(state: State, json_out: bool, *, lock: bool = True):
    """The archive with a progress bar, under the crawl lock for commands that
    fetch (one crawl per archive), closed however the work ends."""
    with (
        RichProgress(not json_out) as progress,
        Archive(state.config, progress=progress) as archive,
        archive.exclusive() if lock else contextlib.nullcontext(),
    ):
        if lock and not state.config.archive.contact:
            err.print(
                "[yellow]note:[/] no [archive] contact in the config: archive admins cannot"
                ' reach you through the User-Agent; add contact = "you@example.org" (an'
                f" email or URL) under [archive] in {safe(state.config.file or 'config.toml')}"
            )
        yield archive


def finish_report(report, json_out: bool, title: str) -> int:
    if json_out:
        print_json(report.to_dict())
    else:
        render.report_table(report, title)
    return report.exit_code
