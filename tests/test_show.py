"""`ficarchive show`: every fact a reader looks for, one chapter alone, a pager on a terminal."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
import threading

import pytest

from index.store import Store
from tests.cli import ficarchive
from tests.export_works import PARAS_1, PARAS_2, make_work


@pytest.fixture
def cfg(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('[archive]\npath = "arch"\n')
    with Store(tmp_path / "arch") as store:
        store.save_work(make_work(kudos=1234, hits=56789))
        long = make_work("ao3:777", "The Long Road", kudos=1, hits=2)
        long.chapters[0].blocks *= 200
        store.save_work(long)
    return config


def test_show_has_series_categories_language_kudos_hits(cfg):
    run = ficarchive("--config", str(cfg), "show", "ao3:1234567")
    assert run.code == 0, run.err
    lines: dict[str, str] = {}
    for line in run.out.splitlines()[1:25]:  # the metadata grid: "key   value"
        key, _, value = line.strip().partition(" ")
        lines.setdefault(key, value.strip())
    assert "Harbour Stories, part 2" in run.out
    assert lines["categories"] == "Gen" and lines["language"] == "English"
    assert lines["kudos"] == "1,234" and lines["hits"] == "56,789"


def test_show_one_chapter(cfg):
    run = ficarchive("--config", str(cfg), "show", "ao3:1234567", "--chapter", "2")
    assert run.code == 0, run.err
    assert PARAS_2[0][:40] in run.out and PARAS_1[0][:40] not in run.out
    assert "Chapter 2" in run.out and "Departure" not in run.out
    data = ficarchive("--config", str(cfg), "show", "ao3:1234567", "--chapter", "2", "--json")
    assert [c["number"] for c in data.json()["chapters"]] == [2]
    bad = ficarchive("--config", str(cfg), "show", "ao3:1234567", "--chapter", "3")
    assert bad.code == 2 and "no chapter 3" in bad.err and "1-2" in bad.err


def _on_a_terminal(args: list[str], env: dict[str, str]) -> str:
    """Run ficarchive with a pseudo-terminal for stdin and stdout; what it wrote there."""
    leader, follower = pty.openpty()
    full = {**os.environ, "FICARCHIVE_CONFIG": "", "TERM": "xterm", "COLUMNS": "80",
            "LINES": "24", **env}  # fmt: skip
    full.pop("MANPAGER", None)
    seen: list[bytes] = []

    def drain() -> None:
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                return
            if not chunk:
                return
            seen.append(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    proc = subprocess.run(
        [sys.executable, "-m", "search_cli.app", *args],
        stdin=follower, stdout=follower, stderr=subprocess.PIPE, env=full, timeout=120,
    )  # fmt: skip
    os.close(follower)
    reader.join(timeout=5)
    os.close(leader)
    assert proc.returncode == 0, proc.stderr
    return b"".join(seen).decode("utf-8", "replace")


def test_a_long_work_goes_through_the_pager_on_a_terminal_only(cfg, tmp_path):
    paged = tmp_path / "paged.txt"
    env = {"PAGER": f"cat > {paged}"}
    screen = _on_a_terminal(["--config", str(cfg), "show", "ao3:777"], env)
    assert paged.exists() and paged.read_text().count(PARAS_1[0][:30]) == 200
    assert PARAS_1[0][:30] not in screen
    paged.unlink()
    short = _on_a_terminal(["--config", str(cfg), "show", "ao3:1234567", "--chapter", "2"], env)
    assert not paged.exists() and PARAS_2[0][:30] in short  # fits the screen: no pager
    piped = ficarchive("--config", str(cfg), "show", "ao3:777", env=env)
    assert piped.code == 0 and not paged.exists()  # piped: never a pager
    assert piped.out.count(PARAS_1[0][:30]) == 200


def test_no_notes_keeps_a_chapters_summary(tmp_path):
    from crawler.models import Note

    config = tmp_path / "config.toml"
    config.write_text('[archive]\npath = "arch"\n')
    work = make_work()
    work.chapters[0].notes.append(Note("chapter_summary", "before", "In which a ferry leaves."))
    with Store(tmp_path / "arch") as store:
        store.save_work(work)
    run = ficarchive("--config", str(config), "show", "ao3:1234567", "--no-notes")
    assert run.code == 0 and "In which a ferry leaves." in run.out
    assert "dying laptop" not in run.out  # the author's note is left out
    # --json keeps its promised shape: with --no-notes every notes list is empty
    data = ficarchive("--config", str(config), "show", "ao3:1234567", "--no-notes", "--json")
    assert data.json()["chapters"][0]["notes"] == []


def test_no_pager_and_json_never_page_even_on_a_terminal(cfg, tmp_path):
    paged = tmp_path / "paged.txt"
    env = {"PAGER": f"cat > {paged}"}
    screen = _on_a_terminal(["--config", str(cfg), "show", "ao3:777", "--no-pager"], env)
    assert not paged.exists() and screen.count(PARAS_1[0][:30]) == 200
    data = _on_a_terminal(["--config", str(cfg), "show", "ao3:777", "--json"], env)
    assert not paged.exists() and '"chapters"' in data
