"""Invisible and reordering characters in story metadata: never raw on a terminal or in JSON.

U+061C (the Arabic letter mark) is a bidi control like U+200F, and the invisible
format marks (U+200B, U+2060, U+FEFF, U+180E, …) hide text; each reached `show`,
`search` and `list` raw, and JSON export files held raw C1 controls. The works are
stored and indexed through the archive, and every command runs as a user runs it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from crawler.config import parse_config
from crawler.models import Block, Chapter, Note, Work, WorkMeta
from index.archive import Archive
from tests.reliability.harness import ficarchive

# Every bidi control (Unicode's Bidi_Control property), the invisible format marks, the
# line separators, and a C1 control: U+0085 (NEL) ends a line, U+009B is a terminal's CSI.
MARKS = (
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
    "\u180e\u200b\u2060\u2061\u2064\u206a\u206f\ufeff\ufff9\ufffb"
    "\u2028\u2029\x85\x9b\x80\x9f\x7f"
)
RAW = re.compile(f"[{MARKS}]")
HOSTILE = (
    "Lamp\u061cKeeper \u202eevil\u2069 \ufeffzero\u200bwidth\u180e \x85next\x9b2J line\u2028two"
)


def hostile_work() -> Work:
    meta = WorkMeta(
        title="The " + HOSTILE, authors=["Author" + HOSTILE], fandoms=["Fandom" + HOSTILE],
        characters=["Keeper" + HOSTILE], relationships=["Keeper/Lamp" + HOSTILE],
        tags=["keeper", HOSTILE], rating="General" + HOSTILE, language="English",
        published="2020-01-01",
    )  # fmt: skip
    chapter = Chapter(1, "Chapter " + HOSTILE, [Block("paragraph", "keeper text " + HOSTILE)])
    return Work(
        "ao3:661", "ao3", "http://127.0.0.1:9/works/661", meta, "Summary " + HOSTILE,
        [Note("author_note", "before", "Note " + HOSTILE)], [chapter],
    )  # fmt: skip


@pytest.fixture(scope="module")
def hostile_archive(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("marks")
    config = root / "config.toml"
    config.write_text('[archive]\npath = "archive"\n[sites.ao3]\nbase_url = "http://127.0.0.1:9"\n')
    cfg = parse_config({"archive": {"path": str(root / "archive")}}, config)
    with Archive(cfg) as archive:
        archive.store.save_work(hostile_work())
        archive.index_pending()
    return root, config


COMMANDS = {
    "show": ("show", "ao3:661"),
    "search": ("search", "keeper"),
    "search by character": ("search", "--character", "keeper"),
    "list": ("list",),
}


@pytest.mark.parametrize("args", COMMANDS.values(), ids=COMMANDS.keys())
def test_terminal_output_never_carries_bidi_or_invisible_marks(hostile_archive, args):
    root, config = hostile_archive
    run = ficarchive("--config", str(config), *args)
    assert run.code == 0, run.err
    assert "LampKeeper" in run.out  # the mark between the words goes, the words stay
    assert RAW.findall(run.out + run.err) == []


@pytest.mark.parametrize("args", [("show", "ao3:661", "--json"), ("search", "keeper", "--json")])
def test_json_output_escapes_every_mark_and_keeps_the_text(hostile_archive, args):
    root, config = hostile_archive
    run = ficarchive("--config", str(config), *args)
    assert run.code == 0, run.err
    assert RAW.findall(run.out) == []
    assert "\\u061c" in run.out and "\\u0085" in run.out and "\\u2028" in run.out
    assert HOSTILE in json.dumps(json.loads(run.out.splitlines()[0]), ensure_ascii=False)


@pytest.mark.parametrize("one_file", [False, True], ids=["json", "jsonl"])
def test_json_export_files_escape_c1_controls_and_bidi_marks(hostile_archive, tmp_path, one_file):
    root, config = hostile_archive
    out = tmp_path / "out"
    extra = ("--one-file", "--title", "Marks") if one_file else ()
    run = ficarchive(
        "--config", str(config), "export", "--id", "ao3:661", "-f", "json", "-o", str(out), *extra
    )
    assert run.code == 0, run.err
    (path,) = out.iterdir()
    text = path.read_text(encoding="utf-8")
    assert RAW.findall(text) == []
    assert "\\u0085" in text and "\\u009b" in text and "\\u061c" in text
    # escaped, not dropped: a JSON reader gets the story exactly as it was stored
    data = json.loads(text.splitlines()[0] if one_file else text)
    assert data["title"] == "The " + HOSTILE
    assert data["chapters"][0]["blocks"][0]["text"] == "keeper text " + HOSTILE
