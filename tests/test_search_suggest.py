"""A query that matches nothing suggests a corrected spelling that does (issue 18).

The suggestion is a plain attribute of the result (SearchResult.suggestion), so
the CLI and the web library read the same thing; the CLI prints a command that
works when pasted.
"""

from __future__ import annotations

import shlex

import pytest

from crawler.models import Block, Chapter, Work, WorkMeta
from index.store import Store
from index.whoosh.writer import Indexer
from tests.cli import ficarchive
from tests.searching import search


def work(number: int, title: str, characters: list[str], text: str) -> Work:
    meta = WorkMeta(title=title, authors=["Writer"], characters=characters)
    chapters = [Chapter(1, "", [Block("paragraph", text)])]
    return Work(f"ao3:{number}", "ao3", f"https://example.org/{number}", meta, "", [], chapters)


WORKS = [
    work(1, "The Night Train", ["John Watson"], "Every night the train ran late past Holmes."),
    work(2, "Tea", ["Elizabeth Bennet"], "Tea was had, and the happiest of afternoons."),
]


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    path = tmp_path_factory.mktemp("suggest")
    with Store(path) as store:
        for w in WORKS:
            store.save_work(w)
        Indexer(path).update(WORKS)
        yield path, store


@pytest.mark.parametrize(
    ("query", "suggestion"),
    [
        ("holmse", "holmes"),  # only in the text, which is stemmed ("holm"): the word as written
        ("Holmse", "holmes"),
        ('"nigth train"', '"night train"'),  # quotes stay
        ("character:watsn", "character:watson"),  # the field stays, and its words are asked
        ("hapiest afternons", "happiest afternoons"),
        ("holmse words:>5", "holmes words:>5"),
        ("elizabth NOT holmes", "elizabeth NOT holmes"),
    ],
)
def test_a_misspelt_query_suggests_one_that_matches(archive, query, suggestion):
    path, store = archive
    got = search(path, query, store=store)
    assert got.total == 0 and got.suggestion == suggestion
    assert search(path, suggestion, store=store).total > 0


@pytest.mark.parametrize("query", ["holmes", "tea AND holmse", "zzqxv", "words:>100000", "train"])
def test_no_suggestion_when_something_matches_or_nothing_would(archive, query):
    path, store = archive
    assert search(path, query, store=store).suggestion is None


def test_the_cli_prints_a_command_that_works_when_pasted(tmp_path):
    (tmp_path / "story.txt").write_text("Sherlock Holmes took the night train.\n\nWatson slept.\n")
    config = tmp_path / "config.toml"
    config.write_text(f'[archive]\npath = "{tmp_path / "archive"}"\n')
    assert ficarchive("--config", str(config), "import", str(tmp_path / "story.txt")).code == 0
    run = ficarchive("--config", str(config), "search", "holmse", "--limit", "5")
    assert run.code == 0, run.err
    assert "No works match holmse." in run.out
    line = next(x for x in run.out.splitlines() if x.startswith("Did you mean: "))
    pasted = shlex.split(line.removeprefix("Did you mean: "))
    assert pasted == ["ficarchive", "--config", str(config), "search", "holmes", "--limit", "5"]
    again = ficarchive(*pasted[1:], "--json")
    assert len(again.json_lines()) == 1
    as_json = ficarchive("--config", str(config), "search", '"nigth train"', "--json")
    assert as_json.json_lines()[-1]["suggestion"] == '"night train"'
    assert "id" not in as_json.json_lines()[-1]


def test_the_pasted_command_keeps_the_program_as_typed(monkeypatch):
    """`.venv/bin/ficarchive search holmse` suggests `.venv/bin/ficarchive search holmes`:
    a bare `ficarchive` would not run where the tool is not on PATH."""
    from types import SimpleNamespace

    from search_cli.commands.reading import again

    found = SimpleNamespace(suggestion="holmes")
    monkeypatch.setattr(
        "sys.argv", [".venv/bin/ficarchive", "-c", "my config.toml", "search", "holmse"]
    )
    assert again("holmse", found) == ".venv/bin/ficarchive -c 'my config.toml' search holmes"
    monkeypatch.setattr("sys.argv", ["/x/search_cli/app.py", "search", "holmse"])
    assert again("holmse", found) == "ficarchive search holmes"
