"""Archives, crawls and the invariants they must keep: shared by the suite and `make soak`.

Everything here talks to real processes and real servers on 127.0.0.1: the CLI
runs as a subprocess, exactly as a user runs it, and the archive is inspected
afterwards through SQLite and Whoosh themselves, not through ficarchive's own
view of them.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from index.store import STORE_FILE
from index.whoosh.writer import Indexer
from search_cli.demo import sample_works
from search_cli.demo.sample_works import SampleChapter, SampleWork
from tests.cli import Run
from tests.servers import PROXY_VARIABLES

ROOT = Path(__file__).resolve().parents[2]
CLI = (sys.executable, "-m", "search_cli.app")


def cli_env(**extra: str) -> dict[str, str]:
    """The environment of every CLI run: no proxies (loopback only), wide lines, this repo."""
    env = {**os.environ, "FICARCHIVE_CONFIG": "", "COLUMNS": "1000", "PYTHONPATH": str(ROOT)}
    env.update(dict.fromkeys(PROXY_VARIABLES, ""))
    env.update(extra)
    return env


def ficarchive(*args: str, timeout: float = 120, hook: tuple[str, ...] = (), **env: str) -> Run:
    """Run the real command to completion (under tests.reliability.hooks if `hook` is given)."""
    prefix = (sys.executable, "-m", "tests.reliability.hooks", *hook, "--") if hook else CLI
    proc = subprocess.run(
        [*prefix, *args],
        cwd=ROOT,
        env=cli_env(**env),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return Run(proc.returncode, proc.stdout, proc.stderr)


def start(
    *args: str, stderr_path: Path | None = None, hook: tuple[str, ...] = ()
) -> subprocess.Popen:
    """Start the command (optionally under tests.reliability.hooks) and return at once."""
    prefix = (sys.executable, "-m", "tests.reliability.hooks", *hook, "--") if hook else CLI
    err = open(stderr_path, "wb") if stderr_path else subprocess.DEVNULL  # noqa: SIM115
    try:
        return subprocess.Popen(
            [*prefix, *args],
            cwd=ROOT,
            env=cli_env(),
            stdout=subprocess.DEVNULL,
            stderr=err,
            start_new_session=True,
        )
    finally:
        if stderr_path:
            err.close()


def pause_at(point: str, config: Path, *args: str, nth: int = 1) -> subprocess.Popen:
    """Start `ficarchive args` and return once it has stopped at `point` (see hooks.py)."""
    flag = config.parent / f"paused-{point}-{nth}"
    log = config.parent / f"paused-{point}-{nth}.err"
    flag.unlink(missing_ok=True)
    proc = start(
        "--config",
        str(config),
        *args,
        hook=("--pause", point, "--nth", str(nth), "--flag", str(flag)),
        stderr_path=log,
    )
    if not wait_for(lambda: flag.exists() or proc.poll() is not None, timeout=60) or (
        not flag.exists()
    ):
        proc.kill()
        proc.wait()
        raise AssertionError(f"never reached {point}: {log.read_text()[-2000:]}")
    return proc


def kill(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.wait()


def one_line_error(run: Run) -> str:
    """The error a failed command printed; fails unless it is one line and no traceback."""
    text = run.err.strip()
    assert "Traceback" not in text, text
    lines = [line for line in text.splitlines() if line.startswith("error:")]
    assert len(lines) == 1 and len(text.splitlines()) == 1, text
    return lines[0]


# --- configs -----------------------------------------------------------------------


def config_text(
    base_url: str,
    *,
    archive: str = "archive",
    delay: float = 0.05,
    max_retries: int = 1,
    read_timeout: float = 10.0,
    tag: str = sample_works.LISTING_TAG,
    extra: str = "",
) -> str:
    """A config for one AO3-shaped server on loopback; every other site points nowhere."""
    return f"""[archive]
path = "{archive}"
contact = "ficarchive reliability tests (loopback only)"

[politeness]
delay_seconds = {delay}
jitter = 0.5
max_retries = {max_retries}
backoff_base_seconds = 0.05
backoff_cap_seconds = 2.0
connect_timeout_seconds = 5.0
read_timeout_seconds = {read_timeout}
request_deadline_seconds = {max(60.0, read_timeout * 2)}

[sites.ao3]
base_url = "{base_url}"
delay_seconds = {delay}
allow_adult = true

[sites.ffn]
base_url = "http://127.0.0.1:9"

{extra}
[[sources]]
name = "sample"
site = "ao3"
start = ["/tags/{quote(tag)}/works"]
"""


def write_config(root: Path, base_url: str, **kw) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    path = root / "config.toml"
    path.write_text(config_text(base_url, **kw), encoding="utf-8")
    return path


# --- what a sample server should leave in the archive -----------------------------


def expected_works(works: tuple[SampleWork, ...]) -> dict[str, int]:
    """Work id -> chapters, for every work the sample archive lets a crawl store."""
    return {f"ao3:{w.work_id}": len(w.chapters) for w in works if w.state in ("ok", "adult")}


def with_new_chapter(work: SampleWork, n: int) -> SampleWork:
    """The work as its author updates it: one more chapter, a later date."""
    chapter = SampleChapter(
        title=f"Postscript {n}",
        paragraphs=(
            f"The keeper wrote a postscript, number {n}, in a careful hand.",
            "Nothing else had changed at the point, except the weather.",
        ),
    )
    day = f"2031-{1 + n // 28 % 12:02d}-{1 + n % 28:02d}"
    return dataclasses.replace(
        work, chapters=(*work.chapters, chapter), chapters_expected=None, updated=day
    )


# --- looking at an archive from outside -----------------------------------------------


@dataclass
class Snapshot:
    """An archive as SQLite and Whoosh see it."""

    integrity: list[str] = field(default_factory=list)
    works: dict[str, int] = field(default_factory=dict)  # id -> chapters stored
    gone: set[str] = field(default_factory=set)
    locked: set[str] = field(default_factory=set)
    raw_pages: dict[str, int] = field(default_factory=dict)  # work id -> raw pages kept
    unindexed: set[str] = field(default_factory=set)
    docs: list[tuple[str, str]] = field(default_factory=list)  # (work id, doc id)
    index_error: str = ""

    @property
    def ok(self) -> bool:
        return self.integrity == ["ok"]


def snapshot(archive: Path) -> Snapshot:
    snap = Snapshot()
    path = archive / STORE_FILE
    if not path.exists():
        snap.integrity = ["ok"]
        return snap
    db = sqlite3.connect(path, timeout=30)
    try:
        snap.integrity = [r[0] for r in db.execute("PRAGMA integrity_check")]
        if db.execute("PRAGMA user_version").fetchone()[0] == 0:
            return snap  # killed before its first migration committed: an empty store
        chapters = dict(db.execute("SELECT work_id, COUNT(*) FROM chapters GROUP BY work_id"))
        for work_id, gone_at, locked, content, indexed in db.execute(
            "SELECT id, gone_at, locked, content_hash, indexed_hash FROM works"
        ):
            snap.works[work_id] = chapters.get(work_id, 0)
            if gone_at:
                snap.gone.add(work_id)
            if locked:
                snap.locked.add(work_id)
            if content != indexed:
                snap.unindexed.add(work_id)
        snap.raw_pages = dict(
            db.execute("SELECT work_id, COUNT(*) FROM raw_pages GROUP BY work_id")
        )
    finally:
        db.close()
    try:
        snap.docs = Indexer(archive).documents()
    except Exception as exc:  # the check is that it opens
        snap.index_error = f"{type(exc).__name__}: {exc}"
    return snap


def problems(snap: Snapshot, expected: dict[str, int] | None = None) -> list[str]:
    """Every way the archive breaks its promises; [] when it keeps them all."""
    found = []
    if not snap.ok:
        found.append(f"integrity_check: {snap.integrity[:3]}")
    if snap.index_error:
        found.append(f"index does not open: {snap.index_error}")
    doubled = [d for d, n in Counter(doc for _, doc in snap.docs).items() if n > 1]
    if doubled:
        found.append(f"{len(doubled)} chapter document(s) indexed twice, e.g. {doubled[0]}")
    per_work = Counter(work for work, _ in snap.docs)
    if set(per_work) != set(snap.works):
        missing = sorted(set(snap.works) - set(per_work))
        extra = sorted(set(per_work) - set(snap.works))
        found.append(f"index != store: not indexed {missing[:3]}, not stored {extra[:3]}")
    wrong = sorted(w for w, n in snap.works.items() if w in per_work and per_work[w] != n)
    if wrong:
        found.append(f"chapter documents != chapters stored for {wrong[:3]}")
    if expected is not None:
        missing = sorted(set(expected) - set(snap.works))
        if missing:
            found.append(f"works lost: {missing[:3]}")
        extra = sorted(set(snap.works) - set(expected))
        if extra:
            found.append(f"works nobody asked for: {extra[:3]}")
        stale = sorted(w for w in expected if w in snap.works and snap.works[w] != expected[w])
        if stale:
            found.append(f"works with old or partial text: {stale[:3]}")
    return found


def store_digest(archive: Path) -> str:
    """A digest of everything the store holds (its logical content, not its bytes)."""
    db = sqlite3.connect(archive / STORE_FILE, timeout=30)
    try:
        digest = hashlib.sha256()
        for line in db.iterdump():
            digest.update(line.encode("utf-8", "surrogatepass"))
        return digest.hexdigest()
    finally:
        db.close()


def wait_for(predicate, timeout: float = 30.0, every: float = 0.02) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(every)
    return bool(predicate())
