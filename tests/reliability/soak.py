"""`make soak`: the reliability suite's long versions, with a table of what they found.

    python -m tests.reliability.soak [--trials 100] [--archives 10] [--seed N] [--jobs 2]
                                     [--fuzz-examples 1000] [--no-fuzz] [--no-hostile]
                                     [--fault-trials 5] [--no-faults] [--only-faults]

1. SIGKILL trials: crawls of the sample archive killed at random (seeded) moments,
   then run to the end; per archive: trials, works expected and found, integrity
   failures, files lost (works or raw pages that were stored once and vanished).
2. Larger hostile inputs through the real command: 100,000 nested elements, a page
   just under the size cap and one far over it, megabytes of binary, a huge query.
3. The Hypothesis fuzzers of tests/reliability/test_fuzz.py with many more examples.
4. Network faults (tests/reliability/faults_soak.py): every hostile-server attack,
   repeated; per attack: trials, the longest time a crawl was held against its bound,
   and whether the archive stayed intact.

Exit status 0 only when every check held.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from rich.console import Console
from rich.table import Table

from tests.reliability.harness import ROOT, cli_env, ficarchive
from tests.reliability.killing import ArchiveRun, run_archive
from tests.servers import PROXY_VARIABLES

console = Console(highlight=False, width=None if sys.stdout.isatty() else 132)


# --- 1. kills --------------------------------------------------------------------------


def kill_trials(root: Path, trials: int, archives: int, seed: int, jobs: int) -> list[ArchiveRun]:
    per = [trials // archives + (i < trials % archives) for i in range(archives)]

    def one(i: int) -> ArchiveRun:
        return run_archive(root / f"archive-{i:02d}", per[i], random.Random(seed + i))

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(one, [i for i in range(archives) if per[i]]))


def kill_table(runs: list[ArchiveRun], seed: int) -> tuple[Table, bool]:
    table = Table(
        title=f"SIGKILL trials (seed {seed})",
        caption="files lost: works or raw pages stored once and gone later",
    )
    for name in ("archive", "trials", "killed mid-crawl", "works expected", "works found",
                 "integrity failures", "files lost", "final check"):  # fmt: skip
        table.add_column(name, justify="left" if name in ("archive", "final check") else "right")
    ok = True
    totals = [0] * 6
    for run in runs:
        healthy = run.final_code == 0 and not run.problems and run.doctor.get("healthy") is True
        good = healthy and not run.lost and not run.integrity_failures
        ok &= good
        row = [len(run.trials), run.killed, len(run.expected), run.works_found,
               run.integrity_failures, len(run.lost)]  # fmt: skip
        totals = [a + b for a, b in zip(totals, row, strict=True)]
        why = "ok" if good else "; ".join(run.problems or [run.final_err.strip()[-80:] or "doctor"])
        table.add_row(run.name, *map(str, row), f"[green]{why}[/]" if good else f"[red]{why}[/]")
    table.add_section()
    table.add_row("total", *map(str, totals), "[green]ok[/]" if ok else "[red]FAILED[/]")
    return table, ok


# --- 2. hostile inputs ---------------------------------------------------------------------


def _deep(path: Path, depth: int) -> None:
    path.write_text(
        f"<html><body>{'<div>' * depth}<p>deep story text</p>{'</div>' * depth}</body></html>"
    )


def _paragraphs(path: Path, size: int) -> None:
    piece = b"<p>" + b"The keeper trimmed the wick and wrote the log. " * 20 + b"</p>\n"
    with path.open("wb") as f:
        f.write(b"<html><body>")
        for _ in range(size // len(piece)):
            f.write(piece)
        f.write(b"</body></html>")


def _binary(path: Path, size: int) -> None:
    path.write_bytes(random.Random(7).randbytes(size))


HOSTILE = [
    # label, file maker, size argument, expected exit code, text expected in the output
    ("100,000 nested elements", _deep, 100_000, 0, "file:"),
    ("a 19 MB page (under the cap)", _paragraphs, 19_000_000, 0, "file:"),
    ("a 100 MB page (over the cap)", _paragraphs, 100_000_000, 1, "byte limit"),
    ("5 MB of binary", _binary, 5_000_000, 1, "does not decode"),
]


def hostile_inputs(root: Path) -> tuple[Table, bool]:
    config = root / "config.toml"
    config.write_text('[archive]\npath = "archive"\n[sites.ao3]\nbase_url = "http://127.0.0.1:9"\n')
    table = Table(title="Larger hostile inputs")
    for name in ("input", "exit", "seconds", "result"):
        table.add_column(name, justify="right" if name in ("exit", "seconds") else "left")
    ok = True
    for label, make, size, code, expect in HOSTILE:
        path = root / f"hostile-{size}.html"
        make(path, size)
        began = time.monotonic()
        run = ficarchive("--config", str(config), "import", str(path), timeout=900)
        took = time.monotonic() - began
        path.unlink()
        good = run.code == code and expect in (run.out + run.err) and "Traceback" not in run.err
        ok &= good
        said = (run.out.strip() or run.err.strip() or "(nothing)").splitlines()[-1]
        said = said.replace(f"file://{path}", path.name).replace(str(path), path.name)[:90]
        table.add_row(
            label, str(run.code), f"{took:.1f}", f"[{'green' if good else 'red'}]{said}[/]"
        )
    query = ("keeper " * 20_000)[:120_000]  # Linux takes one argument up to 128 KiB
    began = time.monotonic()
    run = ficarchive("--config", str(config), "search", query)
    good = run.code == 2 and "limit" in run.err and "Traceback" not in run.err
    ok &= good
    table.add_row(
        "a 120 KB query", str(run.code), f"{time.monotonic() - began:.1f}",
        f"[{'green' if good else 'red'}]{run.err.strip()[:90]}[/]",
    )  # fmt: skip
    return table, ok


# --- 3. fuzzing ----------------------------------------------------------------------------


def fuzz(examples: int) -> tuple[Table, bool]:
    began = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         str(ROOT / "tests" / "reliability" / "test_fuzz.py")],
        cwd=ROOT,
        env=cli_env(FICARCHIVE_FUZZ_EXAMPLES=str(examples)),
        capture_output=True,
        text=True,
    )  # fmt: skip
    summary = (proc.stdout.strip().splitlines() or ["(no output)"])[-1]
    table = Table(title=f"Hypothesis fuzzing ({examples} examples per property)")
    table.add_column("properties")
    table.add_column("seconds", justify="right")
    table.add_column("result")
    good = proc.returncode == 0
    table.add_row(
        "adapters, cleaner, query parser", f"{time.monotonic() - began:.0f}",
        f"[{'green' if good else 'red'}]{summary}[/]",
    )  # fmt: skip
    if not good:
        console.print(proc.stdout[-4000:])
    return table, good


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.reliability.soak", description=__doc__)
    parser.add_argument("--trials", type=int, default=100, help="SIGKILL trials in all")
    parser.add_argument("--archives", type=int, default=10, help="archives they are spread over")
    parser.add_argument("--seed", type=int, default=int(time.time()) % 100_000)
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--fuzz-examples", type=int, default=1000)
    parser.add_argument("--no-fuzz", action="store_true")
    parser.add_argument("--no-hostile", action="store_true")
    parser.add_argument("--fault-trials", type=int, default=5, help="trials per network attack")
    parser.add_argument("--no-faults", action="store_true")
    parser.add_argument("--only-faults", action="store_true", help="just the network faults")
    opts = parser.parse_args(argv)

    for name in PROXY_VARIABLES:
        os.environ.pop(name, None)  # loopback only
    root = Path(tempfile.mkdtemp(prefix="ficarchive-soak-"))
    ok = True
    try:
        if not opts.no_faults:
            from tests.reliability.faults_soak import network_faults

            began = time.monotonic()
            table, good = network_faults(root / "faults", max(1, opts.fault_trials))
            console.print(table)
            console.print(f"[dim]{time.monotonic() - began:.0f} s[/]\n")
            ok &= good
        if opts.only_faults:
            opts.no_hostile = opts.no_fuzz = True
            opts.trials = 0
        began = time.monotonic()
        if opts.trials:
            runs = kill_trials(root, opts.trials, max(1, opts.archives), opts.seed,
                               max(1, opts.jobs))  # fmt: skip
            table, good = kill_table(runs, opts.seed)
            console.print(table)
            console.print(f"[dim]{time.monotonic() - began:.0f} s[/]\n")
            ok &= good
        if not opts.no_hostile:
            hostile_root = root / "hostile"
            hostile_root.mkdir()
            table, good = hostile_inputs(hostile_root)
            console.print(table)
            ok &= good
        if not opts.no_fuzz:
            table, good = fuzz(opts.fuzz_examples)
            console.print(table)
            ok &= good
    finally:
        if ok:
            shutil.rmtree(root, ignore_errors=True)
        else:
            console.print(f"archives kept for a look: {root}")
    console.print("[bold green]soak passed[/]" if ok else "[bold red]soak FAILED[/]")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
