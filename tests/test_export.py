"""search_cli/export/__init__.py: the format registry, and the files export writes.

Names stay inside the folder they are given, existing files are kept unless
overwrite, and failures are one-line ExportErrors.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from crawler.errors import ExportError
from search_cli import export
from search_cli.export import (
    FORMATS,
    ExportFormat,
    ExportSkipped,
    export_anthology,
    export_work,
    format_help,
    format_names,
    get_format,
    render,
)
from search_cli.export.batch import export_one_file
from tests.export_works import PARAS_1, make_work, output_text, squash

# -- files on disk ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "title",
    ["../../etc/passwd", "CON", "nul.txt", "\x1b[31mred\x1b[0m", "evil\u202egpj.exe", "x" * 10_000],
)
@pytest.mark.parametrize("fmt", FORMATS)
def test_hostile_titles_stay_inside_out_dir(tmp_path: Path, title: str, fmt: str) -> None:
    work = make_work(title=title)
    work.meta.authors = []
    path = export_work(work, fmt, tmp_path)
    assert path.parent == tmp_path and path.exists()
    assert len(path.name) <= 150 and path.name.endswith(f" (ao3-1234567).{fmt}")
    assert "\x1b" not in path.name and "\u202e" not in path.name and ".." not in path.name
    assert path.name.split(".")[0].upper() not in {"CON", "NUL"}


def test_existing_file_is_kept_unless_overwrite(tmp_path: Path) -> None:
    work = make_work()
    path = export_work(work, "txt", tmp_path)
    path.write_text("my own edits", encoding="utf-8")
    with pytest.raises(ExportSkipped, match=r"^exists: .* \(use --overwrite\)$"):
        export_work(work, "txt", tmp_path)
    assert path.read_text(encoding="utf-8") == "my own edits"
    assert export_work(work, "txt", tmp_path, overwrite=True) == path
    assert PARAS_1[0] in path.read_text(encoding="utf-8")
    anthology = tmp_path / "all.md"
    anthology.write_text("kept", encoding="utf-8")
    with pytest.raises(ExportSkipped):
        export_anthology([work], "md", anthology)
    assert anthology.read_text(encoding="utf-8") == "kept"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".ficarchive-")]


def test_same_title_gets_distinct_names_in_one_run(tmp_path: Path) -> None:
    taken: set[str] = set()
    a = export_work(make_work(), "html", tmp_path, taken=taken)
    b = export_work(make_work(), "html", tmp_path, taken=taken)  # same id, same title
    c = export_work(make_work("ao3:99"), "html", tmp_path, taken=taken)
    assert len({a, b, c}) == 3
    assert b.name == "tidewriter - The Night Ferry (ao3-1234567) (2).html"
    assert taken == {a.name, b.name, c.name}


def test_unknown_format_is_an_export_error(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="unknown export format"):
        export_work(make_work(), "pdf", tmp_path)
    with pytest.raises(ExportError, match="empty"):
        export_anthology([], "epub", tmp_path / "x.epub")


def test_unwritable_target_is_an_export_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(ExportError, match="cannot write"):
        export_work(make_work(), "txt", blocker)


# -- the registry ---------------------------------------------------------------------------


@pytest.mark.parametrize("spec", FORMATS.values(), ids=lambda f: f.name)
def test_every_registered_format_exports_a_sample_work(tmp_path: Path, spec: ExportFormat) -> None:
    assert spec.name and spec.extension and spec.description.strip()
    assert "\n" not in spec.description  # one line, for help
    path = export_work(make_work(), spec.name, tmp_path)
    assert path.parent == tmp_path and path.suffix == f".{spec.extension}"
    assert path.stat().st_size > 0
    assert PARAS_1[0] in squash(output_text(path))
    if spec.name != "epub":  # an EPUB's zip entries carry the time they were written
        assert render(make_work(), spec.name) == path.read_bytes()
    assert spec.render_anthology is not None  # every format today; see the test below
    report = export_one_file(
        [make_work(), make_work("ffn:9", "Lighthouse Keeping")], spec.name, tmp_path, title="Both"
    )
    (one,) = report.files()
    assert one.name == f"Both.{spec.anthology_suffix}"
    assert squash(output_text(one)).count(PARAS_1[0]) == 2


def test_registry_keys_are_the_format_names_in_help_order() -> None:
    assert format_names() == list(FORMATS) == ["epub", "html", "md", "txt", "json"]
    assert [f.name for f in FORMATS.values()] == format_names()
    assert FORMATS["json"].anthology_suffix == "jsonl"  # one work a line


def test_a_format_that_cannot_hold_several_works_refuses_one_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    single = dataclasses.replace(FORMATS["txt"], name="plain", render_anthology=None)
    monkeypatch.setattr(export, "FORMATS", {**FORMATS, "plain": single})
    assert export_work(make_work(), "plain", tmp_path).suffix == ".txt"
    with pytest.raises(ExportError, match="cannot hold several works in one file"):
        export_anthology([make_work()], "plain", tmp_path / "all.txt")
    assert not (tmp_path / "all.txt").exists()


def test_format_help_names_every_format() -> None:
    assert format_help() == "epub, html, md, txt or json"
    for name in format_names():
        assert re.search(rf"\b{re.escape(name)}\b", format_help()), name


def test_an_unknown_format_error_lists_the_registry() -> None:
    with pytest.raises(ExportError) as caught:
        get_format("pdf")
    assert str(caught.value) == f"unknown export format 'pdf': use one of {format_help()}"
