"""`ficarchive demo`: the whole pipeline on the built-in sample archive.

A real HTTP server on 127.0.0.1 serves an AO3-shaped mini archive; the real
crawler (robots.txt, pacing, one request at a time) reads it with the real AO3
adapter, then the demo cleans, indexes, searches and exports. Only the delay
is shortened, and only because the server is on loopback.
"""

from __future__ import annotations

import shlex
import shutil
import sys
import time
import tomllib
from pathlib import Path
from urllib.parse import quote

from crawler.config import Config, parse_config
from crawler.errors import UsageError
from index.archive import Archive
from index.search import SearchRequest
from search_cli import render, render_results
from search_cli.demo import sample_works
from search_cli.demo.forum import config_text as sample_sites_config
from search_cli.demo.forum.server import forum_server, royalroad_server
from search_cli.demo.server import SampleArchiveServer
from search_cli.render import RichProgress, out, safe

LOOPBACK_DELAY = 0.05  # seconds; the real AO3 default is 5


def demo_config(base_url: str, directory: Path, forum_url: str = "", road_url: str = "") -> Config:
    """The config the demo runs with, also written beside the archive for later use."""
    tag = quote(sample_works.LISTING_TAG)
    text = demo_config_text(base_url, tag)
    if forum_url and road_url:
        text += sample_sites_config(forum_url, road_url, LOOPBACK_DELAY)
    path = directory / "config.toml"
    path.write_text(text, encoding="utf-8")
    return parse_config(tomllib.loads(text), path.resolve())


def demo_config_text(base_url: str, tag: str) -> str:
    return f"""# Written by `ficarchive demo`. Search, show and export work offline:
#   ficarchive --config {{this file}} search '"exact phrase"'
[archive]
path = "archive"
contact = "ficarchive demo (loopback only)"

[politeness]
delay_seconds = {LOOPBACK_DELAY}
jitter = 0.5
max_retries = 2

[sites.ao3]
base_url = "{base_url}"     # the sample archive served on 127.0.0.1 during the demo
delay_seconds = {LOOPBACK_DELAY}
allow_adult = true

[[sources]]
name = "sample"
site = "ao3"
start = ["/tags/{tag}/works"]
"""


# The demo only ever writes into a folder holding this file, which it writes itself.
DEMO_MARKER = ".ficarchive-demo"
MARKER_TEXT = "made by `ficarchive demo`; running it again re-crawls the samples in place\n"


def _older_demo_folder(directory: Path) -> bool:
    """A demo folder from before the marker: only what the demo writes, its config ours."""
    names = {p.name for p in directory.iterdir()}
    config = directory / "config.toml"
    return (
        names <= {"config.toml", "archive", "export"}
        and config.is_file()
        and "ficarchive demo (loopback only)" in config.read_text(errors="replace")
    )


def _config_digest(path: Path) -> str:
    import hashlib

    return hashlib.sha1(path.read_bytes()).hexdigest() if path.is_file() else ""


def prepare_folder(directory: Path) -> list[str]:
    """Make the demo folder, or re-use one the demo made: never delete anything in it.

    A re-run crawls the sample archive again into the same store, so works the reader
    imported or added there stay, with their marks. The config must name this run's
    sample server (a new port each time); one the reader edited is kept beside it
    as config.toml.edited. Returns what to tell the reader.
    """
    marker = directory / DEMO_MARKER
    if directory.exists() and not directory.is_dir():
        raise UsageError(f"{directory} is a file; give --dir a folder for the demo archive")
    said = []
    if directory.is_dir() and any(directory.iterdir()):
        if not (marker.exists() or _older_demo_folder(directory)):
            raise UsageError(
                f"{directory} is not empty and was not made by `ficarchive demo`; "
                "give --dir a new or empty folder (nothing was changed)"
            )
        said.append(f"Re-running in place in {directory}: nothing in it is deleted.")
        config, wrote = directory / "config.toml", marker_values(marker).get("config-sha1")
        if config.is_file() and wrote and _config_digest(config) != wrote:
            shutil.copyfile(config, directory / "config.toml.edited")
            said.append("Your edited config.toml is kept as config.toml.edited.")
    directory.mkdir(parents=True, exist_ok=True)
    if not marker.exists():
        marker.write_text(MARKER_TEXT)
    return said


def marker_values(marker: Path) -> dict[str, str]:
    """What the last run noted in its marker: its config's digest, the forum's port."""
    values = {}
    if marker.is_file():
        for line in marker.read_text(errors="replace").splitlines()[1:]:
            key, _, value = line.partition(" ")
            values[key] = value.strip()
    return values


def _remember(directory: Path, forum: str) -> None:
    digest = _config_digest(directory / "config.toml")
    port = forum.rsplit(":", 1)[-1]
    (directory / DEMO_MARKER).write_text(f"{MARKER_TEXT}config-sha1 {digest}\nforum-port {port}\n")


def _forum(directory: Path):
    """The sample forum, on the port it had last run when that is free: a forum's work
    ids hold its host and port, so the same port keeps the same works."""
    port = marker_values(directory / DEMO_MARKER).get("forum-port", "")
    if port.isdigit():
        try:
            return forum_server(port=int(port)).start()
        except OSError:
            pass  # taken: a new port, and the forum's works arrive under new ids
    return forum_server()


def run_demo(directory: Path) -> int:
    """Crawl, clean, index, search and export the sample archive; return an exit code."""
    began = time.monotonic()
    directory = directory.resolve()
    said = prepare_folder(directory)
    with SampleArchiveServer() as server, _forum(directory) as forum, royalroad_server() as road:
        config = demo_config(server.base_url, directory, forum.base_url, road.base_url)
        _remember(directory, forum.base_url)
        out.rule("[bold]ficarchive demo[/]")
        for line in said:
            out.print(safe(line))
        out.print(f"Sample archive (AO3 markup) serving at [bold]{server.base_url}[/]")
        out.print(f"Sample forum (XenForo markup) at [bold]{forum.base_url}[/]")
        out.print(f"Sample Royal Road-shaped site at [bold]{road.base_url}[/]")
        out.print(f"Archive folder: [bold]{config.archive_dir}[/]\n")
        with RichProgress() as progress, Archive(config, progress=progress) as archive:
            report = archive.crawl(config.sources)
            kept = sorted(set(archive.work_ids()) - {o.id for o in report.outcomes})
        render.report_table(
            report,
            "1. crawl: robots.txt, tag listing (2 pages), one request per work;"
            " a forum thread's threadmarks, a Royal Road fiction",
        )
        requests = len(server.requests) + len(forum.requests) + len(road.requests)
    if kept:
        shown = ", ".join(kept[:5]) + (f" and {len(kept) - 5} more" if len(kept) > 5 else "")
        out.print(f"Kept {len(kept)} other work(s) already in this archive: {safe(shown)}")

    out.print("\n[bold]2. search[/] (offline, from the Whoosh index)")
    examples = [
        ("a character", "", {"character": [sample_works.DEMO_CHARACTER]}),
        ("an exact phrase inside story text", f'"{sample_works.DEMO_PHRASE}"', {}),
        ("a tag filter", "", {"tag": [sample_works.DEMO_TAG]}),
        ("a phrase in forum fiction (threadmarks)", '"held it to the window"', {}),
    ]
    for label, query, filters in examples:
        shown = query or " ".join(f"--{k} {v!r}" for k, vs in filters.items() for v in vs)
        out.print(f"\n[dim]$ ficarchive search {safe(shown)}[/]   ({label})")
        with Archive(config) as archive:
            result = archive.search(SearchRequest(query=query, filters=filters))
        render_results.results_table(result, shown)

    from search_cli.export import export_work

    with Archive(config) as archive:
        work = archive.get_work(f"ao3:{sample_works.DEMO_PHRASE_WORK_ID}")
        store_file = archive.store_file
    epub = export_work(work, "epub", directory / "export", overwrite=True) if work else None

    out.print("\n[bold]3. export[/]")
    if epub:
        out.print(f"EPUB of {safe(work.title)!r}: [bold]{epub}[/]")
    out.rule()
    out.print(
        f"Done in {time.monotonic() - began:.1f} s: {requests} HTTP requests to the sample server.\n"
        f"  store  {store_file}\n"
        f"  index  {config.archive_dir / 'index'}\n"
        f"  export {directory / 'export'}\n"
        "Explore it (each command on one line, to paste as it is):"
    )
    for line in explore_commands(directory / "config.toml"):
        sys.stdout.write(f"  {line}\n")  # never wrapped: a pasted half-command runs half
    sys.stdout.flush()
    return 0 if epub and not report.failed else 1


def explore_commands(config: Path) -> list[str]:
    """Commands that work when pasted: the ficarchive that ran this demo, by full path."""
    exe = shutil.which("ficarchive") or str(Path(sys.executable).with_name("ficarchive"))
    conf = shlex.quote(str(config))
    run = f"{shlex.quote(exe)} --config {conf}"
    return [
        f"{run} search 'holmes'",
        f"{run} versions ao3:{sample_works.DEMO_PHRASE_WORK_ID}",
        f"{run} serve    # the web library and OPDS catalog on http://127.0.0.1:8080",
    ]
