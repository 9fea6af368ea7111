"""The query and option forms readers type (issue 20): AO3's rating letters, word
counts like 1k-10k, impossible dates and empty fields refused in one line."""

from __future__ import annotations

import pytest

from tests.cli import ficarchive
from tests.reading_archive import reading_archive


@pytest.fixture(scope="module")
def cfg(tmp_path_factory):
    return reading_archive(tmp_path_factory.mktemp("forms"))


def ids(cfg, *args: str) -> set[str]:
    run = ficarchive("--config", str(cfg), *args, "--json")
    assert run.code == 0, run.err
    return {hit["id"] for hit in run.json_lines() if "id" in hit}


@pytest.mark.parametrize(
    ("letter", "work"),
    [("G", "ao3:1"), ("T", "ffn:4"), ("m", "ao3:2"), ("E", "ao3:3"), ("Not Rated", "ao3:5")],
)
def test_ao3_rating_letters(cfg, letter, work):
    assert ids(cfg, "list", "--rating", letter) == {work}
    assert ids(cfg, "search", f'rating:"{letter}"' if " " in letter else f"rating:{letter}") == {
        work
    }


def test_full_rating_names_still_work(cfg):
    assert ids(cfg, "list", "--rating", "Teen And Up Audiences") == {"ffn:4"}
    assert ids(cfg, "search", "rating:explicit") == {"ao3:3"}


@pytest.mark.parametrize(
    ("form", "works"),
    [
        (">1k", {"ao3:2", "ao3:3"}),
        ("<5000", {"ao3:1", "ao3:2", "ffn:4", "ao3:5"}),
        ("300-400", {"ffn:4", "ao3:5"}),
        ("1k-10k", {"ao3:2"}),
        ("3.6k", {"ao3:2"}),
    ],
)
def test_word_count_forms(cfg, form, works):
    assert ids(cfg, "list", "--words", form) == works
    assert ids(cfg, "search", f"words:{form}") == works


def test_the_help_says_which_word_forms(cfg):
    run = ficarchive("search", "--help", env={"COLUMNS": "200"})
    assert "1k-10k" in run.out and "'>1k'" in run.out


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("list", "--updated", "2024-13"), "no such month"),
        (("list", "--published", "2024-02-30"), "no such day"),
        (("search", "updated:>=2024-13"), "no such month"),
        (("search", "holmes character:"), "character: has no value"),
        (("search", "character: holmes"), "character: has no value"),
        (("list", "--words", "400-300"), "smaller end first"),
        (("list", "--words", "lots"), "1k-10k"),
    ],
)
def test_impossible_forms_are_refused_in_one_line(cfg, args, said):
    run = ficarchive("--config", str(cfg), *args)
    assert run.code == 2, (run.out, run.err)
    assert said in run.err and run.err.strip().count("\n") == 0
    assert "Traceback" not in run.err


def test_a_real_leap_day_and_a_month_are_fine(cfg):
    assert ids(cfg, "list", "--updated", "2024-02-29") == set()
    assert ids(cfg, "list", "--updated", "2024-02") == {"ao3:1"}


@pytest.mark.parametrize(
    ("query", "said"),
    [
        ("updated:[2024-13 TO 2025]", "no such month"),
        ("words:[300-400 TO 5]", "cannot end a range"),
        ("words:(lots)", "is not a number"),
    ],
)
def test_ranges_and_groups_are_checked_too(query, said):
    from crawler.errors import QueryError
    from index.query import parse_query

    with pytest.raises(QueryError, match=said):
        parse_query(query)


def test_counts_in_ranges_and_groups():
    from index.query import Any, Range, parse_query

    assert parse_query("words:[1k TO 10k]") == Range("words", "1000", "10000")
    assert parse_query("kudos:(>5 OR 1k-2k)") == Any(
        (Range("kudos", "5", None, start_excl=True), Range("kudos", "1000", "2000"))
    )
