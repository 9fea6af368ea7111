"""`ficarchive mark` and `ficarchive tag` as a user runs them, and the reader's layer in
`show`, `search`, `list` and their --json (keys added, none taken away)."""

from __future__ import annotations

import pytest

from tests.cli import ficarchive
from tests.serve_library import FERRY, GONE, HOSTILE, build_archive

SEARCH_KEYS = {"id", "title", "authors", "fandoms", "score", "chapters", "snippets", "matches"}
OWN_KEYS = {"reading_mark", "private_tags", "bookmark_notes"}


@pytest.fixture
def run(tmp_path):
    cfg = build_archive(tmp_path)
    conf = tmp_path / "config.toml"
    conf.write_text(f'[archive]\npath = "{cfg.archive_dir}"\n')
    return lambda *args: ficarchive("--config", str(conf), *args)


def test_mark_sets_shows_and_clears(run):
    assert run("mark", FERRY).out.strip() == f"{FERRY}: not marked"
    done = run("mark", FERRY, "dropped")
    assert (done.code, done.out.strip()) == (0, f"{FERRY}: dropped")
    assert run("mark", FERRY, "--json").json() == {"id": FERRY, "reading_mark": "dropped"}
    assert run("list", "--read", "dropped", "--json").json_lines()[0]["id"] == FERRY
    assert run("mark", FERRY, "--clear").out.strip() == f"{FERRY}: not marked"
    bad = run("mark", FERRY, "loved")
    assert bad.code == 2 and "not one of: to-read, reading, read, dropped" in bad.err
    assert "Traceback" not in bad.err and len(bad.err.strip().splitlines()) == 1
    unknown = run("mark", "ao3:9", "read")
    assert unknown.code == 2 and "no work 'ao3:9'" in unknown.err
    assert run("mark", FERRY, "read", "--clear").code == 2


def test_tag_adds_removes_and_lists_private_tags(run):
    done = run("tag", HOSTILE, "+comfort-read", "-angst", "+slow burn")
    assert done.code == 0, done.err
    assert done.out.strip() == f"{HOSTILE}: comfort-read, slow burn"
    assert run("tag", HOSTILE, "-slow_burn").out.strip() == f"{HOSTILE}: comfort-read"
    assert run("tag", HOSTILE, "--json").json() == {"id": HOSTILE, "private_tags": ["comfort-read"]}
    assert run("tag", FERRY).out.strip() == f"{FERRY}: no private tags"
    assert run("tag", HOSTILE, "+").code == 2
    assert run("tag", "ao3:9", "+x").code == 2


def test_search_list_and_show_carry_the_readers_layer(run):
    run("mark", FERRY, "read")
    run("tag", HOSTILE, "+comfort-read")
    unread = run("search", "read:no", "--json").json_lines()
    assert FERRY not in {h["id"] for h in unread} and HOSTILE in {h["id"] for h in unread}
    for hit in unread:
        assert set(hit) >= SEARCH_KEYS | OWN_KEYS
    mine = run("list", "--mine", "Comfort Read", "--json").json_lines()
    assert [(h["id"], h["private_tags"], h["reading_mark"]) for h in mine] == [
        (HOSTILE, ["comfort-read"], None)
    ]
    assert [h["id"] for h in run("search", "mine:comfort-read", "--json").json_lines()] == [HOSTILE]
    shown = run("show", FERRY, "--json").json()
    assert (shown["id"], shown["reading_mark"], shown["private_tags"]) == (FERRY, "read", [])
    assert shown["bookmark_notes"] == [] and "chapters" in shown
    text = run("show", HOSTILE).out
    assert "private tags" in text and "comfort-read" in text
    assert run("list", "--read", "maybe").code == 2


def test_removing_a_work_takes_its_layer_with_it(run):
    run("tag", GONE, "+kept")
    run("mark", GONE, "read")
    assert run("remove", GONE, "--yes").code == 0
    assert run("search", "mine:kept", "--json").out == ""
    assert run("list", "--read", "yes", "--json").out == ""
