"""`ficarchive export --changed`: after an update, only the works new or changed since
their last export into that folder are written, the stale file replaced; the summary
says which were written (new or changed) and which were unchanged."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from crawler.models import Block, Chapter
from index.store import Store
from tests.cli import Run, ficarchive

PAGES = {
    "lamp": "<html><head><title>The Lamp</title></head><body><p>The lamp was lit.</p></body></html>",
    "tide": "<html><head><title>The Tide</title></head><body><p>The tide came in.</p></body></html>",
    "gull": "<html><head><title>The Gull</title></head><body><p>A gull sat still.</p></body></html>",
}
NEW_TEXT = "The lamp burned all night, and the keeper wrote it down."


@pytest.fixture
def archive(tmp_path) -> tuple[Path, dict[str, str]]:
    config = tmp_path / "config.toml"
    config.write_text('[archive]\npath = "arch"\n')
    paths = []
    for name, text in PAGES.items():
        (tmp_path / f"{name}.html").write_text(text, encoding="utf-8")
        paths.append(str(tmp_path / f"{name}.html"))
    run = ficarchive("--config", str(config), "import", *paths, "--json")
    assert run.code == 0, run.err
    ids = [w["id"] for w in run.json()["works"]]
    return config, dict(zip(PAGES, ids, strict=True))


def export(config: Path, *args: str) -> Run:
    return ficarchive("--config", str(config), "export", *args)


def change(config: Path, work_id: str, edit) -> None:
    """What an update does to a stored work: a new version of it."""
    with Store(config.parent / "arch") as store:
        work = copy.deepcopy(store.get_work(work_id))
        edit(work)
        store.save_work(work)


def results(run: Run) -> dict[str, tuple[str, str | None]]:
    assert run.code == 0, run.err
    return {w["id"]: (w["result"], w["change"]) for w in run.json()["works"]}


def test_only_new_and_changed_works_are_written(archive, tmp_path) -> None:
    config, ids = archive
    out = tmp_path / "out"
    first = export(config, "--all", "-f", "txt", "-o", str(out), "--json")
    assert first.json()["written"] == 3
    lamp_file = (
        out / Path(next(w["path"] for w in first.json()["works"] if w["id"] == ids["lamp"])).name
    )

    def rewrite(work):
        work.chapters[0].blocks = [Block("paragraph", NEW_TEXT)]

    change(config, ids["lamp"], rewrite)
    plain = export(config, "--all", "-f", "txt", "-o", str(out), "--json")
    assert plain.json()["skipped"] == 3 and NEW_TEXT not in lamp_file.read_text()  # as before

    again = export(config, "--all", "-f", "txt", "-o", str(out), "--changed", "--json")
    assert results(again) == {
        ids["lamp"]: ("written", "changed"),
        ids["tide"]: ("unchanged", None),
        ids["gull"]: ("unchanged", None),
    }
    assert (again.json()["written"], again.json()["unchanged"]) == (1, 2)
    assert NEW_TEXT in lamp_file.read_text(encoding="utf-8")
    settled = export(config, "--all", "-f", "txt", "-o", str(out), "--changed", "--json")
    assert {r for r, _ in results(settled).values()} == {"unchanged"}


def test_the_summary_names_what_was_written_and_what_was_unchanged(archive, tmp_path) -> None:
    config, ids = archive
    out = tmp_path / "out"
    assert (
        export(config, "--id", ids["lamp"], "--id", ids["tide"], "-f", "md", "-o", str(out)).code
        == 0
    )
    change(
        config,
        ids["tide"],
        lambda w: w.chapters.append(Chapter(2, "", [Block("paragraph", "Ebb.")])),
    )
    run = export(config, "--all", "-f", "md", "-o", str(out), "--changed")
    assert run.code == 0, run.err
    lines = run.out.splitlines()
    assert any("written" in line and "unchanged" in line for line in lines)  # the counts
    row = {
        key: next(line for line in lines if f"The {key}" in line)
        for key in ("Lamp", "Tide", "Gull")
    }
    assert "unchanged" in row["Lamp"] and "written (changed)" in row["Tide"]
    assert "written (new)" in row["Gull"]


def test_a_deleted_file_is_written_again_and_a_retitled_work_replaces_its_old_file(
    archive, tmp_path
) -> None:
    config, ids = archive
    out = tmp_path / "out"
    first = export(config, "--all", "-f", "html", "-o", str(out), "--json")
    paths = {w["id"]: Path(w["path"]) for w in first.json()["works"]}
    paths[ids["gull"]].unlink()

    def retitle(work):
        work.meta.title = "The Lighthouse Lamp"

    change(config, ids["lamp"], retitle)
    run = export(config, "--all", "-f", "html", "-o", str(out), "--changed", "--json")
    found = results(run)
    assert found[ids["gull"]] == ("written", "changed") and paths[ids["gull"]].exists()
    assert found[ids["lamp"]] == ("written", "changed")
    assert not paths[ids["lamp"]].exists()  # the stale file under the old title is gone
    [lamp] = [w for w in run.json()["works"] if w["id"] == ids["lamp"]]
    assert "Lighthouse" in Path(lamp["path"]).name and Path(lamp["path"]).exists()
    assert sorted(p.name for p in out.iterdir()) == sorted(
        Path(w["path"]).name for w in run.json()["works"]
    )


def test_kudos_alone_do_not_count_as_a_change_and_formats_are_apart(archive, tmp_path) -> None:
    config, ids = archive
    out = tmp_path / "out"
    assert export(config, "--all", "-f", "txt", "-o", str(out)).code == 0

    def kudos(work):
        work.meta.kudos = (work.meta.kudos or 0) + 10

    change(config, ids["tide"], kudos)
    assert {r for r, _ in results(export(config, "--all", "-f", "txt", "-o", str(out),
                                         "--changed", "--json")).values()} == {"unchanged"}  # fmt: skip
    other = results(export(config, "--all", "-f", "md", "-o", str(out), "--changed", "--json"))
    assert {v for v in other.values()} == {("written", "new")}  # markdown was never exported
    notes = results(
        export(config, "--all", "-f", "md", "--no-notes", "-o", str(out), "--changed", "--json")
    )
    assert {v for v in notes.values()} == {("written", "new")}


def test_a_damaged_record_means_everything_is_written_again(archive, tmp_path) -> None:
    config, _ = archive
    out = tmp_path / "out"
    assert export(config, "--all", "-f", "txt", "-o", str(out)).code == 0
    record = config.parent / "arch" / "exports.json"
    assert len(json.loads(record.read_text())["folders"][str(out.resolve())]) == 3
    record.write_text("{ not json", encoding="utf-8")
    run = export(config, "--all", "-f", "txt", "-o", str(out), "--changed", "--json")
    assert {v for v in results(run).values()} == {("written", "new")}


@pytest.mark.parametrize("other", ["--one-file", "--overwrite"])
def test_changed_refuses_one_file_and_overwrite(archive, tmp_path, other) -> None:
    config, _ = archive
    run = export(config, "--all", "-o", str(tmp_path), "--changed", other)
    assert run.code == 2 and other in run.err and "Traceback" not in run.err
    assert len(run.err.strip().splitlines()) == 1


def test_each_folder_has_its_own_record(archive, tmp_path) -> None:
    config, _ = archive
    assert export(config, "--all", "-f", "txt", "-o", str(tmp_path / "reader")).code == 0
    run = export(
        config, "--all", "-f", "txt", "-o", str(tmp_path / "friend"), "--changed", "--json"
    )
    assert {v for v in results(run).values()} == {("written", "new")}
    assert len(list((tmp_path / "friend").iterdir())) == 3
