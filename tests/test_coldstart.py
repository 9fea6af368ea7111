"""Reading commands import only what they use: a search never loads the crawler's parsers,
the HTTP client or the EPUB writer (issue 19: a reader pays every import on every query).

Each check runs a fresh interpreter and reads its sys.modules at exit, so what an
earlier test imported in this process cannot hide a regression.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli import ficarchive

# What only fetching, cleaning and exporting need (issue 19 measured 0.6 s of them).
HEAVY = ("bs4", "soupsieve", "lxml", "httpx", "httpcore", "ftfy", "ebooklib", "html5lib")
# What a reading command no longer pays for (issue 19's cold start): typer's pydantic
# conversion (search_cli/coercion.py answers plain values itself) and what it pulled in,
# the HTTP client whoosh.compat imports and the English morphology whoosh.query imports
# (index/whoosh/lean.py), rich's progress bars.
AVOIDED = (
    *("pydantic", "pydantic_core", "annotated_types", "importlib.metadata"),
    *("urllib.request", "http.client", "ssl", "email.parser", "rich.progress"),
    "whoosh.lang.morph_en",
)

# Run the real entry point, then name every heavy module loaded, on stderr's last line.
PROBE = """
import atexit, json, sys
heavy = {heavy!r}
def _report():
    loaded = sorted(m for m in sys.modules if m.split(".")[0] in heavy or m in heavy)
    print("LOADED " + json.dumps(loaded), file=sys.stderr)
atexit.register(_report)
{body}
"""


def loaded_by(
    body: str, cwd: Path | None = None, heavy: tuple[str, ...] = HEAVY
) -> tuple[int, list[str], str]:
    code = PROBE.format(heavy=heavy, body=body)
    env = {**os.environ, "FICARCHIVE_CONFIG": "", "COLUMNS": "200"}
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=cwd, timeout=120
    )
    last = [line for line in proc.stderr.splitlines() if line.startswith("LOADED ")]
    assert last, proc.stderr
    return proc.returncode, json.loads(last[-1].removeprefix("LOADED ")), proc.stderr


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> tuple[Path, str]:
    root = tmp_path_factory.mktemp("coldstart")
    config = root / "config.toml"
    config.write_text('[archive]\npath = "arch"\n')
    story = root / "story.txt"
    story.write_text("A Lantern Story\n\nThe lantern swung over the harbour all night.\n")
    run = ficarchive("--config", str(config), "import", str(story), "--json")
    assert run.code == 0, run.err
    return config, run.json()["works"][0]["id"]


def test_importing_the_cli_loads_no_parser_http_or_epub_module() -> None:
    code, loaded, err = loaded_by("from search_cli.app import app")
    assert code == 0, err
    assert loaded == []


@pytest.mark.parametrize(
    "argv",
    [["search", "lantern"], ["show", "{id}"], ["list"], ["search", "lantern", "--json"]],
    ids=lambda argv: " ".join(argv),
)
def test_reading_commands_load_no_parser_http_or_epub_module(archive, argv) -> None:
    config, work_id = archive
    args = ["--config", str(config), *(a.replace("{id}", work_id) for a in argv)]
    body = f"sys.argv = ['ficarchive', *{args!r}]\nfrom search_cli.app import main\nmain()"
    code, loaded, err = loaded_by(body)
    assert code == 0, err
    assert loaded == [], f"{' '.join(argv)} imported {loaded}"


@pytest.mark.parametrize(
    "argv",
    [["search", "lantern"], ["show", "{id}"], ["list"], ["search", "lantern", "--page", "2"]],
    ids=lambda argv: " ".join(argv),
)
def test_reading_commands_load_no_pydantic(archive, argv) -> None:
    config, work_id = archive
    args = ["--config", str(config), *(a.replace("{id}", work_id) for a in argv)]
    body = f"sys.argv = ['ficarchive', *{args!r}]\nfrom search_cli.app import main\nmain()"
    code, loaded, err = loaded_by(body, heavy=AVOIDED)
    assert code == 0, err
    assert loaded == [], f"{' '.join(argv)} imported {loaded}"


def test_show_loads_no_search_engine(archive) -> None:
    """The backend opens on first use (index/backend.py): `show` reads the store alone."""
    config, work_id = archive
    args = ["--config", str(config), "show", work_id]
    body = f"sys.argv = ['ficarchive', *{args!r}]\nfrom search_cli.app import main\nmain()"
    code, loaded, err = loaded_by(body, heavy=("whoosh",))
    assert code == 0, err
    assert loaded == []
    search = ["--config", str(config), "search", "lantern"]
    body = f"sys.argv = ['ficarchive', *{search!r}]\nfrom search_cli.app import main\nmain()"
    assert "whoosh.searching" in loaded_by(body, heavy=("whoosh",))[1]  # the probe can see it


def test_a_value_that_is_not_plain_still_gets_typers_own_message(archive) -> None:
    """The probe sees pydantic load when typer's own conversion is asked, and the error
    is typer's, word for word."""
    config, _ = archive
    args = ["--config", str(config), "search", "lantern", "--page", "x"]
    body = f"sys.argv = ['ficarchive', *{args!r}]\nfrom search_cli.app import main\nmain()"
    code, loaded, err = loaded_by(body, heavy=AVOIDED)
    assert code == 2
    assert "pydantic" in loaded
    assert "Input should be a valid integer" in err


def test_the_command_map_names_the_module_that_adds_each_command() -> None:
    """search_cli/app.py loads a command's module alone: its map must be the truth."""
    from search_cli import app as app_module

    app = app_module.load_commands()
    registered = {
        (info.name or info.callback.__name__.replace("_", "-")): info.callback.__module__
        for info in app.registered_commands
    }
    expected = {name: f"search_cli.commands.{m}" for name, m in app_module.COMMANDS.items()}
    assert registered == expected
    assert set(app_module.MODULES) == set(app_module.COMMANDS.values())


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["search", "x"], "search"),
        (["-c", "f.toml", "list"], "list"),
        (["--config", "f.toml", "show", "ao3:1"], "show"),
        (["--config=f.toml", "stats"], "stats"),
        (["-cf.toml", "index"], "index"),
        (["--help"], None),
        (["--config", "f.toml", "--version"], None),
        ([], None),
    ],
)
def test_the_command_is_read_after_the_apps_own_options(args, named) -> None:
    from search_cli.app import command_named

    assert command_named(args) == named


def test_a_named_command_is_alone_on_its_app_and_the_app_keeps_every_command() -> None:
    from search_cli import app as app_module

    one = app_module._app_for(["-c", "x.toml", "list", "--json"])
    assert [i.name for i in one.registered_commands] == ["list"]
    assert app_module._app_for(["--help"]) is app_module.load_commands()
    names = {i.name or i.callback.__name__ for i in app_module.app.registered_commands}
    assert {"list", "search", "show", "crawl"} <= names


def test_a_search_loads_no_other_commands_module(archive) -> None:
    config, _ = archive
    args = ["--config", str(config), "search", "lantern"]
    body = f"sys.argv = ['ficarchive', *{args!r}]\nfrom search_cli.app import main\nmain()"
    others = tuple(f"search_cli.commands.{m}" for m in ("fetching", "keeping", "safety", "setup"))
    code, loaded, err = loaded_by(body, heavy=others)
    assert code == 0, err
    assert loaded == []


def test_the_collector_is_paused_only_while_modules_load(archive) -> None:
    """search_cli/app.py and index/backend.py pause garbage collection while modules
    load; only the command's own main() (which ends the process) freezes, so a process
    that imports the app keeps its collector as it was."""
    config, _ = archive
    code = (
        "import gc, sys\n"
        "import search_cli.app as a\n"
        "assert gc.isenabled() and gc.get_freeze_count() == 0, 'after import'\n"
        "a._app_for(['search'])\n"
        "assert gc.isenabled() and gc.get_freeze_count() == 0, 'after loading the command'\n"
        "import index.archive, crawler.config\n"
        f"archive = index.archive.Archive(crawler.config.load_config({str(config)!r}))\n"
        "assert archive.backend.exists() and 'index.whoosh.backend' in sys.modules\n"
        "assert gc.isenabled() and gc.get_freeze_count() == 0, 'after opening the backend'\n"
        "archive.close()\n"
        f"sys.argv = ['ficarchive', '--config', {str(config)!r}, 'list']\n"
        "seen = []\n"
        "import index.backend as b\n"
        "real = b._loaded\n"
        "def spy(*args):\n"
        "    cls = real(*args)\n"
        "    seen.append((gc.isenabled(), gc.get_freeze_count() > 0))\n"
        "    return cls\n"
        "b._loaded = spy\n"
        "try:\n"
        "    a.main()\n"
        "except SystemExit as done:\n"
        "    assert done.code == 0\n"
        "assert seen == [(True, True)], seen\n"
        "assert gc.isenabled(), 'after main'"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr


def test_the_modules_whoosh_loads_without_are_real_when_asked_for() -> None:
    """After the backend loads, urllib.request and morph_en import as themselves, and
    what whoosh took from their stand-ins works (it imports the real module)."""
    code = (
        "import index.whoosh, sys, whoosh.compat, whoosh.query.terms\n"
        "assert 'whoosh.lang.morph_en' not in sys.modules\n"
        "print(sorted(whoosh.query.terms.variations('render')))\n"
        "import urllib.request, whoosh.lang.morph_en as m\n"
        "assert sys.modules['urllib'].request is urllib.request\n"
        "assert 'stand-in' not in (urllib.request.__doc__ or '') + (m.__doc__ or '')\n"
        "print(urllib.request.urlopen.__module__, whoosh.compat.urlretrieve.__doc__.split()[0])"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    variations, where = proc.stdout.splitlines()
    assert "'rendered'" in variations and "'renders'" in variations
    assert where.split() == ["urllib.request", "urllib.request.urlretrieve,"]


def test_a_stand_in_answers_any_other_name_from_the_real_module() -> None:
    """Another thread importing urllib.request while whoosh.compat loads gets what it asks."""
    code = (
        "import sys\n"
        "from index.whoosh import lean\n"
        "with lean._standing_in('urllib.request', 'urlretrieve'):\n"
        "    import urllib.request as seen\n"
        "    assert 'stand-in' in seen.__doc__\n"
        "    opener = seen.build_opener\n"
        "    assert sys.modules['urllib.request'] is not seen\n"
        "assert opener is sys.modules['urllib.request'].build_opener\n"
        "print(opener.__module__)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "urllib.request"


def test_the_probe_sees_an_import_when_one_happens(archive) -> None:
    """The check can fail: exporting to EPUB does load ebooklib, and the probe says so."""
    config, work_id = archive
    out = config.parent / "out"
    args = ["--config", str(config), "export", "--id", work_id, "--format", "epub", "-o", str(out)]
    body = f"sys.argv = ['ficarchive', *{args!r}]\nfrom search_cli.app import main\nmain()"
    code, loaded, err = loaded_by(body)
    assert code == 0, err
    assert "ebooklib" in loaded


# Ctrl-C arriving while a module loads: a finder that raises KeyboardInterrupt, as the
# signal would, the moment `typer` (then, in a second run, the search backend) is imported.
INTERRUPT = """
import sys
class Interrupt:
    def find_spec(self, name, path=None, target=None):
        if name == {module!r}:
            raise KeyboardInterrupt
        return None
sys.meta_path.insert(0, Interrupt())
sys.argv = ["ficarchive", *{args!r}]
from search_cli.app import main
main()
"""


@pytest.mark.parametrize("module", ["typer", "index.whoosh"])
def test_ctrl_c_while_modules_load_is_one_line_and_exit_130(archive, module) -> None:
    config, _ = archive
    code = INTERRUPT.format(module=module, args=["--config", str(config), "search", "lantern"])
    env = {**os.environ, "FICARCHIVE_CONFIG": "", "COLUMNS": "200"}
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )
    assert proc.returncode == 130, proc.stderr
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert "interrupted" in proc.stderr
