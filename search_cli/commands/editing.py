"""`edit`: the reader's own metadata for a work, and the same options on `import`.

What is set here is kept apart from what the site says (index/edits.py), so an
update or `index --rebuild` never undoes it; search, list, show and export see it.
"""

from __future__ import annotations

from typing import Annotated

import typer

from crawler.errors import UsageError
from index.records import Edit
from search_cli.cli import JsonOpt, app, archiving, guarded, state_of
from search_cli.render import out, print_json, safe

TitleOpt = Annotated[str | None, typer.Option("--title", help="The work's title.")]
AuthorOpt = Annotated[
    list[str] | None, typer.Option("--author", help="An author (repeat for several).")
]
FandomOpt = Annotated[
    list[str] | None, typer.Option("--fandom", help="A fandom (repeat for several).")
]
CharacterOpt = Annotated[
    list[str] | None, typer.Option("--character", help="A character (repeat for several).")
]
RelationshipOpt = Annotated[
    list[str] | None,
    typer.Option("--relationship", help="A relationship, e.g. 'A/B' (repeat for several)."),
]


def make_edit(
    title: str | None,
    authors: list[str] | None,
    fandoms: list[str] | None,
    characters: list[str] | None,
    relationships: list[str] | None,
    add_tags: list[str] | None = None,
    remove_tags: list[str] | None = None,
    reset: bool = False,
) -> Edit:
    if title is not None and not title.strip():
        raise UsageError("--title is empty; give the work's title")
    return Edit(title, authors or [], fandoms or [], characters or [], relationships or [],
                add_tags or [], remove_tags or [], reset)  # fmt: skip


@app.command()
@guarded
def edit(
    ctx: typer.Context,
    work_id: Annotated[str, typer.Argument(help="A work id (or the `(ao3-123)` of a file name).")],
    title: TitleOpt = None,
    author: AuthorOpt = None,
    fandom: FandomOpt = None,
    character: CharacterOpt = None,
    relationship: RelationshipOpt = None,
    add_tag: Annotated[
        list[str] | None, typer.Option("--add-tag", help="Add a tag (repeat for several).")
    ] = None,
    remove_tag: Annotated[
        list[str] | None,
        typer.Option("--remove-tag", help="Hide a tag, the site's own too (repeat)."),
    ] = None,
    reset: Annotated[
        bool, typer.Option("--reset", help="Drop your earlier edits: the site's metadata again.")
    ] = False,
    json_out: JsonOpt = False,
) -> None:
    """Set a work's title, authors, fandoms, characters, relationships and tags; kept apart
    from what the site says, so an update or `index --rebuild` never undoes it."""
    change = make_edit(title, author, fandom, character, relationship, add_tag, remove_tag, reset)
    if change.is_empty():
        raise UsageError(
            "nothing to change: give --title, --author, --fandom, --character,"
            " --relationship, --add-tag, --remove-tag or --reset"
        )
    with archiving(state_of(ctx), json_out, lock=False) as archive:
        work = archive.edit(archive.resolve(work_id), change)
    meta = work.meta
    shown = {
        "title": meta.title,
        "authors": meta.authors,
        "fandoms": meta.fandoms,
        "characters": meta.characters,
        "relationships": meta.relationships,
        "tags": meta.tags,
    }
    if json_out:
        print_json({"id": work.id, **shown})
        return
    out.print(work.id)
    for name, value in shown.items():
        text = value if isinstance(value, str) else ", ".join(value) or "-"
        out.print(f"  {name}: {safe(text)}")
