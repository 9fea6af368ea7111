"""`ficarchive doctor`: check the archive and repair what can be repaired safely.

Safe means nothing a user archived is ever lost: the index is rebuilt from the
store, never the other way round, and only raw pages that belong to no work
(left by a removal interrupted half way) are deleted.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from index.indexer import Indexer
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


def diagnose(store: Store, repair: bool = True) -> DoctorReport:
    report = DoctorReport()
    result = store.db.execute("PRAGMA integrity_check").fetchall()
    ok = [r[0] for r in result] == ["ok"]
    report.checks.append(
        Check("store integrity", ok, "ok" if ok else "; ".join(r[0] for r in result[:5]))
    )

    orphans = store.db.execute(
        "SELECT COUNT(*) FROM raw_pages WHERE work_id IS NOT NULL"
        " AND work_id NOT IN (SELECT id FROM works)"
    ).fetchone()[0]
    check = Check("orphaned raw pages", orphans == 0, f"{orphans} raw page(s) belong to no work")
    if orphans and repair:
        with store.transaction() as db:
            db.execute(
                "DELETE FROM raw_pages WHERE work_id IS NOT NULL"
                " AND work_id NOT IN (SELECT id FROM works)"
            )
        check.repaired = True
    report.checks.append(check)

    indexer = Indexer(store.dir)
    stored = set(store.work_ids())
    try:
        indexed = indexer.work_ids()
        readable = True
    except Exception as exc:  # a damaged index is exactly what doctor is for
        indexed, readable = set(), False
        opens = Check("index opens", False, f"{type(exc).__name__}: {exc}"[:200], repaired=repair)
        report.checks.append(opens)
    missing = stored - indexed
    stale = indexed - stored
    pending = set(store.unindexed_ids()) - missing
    agree = readable and not missing and not stale and not pending
    detail = (
        f"{len(missing)} stored work(s) not in the index, {len(stale)} indexed work(s) not in"
        f" the store, {len(pending)} indexed with older text"
    )
    check = Check("index and store agree", agree, detail if not agree else f"{len(stored)} works")
    if not agree and repair:
        if not readable:
            indexer.rebuild(store.iter_works())
            store.mark_indexed(sorted(stored))
        else:
            ids = sorted(missing | pending)
            indexer.update(store.iter_works(ids), remove=sorted(stale))
            store.mark_indexed(ids)
        check.repaired = True
    report.checks.append(check)
    return report
