"""Series in reading order: which parts the archive holds, which it lacks, and why.

A work's own page names its series and part ("Part 2 of Counting Drabbles"), kept
in its metadata. A series page read by `add` or `update --series` also shows the
parts the archive does not hold; what it showed is kept here (in the store file),
so `list --series-gaps` can name a missing part and say it is locked upstream.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field

SCHEMA = """CREATE TABLE IF NOT EXISTS series_listed (
    series_id TEXT NOT NULL,
    name TEXT NOT NULL,
    part INTEGER NOT NULL,
    work_id TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (series_id, work_id)
)"""


@dataclass(frozen=True)
class Member:
    """One work's place in one series."""

    work_id: str
    series_id: str
    name: str
    part: int


@dataclass
class Gap:
    """A series with parts the archive lacks (or holds only as locked upstream)."""

    series_id: str
    name: str
    held: list[int] = field(default_factory=list)
    missing: list[tuple[int, str]] = field(default_factory=list)  # (part, what is known of it)

    def to_dict(self) -> dict:
        return {"series": self.series_id, "name": self.name, "held": self.held,
                "missing": [{"part": p, "why": w} for p, w in self.missing]}  # fmt: skip


def _ensure(db: sqlite3.Connection) -> None:
    db.execute(SCHEMA)


def remember(db: sqlite3.Connection, site_prefix: str, shown: Iterable[tuple]) -> None:
    """What series pages showed: ((series id, name), entry) pairs, entries with parts."""
    rows = [(sid, name, e.part, f"{site_prefix}:{e.site_id}", e.title)
            for (sid, name), e in shown if e.part]  # fmt: skip
    if not rows:
        return
    _ensure(db)
    with db:
        db.executemany(
            "INSERT INTO series_listed VALUES (?, ?, ?, ?, ?) ON CONFLICT (series_id, work_id)"
            " DO UPDATE SET part = excluded.part, name = excluded.name, title = excluded.title",
            rows,
        )


def members(db: sqlite3.Connection) -> list[Member]:
    """Every stored work's series memberships, from its own metadata."""
    out = []
    for work_id, meta in db.execute("SELECT id, meta FROM works"):
        for entry in json.loads(meta).get("series") or []:
            if isinstance(entry, dict) and str(entry.get("part") or "").isdigit():
                sid = str(entry.get("id") or entry.get("name") or "")
                out.append(Member(work_id, sid, str(entry.get("name") or ""), int(entry["part"])))
    return out


def matches(member: Member, key: str) -> bool:
    key = key.strip().casefold()
    return key in (member.series_id.casefold(), member.name.strip().casefold())


def reading_order(db: sqlite3.Connection, ids: list[str], keys: list[str]) -> list[str]:
    """`ids` with the works of the series named by `keys` (an id or a name) in part
    order, where they stood; the others keep their places after them."""
    wanted = set(ids)
    parts = sorted(
        ((m.part, m.work_id) for m in members(db) if m.work_id in wanted and any(
            matches(m, k) for k in keys)),
    )  # fmt: skip
    first = list(dict.fromkeys(w for _, w in parts))
    return first + [i for i in ids if i not in set(first)]


def grouped(db: sqlite3.Connection, ids: list[str]) -> list[str]:
    """`ids` with each series' selected parts together, in part order, where its first
    selected part stood: an anthology of a query reads as the series is meant to be
    read. A work in several series goes with the first of them it meets."""
    wanted = set(ids)
    series_of: dict[str, str] = {}
    parts: dict[str, list[tuple[int, str]]] = {}
    for m in members(db):
        if m.work_id in wanted:
            series_of.setdefault(m.work_id, m.series_id)
            parts.setdefault(m.series_id, []).append((m.part, m.work_id))
    out: dict[str, None] = {}
    for work_id in ids:
        sid = series_of.get(work_id)
        if sid is None:
            out.setdefault(work_id)
            continue
        for _, member in sorted(parts[sid]):
            if series_of.get(member) == sid:
                out.setdefault(member)
    return list(out)


def gaps(db: sqlite3.Connection) -> list[Gap]:
    """Series with parts missing from the archive: parts a series page listed that are
    not stored (locked upstream when a fetch said so), and numbers no page showed."""
    _ensure(db)
    found: dict[str, Gap] = {}
    for m in members(db):
        gap = found.setdefault(m.series_id, Gap(m.series_id, m.name))
        gap.held.append(m.part)
    stored = {r[0] for r in db.execute("SELECT id FROM works")}
    locked = {r[0] for r in db.execute("SELECT id FROM works WHERE locked = 1")}
    refused = dict(db.execute("SELECT url, state FROM crawl_state WHERE kind = 'work'"))
    listed: dict[str, dict[int, tuple[str, str]]] = {}
    for sid, name, part, work_id, title in db.execute("SELECT * FROM series_listed"):
        found.setdefault(sid, Gap(sid, name))
        listed.setdefault(sid, {})[part] = (work_id, title)
    for sid, gap in found.items():
        gap.held = sorted(set(gap.held))
        shown = listed.get(sid, {})
        top = max([*gap.held, *shown, 0])
        for part in range(1, top + 1):
            work_id, title = shown.get(part, ("", ""))
            if part in gap.held and work_id not in locked:
                continue
            if work_id in locked:
                gap.missing.append((part, f"{work_id} is locked upstream; the stored copy is kept"))
            elif work_id and work_id not in stored:
                state = next(
                    (s for u, s in refused.items() if u.endswith("/" + work_id.split(":")[-1])), ""
                )
                why = (
                    "locked upstream (registered users only)"
                    if state == "locked"
                    else "not archived"
                )
                gap.missing.append((part, f"{work_id} {title!r}: {why}"))
            elif not work_id:
                gap.missing.append((part, "not on any series page read; perhaps locked or deleted"))
    return [g for g in found.values() if g.missing]
