"""What the user sees of the work being done: rich tables, progress bars, and safe
terminal text. Search results and lists are drawn in render_results, one work in
render_work.

Story metadata is untrusted: control characters, ANSI escapes and bidi
overrides are stripped and rich markup escaped before anything is printed.
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from crawler.models import Work
from index.reports import Outcome, Report
from index.reports import Progress as PipelineProgress

out = Console(highlight=False, soft_wrap=False)
err = Console(stderr=True, highlight=False, soft_wrap=True)  # an error stays one line

# Every bidi control (Unicode's Bidi_Control: U+061C, U+200E/F, U+202A-E, U+2066-9),
# which reorder what a terminal shows, and the invisible format marks that hide text
# or split a word unseen (U+180E, U+200B, U+2060-4, U+206A-F, U+FEFF, U+FFF9-B).
# ZWJ and ZWNJ (U+200D/C) stay: Persian, Indic scripts and emoji need them.
INVISIBLE = (
    "\u061c\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
)
_UNSAFE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|[\x00-\x08\x0b-\x1f\x7f-\x9f" + INVISIBLE + "]")
# Line and paragraph separators: a space, as terminals show them (never a line break).
_SEPARATORS = str.maketrans({"\u2028": " ", "\u2029": " "})


def clean(text: Any) -> str:
    """Untrusted text made safe for a terminal (no escapes, no bidi tricks)."""
    return _UNSAFE.sub("", str(text if text is not None else "")).translate(_SEPARATORS)


def safe(text: Any) -> str:
    """clean() plus rich-markup escaping, for text placed inside rich markup."""
    return escape(clean(text))


# JSON already escapes C0 controls; C1 controls (U+009B is a terminal's CSI), bidi
# controls and invisible marks are legal JSON but act on a terminal, and the line
# separators split a line for JavaScript and str.splitlines(): all are escaped too.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029" + INVISIBLE + "]")


def print_json(data: Any) -> None:
    """One JSON document per line; story text stays readable (not ASCII-escaped)
    but nothing in it can drive the terminal."""
    text = json.dumps(data, ensure_ascii=False)
    text = _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


class RichProgress(PipelineProgress):
    """A progress bar on stderr (only on a terminal), with the current wait when backing off."""

    def __init__(self, enabled: bool = True) -> None:
        # Imported here: a reading command draws no bar (issue 19's cold start).
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )
        from rich.progress import TimeRemainingColumn as EtaColumn

        self.bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            EtaColumn(),  # the ETA, from the pace so far
            TextColumn("{task.fields[status]}"),
            console=err,
            transient=True,
            disable=not (enabled and err.is_terminal),
        )
        self.task = None

    def __enter__(self) -> RichProgress:
        self.bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.bar.stop()

    def start(self, total: int | None, label: str) -> None:
        if self.task is not None:
            self.bar.remove_task(self.task)
        self.task = self.bar.add_task(label, total=total, status="")

    def advance(self, outcome: Outcome) -> None:
        if self.task is not None:
            self.bar.update(self.task, advance=1, status=clean(outcome.title or outcome.id)[:40])

    def waiting(self, seconds: float, host: str, reason: str = "") -> None:
        """Told each second of a long wait, so the status counts down."""
        if self.task is not None and seconds > 2:
            what = f"{host} {reason}" if reason else f"waiting for {host}"
            self.bar.update(self.task, status=f"{what}: {seconds:.0f} s")

    def indexing(self, work: Work) -> None:
        if self.task is not None:
            self.bar.update(self.task, status=f"indexing {clean(work.title)[:30]}")

    def step(self, label: str) -> None:
        """One item done; label says which."""
        if self.task is not None:
            self.bar.update(self.task, advance=1, status=clean(label)[:40])


RESULT_STYLE = {
    "new": "green",
    "updated": "cyan",
    "unchanged": "dim",
    "gone": "magenta",
    "locked": "yellow",
    "skipped": "yellow",
    "pending": "yellow",
    "failed": "red",
    "written": "green",
}


def report_table(report: Report, title: str) -> None:
    counts = report.counts()
    table = Table(title=title, box=box.SIMPLE_HEAD, show_edge=False, collapse_padding=True)
    for name in counts:
        table.add_column(name, justify="right", style=RESULT_STYLE[name], min_width=len(name))
    table.add_column("requests", justify="right", min_width=8)
    table.add_column("waited", justify="right", min_width=6)
    table.add_row(
        *(str(v) for v in counts.values()), str(report.requests), f"{report.waited:.1f} s"
    )
    if report.bound > 1:
        out.print(f"[dim]{report.politeness_line()}[/]")
    out.print(table)
    notable = [o for o in report.outcomes if o.result in ("gone", "locked", "skipped", "failed")]
    if notable:
        detail = Table(show_header=True, header_style="bold")
        detail.add_column("work")
        detail.add_column("result")
        detail.add_column("why")
        for o in notable:
            style = RESULT_STYLE[o.result]
            detail.add_row(
                safe(o.title or o.id or o.url), f"[{style}]{o.result}[/]", safe(o.reason)
            )
        out.print(detail)
    for o in report.outcomes:
        if o.result == "updated" and o.change:  # what changed, said: never hidden
            held = "[yellow]" if o.change.get("held") else ""
            out.print(f'{held}{safe(o.id)} "{safe(o.title)}": {safe(o.reason)}')
    for note in report.notes:
        out.print(f"[yellow]note:[/] {safe(note)}")
    for line in report.errors:
        err.print(f"[red]error:[/] {safe(line)}")


def stats_tables(data: dict) -> None:
    size_mb = data["size_bytes"] / 1_000_000
    out.print(
        f"[bold]{data['works']:,}[/] works, {data['chapters']:,} chapters, "
        f"{data['words']:,} words; {data['gone']} gone, {data['locked']} locked; "
        f"{data['raw_pages']:,} raw pages; {size_mb:.1f} MB on disk"
    )
    for key, title in (("by_site", "site"), ("by_status", "status"), ("by_fandom", "fandom")):
        rows = data[key][:15]
        if not rows:
            continue
        table = Table(title=f"by {title}")
        table.add_column(title)
        for column in ("works", "chapters", "words"):
            table.add_column(column, justify="right")
        for row in rows:
            table.add_row(
                safe(row["name"]),
                f"{row['works']:,}",
                f"{row.get('chapters', 0):,}",
                f"{row['words']:,}",
            )
        out.print(table)
    if data["sources"]:
        table = Table(title="sources")
        table.add_column("source")
        table.add_column("last crawled")
        for src in data["sources"]:
            table.add_row(safe(src["name"]), src["last_crawled"])
        out.print(table)


def versions_table(work_id: str, versions) -> None:
    table = Table(title=f"versions of {safe(work_id)}", box=box.SIMPLE_HEAD)
    for column in ("version", "kept on", "from", "chapters", "words", "what changed"):
        table.add_column(column, justify="right" if column in ("chapters", "words") else "left")
    for v in versions:
        mark = " [green](shown)[/]" if v.shown else (" [yellow](held back)[/]" if v.held else "")
        table.add_row(
            f"{v.number}{mark}",
            v.made_at[:10],
            v.origin,
            str(v.chapters),
            f"{v.words:,}",
            safe(v.change.get("summary", "") if v.number > 1 else "first kept"),
        )
    out.print(table)


def version_diff(found) -> None:
    changed = [c for c in found.chapters if c.kind != "same"]
    out.print(f"[bold]{safe(found.work_id)}[/]: version {found.old} → {found.new}")
    if not changed:
        out.print("the chapters are the same (metadata may differ)")
    for c in changed:
        where = c.new if c.new is not None else c.old
        words = f"{c.words_old:,} → {c.words_new:,} words"
        out.print(f"[bold]chapter {where}[/] {safe(c.title)}: {c.kind} ({words})")
        for line in c.diff:
            text = safe(line)
            if line.startswith("[-"):
                out.print(f"  [red]{text}[/]")
            elif line.startswith("{+"):
                out.print(f"  [green]{text}[/]")
            else:
                out.print(f"  [dim]{text}[/]")
