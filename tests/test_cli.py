"""The CLI as a user meets it: help everywhere, one-line errors, the right exit codes."""

from __future__ import annotations

import pytest

from search_cli.app import app
from tests.cli import ficarchive

COMMANDS = [
    "crawl",
    "add",
    "update",
    "import",
    "remove",
    "index",
    "search",
    "list",
    "stats",
    "show",
    "export",
    "demo",
]


def test_every_command_has_help():
    import typer.main

    group = typer.main.get_command(app)
    names = set(group.commands)
    assert set(COMMANDS) <= names
    for name, command in group.commands.items():
        assert command.help and command.help.strip(), f"{name} has no help text"
        for param in command.params:
            if param.name not in ("ctx",) and getattr(param, "help", None) is not None:
                assert param.help.strip()


@pytest.mark.parametrize("command", COMMANDS)
def test_help_runs(command):
    run = ficarchive(command, "--help")
    assert run.code == 0, run.err
    assert "Usage" in run.out


def test_bad_config_is_one_line_exit_2(tmp_path):
    cfg = tmp_path / "config.toml"
    cfg.write_text("[politeness]\ndelay_seconds = -3\n")
    run = ficarchive("--config", str(cfg), "search", "x")
    assert run.code == 2
    assert run.err.strip().count("\n") == 0
    assert str(cfg) in run.err and "politeness.delay_seconds" in run.err
    assert "Traceback" not in run.err


def test_bad_query_and_unknown_work_exit_2(tmp_path):
    cfg = tmp_path / "config.toml"
    cfg.write_text('[archive]\npath = "arch"\n')
    run = ficarchive("--config", str(cfg), "search", '"open quote')
    assert run.code == 2 and "unbalanced quote" in run.err and "Traceback" not in run.err
    run = ficarchive("--config", str(cfg), "show", "ao3:999")
    assert run.code == 2 and "no work 'ao3:999'" in run.err


def test_unknown_option_is_usage_error():
    run = ficarchive("search", "--no-such-option")
    assert run.code == 2
    assert "Traceback" not in run.err
    for args in (("search", "--no-such-option"), ("search", "x", "--page", "0"), ("show",)):
        run = ficarchive(*args)
        assert run.code == 2 and len(run.err.strip().splitlines()) == 1, run.err
        assert run.err.startswith("error:") and "--help" in run.err


def test_crawl_without_sources_says_what_to_do(tmp_path):
    cfg = tmp_path / "config.toml"
    cfg.write_text('[archive]\npath = "arch"\n')
    run = ficarchive("--config", str(cfg), "crawl")
    assert run.code == 2 and "no [[sources]] configured" in run.err


def test_add_unknown_host_is_config_error(tmp_path):
    cfg = tmp_path / "config.toml"
    cfg.write_text('[archive]\npath = "arch"\n')
    run = ficarchive("--config", str(cfg), "add", "https://unknown.example/works/1")
    assert run.code == 2 and "not a configured archive" in run.err


def test_import_missing_file_fails_with_exit_1(tmp_path):
    cfg = tmp_path / "config.toml"
    cfg.write_text('[archive]\npath = "arch"\n')
    run = ficarchive("--config", str(cfg), "import", str(tmp_path / "nope.txt"))
    assert run.code == 1 and "cannot read" in run.err


def test_errors_stay_on_one_line_in_a_narrow_terminal(tmp_path):
    cfg = tmp_path / "config.toml"
    cfg.write_text('[archive]\npath = "arch"\n')
    run = ficarchive(
        "--config", str(cfg), "export", "--id", "ao3:" + "9" * 60, env={"COLUMNS": "40"}
    )
    assert run.code == 2 and "no work 'ao3:999" in run.err
    assert run.err.strip().count("\n") == 0


def test_list_takes_the_search_filters(tmp_path):
    cfg = tmp_path / "config.toml"
    cfg.write_text('[archive]\npath = "arch"\n')
    story = tmp_path / "harbour_lights.txt"
    story.write_text("The harbour lights came on one by one.\n", encoding="utf-8")
    assert ficarchive("--config", str(cfg), "import", str(story)).code == 0
    listed = ficarchive(
        "--config", str(cfg), "list", "--site", "file", "--lang", "English", "--json"
    )
    assert listed.code == 0, listed.err
    assert [h["title"] for h in listed.json_lines()] == ["Harbour lights"]
    none = ficarchive("--config", str(cfg), "list", "--fandom", "Dracula", "--json")
    assert none.code == 0 and none.json_lines() == []


def test_demo_never_replaces_a_folder_it_did_not_make(tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "config.toml").write_text("# my real config\n")
    (mine / "notes.txt").write_text("keep me")
    run = ficarchive("demo", "--dir", str(mine))
    assert run.code == 2 and "not made by `ficarchive demo`" in run.err
    assert (mine / "notes.txt").read_text() == "keep me"
    run = ficarchive("demo", "--dir", str(mine / "notes.txt"))
    assert run.code == 2 and "is a file" in run.err and "Traceback" not in run.err


def test_remove_names_the_works_and_never_removes_unasked(tmp_path):
    cfg = tmp_path / "config.toml"
    cfg.write_text('[archive]\npath = "arch"\n')
    story = tmp_path / "s.txt"
    story.write_text("Kept Story\n\nOne paragraph of story.\n\nAnother paragraph.\n")
    work_id = ficarchive("--config", str(cfg), "import", str(story)).out.strip()
    run = ficarchive("--config", str(cfg), "remove", work_id)  # no terminal, no --yes
    assert run.code == 2 and "nothing removed" in run.err and work_id in run.out
    assert ficarchive("--config", str(cfg), "show", work_id).code == 0
    run = ficarchive("--config", str(cfg), "remove", work_id, work_id, "--yes")
    assert run.code == 0 and "removed 1 work(s)" in run.out
    assert ficarchive("--config", str(cfg), "show", work_id).code == 2


def test_the_demo_ends_with_commands_that_work_when_pasted(tmp_path):
    import shlex
    import subprocess

    run = ficarchive("demo", "--dir", str(tmp_path / "demo"), env={"COLUMNS": "80"})
    assert run.code == 0, run.err
    tail = run.out.split("Explore it", 1)[1].splitlines()[1:]
    commands = [line.strip() for line in tail if line.strip()]
    assert len(commands) == 3 and all(" --config " in c for c in commands)
    for line in commands:
        command = line.split("#", 1)[0]
        if " serve" in command:
            continue  # a server: it would run until stopped
        pasted = subprocess.run(shlex.split(command), capture_output=True, text=True, timeout=120,
                                cwd="/")  # fmt: skip
        assert pasted.returncode == 0, (line, pasted.stderr)
        assert pasted.stdout.strip()
