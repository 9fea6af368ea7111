"""Cleaner throughput in MB/s of raw HTML: bs4 with lxml against bs4 with html.parser.

The pages: every work of the sample archive, rendered with its AO3 markup
(search_cli.demo.ao3_markup, the markup the sample server sends), and the real
work pages in ../shared/fixtures (skipped when absent). Each page is read by
its site adapter once, untimed; what is timed is `clean_work` on the RawWork,
and the megabytes are the HTML the cleaner reads (chapter bodies, notes,
summaries). Both parsers run in the same process, on the same pages, best of
REPEAT runs. `python -m bench.clean_bench` prints the rows alone.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from crawler.clean import clean_work
from crawler.config import SiteConfig, default_sites
from crawler.models import FetchedPage, RawWork
from crawler.sites.ao3 import AO3Adapter
from crawler.sites.efiction import EFictionAdapter
from crawler.sites.ffn import FFNAdapter
from crawler.sites.text import TextAdapter

FIXTURES = Path(__file__).resolve().parent.parent.parent / "shared" / "fixtures"
REPEAT = 7
BASELINE, OURS = "html.parser", "lxml"

# Real work pages: (path under ../shared/fixtures, adapter, URL it was served at).
FIXTURE_PAGES = [
    ("ao3/ao3_work_single_chapter_unlockedWork.html", "ao3", "https://archiveofourown.org/works/1"),
    ("ao3/ao3_work_multichapter_full_view_explicit.html", "ao3", "https://archiveofourown.org/works/2"),
    ("ao3/ao3_chapter_page_multichapter_in_series.html", "ao3", "https://archiveofourown.org/works/3"),
    ("ffn/ffn_story_multichapter_ch1_of_2.html", "ffn", "https://www.fanfiction.net/s/5853866/1"),
    (
        "efiction/mugglenet_efiction_viewstory_chapter_TRIMMED.html",
        "efiction",
        "http://fanfiction.mugglenet.com/viewstory.php?sid=1&chapter=2",
    ),
]  # fmt: skip
SEED = "seed/story_with_ornamental_dividers_and_author_note.txt"

Page = tuple[str, RawWork]  # (name, what the adapter read)


def _fetched(url: str, body: bytes) -> FetchedPage:
    return FetchedPage(url, 200, {}, body, datetime.now(UTC), url)


def _adapter(site: str):
    if site == "ao3":
        return AO3Adapter(default_sites()["ao3"])
    if site == "ffn":
        return FFNAdapter(default_sites()["ffn"])
    return EFictionAdapter(SiteConfig("efiction", "http://fanfiction.mugglenet.com", 3.0))


def sample_pages() -> list[Page]:
    """Every sample work's full-view page, as the sample archive server renders it."""
    from search_cli.demo import ao3_markup
    from search_cli.demo.sample_works import WORKS

    ao3 = _adapter("ao3")
    pages = []
    for work in WORKS:
        url = f"https://archiveofourown.org/works/{work.work_id}"
        html = ao3_markup.work_page(work).encode("utf-8")
        pages.append((f"sample work {work.work_id}", ao3.parse_work([_fetched(url, html)])))
    return pages


def fixture_pages() -> list[Page]:
    pages = []
    for rel, site, url in FIXTURE_PAGES:
        path = FIXTURES / rel
        if path.exists():
            raw = _adapter(site).parse_work([_fetched(url, path.read_bytes())])
            pages.append((path.name, raw))
    return pages


def html_bytes(raw: RawWork) -> int:
    """The HTML the cleaner reads: chapter bodies, their notes, the work's summary and notes."""
    notes = [n.html for c in raw.chapters for n in c.notes] + [n.html for n in raw.notes]
    parts = [c.html for c in raw.chapters] + notes + [raw.summary_html]
    return sum(len(p.encode("utf-8")) for p in parts)


def best_seconds(fn: Callable[[], object], repeat: int | None = None) -> float:
    best = float("inf")
    for _ in range(REPEAT if repeat is None else repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def speeds(pages: list[Page]) -> dict[str, float]:
    """MB/s with each parser, runs interleaved so that a busy machine hurts both alike."""
    mb = sum(html_bytes(raw) for _, raw in pages) / 1e6
    best = dict.fromkeys((BASELINE, OURS), float("inf"))
    for _ in range(REPEAT):
        for parser in best:
            seconds = best_seconds(lambda p=parser: [clean_work(r, parser=p) for _, r in pages], 1)
            best[parser] = min(best[parser], seconds)
    return {parser: mb / seconds for parser, seconds in best.items()}


def _row(measure: str, pages: list[Page]) -> dict[str, str]:
    speed = speeds(pages)
    return {
        "measure": measure,
        "baseline": f"bs4 + {BASELINE} {speed[BASELINE]:.2f} MB/s",
        "ficarchive": f"bs4 + {OURS} {speed[OURS]:.2f} MB/s",
        "ratio": f"{speed[OURS] / speed[BASELINE]:.2f}x",
    }


def _set_row(label: str, pages: list[Page]) -> dict[str, str]:
    mb = sum(html_bytes(raw) for _, raw in pages) / 1e6
    return _row(f"clean, {label} ({len(pages)} pages, {mb:.2f} MB HTML)", pages)


def _slowest_row(pages: list[Page]) -> dict[str, str]:
    """The page the cleaner reads slowest (lxml, MB/s), measured again on its own."""
    timed = []
    for name, raw in pages:
        seconds = best_seconds(lambda raw=raw: clean_work(raw))
        timed.append((html_bytes(raw) / 1e6 / seconds, seconds, name, raw))
    _, seconds, name, raw = min(timed, key=lambda t: t[0])
    kb = html_bytes(raw) / 1000
    measure = f"clean, slowest page: {name} ({kb:.1f} KB HTML in {seconds * 1000:.2f} ms)"
    return _row(measure, [(name, raw)])


def _seed_row() -> dict[str, str] | None:
    path = FIXTURES / SEED
    if not path.exists():
        return None
    raw = TextAdapter(default_sites()["text"]).parse_work(
        [_fetched(path.as_uri(), path.read_bytes())]
    )
    mb = len(path.read_bytes()) / 1e6
    seconds = best_seconds(lambda: clean_work(raw))
    return {
        "measure": f"clean, plain-text seed story ({mb * 1000:.0f} KB, no HTML parser)",
        "baseline": "-",
        "ficarchive": f"{mb / seconds:.2f} MB/s",
        "ratio": "-",
    }


def run() -> list[dict[str, str]]:
    sample, fixtures = sample_pages(), fixture_pages()
    clean_work(sample[0][1])  # warm caches (regexes, ftfy tables) outside the timing
    rows = [_set_row("sample archive pages", sample)]
    if fixtures:
        rows.append(_set_row("real fixture pages", fixtures))
    rows.append(_slowest_row(sample + fixtures))
    if (seed := _seed_row()) is not None:
        rows.append(seed)
    return rows


if __name__ == "__main__":
    for row in run():
        print(" | ".join(row[k] for k in ("measure", "baseline", "ficarchive", "ratio")))
