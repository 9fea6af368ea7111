"""Which stored works an `update` re-checks, and the words that say so.

`update` with no argument checks what is likely to have changed: every work in
progress, and a completed work only once it has gone `[update]
recheck_complete_days` unchecked. A query, the search filters, `--checked-before`
and ids narrow or name the works; works a run left pending (its request or time
budget ran out) always come first, so the next run resumes where the last stopped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from index.store import Store


@dataclass(frozen=True)
class Choice:
    """The works to check, in the order to check them, and what chose them."""

    ids: list[str]
    said: str


@dataclass(frozen=True)
class _Row:
    id: str
    url: str
    status: str | None
    last_fetched: str
    gone: bool


def _rows(store: Store) -> dict[str, _Row]:
    rows = store.db.execute(
        "SELECT id, url, json_extract(meta, '$.status'), last_fetched, gone_at FROM works"
        " ORDER BY id"
    )
    return {r[0]: _Row(r[0], r[1], r[2], r[3] or "", r[4] is not None) for r in rows}


def pending_ids(store: Store) -> set[str]:
    """Works a run left for the next one (a budget ran out, or its host was given up)."""
    urls = {
        r[0]
        for r in store.db.execute(
            "SELECT url FROM crawl_state WHERE kind = 'work' AND state = 'pending'"
        )
    }
    return {row.id for row in _rows(store).values() if row.url in urls}


def _cutoff(seconds: float, now: datetime | None) -> str:
    return ((now or datetime.now(UTC)) - timedelta(seconds=seconds)).isoformat(timespec="seconds")


def choose(
    store: Store,
    *,
    named: list[str] | None,
    everything: bool,
    recheck_days: int,
    checked_before: float | None = None,
    now: datetime | None = None,
) -> Choice:
    """The works to check. `named` is the ids the user gave or a query matched (None:
    neither was given); `checked_before` (seconds) keeps only works not checked since."""
    rows = _rows(store)
    pending = pending_ids(store)
    if named is not None:
        ids, said = [i for i in named if i in rows] + [i for i in named if i not in rows], ""
    elif everything:
        ids, said = list(rows), "every stored work"
    elif checked_before is not None:
        ids, said = list(rows), ""
    else:
        cutoff = _cutoff(recheck_days * 86_400, now)
        ids = [
            r.id
            for r in rows.values()
            if not r.gone and (r.status != "complete" or r.last_fetched < cutoff or r.id in pending)
        ]
        said = (
            f"works in progress, and completed works not checked for {recheck_days} days"
            " ([update] recheck_complete_days)"
        )
    if checked_before is not None:
        cutoff = _cutoff(checked_before, now)
        ids = [i for i in ids if i not in rows or rows[i].last_fetched < cutoff]
        said = (said + ", " if said else "") + f"not checked since {cutoff[:16].replace('T', ' ')}"
    first = [i for i in ids if i in pending]
    if first:
        said += f"; {len(first)} left pending by the last run go first"
    rest = [i for i in ids if i not in pending]
    return Choice(first + rest, said.lstrip("; "))
