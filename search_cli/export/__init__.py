"""Export works to EPUB, HTML, Markdown, plain text or JSON: the API the CLI calls.

Each format module turns Works into bytes or text; this module names the file, refuses to
clobber an existing one, and writes atomically. Failures are ExportError, one line each.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from crawler.errors import ExportError
from crawler.models import Work
from search_cli.export import epub, html, jsonl, markdown, text
from search_cli.export.common import write_atomically
from search_cli.export.filenames import safe_filename

__all__ = [
    "FORMATS",
    "ExportSkipped",
    "export_anthology",
    "export_work",
    "render",
    "safe_filename",
]

FORMATS = ("epub", "html", "md", "txt", "json")


class ExportSkipped(ExportError):
    """The target file exists and --overwrite was not given; the old file is kept."""


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r}: use one of {', '.join(FORMATS)}")


def render(work: Work, fmt: str, *, notes: bool = True, archived_at: str | None = None) -> bytes:
    """One work in `fmt`, as the bytes that would be written."""
    _check_format(fmt)
    renderers: dict[str, Callable[..., bytes | str]] = {
        "epub": epub.render_epub,
        "html": html.render_html,
        "md": markdown.render_markdown,
        "txt": text.render_text,
    }
    if fmt == "json":
        return jsonl.render_json(work, notes=notes).encode("utf-8")
    out = renderers[fmt](work, notes=notes, archived_at=archived_at)
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
    _check_format(fmt)
    path = Path(out_dir) / safe_filename(work, fmt, taken)
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
    _check_format(fmt)
    if not works:
        raise ExportError("nothing to export: the anthology would be empty")
    out_path = Path(out_path)
    if out_path.exists() and not overwrite:
        raise ExportSkipped(f"exists: {out_path} (use --overwrite)")

    def build() -> bytes:
        if fmt == "epub":
            return epub.render_epub_anthology(works, notes=notes, title=title, archived=archived)
        if fmt == "json":
            out = jsonl.render_jsonl(works, notes=notes)
        elif fmt == "html":
            out = html.render_html_anthology(works, notes=notes, title=title, archived=archived)
        elif fmt == "md":
            out = markdown.render_markdown_anthology(
                works, notes=notes, title=title, archived=archived
            )
        else:
            out = text.render_text_anthology(works, notes=notes, title=title, archived=archived)
        return out.encode("utf-8")

    return write_atomically(out_path, _guarded("the anthology", build))
