"""The `ficarchive` command: a thin typer layer over the library's one front door.

The commands live in search_cli/commands/ by what they do; this module puts
them on one app and turns usage mistakes into one line with exit code 2. A Ctrl-C
while the modules load (a slow disk, a cold cache) is one line and exit 130. A reader
pays the start-up on every command (issue 19), so a command named on the command line
loads only its own module (COMMANDS) and the garbage collector waits while modules load.
"""

from __future__ import annotations

import copy
import gc
import importlib
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated

# This process is the `ficarchive` command (the installed script, or python -m): what
# the modules make at import is frozen too (see _freeze); importing the app elsewhere
# (a test, a script) leaves the collector as it was.
COMMAND_PROCESS = __name__ == "__main__" or Path(sys.argv[0]).stem == "ficarchive"
gc.disable()  # while the modules load: see _freeze
try:
    import typer

    from crawler import __version__
    from search_cli.cli import State
    from search_cli.cli import app as _app
    from search_cli.render import err, out, safe
except KeyboardInterrupt:  # before any command ran: nothing to keep, nothing to say but this
    sys.stderr.write("interrupted while starting; nothing was changed\n")
    raise SystemExit(130) from None
finally:
    if COMMAND_PROCESS:
        gc.freeze()
    gc.enable()

# The module under search_cli/commands/ that adds each command. A command run by name
# loads its own module only (typer then builds that command alone: a search no longer
# pays for the signatures of the other twenty, issue 19); anything else (--help, no
# command, a name not here) loads them all, so help and "No such command" are as
# before. tests/test_coldstart.py holds this map to what the modules register.
COMMANDS = {
    **dict.fromkeys(("search", "show", "list", "stats"), "reading"),
    **dict.fromkeys(("crawl", "add", "import", "index", "update"), "fetching"),
    **dict.fromkeys(("export", "remove", "doctor", "demo"), "keeping"),
    **dict.fromkeys(("versions", "diff"), "history"),
    **dict.fromkeys(("mark", "tag"), "yours"),
    "edit": "editing",
    "backup": "safety",
    "serve": "serving",
    "init": "setup",
    "tags": "tagging",
}
# All of them, in the order help has always listed their commands.
MODULES = ("editing", "fetching", "history", "keeping", "reading")
MODULES += ("safety", "serving", "setup", "tagging", "yours")

__all__ = ["app", "main"]  # noqa: F822 - app comes from __getattr__


def _version(value: bool) -> None:
    if value:
        out.print(f"ficarchive {__version__}")
        raise typer.Exit(0)


@_app.callback()
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


def load_commands(names: Iterable[str] = MODULES) -> typer.Typer:
    """The app with the commands of the given modules of search_cli/commands/ added."""
    for name in names:
        importlib.import_module(f"search_cli.commands.{name}")
    return _app


def __getattr__(name: str) -> typer.Typer:
    """`from search_cli.app import app`: the app with every command."""
    if name == "app":
        return load_commands()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def command_named(args: list[str]) -> str | None:
    """The command the arguments name after the app's own options, if it is plainly one."""
    i = 0
    while i < len(args):
        arg = args[i]
        if arg in ("--config", "-c"):
            i += 2
        elif arg.startswith("--config=") or (arg.startswith("-c") and arg[2:3] != "-"):
            i += 1
        elif arg.startswith("-"):  # --help, --version, --, a mistake: the whole app answers
            return None
        else:
            return arg
    return None


def _app_for(args: list[str]) -> typer.Typer:
    """The app for these arguments: the named command alone on it (its module loaded,
    and typer then builds that one command, not its neighbours: 12 -> 4 ms for a
    search), or every command when none is plainly named."""
    name = command_named(args)
    gc.disable()
    try:
        app = load_commands([COMMANDS[name]] if name in COMMANDS else MODULES)
    except KeyboardInterrupt:
        sys.stderr.write("interrupted while starting; nothing was changed\n")
        raise SystemExit(130) from None
    finally:
        gc.enable()
    if name not in COMMANDS:
        return app
    from typer.main import get_command_name

    one = copy.copy(app)  # the app itself keeps every command it has
    one.registered_commands = [
        info
        for info in app.registered_commands
        if (info.name or get_command_name(info.callback.__name__)) == name
    ]
    return one


def _freeze() -> None:
    """What the modules made, out of the collector's reach for the rest of the process.

    Modules, classes and functions live as long as the process, yet each full
    collection walked them all again, the last one at exit: some 70 collections, about
    20 ms of a search's CPU (issue 19). The collector waits while modules load (at
    import, in _app_for, and in index/backend.py, which freezes what the backend's
    first load made in a process that froze); then what exists is frozen (objects
    made while it waited would otherwise all be scanned by the next collection). Only
    the command's own process freezes (COMMAND_PROCESS at import, main(), which ends
    the process): importing the app leaves the collector as it was (gc.get_referrers,
    for one, does not see frozen objects).
    """
    gc.freeze()


def main() -> None:
    """Entry point of the `ficarchive` command.

    Usage mistakes (an unknown option, a missing argument, --page 0) are one line
    on stderr with exit code 2, like every other error, not typer's boxed panel.
    """
    from typer._click import exceptions as click_errors

    app = _app_for(sys.argv[1:])
    _freeze()
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
