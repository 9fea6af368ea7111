"""One stored work as `show` prints it: its facts, notes and text, through a pager
when it would not fit the terminal (as git does)."""

from __future__ import annotations

import os
import sys

from rich.table import Column, Table
from rich.text import Text

from crawler.models import NOTE_LABELS, Work
from search_cli.render import out, safe


def page_work(work: Work, notes: bool, chapter: int | None, *, pager: bool = True, own=()) -> None:
    """Print the work; on a terminal (stdin and stdout both), one that would not fit
    goes through $PAGER, else `less -FRX` (colours kept, quits at the end). Piped or
    redirected output, or pager=False (--no-pager), never pages."""
    if not (pager and sys.stdout.isatty() and sys.stdin.isatty()):
        show_work(work, notes, chapter, own)
        return
    with out.capture() as shown:
        show_work(work, notes, chapter, own)
    text = shown.get()
    if text.count("\n") < out.height:
        sys.stdout.write(text)
        return
    os.environ.setdefault("LESS", "FRX")
    with out.pager(styles=True):
        out.print(Text.from_ansi(text), end="", soft_wrap=True)


def show_work(work: Work, notes: bool = True, chapter: int | None = None, own=()) -> None:
    m, whole = work.meta, chapter is None  # with a chapter: that chapter alone
    out.rule(f"[bold]{safe(m.title)}[/]")
    table = Table.grid(Column(style="bold"), Column(), padding=(0, 2))
    parts = [", part ".join(str(v) for v in (s.get("name"), s.get("part")) if v) for s in m.series]
    rows = [
        ("id", work.id),
        ("by", ", ".join(m.authors)),
        ("fandoms", ", ".join(m.fandoms)),
        ("series", "; ".join(parts)),
        ("rating", m.rating or ""),
        ("warnings", ", ".join(m.warnings)),
        ("categories", ", ".join(m.categories)),
        ("relationships", ", ".join(m.relationships)),
        ("characters", ", ".join(m.characters)),
        ("tags", ", ".join(m.tags)),
        ("language", m.language or ""),
        ("status", m.status),
        ("words", f"{work.words:,}"),
        ("chapters", f"{len(work.chapters)}/{m.chapters_total or '?'}"),
        ("kudos", "" if m.kudos is None else f"{m.kudos:,}"),
        ("hits", "" if m.hits is None else f"{m.hits:,}"),
        ("published", m.published or ""),
        ("updated", m.updated or ""),
        ("source", work.url),
    ]
    for key, value in [*rows, *own] if whole else []:  # own: the reader's rows (yours.py)
        if value:
            table.add_row(key, safe(value))
    out.print(table)
    if work.summary and whole:
        out.print(f"\n[bold]Summary[/]\n{safe(work.summary)}")
    if notes and whole:
        _notes(work.notes, "before")
    for ch in (c for c in work.chapters if whole or c.number == chapter):
        heading = safe(f"Chapter {ch.number}" + (f": {ch.title}" if ch.title else ""))
        if ch.removed_at:
            heading += f" [yellow](removed upstream on {safe(ch.removed_at)}; kept)[/]"
        out.rule(heading, style="dim")
        _notes([n for n in ch.notes if notes or n.kind == "chapter_summary"], "before")
        for block in ch.blocks:
            if block.type == "scene_break":
                out.print("* * *", justify="center")
            else:
                out.print(safe(block.text) + "\n")
        if notes:
            _notes(ch.notes, "after")
    if notes and whole:
        _notes(work.notes, "after")


def _notes(notes, position: str) -> None:
    for n in notes:
        if n.position == position or (position == "before" and n.position == "inline"):
            label = NOTE_LABELS.get(n.kind, n.kind)
            out.print(f"[italic dim]{label}: {safe(n.text)}[/]\n")
