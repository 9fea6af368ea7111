"""`search` and `list` output (issue 20): --asc/--desc, the sorted-by value shown,
facets after the results, `list --facets`, AO3-style chapter counts, one line per
work, and the options that mean nothing without a query refused on `list`."""

from __future__ import annotations

import pytest

from tests.cli import ficarchive
from tests.reading_archive import WORKS, reading_archive

BY_KUDOS = ["ao3:2", "ao3:3", "ao3:1", "ao3:5", "ffn:4"]  # ffn:4 has none


@pytest.fixture(scope="module")
def cfg(tmp_path_factory):
    return reading_archive(tmp_path_factory.mktemp("listing"))


def run(cfg, *args: str):
    done = ficarchive("--config", str(cfg), *args)
    assert done.code == 0, done.err
    return done


def order(cfg, *args: str) -> list[str]:
    return [h["id"] for h in run(cfg, *args, "--json").json_lines() if "id" in h]


def test_asc_and_desc(cfg):
    assert order(cfg, "list", "--sort", "kudos") == BY_KUDOS  # most first, as before
    assert order(cfg, "list", "--sort", "kudos", "--desc") == BY_KUDOS
    assert order(cfg, "list", "--sort", "kudos", "--asc") == BY_KUDOS[::-1]
    titles = sorted(WORKS, key=lambda w: w.title)
    assert order(cfg, "list") == [w.id for w in titles]  # A to Z, as before
    assert order(cfg, "list", "--desc") == [w.id for w in titles][::-1]
    assert order(cfg, "search", "lantern", "--sort", "hits", "--asc")[0] == "ffn:4"
    assert order(cfg, "search", "lantern", "--sort", "updated", "--asc")[0] == "ao3:5"
    assert order(cfg, "search", "lantern", "--sort", "updated")[0] == "ao3:3"


@pytest.mark.parametrize("sort", ["kudos", "hits"])
def test_sorting_by_kudos_or_hits_shows_them(cfg, sort):
    for command in (["search", "lantern"], ["list"], ["list", "--short"]):
        out = run(cfg, *command, "--sort", sort).out
        assert sort in out, command
        assert ("5,000" if sort == "kudos" else "20,000") in out, command
    plain = run(cfg, "search", "lantern").out
    assert "20,000" not in plain and "5,000" not in plain  # only when sorted by them


def test_json_lines_carry_kudos_hits_and_chapter_counts(cfg):
    lines = {h["id"]: h for h in run(cfg, "list", "--json").json_lines()}
    two = lines["ao3:2"]
    assert (two["kudos"], two["hits"], two["chapter_count"], two["chapters_total"]) == (
        5000,
        20000,
        3,
        None,
    )
    assert lines["ao3:5"]["chapters_total"] == 5
    # the promised keys are all still there
    assert {"id", "title", "authors", "fandoms", "score", "chapters", "snippets"} <= set(two)
    assert {"matches", "words", "status", "updated"} <= set(two)


def test_facets_print_after_the_results(cfg):
    out = run(cfg, "search", "lantern", "--facets").out
    assert out.index("Storm Warning") < out.index("by rating")
    assert out.index("Half Told") < out.index("by length")


def test_list_facets_count_the_whole_archive_or_the_selection(cfg):
    out = run(cfg, "list", "--facets").out
    assert "by rating" in out and "Explicit" in out and "under 1k" in out
    *hits, facets = run(cfg, "list", "--facets", "--json").json_lines()
    assert len(hits) == 5
    assert sum(facets["facets"]["rating"].values()) == 5
    assert facets["facets"]["site"] == {"ao3": 4, "ffn": 1}
    *_, some = run(cfg, "list", "--rating", "E", "--facets", "--json").json_lines()
    assert some["facets"]["rating"] == {"Explicit": 1}


def test_list_shows_chapter_counts_as_ao3_does(cfg):
    out = run(cfg, "list").out
    assert "3/3" in out and "3/?" in out and "2/5" in out and "1/1" in out
    assert "1, 2, 3" not in out  # not the chapter numbers


def test_list_short_is_one_line_per_work(cfg):
    for flag in ("--short", "--oneline", "-s"):
        lines = run(cfg, "list", flag).out.splitlines()
        for work in WORKS:
            [line] = [x for x in lines if x.startswith(work.id + " ")]
            assert work.title in line and f"{work.words:,} words" in line
        assert len(lines) == len(WORKS) + 1  # a heading, then one line each
    assert "3/? " in run(cfg, "list", "--short").out


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("--in", "notes"), "list has no query"),
        (("--include-notes",), "list has no query"),
        (("--sort", "relevance"), "no query to rank by relevance"),
    ],
)
def test_list_refuses_what_needs_a_query(cfg, args, said):
    done = ficarchive("--config", str(cfg), "list", *args)
    assert done.code == 2 and said in done.err
    assert done.err.strip().count("\n") == 0


def test_list_help_leaves_out_what_needs_a_query():
    out = ficarchive("list", "--help").out
    assert "--in " not in out and "--include-notes" not in out and "relevance" not in out
    assert "--short" in out and "--facets" in out and "--asc" in out
    assert "--in " in ficarchive("search", "--help").out
