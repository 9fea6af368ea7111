"""The `ficarchive` command: a thin typer layer over the library's one front door.

The commands live in search_cli/commands/ by what they do; this module puts
them on one app and turns usage mistakes into one line with exit code 2. A Ctrl-C
while the modules load (a slow disk, a cold cache) is one line and exit 130.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

try:
    import typer

    from crawler import __version__
    from search_cli.cli import State, app
    from search_cli.commands import (  # noqa: F401 - they add the commands
        editing,
        fetching,
        history,
        keeping,
        reading,
        safety,
        serving,
        setup,
        tagging,
        yours,
    )
    from search_cli.render import err, out, safe
except KeyboardInterrupt:  # before any command ran: nothing to keep, nothing to say but this
    sys.stderr.write("interrupted while starting; nothing was changed\n")
    raise SystemExit(130) from None

__all__ = ["app", "main"]


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
    except KeyboardInterrupt:  # while options were read, before a command began its work
        err.print("interrupted; nothing was changed")
        sys.exit(130)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
