"""The reader's own metadata: `import --title/--author/...` and `ficarchive edit ID`.

What the reader sets is kept apart from what the site says: an update from the site
(a real sample server on 127.0.0.1), a re-import and `index --rebuild` never undo it;
search, list, show and export see it; `--reset` gives the site's back. Ids may be
pasted in the form of an exported file's name, `(ao3-123)`.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from crawler.config import parse_config
from index.archive import Archive
from index.edits import Edit
from search_cli.demo.sample_works import SampleChapter, SampleWork
from search_cli.demo.server import SampleArchiveServer
from tests.cli import ficarchive
from tests.servers import clear_proxies

STORY = "The dragon slept under the hill.\n\nIn the morning the dragon flew to the sea.\n"


@pytest.fixture(autouse=True)
def _no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    clear_proxies(monkeypatch)


@pytest.fixture
def cfg(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text('[archive]\npath = "arch"\n')
    (tmp_path / "dragon_notes.txt").write_text(STORY)
    return path


def run(cfg: Path, *args: str):
    return ficarchive("--config", str(cfg), *args)


def shown(cfg: Path, work_id: str) -> dict:
    found = run(cfg, "show", work_id, "--json")
    assert found.code == 0, found.err
    return found.json()


def test_import_sets_what_a_file_does_not_say(cfg):
    story = cfg.parent / "dragon_notes.txt"
    first = run(cfg, "import", str(story), "--title", "Under the Hill", "--author", "Ann",
                "--author", "Bea", "--fandom", "Original Work", "--character", "The Dragon",
                "--relationship", "Dragon/Sea", "--tag", "Fluff, Mostly")  # fmt: skip
    assert first.code == 0, first.err
    work_id = first.out.strip()
    got = shown(cfg, work_id)
    assert (got["title"], got["authors"], got["fandoms"]) == (
        "Under the Hill", ["Ann", "Bea"], ["Original Work"])  # fmt: skip
    assert got["characters"] == ["The Dragon"] and got["relationships"] == ["Dragon/Sea"]
    assert got["tags"] == ["Fluff, Mostly"]  # a comma is part of a tag, as on AO3
    hits = run(cfg, "search", "dragon", "--author", "Bea", "--json").json_lines()
    assert [h["id"] for h in hits] == [work_id] and hits[0]["title"] == "Under the Hill"
    again = run(cfg, "import", str(story))  # the same file: said, and the edits stay
    assert again.code == 0 and again.out.strip() == work_id
    assert f"unchanged (already stored as {work_id})" in again.err
    assert shown(cfg, work_id)["title"] == "Under the Hill"


def test_edit_survives_a_rebuild_and_is_seen_by_search_and_export(cfg):
    work_id = run(cfg, "import", str(cfg.parent / "dragon_notes.txt")).out.strip()
    assert shown(cfg, work_id)["title"] == "Dragon notes"
    file_form = f"({work_id.replace(':', '-')})"  # as an exported file's name gives it
    edited = run(cfg, "edit", file_form, "--title", "The Sleeping Dragon", "--author", "Cy",
                 "--add-tag", "Sea", "--add-tag", "Hills", "--json")  # fmt: skip
    assert edited.code == 0, edited.err
    assert edited.json()["title"] == "The Sleeping Dragon" and edited.json()["tags"] == [
        "Sea", "Hills"]  # fmt: skip
    assert run(cfg, "edit", work_id, "--remove-tag", "hills").code == 0
    assert run(cfg, "index", "--rebuild").code == 0
    got = shown(cfg, work_id)
    assert (got["title"], got["authors"], got["tags"]) == ("The Sleeping Dragon", ["Cy"], ["Sea"])
    found = run(cfg, "search", "tag:sea", "--json").json_lines()
    assert [h["id"] for h in found] == [work_id]
    assert run(cfg, "search", "tag:hills", "--json").json_lines() == []
    listed = run(cfg, "list", "--json").json_lines()
    assert [h["title"] for h in listed] == ["The Sleeping Dragon"]
    out = cfg.parent / "export"
    assert run(cfg, "export", "--id", work_id, "--format", "json", "--out", str(out)).code == 0
    (written,) = out.glob("*.json")
    assert json.loads(written.read_text())["title"] == "The Sleeping Dragon"
    assert written.name.startswith("Cy - The Sleeping Dragon")
    back = run(cfg, "edit", work_id, "--reset")  # the file's own metadata again
    assert back.code == 0 and shown(cfg, work_id)["title"] == "Dragon notes"


def test_edit_refuses_nothing_and_an_unknown_id_in_one_line(cfg):
    work_id = run(cfg, "import", str(cfg.parent / "dragon_notes.txt")).out.strip()
    nothing = run(cfg, "edit", work_id)
    assert nothing.code == 2 and "nothing to change" in nothing.err
    unknown = run(cfg, "edit", "ao3:1", "--title", "x")
    assert unknown.code == 2 and "no work 'ao3:1'" in unknown.err
    blank = run(cfg, "edit", work_id, "--title", " ")
    assert blank.code == 2 and "--title is empty" in blank.err
    for failed in (nothing, unknown, blank):
        assert len(failed.err.strip().splitlines()) == 1 and "Traceback" not in failed.err


def test_an_update_from_the_site_never_undoes_an_edit(tmp_path):
    work = SampleWork(
        work_id=91000002, title="Lamps", authors=("inkwell",), fandoms=("Original Work",),
        rating="General Audiences", warnings=("No Archive Warnings Apply",), categories=("Gen",),
        characters=("Ada",), summary="Lamps.", published="2024-01-01", updated="2024-02-01",
        complete=False, chapters_expected=None, kudos=1, hits=2, bookmarks=0, comments=0,
        chapters=(SampleChapter(title="One", paragraphs=("Ada lit the first lamp.",)),),
        freeforms=("Gaslight",),
    )  # fmt: skip
    with SampleArchiveServer((work,)) as server:
        config = parse_config({
            "archive": {"path": str(tmp_path / "archive"), "contact": "t@example.org"},
            "politeness": {"delay_seconds": 0, "jitter": 0.0, "max_retries": 0},
            "sites": {"ao3": {"base_url": server.base_url, "delay_seconds": 0}},
        })  # fmt: skip
        with Archive(config) as archive:
            archive.add([f"{server.base_url}/works/91000002"])
            archive.edit("ao3:91000002", Edit(title="Lamps (my copy)", remove_tags=["gaslight"]))
            more = (
                *work.chapters,
                SampleChapter(title="Two", paragraphs=("Ada lit the second lamp.",)),
            )
            server.update_work(91000002, dataclasses.replace(work, title="Lamps!", chapters=more))
            (outcome,) = archive.update(["ao3:91000002"]).outcomes
            stored = archive.store.get_work("ao3:91000002")
            site_says = archive.get_work("ao3:91000002", version=2)
    assert outcome.result == "updated" and len(stored.chapters) == 2  # the site's text came
    assert stored.meta.title == "Lamps (my copy)" and "Gaslight" not in stored.meta.tags
    assert site_says.meta.title == "Lamps!"  # what the site said is kept, apart


def test_an_exported_file_names_id_form_is_an_id(tmp_path):
    """`(ao3-123)`, `ao3-123`, and an eFiction id whose host holds dashes."""
    from crawler.models import Block, Chapter, Work, WorkMeta

    config = parse_config({"archive": {"path": str(tmp_path / "archive")}})
    with Archive(config) as archive:
        for work_id in ("ao3:71000001", "efiction:my-fic-host.org:42", "file:ab12cd34ef56"):
            text = Chapter(1, "", [Block("paragraph", f"The story of {work_id}.")])
            archive.store.save_work(Work(work_id, "x", "u", WorkMeta(title="T"), chapters=[text]))
        got = {form: archive.resolve(form) for form in (
            "(ao3-71000001)", "ao3-71000001", " ao3:71000001 ", "(efiction-my-fic-host.org-42)",
            "file-ab12cd34ef56", "(ao3-999)")}  # fmt: skip
    assert got == {
        "(ao3-71000001)": "ao3:71000001",
        "ao3-71000001": "ao3:71000001",
        " ao3:71000001 ": "ao3:71000001",
        "(efiction-my-fic-host.org-42)": "efiction:my-fic-host.org:42",
        "file-ab12cd34ef56": "file:ab12cd34ef56",
        "(ao3-999)": "ao3-999",  # no such work: said as given, by the command that asked
    }


def test_stats_and_the_web_librarys_shelves_see_an_edit(tmp_path):
    story = tmp_path / "dragon_notes.txt"
    story.write_text(STORY)
    config = parse_config({"archive": {"path": str(tmp_path / "archive")}})
    with Archive(config) as archive:
        (outcome,) = archive.import_paths([story], Edit(fandoms=["Dragon Tales"])).outcomes
        archive.edit(outcome.id, Edit(add_tags=["Sea"], characters=["The Dragon"]))
        fandoms = [g.name for g in archive.stats().by_fandom]
        shelves = {k: archive.marks.values(k) for k in ("fandoms", "tags", "characters")}
    assert fandoms == ["Dragon Tales"]
    assert shelves == {
        "fandoms": [("Dragon Tales", 1)],
        "tags": [("Sea", 1)],
        "characters": [("The Dragon", 1)],
    }
