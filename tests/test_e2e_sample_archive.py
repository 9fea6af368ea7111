"""End to end through the real CLI: the sample archive server on 127.0.0.1,
crawl -> search -> show -> export, asserting real content."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from search_cli.demo import sample_works
from search_cli.demo.run import demo_config_text
from search_cli.demo.server import SampleArchiveServer
from tests.cli import ficarchive


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """One crawl of the whole sample archive, shared by the tests below."""
    root = tmp_path_factory.mktemp("e2e")
    with SampleArchiveServer() as server:
        from urllib.parse import quote

        config = root / "config.toml"
        config.write_text(demo_config_text(server.base_url, quote(sample_works.LISTING_TAG)))
        run = ficarchive("--config", str(config), "crawl", "--json")
        first_log = list(server.requests)
        second = ficarchive("--config", str(config), "crawl", "--json")
        log = list(server.requests)
        yield root, config, run, second, log, server, first_log


def by_result(report: dict) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for w in report["works"]:
        out.setdefault(w["result"], []).append(w["id"])
    return out


def test_crawl_reports_every_work(crawled):
    _, _, run, _, _, _, log = crawled
    assert run.code == 0, run.err
    report = run.json()
    results = by_result(report)
    deleted = [w for w in sample_works.WORKS if w.state == "deleted"]
    locked = [w for w in sample_works.WORKS if w.state == "locked"]
    ok = [w for w in sample_works.WORKS if w.state in ("ok", "adult")]
    assert sorted(results["new"]) == sorted(f"ao3:{w.work_id}" for w in ok)
    assert results["gone"] == [f"ao3:{w.work_id}" for w in deleted]
    assert results["locked"] == [f"ao3:{w.work_id}" for w in locked]
    assert "failed" not in results
    paths = [r.path for r in log]
    assert paths[0] == "/robots.txt" and paths.count("/robots.txt") == 1
    # one request per work: the full view (adult works straight to view_adult=true)
    work_requests = [p for p in paths if p.startswith("/works/")]
    assert len(work_requests) == len(sample_works.WORKS)
    assert all("view_full_work=true" in p for p in work_requests)


def test_recrawl_of_unchanged_archive_sends_only_listings(crawled):
    _, _, run, second, log, _, _ = crawled
    first_count = len(run.json()["works"])
    report = second.json()
    assert second.code == 0
    results = by_result(report)
    assert len(results["unchanged"]) == len(
        [w for w in sample_works.WORKS if w.state in ("ok", "adult")]
    )
    second_paths = [r.path for r in log][-report["requests"] :]
    assert all(
        p.startswith(("/tags/", "/works/", "/users/login")) or p == "/robots.txt"
        for p in second_paths
    )
    # only the gone and locked works are asked again (they may come back); nothing stored is refetched
    stored_refetched = [
        p
        for p in second_paths
        if p.startswith("/works/")
        and any(
            p.startswith(f"/works/{w.work_id}?")
            for w in sample_works.WORKS
            if w.state in ("ok", "adult")
        )
    ]
    assert stored_refetched == []
    assert first_count == len(report["works"])


def test_phrase_found_in_the_right_chapter(crawled):
    _, config, *_ = crawled
    run = ficarchive("--config", str(config), "search", f'"{sample_works.DEMO_PHRASE}"', "--json")
    assert run.code == 0, run.err
    hits = run.json_lines()
    assert [h["id"] for h in hits] == [f"ao3:{sample_works.DEMO_PHRASE_WORK_ID}"]
    assert hits[0]["chapters"] == [sample_works.DEMO_PHRASE_CHAPTER]
    assert f"«{sample_works.DEMO_PHRASE}»" in hits[0]["snippets"][0].lower()
    # the human view: a blurb naming the work and the chapter the phrase is in
    run = ficarchive("--config", str(config), "search", f'"{sample_works.DEMO_PHRASE}"')
    sample = sample_works.by_id(sample_works.DEMO_PHRASE_WORK_ID)
    assert run.code == 0 and sample.title in run.out
    assert f"ch. {sample_works.DEMO_PHRASE_CHAPTER}" in run.out


def test_character_and_tag_searches(crawled):
    _, config, *_ = crawled
    run = ficarchive(
        "--config", str(config), "search", "--character", sample_works.DEMO_CHARACTER, "--json"
    )
    expected = {
        f"ao3:{w.work_id}"
        for w in sample_works.WORKS
        if w.state in ("ok", "adult") and sample_works.DEMO_CHARACTER in w.characters
    }
    assert {h["id"] for h in run.json_lines()} == expected and len(expected) >= 2
    run = ficarchive("--config", str(config), "search", f'tag:"{sample_works.DEMO_TAG}"', "--json")
    expected = {
        f"ao3:{w.work_id}"
        for w in sample_works.WORKS
        if w.state in ("ok", "adult") and sample_works.DEMO_TAG in w.freeforms
    }
    assert {h["id"] for h in run.json_lines()} == expected


def test_show_json_matches_the_sample_work(crawled):
    _, config, *_ = crawled
    sample = sample_works.by_id(sample_works.DEMO_PHRASE_WORK_ID)
    run = ficarchive("--config", str(config), "show", f"ao3:{sample.work_id}", "--json")
    assert run.code == 0, run.err
    work = run.json()
    assert work["title"] == sample.title
    assert work["authors"] == list(sample.authors)
    assert work["characters"] == list(sample.characters)
    assert len(work["chapters"]) == len(sample.chapters)
    text = " ".join(b.get("text", "") for c in work["chapters"] for b in c["blocks"])
    assert sample_works.DEMO_PHRASE in text.lower() or sample_works.DEMO_PHRASE in text
    assert work["status"] in ("complete", "in_progress")
    assert work["words"] > 100


def test_scene_breaks_and_notes_survive(crawled, tmp_path):
    _, config, *_ = crawled
    # Every stored work's JSON from one export (one line each, the JSON `show --json`
    # prints: tests/test_export_sample_archive.py holds the two equal), not a process each.
    run = ficarchive(
        "--config", str(config), "export", "--all", "--one-file", "--format", "json",
        "--out", str(tmp_path), "--json",
    )  # fmt: skip
    assert run.code == 0, run.err
    [path] = run.json()["files"]
    works = {w["id"]: w for w in map(json.loads, Path(path).read_text("utf-8").splitlines())}
    stored = [f"ao3:{w.work_id}" for w in sample_works.WORKS if w.state in ("ok", "adult")]
    assert sorted(works) == sorted(stored)
    breaks = 0
    notes = 0
    for work in works.values():
        breaks += sum(
            1 for c in work["chapters"] for b in c["blocks"] if b["type"] == "scene_break"
        )
        notes += len(work["notes"]) + sum(len(c["notes"]) for c in work["chapters"])
        for c in work["chapters"]:
            for b in c["blocks"]:
                assert b.get("text") != "Chapter Text"
    assert breaks >= 5 and notes >= 4


def test_deleted_work_is_reported_gone_and_stored_one_kept(crawled):
    root, config, _, _, _, server, _ = crawled
    victim = next(w for w in sample_works.WORKS if w.state == "ok" and len(w.chapters) == 1)
    server.delete(victim.work_id)
    run = ficarchive(
        "--config", str(config), "add", f"{server.base_url}/works/{victim.work_id}", "--json"
    )
    assert run.code == 0, run.err
    assert by_result(run.json()) == {"gone": [f"ao3:{victim.work_id}"]}
    work = ficarchive("--config", str(config), "show", f"ao3:{victim.work_id}", "--json").json()
    assert work["status"] == "gone"
    assert work["chapters"][0]["blocks"], "a gone work keeps its text"
    hits = ficarchive("--config", str(config), "search", "status:gone", "--json").json_lines()
    assert [h["id"] for h in hits] == [f"ao3:{victim.work_id}"]


def test_export_epub_has_the_chapters(crawled):
    root, config, *_ = crawled
    sample = sample_works.by_id(sample_works.DEMO_PHRASE_WORK_ID)
    out = root / "export"
    run = ficarchive(
        "--config",
        str(config),
        "export",
        "--id",
        f"ao3:{sample.work_id}",
        "--format",
        "epub",
        "--out",
        str(out),
    )
    assert run.code == 0, run.err
    files = list(Path(out).glob("*.epub"))
    assert len(files) == 1
    with zipfile.ZipFile(files[0]) as z:
        names = z.namelist()
        assert names[0] == "mimetype"
        xhtml = " ".join(z.read(n).decode() for n in names if n.endswith(".xhtml"))
    assert sample_works.DEMO_PHRASE.split()[-1] in xhtml
    for ch in sample.chapters:
        if ch.title:
            assert ch.title.replace("&", "&amp;") in xhtml


def test_index_rebuild_offline_gives_same_results(crawled):
    _, config, *_ = crawled
    before = ficarchive(
        "--config", str(config), "search", f'"{sample_works.DEMO_PHRASE}"', "--json"
    ).json_lines()
    run = ficarchive("--config", str(config), "index", "--rebuild", "--json")
    assert run.code == 0, run.err
    after = ficarchive(
        "--config", str(config), "search", f'"{sample_works.DEMO_PHRASE}"', "--json"
    ).json_lines()
    assert [h["id"] for h in after] == [h["id"] for h in before]
    assert [h["chapters"] for h in after] == [h["chapters"] for h in before]


def test_author_notes_are_searched_only_when_asked(crawled):
    _, config, *_ = crawled
    work_id = f"ao3:{sample_works.DEMO_PHRASE_WORK_ID}"
    story = ficarchive("--config", str(config), "search", "fête", "--json")
    found = {h.get("id") for h in story.json_lines()}  # a last line may be a suggestion
    assert story.code == 0 and work_id not in found
    for flags in (["--in", "notes"], ["--include-notes"]):
        run = ficarchive("--config", str(config), "search", "fete", *flags, "--json")
        hits = {h["id"]: h for h in run.json_lines()}
        assert run.code == 0 and work_id in hits, (flags, run.err)
        assert any(s.startswith("[note]") and "«fête»" in s for s in hits[work_id]["snippets"])
    bad = ficarchive("--config", str(config), "search", "fete", "--in", "margins")
    assert bad.code == 2 and "--in 'margins'" in bad.err


def test_comparison_filters_on_the_command_line(crawled):
    _, config, *_ = crawled
    listed = ficarchive("--config", str(config), "list", "--json").json_lines()
    expected = {w["id"] for w in listed if w["words"] > 500}
    assert expected and len(expected) < len(listed)
    run = ficarchive("--config", str(config), "search", "--words", ">500", "--json")
    assert run.code == 0, run.err
    assert {h["id"] for h in run.json_lines()} == expected


def test_show_json_without_notes_keeps_its_shape(crawled):
    _, config, *_ = crawled
    work_id = f"ao3:{sample_works.DEMO_PHRASE_WORK_ID}"
    full = ficarchive("--config", str(config), "show", work_id, "--json").json()
    bare = ficarchive("--config", str(config), "show", work_id, "--json", "--no-notes").json()
    assert full["notes"] or any(c["notes"] for c in full["chapters"])
    assert bare["notes"] == [] and all(c["notes"] == [] for c in bare["chapters"])
    assert set(bare) == set(full) and bare["chapters"][0]["blocks"] == full["chapters"][0]["blocks"]
