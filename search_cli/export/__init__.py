"""Export works to EPUB, HTML, Markdown, plain text or JSON: the API the CLI calls.

`FORMATS` is the one registry of formats: each entry names a format, its file
extension, a line that describes it, how it renders one work and (if it can) how
it writes several works into one file. The CLI's --format help and its errors are
derived from it. Adding a format is one module (that renders, and declares its
`FORMAT = ExportFormat(...)`) plus one line in `_REGISTRY`. A format's module is
imported when the format is first used, so a command that only lists the names
(every command's --help, a search) never loads ebooklib or lxml.

Each format module turns Works into bytes or text; this module names the file, refuses to
clobber an existing one, and writes atomically. Failures are ExportError, one line each.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

from crawler.errors import ExportError
from crawler.models import Work
from search_cli.export.common import write_atomically
from search_cli.export.filenames import safe_filename
from search_cli.export.format import ExportFormat

__all__ = [
    "FORMATS",
    "ExportFormat",
    "ExportSkipped",
    "export_anthology",
    "export_work",
    "format_help",
    "format_names",
    "get_format",
    "render",
    "safe_filename",
]


# Each module declares its own entry (its FORMAT); a new format adds "name": "module" here,
# in the order help lists them. tests/test_export.py checks each name against its FORMAT.
_REGISTRY = {"epub": "epub", "html": "html", "md": "markdown", "txt": "text", "json": "jsonl"}


class _Formats(Mapping[str, ExportFormat]):
    """The formats by name, each module imported when its format is first asked for."""

    def __getitem__(self, name: str) -> ExportFormat:
        return importlib.import_module(f"search_cli.export.{_REGISTRY[name]}").FORMAT

    def __iter__(self) -> Iterator[str]:
        return iter(_REGISTRY)

    def __len__(self) -> int:
        return len(_REGISTRY)


FORMATS: Mapping[str, ExportFormat] = _Formats()


def format_names() -> list[str]:
    """The --format values, in the order help lists them."""
    return list(FORMATS)


def format_help() -> str:
    """The format names as a reader lists them: "epub, html, md, txt or json"."""
    names = format_names()
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


class ExportSkipped(ExportError):
    """The target file exists and --overwrite was not given; the old file is kept."""


def get_format(fmt: str) -> ExportFormat:
    """The registry entry for `fmt`; an unknown name is an ExportError that lists the known."""
    try:
        return FORMATS[fmt]
    except KeyError:
        raise ExportError(f"unknown export format {fmt!r}: use one of {format_help()}") from None


def render(work: Work, fmt: str, *, notes: bool = True, archived_at: str | None = None) -> bytes:
    """One work in `fmt`, as the bytes that would be written."""
    out = get_format(fmt).render(work, notes=notes, archived_at=archived_at)
    return out.encode("utf-8") if isinstance(out, str) else out


def _guarded(what: str, build: Callable[[], bytes]) -> bytes:
    try:
        return build()
    except ExportError:
        raise
    except Exception as exc:  # ebooklib/lxml raise bare exceptions on bad input
        raise ExportError(f"cannot export {what}: {type(exc).__name__}: {exc}") from exc


def export_work(
    work: Work,
    fmt: str,
    out_dir: Path,
    *,
    notes: bool = True,
    overwrite: bool = False,
    archived_at: str | None = None,
    taken: set[str] | None = None,
) -> Path:
    """Write one work to out_dir and return the path.

    Raises ExportSkipped when the file exists and overwrite is off, ExportError otherwise.
    `taken` collects the names used in this run so same-titled works never share a file.
    """
    spec = get_format(fmt)
    path = Path(out_dir) / safe_filename(work, spec.extension, taken)
    if path.exists() and not overwrite:
        raise ExportSkipped(f"exists: {path} (use --overwrite)")
    data = _guarded(work.id, lambda: render(work, fmt, notes=notes, archived_at=archived_at))
    return write_atomically(path, data)


def export_anthology(
    works: list[Work],
    fmt: str,
    out_path: Path,
    *,
    notes: bool = True,
    overwrite: bool = False,
    title: str = "ficarchive reading list",
    archived: Mapping[str, str] | None = None,
) -> Path:
    """Write all works into the one file out_path (EPUB with nested TOC, JSON lines, …).

    `archived` maps work ids to the date each was archived, for the title pages.
    """
    spec = get_format(fmt)
    many = spec.render_anthology
    if many is None:
        raise ExportError(f"{fmt} cannot hold several works in one file: leave out --one-file")
    if not works:
        raise ExportError("nothing to export: the anthology would be empty")
    out_path = Path(out_path)
    if out_path.exists() and not overwrite:
        raise ExportSkipped(f"exists: {out_path} (use --overwrite)")

    def build() -> bytes:
        out = many(works, notes=notes, title=title, archived=archived)
        return out.encode("utf-8") if isinstance(out, str) else out

    return write_atomically(out_path, _guarded("the anthology", build))
