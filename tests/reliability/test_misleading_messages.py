"""Messages that told the user something untrue: each now says what is wrong, in one line.

A comparison with no field before it (`<5`) was searched for as the word "5" (and
once failed with "list index out of range"); it names the field it needs.
"""

from __future__ import annotations

import pytest

from tests.reliability.harness import ficarchive, one_line_error

BARE = ["<5", ">=2020", "=3", "(<5)", "keeper <5", "NOT >10", "words: <5"]


@pytest.mark.parametrize("query", BARE)
def test_a_comparison_without_a_field_is_one_line_naming_one(crawled, query):
    server, config, archive = crawled
    run = ficarchive("--config", str(config), "search", query)
    assert run.code == 2
    line = one_line_error(run)
    assert "compares no field" in line and "words:" in line


def test_the_same_comparison_with_its_field_still_searches(crawled):
    server, config, archive = crawled
    run = ficarchive("--config", str(config), "search", "words:>5", "--json")
    assert run.code == 0 and run.json_lines(), run.err
    quoted = ficarchive("--config", str(config), "search", 'keeper "<5"')
    assert quoted.code == 0, quoted.err


def test_a_bare_comparison_exports_nothing_and_says_why(crawled, tmp_path):
    server, config, archive = crawled
    run = ficarchive("--config", str(config), "export", "<5", "-o", str(tmp_path / "out"))
    assert run.code == 2
    assert "compares no field" in one_line_error(run)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
