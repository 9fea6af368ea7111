"""Starting one's own archive: `init` writes a commented config.toml to begin from."""

from __future__ import annotations

import shlex
import shutil
import sys
from pathlib import Path
from typing import Annotated

import typer

from crawler.errors import UsageError
from search_cli.cli import app, guarded

CONFIG_TEMPLATE = """\
# ficarchive configuration, written by `ficarchive init`. Every key is optional;
# what is left out takes the built-in default. Paths are relative to this file.

[archive]
path = "archive"            # the folder that holds the store, raw pages and the index
# Who runs this crawler: sent in the User-Agent so an archive's admins can reach you.
contact = {contact}

[politeness]
# The gap between two requests to one host is the site's delay_seconds (5 s for AO3),
# or longer when robots.txt asks for it. Leave these as they are unless you must.
jitter = 0.5                # each delay is multiplied by a random factor in [0.5, 1.5]
respect_robots = true       # obey robots.txt (RFC 9309); leave this on

[sites.ao3]
base_url = "https://archiveofourown.org"
delay_seconds = 5.0         # AO3 throttles at about 60 requests a minute per IP
allow_adult = false         # fetch works behind the adult-content interstitial

# What `ficarchive crawl` fetches: one [[sources]] table per listing. An example:
# the newest works of an AO3 tag. Change the tag, or start from "/users/NAME/works",
# "/users/NAME/bookmarks", "/series/12345", "/collections/NAME/works" or "/works/12345".
[[sources]]
name = "example"
site = "ao3"
start = ["/tags/Sherlock%20Holmes%20*a*%20Related%20Fandoms/works"]
max_works = 5
"""


def toml_string(text: str) -> str:
    """A TOML basic string: quotes and backslashes escaped."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def ficarchive_command() -> str:
    """The ficarchive that is running, as a user can paste it."""
    exe = shutil.which("ficarchive") or str(Path(sys.executable).with_name("ficarchive"))
    return shlex.quote(exe)


def ask_contact() -> str:
    """The contact, asked for only on a terminal; elsewhere left for the user to fill in."""
    if not sys.stdin.isatty():
        return ""
    return typer.prompt(
        "Your e-mail address or web page (sent to archives so their admins can reach you)",
        default="",
        show_default=False,
    ).strip()


@app.command()
@guarded
def init(
    directory: Annotated[
        Path, typer.Argument(help="The folder for config.toml and the archive (default: here).")
    ] = Path("."),
    contact: Annotated[
        str | None,
        typer.Option(
            "--contact", metavar="EMAIL", help="Your contact for the User-Agent (else asked)."
        ),
    ] = None,
) -> None:
    """Start an archive: a commented config.toml with an example AO3 source."""
    config = directory / "config.toml"
    if config.exists():
        raise UsageError(f"{config} exists; it is left as it is (edit it, or init another folder)")
    who = (contact if contact is not None else ask_contact()).strip()
    if not (who.isascii() and who.isprintable()):
        raise UsageError(f"--contact must be plain ASCII (it goes into the User-Agent): {who!r}")
    directory.mkdir(parents=True, exist_ok=True)
    config.write_text(CONFIG_TEMPLATE.format(contact=toml_string(who)), encoding="utf-8")
    run = f"{ficarchive_command()} --config {shlex.quote(str(config.resolve()))}"
    lines = [f"wrote {config}: an example AO3 source named 'example' (edit it to taste)"]
    if not who:
        lines.append(f"put your e-mail address in [archive] contact in {config} first")
    lines += [
        "Next, crawl it (each command on one line, to paste as it is):",
        f"  {run} crawl example --dry-run",
        f"  {run} crawl",
        f"  {run} add https://archiveofourown.org/works/NUMBER",
    ]
    for line in lines:
        sys.stdout.write(line + "\n")  # never wrapped: a pasted half-command runs half
    sys.stdout.flush()
