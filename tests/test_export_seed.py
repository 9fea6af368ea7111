"""The seed story (../shared/fixtures, read in place) imported, then exported in every format."""

from __future__ import annotations

import pytest

from index.store import Store
from search_cli.export import FORMATS
from search_cli.export.batch import export_each
from tests.cli import ficarchive
from tests.conftest import shared_fixture
from tests.epubcheck import assert_clean
from tests.export_checks import assert_work_survives, note_paragraphs, work_breaks

SEED = "seed/story_with_ornamental_dividers_and_author_note.txt"


@pytest.fixture(scope="module")
def seed(tmp_path_factory):
    """(config, stored Work) after `ficarchive import` of the seed story."""
    path = shared_fixture(SEED)
    root = tmp_path_factory.mktemp("seed")
    config = root / "config.toml"
    config.write_text('[archive]\npath = "arch"\n')
    run = ficarchive("--config", str(config), "import", str(path), "--json")
    assert run.code == 0, run.err
    work_id = run.json()["works"][0]["id"]
    with Store(root / "arch") as store:
        work = store.get_work(work_id)
    # The story is worth testing on only because it has both of these.
    assert work_breaks(work) >= 2 and note_paragraphs(work)
    return config, work


def test_seed_epub_from_the_cli_passes_epubcheck(seed, tmp_path) -> None:
    config, work = seed
    args = ["--config", str(config), "export", "--id", work.id, "--out", str(tmp_path)]
    run = ficarchive(*args, "--format", "epub", "--json")
    assert run.code == 0, run.err
    report = run.json()
    assert report["written"] == 1 and report["failed"] == 0
    [path] = tmp_path.glob("*.epub")
    assert_clean(path)
    assert_work_survives(work, path, "epub", notes=True)


@pytest.mark.parametrize("notes", [True, False], ids=["notes", "no-notes"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_seed_text_notes_and_breaks_survive_every_format(seed, tmp_path, fmt, notes) -> None:
    _, work = seed
    report = export_each([work], fmt, tmp_path, notes=notes)
    assert report.counts() == {"written": 1, "unchanged": 0, "skipped": 0, "failed": 0}
    [path] = report.files()
    assert_work_survives(work, path, fmt, notes=notes)


def test_seed_is_shown_and_found_by_its_phrase(seed) -> None:
    """The foundation issue's check: `show --json` prints it, the phrase search finds it."""
    config, work = seed
    shown = ficarchive("--config", str(config), "show", work.id, "--json")
    assert shown.code == 0 and shown.json()["id"] == work.id
    assert shown.json()["chapters"] and shown.json()["words"] > 0
    found = ficarchive("--config", str(config), "search", '"see you, space cowboy"', "--json")
    assert found.code == 0, found.err
    hits = found.json_lines()
    assert [h["id"] for h in hits] == [work.id]
    assert "see you, space cowboy" in hits[0]["snippets"][0].lower()
