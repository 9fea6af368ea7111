"""`ficarchive init`: a new user's own archive, from nothing to the next command."""

from __future__ import annotations

import shlex
import shutil
import tomllib

from tests.cli import ficarchive


def test_init_writes_a_working_commented_config(tmp_path):
    where = tmp_path / "my archive"
    run = ficarchive("init", str(where), "--contact", "me@example.org", env={"COLUMNS": "40"})
    assert run.code == 0, run.err
    config = where / "config.toml"
    text = config.read_text()
    assert text.count("\n#") >= 5  # commented, to learn from
    data = tomllib.loads(text)
    assert data["archive"]["contact"] == "me@example.org"
    assert [s["site"] for s in data["sources"]] == ["ao3"]
    assert data["sources"][0]["start"][0].startswith("/tags/")
    # The next command is on one line even at 40 columns, and works when pasted.
    line = next(line for line in run.out.splitlines() if "crawl example --dry-run" in line)
    argv = shlex.split(line)
    assert argv[1] == "--config" and argv[2] == str(config.resolve())
    assert shutil.which(argv[0]), argv[0]  # the ficarchive that ran, by a path that works
    check = ficarchive(*argv[1:3], "stats", "--json")  # the config it wrote loads
    assert check.code == 0, check.err


def test_init_never_overwrites_a_config(tmp_path):
    (tmp_path / "config.toml").write_text("# mine\n")
    run = ficarchive("init", str(tmp_path), "--contact", "me@example.org")
    assert run.code == 2 and "exists" in run.err and "Traceback" not in run.err
    assert (tmp_path / "config.toml").read_text() == "# mine\n"


def test_init_without_a_terminal_says_to_fill_in_the_contact(tmp_path):
    run = ficarchive("init", str(tmp_path))
    assert run.code == 0, run.err
    assert tomllib.loads((tmp_path / "config.toml").read_text())["archive"]["contact"] == ""
    assert "contact" in run.out


def test_init_refuses_a_contact_that_cannot_go_in_a_header(tmp_path):
    run = ficarchive("init", str(tmp_path), "--contact", "mé@exämple.org")
    assert run.code == 2 and "ASCII" in run.err
    assert not (tmp_path / "config.toml").exists()
