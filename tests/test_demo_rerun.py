"""Running the demo again keeps what the reader put into its archive: it re-crawls the
samples in place, says so, names the works it kept, and keeps an edited config."""

from __future__ import annotations

from tests.cli import ficarchive

STORY = "The Keeper's Log\n\nThe keeper wrote down every ship that passed the light.\n"


def test_a_second_demo_run_keeps_imported_works_and_an_edited_config(tmp_path):
    demo = tmp_path / "demo"
    first = ficarchive("demo", "--dir", str(demo), timeout=300)
    assert first.code == 0, first.err
    assert "Re-running in place" not in first.out
    config = demo / "config.toml"
    story = tmp_path / "keepers_log.txt"
    story.write_text(STORY, encoding="utf-8")
    imported = ficarchive("--config", str(config), "import", str(story), "--json")
    assert imported.code == 0, imported.err
    [work_id] = [w["id"] for w in imported.json()["works"]]
    config.write_text(config.read_text() + "\n# my own note about this config\n")

    again = ficarchive("demo", "--dir", str(demo), timeout=300)
    assert again.code == 0, again.err
    assert "Re-running in place" in again.out and "nothing in it is deleted" in again.out
    assert f"Kept 1 other work(s) already in this archive: {work_id}" in again.out
    assert "my own note" in (demo / "config.toml.edited").read_text()
    assert "my own note" not in config.read_text()  # this run's server, this run's config
    shown = ficarchive("--config", str(config), "show", work_id)
    assert shown.code == 0 and "every ship that passed the light" in shown.out
    found = ficarchive("--config", str(config), "search", '"every ship that passed"', "--json")
    assert found.code == 0 and work_id in found.out
    assert ficarchive("--config", str(config), "search", "holmes").code == 0

    third = ficarchive("demo", "--dir", str(demo), timeout=300)  # config untouched since
    assert third.code == 0, third.err
    assert "config.toml.edited" not in third.out
