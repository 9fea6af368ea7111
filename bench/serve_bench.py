"""The web library's server time: a search page, a reader page, an EPUB download.

The archive is the generated corpus (bench/corpus.py) written into a store and
indexed the way `ficarchive index --rebuild` does. Building 10,000 works takes
half an hour on a small machine, so the archive is kept in BENCH_CACHE
(default ~/.cache/ficarchive-bench) and reused while its marker says it is whole.

Requests go through Starlette's TestClient to the real app (routes, gate,
templates, the library thread), so what is timed is the server's work for one
page without the network. Each request is timed in CPU time of the process
(the library thread's work included) and in wall time; the table gives both.
Searches are drawn from the corpus: words, phrases, a facet filter, a sort.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

from bench import corpus

REQUESTS = int(os.environ.get("BENCH_SERVE_REQUESTS", "100"))
MARKER = "bench-complete.json"


def serve_size() -> int:
    return int(os.environ.get("BENCH_SERVE_WORKS", "10000"))


def cache_root() -> Path:
    default = Path.home() / ".cache" / "ficarchive-bench"
    return Path(os.environ.get("BENCH_CACHE", str(default)))


def _config(archive: Path):
    from crawler.config import parse_config

    return parse_config({"archive": {"path": str(archive)}})


def build(n: int, status=lambda message: None) -> Path:
    """The n-work archive, built once and reused (the marker is written last)."""
    import shutil

    from index.archive import Archive
    from index.store import Store

    archive = cache_root() / f"serve-{n}"
    marker = archive / MARKER
    if marker.exists():
        return archive
    shutil.rmtree(archive, ignore_errors=True)
    archive.mkdir(parents=True)
    status(f"writing {n:,} generated works into a store (kept in {archive})")
    began = time.perf_counter()
    with Store(archive) as store:
        mb = corpus.write_store(store, n)
    status(f"indexing {n:,} works ({mb:.0f} MB of text)")
    with Archive(_config(archive)) as arch:
        arch.recorder.rebuild_index()
    minutes = (time.perf_counter() - began) / 60
    marker.write_text(json.dumps({"works": n, "mb": round(mb, 1), "minutes": round(minutes, 1)}))
    return archive


# --- the requests -------------------------------------------------------------------


def _p(times: list[float]) -> tuple[float, float]:
    times = sorted(times)
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.95))]


def search_cases(archive: Path, n: int) -> dict[str, list[str]]:
    """Search-page URLs by class, drawn from the corpus (index_bench's query classes)."""
    from urllib.parse import urlencode

    from bench.index_bench import query_cases

    rng = random.Random(5)
    cases = query_cases(archive, n)
    words = [q for q, _ in cases["one rare word"]] + [q for q, _ in cases["word NOT word"]]
    middle = [q.split(" NOT ")[0] for q, _ in cases["word NOT word"]]
    k = range(REQUESTS)

    def url(**params: str) -> str:
        return "/search?" + urlencode(params)

    out = {
        "every work, newest first (the home page)": ["/" for _ in k],
        "one common word": [url(q=q) for q, _ in cases["one common word"][:REQUESTS]],
        "one word": [url(q=rng.choice(middle)) for _ in k],
        "two-word phrase": [url(q=q) for q, _ in cases["two-word phrase"][:REQUESTS]],
        "word + a fandom facet": [
            url(q=rng.choice(middle), fandom=rng.choice(corpus.FANDOMS[:5])) for _ in k
        ],
        "word, sorted by kudos": [url(q=rng.choice(middle), sort="kudos") for _ in k],
        "a rare word, page 2 of every work": [
            url(q=rng.choice(words), page="2") if i % 2 else url(page="2") for i in k
        ],
    }
    return out


def _time(web, path: str) -> tuple[float, float, int]:
    """(CPU ms of the whole process, wall ms, bytes) for one GET."""
    cpu, wall = time.process_time(), time.perf_counter()
    got = web.get(path)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    if got.status_code != 200:
        raise RuntimeError(f"{path}: {got.status_code} {got.text[:200]}")
    return cpu * 1000, wall * 1000, len(got.content)


def _row(measure: str, baseline: str, cpu: list[float], wall: list[float], goal: float | None):
    c50, c95 = _p(cpu)
    _, w95 = _p(wall)
    verdict = "" if goal is None else (" (met)" if c95 < goal else " (missed)")
    return {
        "measure": measure + (f" (goal p95 < {goal:.0f} ms)" if goal else ""),
        "baseline": baseline,
        "ficarchive": f"{c50:.1f} / {c95:.1f} ms CPU (wall p95 {w95:.1f} ms)",
        "ratio": f"p95 {c95 / goal:.2f} of goal{verdict}" if goal else "-",
    }


def _search_rows(web, archive: Path, n: int, status) -> list[dict]:
    from index.archive import Archive
    from search_cli.serve.forms import SearchForm

    rows = []
    with Archive(_config(archive)) as lib:
        for label, urls in search_cases(archive, n).items():
            status(f"search page: {label}")
            base, cpu, wall = [], [], []
            for path in urls:
                query = path.partition("?")[2]
                from urllib.parse import parse_qsl

                form = SearchForm.from_params(parse_qsl(query))
                began = time.process_time()
                lib.search(form.request())
                base.append((time.process_time() - began) * 1000)
                c, w, _ = _time(web, path)
                cpu.append(c)
                wall.append(w)
            b50, b95 = _p(base)
            rows.append(
                _row(
                    f"search page at {n:,} works: {label}, p50 / p95",
                    f"archive.search alone {b50:.1f} / {b95:.1f} ms CPU",
                    cpu,
                    wall,
                    150,
                )
            )
    return rows


def _work_rows(web, archive: Path, n: int, status) -> list[dict]:
    from index.archive import Archive
    from search_cli.export import render

    rng = random.Random(9)
    rows = []
    with Archive(_config(archive)) as lib:
        ids = lib.work_ids()
        picked = [rng.choice(ids) for _ in range(REQUESTS)]
        chapters = {w: len(lib.get_work(w).chapters) for w in set(picked)}
        status("reader pages")
        base, cpu, wall = [], [], []
        for work_id in picked:
            number = rng.randint(1, chapters[work_id])
            began = time.process_time()
            lib.get_work(work_id)
            base.append((time.process_time() - began) * 1000)
            c, w, _ = _time(web, f"/works/{work_id}/chapters/{number}")
            cpu.append(c)
            wall.append(w)
        b50, b95 = _p(base)
        rows.append(
            _row(
                f"reader page at {n:,} works, p50 / p95",
                f"archive.get_work alone {b50:.1f} / {b95:.1f} ms CPU",
                cpu,
                wall,
                50,
            )  # fmt: skip
        )
        status("work pages")
        cpu, wall = [], []
        for work_id in picked:
            c, w, _ = _time(web, f"/works/{work_id}")
            cpu.append(c)
            wall.append(w)
        rows.append(_row(f"work page at {n:,} works, p50 / p95", "-", cpu, wall, 50))
        status("EPUB downloads")
        base, cpu, wall, sizes = [], [], [], []
        for work_id in picked[: max(20, REQUESTS // 2)]:
            began = time.process_time()
            render(lib.get_work(work_id), "epub")
            base.append((time.process_time() - began) * 1000)
            c, w, size = _time(web, f"/works/{work_id}/download/epub")
            cpu.append(c)
            wall.append(w)
            sizes.append(size)
        b50, b95 = _p(base)
        rows.append(
            _row(
                f"EPUB download at {n:,} works (median {statistics.median(sizes) / 1024:.0f} KB),"
                " p50 / p95",
                f"export render alone {b50:.1f} / {b95:.1f} ms CPU",
                cpu,
                wall,
                None,
            )
        )
    return rows


def measure(archive: Path, n: int, status=lambda message: None) -> list[dict]:
    from starlette.testclient import TestClient

    from index.archive import Archive
    from search_cli.serve import make_app

    config = _config(archive)
    app = make_app(lambda: Archive(config))
    with TestClient(app, base_url="http://127.0.0.1:8080") as web:
        status("the first page after the server starts")
        cold_cpu, cold_wall, _ = _time(web, "/")  # opens the archive, reads every work's fields
        for path in ("/search?q=the", f"/works/{corpus_id(0)}/chapters/1"):
            _time(web, path)  # warm: templates compiled
        first = {
            "measure": f"the first search page after start at {n:,} works (every work's fields"
            " read once, kept until the index changes)",
            "baseline": "-",
            "ficarchive": f"{cold_cpu:.0f} ms CPU (wall {cold_wall:.0f} ms)",
            "ratio": "-",
        }
        return [first, *_search_rows(web, archive, n, status), *_work_rows(web, archive, n, status)]


def corpus_id(i: int) -> str:
    return f"ao3:{900000 + i}"


def run(status=lambda message: None) -> list[dict]:
    n = serve_size()
    return measure(build(n, status), n, status)


if __name__ == "__main__":
    # python -m bench.serve_bench [N] [--build-only]
    size = int(sys.argv[1]) if len(sys.argv) > 1 else serve_size()
    where = build(size, print)
    if "--build-only" not in sys.argv:
        for r in measure(where, size, print):
            print(" | ".join(r.values()))
