"""A small indexed archive for the search, list and show tests: five works whose
ratings, lengths, dates, kudos and chapter counts differ, so every form a reader
types picks out a known set. The texts are written for these tests."""

from __future__ import annotations

from pathlib import Path

from crawler.models import Block, Chapter, Work, WorkMeta
from index.store import Store
from index.whoosh.writer import Indexer


def _work(work_id: str, title: str, words: int, chapters: int, **meta) -> Work:
    per = words // chapters
    body = [
        Chapter(n, f"Part {n}", [Block("paragraph", " ".join(["lantern"] * per))])
        for n in range(1, chapters + 1)
    ]
    m = WorkMeta(title=title, authors=["Writer"], fandoms=["Harbour"], **meta)
    site = work_id.split(":")[0]
    return Work(work_id, site, f"https://example.org/{work_id}", m, "", [], body)


WORKS = [
    _work("ao3:1", "Tea for Two", 800, 1, rating="General Audiences", chapters_total=1,
          kudos=50, hits=900, updated="2024-02-10", published="2024-02-10"),
    _work("ao3:2", "Storm Warning", 3600, 3, rating="Mature", status="in_progress",
          kudos=5000, hits=20000, updated="2023-05-01", published="2023-01-01"),
    _work("ao3:3", "Long Night", 12000, 3, rating="Explicit", chapters_total=3,
          kudos=300, hits=4000, updated="2024-03-03", published="2024-01-01"),
    _work("ffn:4", "Quiet Hours", 350, 1, rating="Teen And Up Audiences", chapters_total=1,
          updated="2022-01-01", published="2022-01-01"),
    _work("ao3:5", "Half Told", 320, 2, rating="Not Rated", status="in_progress",
          chapters_total=5, kudos=10, hits=100, updated="2021-06-06", published="2021-06-06"),
]  # fmt: skip


def reading_archive(tmp_path: Path) -> Path:
    """A config whose archive holds WORKS, stored and indexed; its path."""
    config = tmp_path / "config.toml"
    config.write_text('[archive]\npath = "arch"\n')
    with Store(tmp_path / "arch") as store:
        for work in WORKS:
            store.save_work(work)
        Indexer(tmp_path / "arch").update(WORKS)
        store.mark_indexed([w.id for w in WORKS])
    return config
