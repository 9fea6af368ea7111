"""What `import` of a reader's library costs: files per second, against `index --rebuild`.

BENCH_IMPORT_FILES generated works (default 1,000) are written into one folder
tree as a reader's library would hold them: half as saved AO3 work pages (the
demo's AO3 markup, so `import` must recognise the site and read it with the AO3
adapter), half as plain-text stories, in sub-folders of 100. `import DIR` stores,
cleans and indexes them; the baseline is `index --rebuild` of the very same
archive (re-parse every stored raw page, re-clean, rebuild the index), the
offline work an archive already does for the same works. Both are timed in CPU
seconds of this process, in the same run, import first then rebuild, for
BENCH_IMPORT_ROUNDS rounds (default 1), each on a fresh archive; the best is kept.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from crawler.config import parse_config
from index.archive import Archive
from search_cli.demo import ao3_markup
from search_cli.demo.generated import generate_works


def files_count() -> int:
    return int(os.environ.get("BENCH_IMPORT_FILES", "1000"))


def rounds() -> int:
    return max(1, int(os.environ.get("BENCH_IMPORT_ROUNDS", "1")))


def write_library(root: Path, n: int) -> int:
    """n story files under root (half saved AO3 pages, half .txt); their total bytes."""
    total = 0
    for i, work in enumerate(generate_works(n)):
        folder = root / f"shelf-{i // 100:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        if i % 2 == 0:
            body = ao3_markup.work_page(work, None).encode()
            path = folder / f"{work.title} - Archive of Our Own.html"
        else:
            text = "\n\n".join(p for c in work.chapters for p in c.paragraphs)
            body = f"{work.title}\n\n{text}\n".encode()
            path = folder / f"{work.work_id} {work.title}.txt"
        path.write_bytes(body)
        total += len(body)
    return total


def _round(root: Path, library: Path, n: int) -> tuple[float, float, int]:
    config = parse_config({"archive": {"path": str(root)}})
    with Archive(config) as archive:
        began = time.process_time()
        report = archive.import_paths([library])
        imported = time.process_time() - began
        stored = report.counts()["new"]
        if stored != n:
            raise SystemExit(f"import bench: {stored} of {n} files stored; {report.failed[:1]}")
        ao3 = sum(o.id.startswith("ao3:") for o in report.outcomes)
        if ao3 != (n + 1) // 2:  # the saved pages must go to the AO3 adapter, not the text one
            raise SystemExit(f"import bench: {ao3} of {(n + 1) // 2} saved AO3 pages read as AO3")
        began = time.process_time()
        rebuilt = archive.rebuild()
        rebuild = time.process_time() - began
        if rebuilt.failed:
            raise SystemExit(f"import bench: rebuild failed: {rebuilt.failed[0].reason}")
    return imported, rebuild, stored


def run(status=lambda message: None) -> list[dict]:
    n = files_count()
    best_import = best_rebuild = float("inf")
    with tempfile.TemporaryDirectory(prefix="ficarchive-import-bench-") as tmp:
        library = Path(tmp) / "library"
        status(f"writing {n:,} story files")
        size = write_library(library, n)
        for r in range(rounds()):
            status(f"round {r + 1}: import of {n:,} files, then index --rebuild")
            imported, rebuild, _ = _round(Path(tmp) / f"archive-{r}", library, n)
            best_import, best_rebuild = min(best_import, imported), min(best_rebuild, rebuild)
    ours, base = n / best_import, n / best_rebuild
    return [
        {
            "measure": f"import DIR, {n:,} generated files ({(n + 1) // 2:,} saved AO3 pages,"
            f" {n // 2:,} .txt; {size / 1e6:.1f} MB), CPU",
            "baseline": f"index --rebuild of the same works {base:.1f} works/s"
            f" ({best_rebuild:.1f} s)",
            "ficarchive": f"import {ours:.1f} files/s ({best_import:.1f} s)",
            "ratio": f"{ours / base:.2f}x",
        }
    ]
