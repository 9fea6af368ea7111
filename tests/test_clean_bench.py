"""bench/clean_bench.py: the rows `make bench` prints, measured quickly."""

from __future__ import annotations

from bench import clean_bench


def test_rows(monkeypatch) -> None:
    monkeypatch.setattr(clean_bench, "REPEAT", 1)
    rows = clean_bench.run()
    assert rows and all(
        set(r) == {"measure", "baseline", "ficarchive", "ratio"}
        and all(isinstance(v, str) for v in r.values())
        for r in rows
    )
    assert rows[0]["measure"].startswith("clean, sample archive pages")
    assert "html.parser" in rows[0]["baseline"] and "lxml" in rows[0]["ficarchive"]
    assert any("slowest page" in r["measure"] for r in rows)
