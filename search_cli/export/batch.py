"""Export many works in one run, one file each or all in one, and report what happened.

A work that cannot be written is reported with its reason and the run goes on; an
existing file is kept (skipped) unless overwrite is on. With `changed` on, a work
whose last export into the folder holds exactly what it holds now is left alone
(unchanged) and every other one is written, replacing its stale file
(search_cli/export/manifest.py keeps the record). The CLI renders the report.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crawler.errors import ExportError
from crawler.models import Work
from search_cli.export import (
    ExportSkipped,
    export_anthology,
    export_work,
    get_format,
    safe_filename,
)
from search_cli.export.common import work_title
from search_cli.export.manifest import Manifest, work_digest

RESULTS = ("written", "unchanged", "skipped", "failed")


@dataclass
class ExportOutcome:
    """What happened to one work: written to path, skipped or failed, and why."""

    id: str
    title: str
    result: str
    path: Path | None = None
    reason: str = ""
    change: str = ""  # with --changed: "new" or "changed" for a work written

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "result": self.result,
            "path": str(self.path) if self.path else None,
            "reason": self.reason,
            "change": self.change or None,
        }


@dataclass
class ExportReport:
    """Every work's outcome in one export run."""

    fmt: str
    out_dir: Path
    outcomes: list[ExportOutcome] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {r: sum(o.result == r for o in self.outcomes) for r in RESULTS}

    def files(self) -> list[Path]:
        """The files written, each once (an anthology holds many works)."""
        return list(dict.fromkeys(o.path for o in self.outcomes if o.result == "written"))

    @property
    def exit_code(self) -> int:
        return 1 if any(o.result == "failed" for o in self.outcomes) else 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": self.fmt,
            "out": str(self.out_dir),
            **self.counts(),
            "files": [str(p) for p in self.files()],
            "works": [o.to_dict() for o in self.outcomes],
        }


Progress = Callable[[ExportOutcome], None]


def export_each(
    works: Iterable[Work],
    fmt: str,
    out_dir: Path,
    *,
    notes: bool = True,
    overwrite: bool = False,
    changed: bool = False,
    record: Path | None = None,
    archived: Mapping[str, str] | None = None,
    on_done: Progress | None = None,
) -> ExportReport:
    """One file per work in out_dir; works may be a generator (memory stays flat).

    `record` is the file that remembers what was exported where (the archive's
    exports.json), which `changed` asks.
    """
    report = ExportReport(fmt, Path(out_dir))
    manifest = Manifest.load(Path(out_dir), record)
    taken: set[str] = {str(e["file"]) for e in manifest.entries.values() if "file" in e}
    dates = archived or {}
    try:
        for work in works:
            outcome = _export_one(work, fmt, out_dir, manifest, taken, dates.get(work.id),
                                  notes=notes, overwrite=overwrite, changed=changed)  # fmt: skip
            report.outcomes.append(outcome)
            if on_done is not None:
                on_done(outcome)
    finally:
        manifest.save()
    return report


def _export_one(work, fmt, out_dir, manifest, taken, archived_at, *, notes, overwrite, changed):
    outcome = ExportOutcome(work.id, work_title(work), "written")
    digest = work_digest(work)
    last = manifest.last(work, fmt, notes)
    if changed and (same := manifest.unchanged(work, fmt, notes, digest)):
        outcome.result, outcome.path = "unchanged", Path(out_dir) / same["file"]
        outcome.reason = f"unchanged since its export on {str(same.get('exported_at'))[:10]}"
        return outcome
    if last is not None:  # its own earlier name is free for it again
        taken.discard(str(last.get("file", "")))
    try:
        outcome.path = export_work(work, fmt, out_dir, notes=notes, overwrite=overwrite or changed,
                                   archived_at=archived_at, taken=taken)  # fmt: skip
    except ExportSkipped as exc:
        outcome.result, outcome.reason = "skipped", str(exc)
        if last is not None:
            taken.add(str(last.get("file", "")))
        return outcome
    except ExportError as exc:
        outcome.result, outcome.reason = "failed", str(exc)
        return outcome
    manifest.note(work, fmt, notes, outcome.path, digest)
    if changed:
        outcome.change = "new" if last is None else "changed"
        old = Path(out_dir) / str(last.get("file", "")) if last else None
        if old is not None and old.name and old != outcome.path and old.is_file():
            old.unlink()  # the stale file under its old title: ours, and replaced
            outcome.reason = f"replaces {old.name}"
    return outcome


def anthology_filename(title: str, fmt: str) -> str:
    """The one file's name: the title made safe, with the format's one-file extension."""
    return safe_filename(title, get_format(fmt).anthology_suffix)


def export_one_file(
    works: list[Work],
    fmt: str,
    out_dir: Path,
    *,
    title: str,
    notes: bool = True,
    overwrite: bool = False,
    archived: Mapping[str, str] | None = None,
) -> ExportReport:
    """All works in one file (an anthology) named after its title, inside out_dir."""
    report = ExportReport(fmt, Path(out_dir))
    path: Path | None = None
    result, reason = "written", ""
    try:  # an unknown format fails here too, as a reported failure
        target = Path(out_dir) / anthology_filename(title, fmt)
        path = export_anthology(
            works, fmt, target, notes=notes, overwrite=overwrite, title=title, archived=archived
        )
    except ExportSkipped as exc:
        result, reason = "skipped", str(exc)
    except ExportError as exc:
        result, reason = "failed", str(exc)
    for work in works:
        report.outcomes.append(
            ExportOutcome(
                work.id, work_title(work), result, path if result == "written" else None, reason
            )
        )
    return report
