"""The reader's own layer: `mark` (read, reading, to-read, dropped) and `tag` (private tags).

Both write only the reader's tables in the store (index/marks.py, index/mine.py),
never the index: `search read:no` and `mine:TAG` see a change at once.
"""

from __future__ import annotations

from typing import Annotated

import typer

from crawler.errors import UsageError
from index.records import READING_MARKS as MARKS
from index.records import OwnLayer
from search_cli.cli import JsonOpt, app, guarded, state_of
from search_cli.render import out, print_json, safe

IdArg = Annotated[str, typer.Argument(help="A work id such as ao3:1234567.")]


def _known(archive, text: str) -> str:
    work_id = archive.resolve(text)
    if not archive.has(work_id):
        raise UsageError(f"no work {work_id!r} in {archive.dir}; `ficarchive search` finds ids")
    return work_id


@app.command()
@guarded
def mark(
    ctx: typer.Context,
    work_id: IdArg,
    value: Annotated[
        str | None, typer.Argument(help=f"One of: {', '.join(MARKS)} (none: show the mark).")
    ] = None,
    clear: Annotated[bool, typer.Option("--clear", help="Take the mark off.")] = False,
    json_out: JsonOpt = False,
) -> None:
    """Mark a work read, reading, to-read or dropped (`search read:no` finds the rest)."""
    if value is not None and clear:
        raise UsageError("give a mark or --clear, not both")
    if value is not None and value.lower() not in MARKS:
        raise UsageError(f"mark {value!r} is not one of: {', '.join(MARKS)}")
    with state_of(ctx).archive() as archive:
        work_id = _known(archive, work_id)
        if value is not None or clear:
            archive.marks.set_mark(work_id, None if clear else value.lower())
        now = archive.marks.get(work_id).mark
    if json_out:
        print_json({"id": work_id, "reading_mark": now})
    else:
        out.print(f"{safe(work_id)}: {safe(now) if now else 'not marked'}")


@app.command(context_settings={"ignore_unknown_options": True})
@guarded
def tag(
    ctx: typer.Context,
    work_id: IdArg,
    changes: Annotated[
        list[str] | None,
        typer.Argument(help="+TAG adds a private tag, -TAG takes one off (none: list them)."),
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """Your private tags on a work: `tag ID +comfort-read -angst`; `mine:comfort-read` finds them."""
    add, remove = [], []
    for change in changes or []:
        if change.startswith("-"):
            remove.append(change[1:])
        else:
            add.append(change.removeprefix("+"))
    with state_of(ctx).archive() as archive:
        work_id = _known(archive, work_id)
        if add or remove:
            archive.readers.change_tags(work_id, add, remove)
        layer = archive.readers.layer(work_id)
    if json_out:
        data = layer.to_dict()
        print_json({"id": work_id, "private_tags": data["private_tags"]})
        return
    shown = ", ".join(layer.tags) if layer.tags else "no private tags"
    out.print(f"{safe(work_id)}: {safe(shown)}")


def own_rows(layer: OwnLayer) -> list[tuple[str, str]]:
    """The reader's rows of `show`: mark, private tags, each bookmark with its notes."""
    rows = [("read", layer.mark or ""), ("private tags", ", ".join(layer.tags))]
    for b in layer.bookmarks:
        what = [f"by {b.by}" if b.by else "", b.bookmarked or "", "rec" if b.rec else ""]
        what += ["private" if b.private else "", ("tags: " + ", ".join(b.tags)) if b.tags else ""]
        head = "; ".join(w for w in what if w)
        rows.append(("bookmark", f"{head}\n{b.notes}" if b.notes else head))
    return rows
