"""The command that serves the archive: serve (a web library and an OPDS catalog)."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from index.archive import Archive
from search_cli.cli import app, guarded, state_of
from search_cli.render import out, safe

TOKEN_ENV = "FICARCHIVE_TOKEN"


@app.command()
@guarded
def serve(
    ctx: typer.Context,
    host: Annotated[
        str, typer.Option(help="Address to listen on; anything but loopback needs a token.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port (0: any free port).")] = 8080,
    token: Annotated[
        str | None,
        typer.Option(
            help=f"The token readers must give (default: ${TOKEN_ENV}; off loopback,"
            " one is made and printed when none is given)."
        ),
    ] = None,
) -> None:
    """Serve the archive in a browser and as an OPDS catalog for e-readers (read-only but
    for reading marks)."""
    serve_archive(state_of(ctx).config, host, port, token)


def serve_archive(config, host: str = "127.0.0.1", port: int = 8080, token: str | None = None):
    """Serve one archive until Ctrl-C (also what `ficarchive demo --serve` ends with)."""
    from search_cli.serve import make_app
    from search_cli.serve.gate import is_loopback, new_token
    from search_cli.serve.listen import bind, run, url_of

    token = token or os.environ.get(TOKEN_ENV) or None
    loopback = is_loopback(host)
    made = False
    if not loopback and not token:
        token, made = new_token(), True
    sock = bind(host, port)
    url = url_of(sock)
    web = make_app(lambda: Archive(config), token=token, loopback_only=loopback)

    def ready() -> None:
        out.print(f"Serving {safe(config.archive_dir)} at [bold]{url}/[/]")
        out.print(f"  OPDS catalog for e-readers: {url}/opds")
        if token:
            shown = token if made else "the one you gave"
            out.print(f"  token: {shown} (HTTP basic auth password, or log in at {url}/login)")
        out.print("  read-only but for reading marks; Ctrl-C stops")
        sys.stdout.flush()

    run(web, sock, on_ready=ready)
