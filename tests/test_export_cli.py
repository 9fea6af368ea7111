"""`ficarchive export` as a user meets it: selection, safe names, kept files, summary, exit codes.

The pages imported here are written for these tests (no fixture text is copied).
"""

from __future__ import annotations

import os
import pty
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import typer.main

from search_cli.app import app
from search_cli.export import format_help, format_names
from search_cli.options import FILTERS
from tests.cli import Run, ficarchive

HOSTILE_PAGE = """<!DOCTYPE html>
<html><head><title>../../etc/passwd</title>
<script>document.title = 'head script'</script></head>
<body>
<p>The lamp was lit at dusk, as always.</p>
<script>alert('body script')</script>
<p>She read <img src="https://tracker.example/pixel.png" onerror="alert(2)"> until dawn.</p>
<p><a href="javascript:alert(3)">A link</a> and a frame <iframe src="https://evil.example/"></iframe>here.</p>
<p onclick="alert(4)" style="background:url(https://evil.example/bg.png)">Nobody clicked.</p>
</body></html>
"""
CON_PAGE = (
    "<html><head><title>CON</title></head><body><p>A device name as a title.</p></body></html>"
)
TWIN_A = "<html><head><title>Twins</title></head><body><p>The first of two.</p></body></html>"
TWIN_B = "<html><head><title>Twins</title></head><body><p>The second of two.</p></body></html>"


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """A config and {name: work id} for four imported pages."""
    root = tmp_path_factory.mktemp("export-cli")
    config = root / "config.toml"
    config.write_text('[archive]\npath = "arch"\n')
    pages = {"hostile": HOSTILE_PAGE, "con": CON_PAGE, "twin_a": TWIN_A, "twin_b": TWIN_B}
    paths = []
    for name, text in pages.items():
        (root / f"{name}.html").write_text(text, encoding="utf-8")
        paths.append(str(root / f"{name}.html"))
    run = ficarchive("--config", str(config), "import", *paths, "--json")
    assert run.code == 0, run.err
    ids = [w["id"] for w in run.json()["works"]]
    return config, dict(zip(pages, ids, strict=True))


def export(config: Path, *args: str) -> Run:
    return ficarchive("--config", str(config), "export", *args)


def test_export_list_and_search_take_every_search_filter() -> None:
    commands = typer.main.get_command(app).commands
    options = {
        name: {
            opt
            for p in commands[name].params
            for opt in [*getattr(p, "opts", []), *getattr(p, "secondary_opts", [])]
        }
        for name in ("search", "list", "export")
    }
    filters = {f"--{name}" for name in FILTERS} | {"--in-text"}
    assert filters <= options["search"]
    assert filters <= options["export"] and filters <= options["list"]
    assert {"--id", "--all", "--format", "--out", "--notes", "--no-notes"} <= options["export"]
    assert {"--one-file", "--overwrite", "--json"} <= options["export"]


def test_format_help_and_the_format_error_come_from_the_registry(small) -> None:
    export_command = typer.main.get_command(app).commands["export"]
    option = next(p for p in export_command.params if "--format" in getattr(p, "opts", []))
    assert format_help() in (option.help or "")
    run = export(small[0], "--all", "--format", "pdf")
    assert run.code == 2 and all(name in run.err for name in format_names()), run.err


def test_html_export_of_a_page_with_script_and_onerror_has_neither(small, tmp_path) -> None:
    config, ids = small
    run = export(config, "--id", ids["hostile"], "--format", "html", "--out", str(tmp_path))
    assert run.code == 0, run.err
    [path] = tmp_path.iterdir()
    html = path.read_text(encoding="utf-8")
    lowered = html.lower()
    for gone in ("<script", "script>", "onerror", "onclick", "javascript:", "<iframe", "<img"):
        assert gone not in lowered, gone
    assert "alert(" not in lowered and "style=" not in lowered
    assert "evil.example" not in lowered
    for kept in ("The lamp was lit at dusk, as always.", "until dawn.", "Nobody clicked."):
        assert kept in html
    assert "default-src 'none'" in html  # and the page forbids fetching anything at all


def test_traversal_and_device_titles_give_safe_names_inside_out(small, tmp_path) -> None:
    config, ids = small
    out = tmp_path / "out"
    for fmt in ("md", "epub"):
        run = export(
            config, "--id", ids["hostile"], "--id", ids["con"], "-f", fmt, "-o", str(out), "--json"
        )
        assert run.code == 0, run.err
        written = [Path(w["path"]) for w in run.json()["works"]]
        assert [p.parent for p in written] == [out, out]
        assert written[0].name == f"etc_passwd ({ids['hostile'].replace(':', '-')}).{fmt}"
        assert written[1].name == f"CON ({ids['con'].replace(':', '-')}).{fmt}"
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == sorted(
        p.name for p in out.iterdir()
    )
    assert not (tmp_path / "etc").exists()


def test_works_sharing_a_title_get_their_own_files(small, tmp_path) -> None:
    config, ids = small
    run = export(config, "Twins", "-f", "txt", "-o", str(tmp_path), "--json")
    assert run.code == 0, run.err
    assert run.json()["written"] == 2
    texts = sorted(p.read_text(encoding="utf-8") for p in tmp_path.iterdir())
    assert (
        "The first of two." in texts[0] + texts[1] and "The second of two." in texts[0] + texts[1]
    )
    assert len(set(texts)) == 2


def test_existing_file_is_kept_unless_overwrite(small, tmp_path) -> None:
    config, ids = small
    args = ["--id", ids["con"], "-f", "txt", "-o", str(tmp_path)]
    assert export(config, *args).code == 0
    [path] = tmp_path.iterdir()
    path.write_text("my own notes in the margin", encoding="utf-8")
    again = export(config, *args)
    assert again.code == 0, again.err
    assert "skipped" in again.out and "--overwrite" in again.out
    assert path.read_text(encoding="utf-8") == "my own notes in the margin"
    report = export(config, *args, "--json").json()
    assert (report["written"], report["skipped"], report["failed"]) == (0, 1, 0)
    forced = export(config, *args, "--overwrite", "--json")
    assert forced.json()["written"] == 1
    assert "A device name as a title." in path.read_text(encoding="utf-8")


def test_summary_table_names_each_work_and_file(small, tmp_path) -> None:
    config, ids = small
    run = export(config, "--all", "-f", "md", "-o", str(tmp_path))
    assert run.code == 0, run.err
    lines = run.out.splitlines()
    assert any("written" in line and "skipped" in line and "failed" in line for line in lines)
    assert f"files in {tmp_path}" in run.out
    for name in os.listdir(tmp_path):
        assert name in run.out
    for work_id in ids.values():
        assert work_id in run.out


def test_a_work_that_cannot_be_written_fails_with_its_reason_exit_1(small, tmp_path) -> None:
    config, ids = small
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    target = str(blocker / "sub")
    run = export(config, "--id", ids["con"], "-o", target, "-f", "html")
    assert run.code == 1
    assert "failed" in run.out and "cannot write" in run.out and "Traceback" not in run.err
    report = export(config, "--id", ids["con"], "-o", target, "--json").json()
    assert report["failed"] == 1 and "cannot write" in report["works"][0]["reason"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "nothing to export"),
        (["--all", "--format", "pdf"], "--format 'pdf' is not one of"),
        (["--id", "ao3:404"], "no work 'ao3:404'"),
        (["--all", "--title", "Reading list"], "add --one-file"),
        (["--all", "--fandom", "Dracula"], "--all exports every work"),
        (['"unbalanced'], "unbalanced quote"),
        (["--all", "--out", "{file}"], "is a file; give a folder"),
    ],
)
def test_usage_errors_are_one_line_exit_2(small, tmp_path, args, message) -> None:
    config, _ = small
    blocker = tmp_path / "file"
    blocker.write_text("")
    run = export(config, *[a.replace("{file}", str(blocker)) for a in args])
    assert run.code == 2, run.out + run.err
    assert message in run.err
    assert run.err.strip().count("\n") == 0 and "Traceback" not in run.err
    assert list(tmp_path.iterdir()) == [blocker]


def test_unknown_option_is_a_usage_error(small) -> None:
    run = export(small[0], "--all", "--no-such-filter", "x")
    assert run.code == 2 and "Traceback" not in run.err


def test_a_query_that_matches_nothing_writes_nothing(small, tmp_path) -> None:
    config, _ = small
    run = export(config, "zeppelin", "-o", str(tmp_path))
    assert run.code == 0, run.err
    assert (
        "No works match zeppelin" in run.out
        and not tmp_path.exists()
        or not any(tmp_path.iterdir())
    )


def test_progress_bar_shows_on_a_terminal(small, tmp_path) -> None:
    """stderr on a pseudo-terminal gets rich's progress bar; a pipe gets none."""
    config, _ = small
    master, slave = pty.openpty()
    seen = bytearray()

    def drain() -> None:
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                return
            if not chunk:
                return
            seen.extend(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    env = {**os.environ, "FICARCHIVE_CONFIG": "", "COLUMNS": "120", "TERM": "xterm"}
    args = ["--config", str(config), "export", "--all", "-f", "txt", "-o", str(tmp_path)]
    proc = subprocess.run(
        [sys.executable, "-m", "search_cli.app", *args],
        stdout=subprocess.PIPE,
        stderr=slave,
        env=env,
        timeout=120,
    )
    os.close(slave)
    reader.join(timeout=10)
    os.close(master)
    assert proc.returncode == 0
    assert b"exporting txt" in seen
    assert b"exporting" not in proc.stdout  # the summary goes to stdout, the bar does not


def test_emphasis_survives_import_store_and_export(tmp_path):
    """Inline marks go from the page through the store to HTML and Markdown."""
    cfg = tmp_path / "config.toml"
    cfg.write_text('[archive]\npath = "arch"\n')
    story = tmp_path / "marked.html"
    story.write_text(
        "<html><head><title>Marked</title></head><body><p>She was <em>never</em> going"
        " back, <strong>not ever</strong>.</p><p>A second paragraph.</p></body></html>"
    )
    assert ficarchive("--config", str(cfg), "import", str(story)).code == 0
    for fmt, wanted in (("html", "<em>never</em>"), ("md", "*never* going back, **not ever**")):
        out = tmp_path / fmt
        run = ficarchive("--config", str(cfg), "export", "--all", "-f", fmt, "-o", str(out))
        assert run.code == 0, run.err
        (path,) = out.iterdir()
        assert wanted in path.read_text(encoding="utf-8")


def test_exported_files_have_the_users_usual_mode(tmp_path):
    import os
    import stat

    cfg = tmp_path / "config.toml"
    cfg.write_text('[archive]\npath = "arch"\n')
    story = tmp_path / "s.txt"
    story.write_text("A Title\n\nOne paragraph of story.\n\nAnother paragraph.\n")
    assert ficarchive("--config", str(cfg), "import", str(story)).code == 0
    run = ficarchive(
        "--config", str(cfg), "export", "--all", "-f", "txt", "-o", str(tmp_path / "o")
    )
    assert run.code == 0, run.err
    (path,) = (tmp_path / "o").iterdir()
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~mask
