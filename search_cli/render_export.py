"""The export summary on the terminal: counts, then each work's file or why not."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table

from search_cli.render import RESULT_STYLE, out, safe

if TYPE_CHECKING:
    from search_cli.export.batch import ExportReport

EXPORT_ROWS_SHOWN = 50  # written files listed one by one up to this many; problems always


def export_summary(report: ExportReport) -> None:
    """Counts of written, unchanged, skipped and failed works, then each file and problem.

    Unchanged (export --changed) is a column only when some work was; a written work
    says whether it was new or changed since its last export, when that was asked.
    """
    counts = {k: v for k, v in report.counts().items() if k != "unchanged" or v}
    table = Table(title=f"export ({report.fmt})", title_justify="left")
    for name in counts:
        table.add_column(name, justify="right", style=RESULT_STYLE[name])
    table.add_column("files", justify="right")
    table.add_row(*(str(v) for v in counts.values()), str(len(report.files())))
    out.print(table)
    if not report.outcomes:
        return
    detail = Table(show_header=True, header_style="bold", expand=True)
    detail.add_column("work", ratio=2, overflow="fold")
    detail.add_column("result", no_wrap=True)
    detail.add_column("file, or why not", ratio=3, overflow="fold")
    written = [o for o in report.outcomes if o.result == "written"]
    same = [o for o in report.outcomes if o.result == "unchanged"]
    problems = [o for o in report.outcomes if o.result not in ("written", "unchanged")]
    for o in written[:EXPORT_ROWS_SHOWN] + same[:EXPORT_ROWS_SHOWN] + problems:
        style = RESULT_STYLE[o.result]
        result = f"{o.result} ({o.change})" if o.change else o.result
        where = o.path.name if o.result == "written" and o.path else o.reason
        if o.result == "written" and o.reason:
            where = f"{where} ({o.reason})"
        detail.add_row(
            f"{safe(o.title)}\n[dim]{safe(o.id)}[/]", f"[{style}]{result}[/]", safe(where)
        )
    out.print(detail)
    for kind, rows in (("written", written), ("unchanged", same)):
        if len(rows) > EXPORT_ROWS_SHOWN:
            out.print(f"… and {len(rows) - EXPORT_ROWS_SHOWN} more {kind} (--json lists all)")
    if report.files():
        out.print(f"files in {safe(report.out_dir)}")
