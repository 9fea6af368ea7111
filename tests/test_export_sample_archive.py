"""Export the whole sample archive, crawled from its loopback server, through the real CLI.

Every work in every format keeps its text, scene breaks and (as asked) notes; every EPUB,
one per work and the anthology of all, passes epubcheck with no errors or warnings; the
search filters pick the same works for export as for search.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from urllib.parse import quote

import pytest
from lxml import etree

from index.store import Store
from search_cli.demo import sample_works
from search_cli.demo.run import demo_config_text
from search_cli.demo.server import SampleArchiveServer
from search_cli.export import FORMATS
from tests.cli import ficarchive
from tests.epubcheck import assert_clean, command_or_skip
from tests.export_checks import (
    assert_work_survives,
    body_paragraphs,
    missing,
    reader_text,
    work_breaks,
)

STORED = [w for w in sample_works.WORKS if w.state in ("ok", "adult")]


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    """(config path, {id: stored Work}) after one crawl; the server is gone afterwards."""
    root = tmp_path_factory.mktemp("sample-export")
    config = root / "config.toml"
    with SampleArchiveServer() as server:
        config.write_text(demo_config_text(server.base_url, quote(sample_works.LISTING_TAG)))
        run = ficarchive("--config", str(config), "crawl", "--json")
    assert run.code == 0, run.err
    with Store(root / "archive") as store:
        works = {w.id: w for w in store.iter_works()}
    assert sorted(works) == sorted(f"ao3:{w.work_id}" for w in STORED)
    assert sum(work_breaks(w) for w in works.values()) >= 5
    return config, works


def export(config: Path, out: Path, *args: str) -> dict:
    run = ficarchive("--config", str(config), "export", "--out", str(out), *args, "--json")
    assert run.code == 0, run.err
    return run.json()


@pytest.mark.parametrize("notes", ["--notes", "--no-notes"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_whole_archive_in_every_format_keeps_text_breaks_and_notes(
    archive, tmp_path, fmt, notes
) -> None:
    config, works = archive
    report = export(config, tmp_path, "--all", "--format", fmt, notes)
    assert (report["written"], report["skipped"], report["failed"]) == (len(works), 0, 0)
    paths = {o["id"]: Path(o["path"]) for o in report["works"]}
    assert sorted(paths) == sorted(works)
    assert len({p.name for p in paths.values()}) == len(works)
    assert all(p.parent == tmp_path and p.suffix == f".{fmt}" for p in paths.values())
    for work_id, path in paths.items():
        assert_work_survives(works[work_id], path, fmt, notes=notes == "--notes")


def test_every_work_epub_passes_epubcheck(archive, tmp_path) -> None:
    command_or_skip()
    config, works = archive
    report = export(config, tmp_path, "--all", "--format", "epub")
    assert report["written"] == len(works)
    for path in sorted(tmp_path.glob("*.epub")):
        assert_clean(path)


def test_anthology_of_the_whole_archive_is_one_valid_epub(archive, tmp_path) -> None:
    config, works = archive
    report = export(
        config, tmp_path, "--all", "--one-file", "--no-notes", "--title", "Sample Archive Week"
    )
    assert report["files"] == [str(tmp_path / "Sample Archive Week.epub")]
    path = Path(report["files"][0])
    assert_clean(path)
    text = reader_text(path, "epub")
    for work in works.values():
        assert missing(body_paragraphs(work), text) == []
    with zipfile.ZipFile(path) as z:
        nav = etree.fromstring(next(z.read(n) for n in z.namelist() if n.endswith("nav.xhtml")))
    ns = {"x": "http://www.w3.org/1999/xhtml"}
    top = nav.xpath("//x:nav[@role='doc-toc']/x:ol/x:li", namespaces=ns)
    # one section per work, in export order, each holding one entry per chapter
    assert len(top) == len(works)
    by_title = {w.title: w for w in works.values()}
    for li in top:
        work = by_title[li.xpath("string(./x:a)", namespaces=ns)]
        assert len(li.xpath("./x:ol/x:li", namespaces=ns)) == max(len(work.chapters), 1)


def test_json_one_file_is_show_json_per_line(archive, tmp_path) -> None:
    config, works = archive
    report = export(config, tmp_path, "--all", "--one-file", "--format", "json")
    [path] = report["files"]
    assert path.endswith(".jsonl")
    lines = [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines()]
    assert lines == [works[o["id"]].to_dict() for o in report["works"]]
    shown = ficarchive("--config", str(config), "show", lines[0]["id"], "--json").json()
    # show --json is the work's JSON extended by the reader's own layer, never changed by it
    own = {"reading_mark", "private_tags", "bookmark_notes"}
    assert own <= set(shown) and {k: v for k, v in shown.items() if k not in own} == lines[0]


def expected(**wanted: str) -> set[str]:
    """Ground truth from sample_works: the stored works with every wanted value."""
    fields = {"fandom": "fandoms", "character": "characters", "tag": "freeforms"}
    return {
        f"ao3:{w.work_id}"
        for w in STORED
        if all(value in getattr(w, fields[key]) for key, value in wanted.items())
    }


@pytest.mark.parametrize(
    "args",
    [
        ["--character", sample_works.DEMO_CHARACTER],
        ["--tag", sample_works.DEMO_TAG],
        ["--fandom", "Sherlock Holmes - Arthur Conan Doyle"],
        # `--words '>300'` fails in index.query (reported); the query form works
        ["words:>300", "--rating", "General Audiences", "--author", "marginalia"],
        ["--status", "in_progress"],
        [
            "--relationship",
            "Sherlock Holmes & John Watson",
            "--warning",
            "No Archive Warnings Apply",
        ],
        ["--character", "Watson", "--in-text"],
        [f'"{sample_works.DEMO_PHRASE}"', "--lang", "English", "--site", "ao3"],
    ],
    ids=[
        "character",
        "tag",
        "fandom",
        "words+rating+author",
        "status",
        "relationship+warning",
        "in-text",
        "phrase+lang+site",
    ],  # fmt: skip,
)
def test_export_picks_exactly_what_search_finds(archive, tmp_path, args) -> None:
    config, _ = archive
    found = ficarchive("--config", str(config), "search", *args, "--limit", "1000", "--json")
    assert found.code == 0, found.err
    wanted = {h["id"] for h in found.json_lines()}
    assert wanted, f"the sample archive should have works for {args}"
    report = export(config, tmp_path, *args, "--format", "json")
    assert {o["id"] for o in report["works"]} == wanted
    assert report["written"] == len(wanted)
    if args == ["--character", sample_works.DEMO_CHARACTER]:
        assert wanted == expected(character=sample_works.DEMO_CHARACTER)
    if args[0] == "--fandom":
        assert wanted == expected(fandom=args[1])
