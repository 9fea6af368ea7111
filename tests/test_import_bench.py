"""bench/import_bench.py: the row `make bench` prints, measured on a few files."""

from __future__ import annotations

from bench import import_bench


def test_the_library_holds_both_kinds_and_every_file_is_imported(monkeypatch, tmp_path) -> None:
    size = import_bench.write_library(tmp_path / "lib", 4)
    files = sorted(p.suffix for p in (tmp_path / "lib").rglob("*.*"))
    assert files == [".html", ".html", ".txt", ".txt"] and size > 0
    monkeypatch.setenv("BENCH_IMPORT_FILES", "4")
    (row,) = import_bench.run()  # raises SystemExit unless all 4 are stored and rebuilt
    assert set(row) == {"measure", "baseline", "ficarchive", "ratio"}
    assert row["measure"].startswith("import DIR, 4 generated files (2 saved AO3 pages, 2 .txt")
    assert "files/s" in row["ficarchive"] and "index --rebuild" in row["baseline"]
