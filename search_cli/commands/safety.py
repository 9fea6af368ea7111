"""Keeping the archive safe: `backup` writes a copy that can be restored by copying it back."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from search_cli.cli import JsonOpt, app, guarded, state_of
from search_cli.render import print_json


@app.command()
@guarded
def backup(
    ctx: typer.Context,
    dest: Annotated[Path, typer.Argument(help="A new or empty folder for the copy.")],
    json_out: JsonOpt = False,
) -> None:
    """Copy the store and the search index into DEST; safe while a crawl runs."""
    state = state_of(ctx)
    with state.archive() as archive:
        result = archive.backup(dest)
    if json_out:
        print_json(
            {
                "store": str(result.store),
                "store_bytes": result.store_bytes,
                "index": str(result.index) if result.index else None,
                "index_files": result.index_files,
                "notes": result.notes,
            }
        )
        return
    lines = [f"wrote {result.store} ({result.store_bytes:,} bytes)"]
    if result.index is not None:
        lines.append(f"wrote {result.index}/ ({result.index_files} files)")
    lines += [f"note: {note}" for note in result.notes]
    lines.append(f"to restore, copy them back into {state.config.archive_dir}")
    for line in lines:
        sys.stdout.write(line + "\n")  # paths stay whole, to copy
