"""Facets for AO3's seven tag groups plus language, status, site and length (issue 18)."""

from __future__ import annotations

import json

from crawler.models import Block, Chapter, Work, WorkMeta
from index.search import FACET_FIELDS, word_bucket
from index.store import Store
from index.whoosh.writer import Indexer
from tests.searching import search


def work(work_id, words, **meta) -> Work:
    m = WorkMeta(title=work_id, authors=["Writer"], **meta)
    text = " ".join(["tea"] * words)
    ch = [Chapter(1, "", [Block("paragraph", text)])]
    return Work(work_id, work_id.split(":")[0], f"https://example.org/{work_id}", m, "", [], ch)


WORKS = [
    work(
        "ao3:1",
        800,
        rating="General Audiences",
        warnings=["No Archive Warnings Apply"],
        categories=["Gen"],
        fandoms=["Sherlock"],
        relationships=["Sherlock Holmes & John Watson"],
        characters=["Sherlock Holmes"],
        tags=["Fluff", "Case Fic"],
        language="English",
        status="complete",
    ),
    work(
        "ao3:2",
        6000,
        rating="Mature",
        warnings=["Graphic Depictions Of Violence"],
        categories=["M/M", "Gen"],
        fandoms=["Sherlock"],
        tags=["Angst"],
        language="Deutsch",
        status="in_progress",
    ),
    work("ffn:3", 12000, fandoms=["Cowboy Bebop"], tags=["Fluff"], language="English"),
]


def test_every_group_is_counted(tmp_path):
    with Store(tmp_path) as store:
        for w in WORKS:
            store.save_work(w)
        Indexer(tmp_path).update(WORKS)
        facets = search(tmp_path, "tea", store=store, facets=True).facets
    assert set(FACET_FIELDS) <= set(facets)
    assert dict(facets["warnings"]) == {
        "No Archive Warnings Apply": 1,
        "Graphic Depictions Of Violence": 1,
    }
    assert dict(facets["categories"]) == {"Gen": 2, "M/M": 1}
    assert dict(facets["tags"]) == {"Fluff": 2, "Case Fic": 1, "Angst": 1}
    assert dict(facets["language"]) == {"English": 2, "Deutsch": 1}
    assert dict(facets["status"])["in_progress"] == 1
    assert dict(facets["site"]) == {"ao3": 2, "ffn": 1}
    assert facets["words"] == [("under 1k", 1), ("5k-10k", 1), ("10k-50k", 1)]
    assert dict(facets["rating"]) == {"General Audiences": 1, "Mature": 1}
    json.dumps({k: dict(v) for k, v in facets.items()})  # what `search --json --facets` prints


def test_word_buckets():
    assert [word_bucket(n) for n in (0, 999, 1000, 4999, 50_000, 100_000, 2_000_000)] == [
        "under 1k",
        "under 1k",
        "1k-5k",
        "1k-5k",
        "50k-100k",
        "over 100k",
        "over 100k",
    ]


def test_cli_facets_and_json_show_every_group(tmp_path):
    from tests.cli import ficarchive

    archive = tmp_path / "archive"
    with Store(archive) as store:
        for w in WORKS:
            store.save_work(w)
        Indexer(archive).update(WORKS)
    config = tmp_path / "config.toml"
    config.write_text(f'[archive]\npath = "{archive}"\n')
    run = ficarchive("--config", str(config), "search", "tea", "--facets", "--json")
    assert run.code == 0, run.err
    facets = next(line["facets"] for line in run.json_lines() if "facets" in line)
    assert facets["warnings"]["Graphic Depictions Of Violence"] == 1
    assert facets["words"] == {"under 1k": 1, "5k-10k": 1, "10k-50k": 1}
    shown = ficarchive("--config", str(config), "search", "tea", "--facets")
    assert shown.code == 0, shown.err
    for title in ("archive warnings", "categories", "additional tags", "language", "length"):
        assert f"by {title}" in shown.out
