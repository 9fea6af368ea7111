"""`ficarchive doctor`: check the archive and repair what can be repaired safely.

Safe means nothing a user archived is ever lost: the index is rebuilt from the
store, never the other way round; only raw pages that belong to no work (left
by a removal interrupted half way) and index files no commit refers to (left by
a writer that died) are deleted; and nothing is repaired under a running crawl.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections import Counter
from dataclasses import dataclass, field

from crawler.errors import StoreError
from index.backend import SearchBackend
from index.lock import LOCK_FILE, lock_holder
from index.store import Store


@dataclass
class Check:
    name: str
    ok: bool
    detail: str = ""
    repaired: bool = False


@dataclass
class DoctorReport:
    checks: list[Check] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        return all(c.ok or c.repaired for c in self.checks)

    def to_dict(self) -> dict:
        return {"healthy": self.healthy, "checks": [c.__dict__ for c in self.checks]}


def diagnose(store: Store, backend: SearchBackend, repair: bool = True) -> DoctorReport:
    report = DoctorReport()
    integrity = _integrity(store)
    report.checks.append(integrity)
    crawling = lock_holder(store.dir)
    report.checks.append(_crawl_lock(store, crawling, repair))
    if not integrity.ok:
        # Never write to a damaged file, never rebuild the index from it: say what is left.
        report.checks.append(_what_is_left(store))
        return report
    report.checks.append(_orphans(store, repair))
    if crawling is not None:
        # A crawl indexes in batches: until it ends the index may lag the store.
        report.checks.append(
            Check(
                "index and store agree",
                False,
                f"not checked: a crawl (pid {crawling}) is running; run `ficarchive doctor` when it has finished",
            )
        )
        return report
    report.checks.append(_leftovers(backend, repair))
    files = _index_files(store, backend, repair)
    report.checks.append(files)
    if not (files.ok or files.repaired):
        why = "not checked: the index is damaged (see index files)"
        report.checks.append(Check("index and store agree", False, why))
        return report
    report.checks.append(_agreement(store, backend, repair))
    return report


RESTORE = "nothing repaired; restore a backup, or try `sqlite3 ficarchive.sqlite3 .recover`"


def _integrity(store: Store) -> Check:
    try:
        result = [r[0] for r in store.db.execute("PRAGMA integrity_check").fetchall()]
        keys = [r[0] for r in store.db.execute("PRAGMA foreign_key_check").fetchall()]
    except (sqlite3.DatabaseError, StoreError) as exc:
        why = str(exc).split("(", 1)[-1].split(")", 1)[0] if isinstance(exc, StoreError) else exc
        return Check("store integrity", False, f"the store is damaged: {why}; {RESTORE}")
    if result != ["ok"]:
        return Check("store integrity", False, f"{'; '.join(result[:3])}; {RESTORE}")
    if keys:
        return Check("store integrity", False, f"{len(keys)} row(s) point at no work")
    return Check("store integrity", True, "ok")


def _what_is_left(store: Store) -> Check:
    """How many works can still be read whole, for the user deciding what to do next."""
    try:
        ids = store.work_ids()
    except (sqlite3.DatabaseError, StoreError):
        return Check("works readable", False, "the list of works itself cannot be read")
    readable = 0
    for work_id in ids:
        with contextlib.suppress(sqlite3.DatabaseError, StoreError, ValueError):
            readable += store.get_work(work_id) is not None
    return Check("works readable", readable == len(ids), f"{readable} of {len(ids)} works")


def _crawl_lock(store: Store, crawling: int | None, repair: bool) -> Check:
    """A pid left in crawl.lock by a crawl that died (the lock itself died with it)."""
    path = store.dir / LOCK_FILE
    if crawling is not None:
        return Check("crawl lock", True, f"held by the running crawl (pid {crawling})")
    try:
        text = path.read_text(errors="replace").strip()
    except FileNotFoundError:
        text = ""
    if not text:
        return Check("crawl lock", True, "free")
    check = Check("crawl lock", False, f"left by a crawl (pid {text}) that did not finish")
    if repair:
        os.truncate(path, 0)
        check.repaired = True
        check.detail += "; cleared (what it stored is kept)"
    return check


def _orphans(store: Store, repair: bool) -> Check:
    orphans = store.db.execute(
        "SELECT COUNT(*) FROM raw_pages WHERE work_id IS NOT NULL"
        " AND work_id NOT IN (SELECT id FROM works)"
    ).fetchone()[0]
    check = Check("orphaned raw pages", orphans == 0, f"{orphans} raw page(s) belong to no work")
    if orphans and repair:
        with store.transaction("remove orphaned raw pages") as db:
            db.execute(
                "DELETE FROM raw_pages WHERE work_id IS NOT NULL"
                " AND work_id NOT IN (SELECT id FROM works)"
            )
        check.repaired = True
    return check


def _leftovers(indexer: SearchBackend, repair: bool) -> Check:
    found = indexer.leftovers()
    names = ", ".join(p.name for p in found[:5]) + (" …" if len(found) > 5 else "")
    check = Check(
        "index leftovers",
        not found,
        f"{len(found)} file(s) no index commit refers to: {names}" if found else "none",
    )
    if found and repair:
        check.repaired = bool(indexer.clean_leftovers())
    return check


def _index_files(store: Store, backend: SearchBackend, repair: bool) -> Check:
    """Every part of the index read whole: damage a search would trip over, found first."""
    if not backend.exists():
        return Check("index files", True, "no index yet")
    found = backend.verify()
    if not found:
        return Check("index files", True, "every part reads whole")
    more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
    check = Check("index files", False, f"the index is damaged: {found[0]}{more}")
    if not repair:
        check.detail += "; `ficarchive doctor` rebuilds it from the store"
        return check
    backend.rebuild(store.iter_works())
    store.mark_indexed(sorted(store.work_ids()))
    check.repaired = True
    check.detail += "; rebuilt from the store"
    return check


def _agreement(store: Store, indexer: SearchBackend, repair: bool) -> Check:
    stored = set(store.work_ids())
    try:
        docs = indexer.documents()
        readable = True
    except Exception as exc:  # a damaged index is exactly what doctor is for
        docs, readable = [], False
        damaged = f"the index does not open: {type(exc).__name__}: {exc}"[:200]
    per_work = Counter(work_id for work_id, _ in docs)
    indexed = set(per_work)
    chapters = dict(store.db.execute("SELECT work_id, COUNT(*) FROM chapters GROUP BY work_id"))
    missing = {w for w in stored if chapters.get(w)} - indexed
    stale = indexed - stored
    pending = set(store.unindexed_ids()) - missing
    # each chapter once: more documents than chapters is a duplicate, fewer a loss
    doubled = {w for w, n in per_work.items() if w in stored and n != chapters.get(w, 0)}
    agree = readable and not (missing or stale or pending or doubled)
    if not readable:
        detail = damaged
    elif agree:
        detail = f"{len(stored)} works, {len(docs)} chapter documents"
    else:
        detail = (
            f"{len(missing)} stored work(s) not in the index, {len(stale)} indexed work(s) not"
            f" in the store, {len(pending)} indexed with older text, {len(doubled)} with"
            " chapters indexed more or fewer times than stored"
        )
    check = Check("index and store agree", agree, detail)
    if not agree and repair:
        if not readable:
            indexer.rebuild(store.iter_works())
            store.mark_indexed(sorted(stored))
        else:
            ids = sorted(missing | pending | doubled)
            indexer.index(store.iter_works(ids), remove=sorted(stale))
            store.mark_indexed(ids)
        check.repaired = True
    return check
