"""`update`: re-check stored works upstream for as few requests as can tell.

1. Targets: each chosen work with its site, and the fingerprints that mean "as
   stored" (what its listing showed when last fetched, and what a listing would
   show for the stored updated date and chapter count).
2. Cheap checks: the listings covering at least two targets (AO3: an author's
   works, a series), most covering first; every target goes to one listing.
3. The plan: those listing pages, one request per remaining work, robots.txt
   once per host; at the configured delays.
4. The run: the listings read first; a work its listing shows unchanged costs
   nothing more, else it is fetched (a site's own first-page check, as FFN's
   chapter count and date, may still spare its other pages). A budget that runs
   out leaves the rest pending; the next run takes them first.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from crawler.checks import ListingCheck, read_listing
from crawler.errors import FicarchiveError
from crawler.frontier import Fetch, Frontier
from crawler.sites import adapter, adapter_for_work_id
from crawler.sites.base import ListingEntry, SiteAdapter
from index import series
from index.planning import Budget, Plan
from index.reports import Outcome, Report
from index.sqlin import rows_in


@dataclass
class Target:
    """One work to check."""

    id: str
    url: str = ""
    title: str = ""
    site: SiteAdapter | None = None
    site_id: str | None = None
    listings: list[str] = field(default_factory=list)
    as_stored: set[str] = field(default_factory=set)  # fingerprints meaning "no change"
    skip: str = ""  # why it cannot be checked upstream
    missing: bool = False
    series_pages: list[str] = field(default_factory=list)  # --series: read for new parts
    fresh: ListingEntry | None = None  # a new part a series page showed: not yet stored

    @property
    def host(self) -> str:
        return urlsplit(self.url).netloc.lower()


@dataclass
class Prepared:
    """An update planned and not yet run: what `--dry-run` shows and a run carries out."""

    targets: list[Target]
    groups: dict[str, list[Target]]  # listing URL -> the targets it is to check
    plan: Plan
    series_pages: dict[str, SiteAdapter] = field(default_factory=dict)  # read whole: new parts


def _load(store, ids: list[str]) -> dict[str, tuple]:
    sql = (
        "SELECT w.id, w.url, w.title, w.meta, w.fingerprint, w.gone_at, w.locked,"
        " (SELECT COUNT(*) FROM chapters c WHERE c.work_id = w.id)"
        " FROM works w WHERE w.id IN ({ids})"
    )
    return {r[0]: r for r in rows_in(store.db, sql, ids)}


def _source_listings(config, store) -> dict[str, list[str]]:
    """Work URL -> the listing pages of the configured source it was crawled from: a
    tag, bookmarks or collection listing shows 20 works of any author a page."""
    starts: dict[str, list[str]] = {}
    for source in config.sources:
        try:
            site = adapter(config, source.site)
        except FicarchiveError:
            continue
        urls = [site.absolute(s) for s in source.start]
        starts[source.name] = [u for u in urls if site.has_listings() and site.is_listing_url(u)]
    rows = store.db.execute(
        "SELECT url, source FROM crawl_state WHERE kind = 'work' AND source IS NOT NULL"
    )
    return {url: starts[name] for url, name in rows if starts.get(name)}


def targets(config, store, ids: list[str]) -> list[Target]:
    """The chosen works as targets: what to ask, and what would mean no change."""
    rows = _load(store, ids)
    sourced = _source_listings(config, store)
    out = []
    for work_id in ids:
        row = rows.get(work_id)
        if row is None:
            out.append(Target(work_id, missing=True))
            continue
        _, url, title, meta_json, fingerprint, gone_at, locked, chapters = row
        target = Target(work_id, url, title)
        try:
            site = adapter_for_work_id(config, work_id)
        except FicarchiveError as exc:
            target.skip = str(exc)
            out.append(target)
            continue
        target.site, target.site_id = site, site.site_id(work_id)
        if site.single_page or target.site_id is None:
            target.skip = "a local file: import it again to refresh"
        elif not gone_at and not locked:  # a gone or locked work is always asked again
            meta = json.loads(meta_json)
            target.listings = sourced.get(url, []) + site.covering_listings(
                list(meta.get("authors") or []), list(meta.get("series") or [])
            )
            derived = site.listed_fingerprint(
                meta.get("updated") or meta.get("published"), chapters, meta.get("chapters_total")
            )
            target.as_stored = {p for p in (fingerprint, derived) if p}
            target.series_pages = site.covering_listings([], list(meta.get("series") or []))
        out.append(target)
    return out


def group(chosen: list[Target]) -> dict[str, list[Target]]:
    """Listings to read, most covering first; one covering a single work is no
    cheaper than the work itself, so those works are fetched one by one."""
    covers: dict[str, list[Target]] = {}
    for t in chosen:
        if not t.skip and not t.missing:
            for url in t.listings:
                covers.setdefault(url, []).append(t)
    groups: dict[str, list[Target]] = {}
    taken: set[str] = set()
    while covers:
        url = max(covers, key=lambda u: (len(covers[u]), u))
        if len(covers[url]) < 2:
            break
        members = covers.pop(url)
        groups[url] = members
        taken.update(t.id for t in members)
        for other in list(covers):
            covers[other] = [t for t in covers[other] if t.id not in taken]
            if not covers[other]:
                del covers[other]
    return groups


def plan(
    chosen: list[Target],
    groups: dict[str, list[Target]],
    said: str,
    config,
    series_pages: dict[str, SiteAdapter],
) -> Plan:
    """Requests if nothing changed: listing pages, one per other work, robots.txt."""
    result = Plan(works=len(chosen), said=said)
    listed = {t.id for members in groups.values() for t in members}
    delays: dict[str, float] = {}
    for url, members in groups.items():
        site = members[0].site
        pages = math.ceil(len(members) / site.listing_page_size)
        host = urlsplit(url).netloc.lower()
        delays[host] = site.site.delay_seconds
        result.add(host, pages, delays[host])
        result.listing_pages += pages
        result.listed += len(members)
    for t in chosen:
        if t.skip or t.missing or t.id in listed:
            continue
        delays[t.host] = t.site.site.delay_seconds
        result.add(t.host, len(t.site.work_urls(t.site_id)), delays[t.host])
        result.direct += 1
    for url, site in series_pages.items():
        if url not in groups:
            host = urlsplit(url).netloc.lower()
            delays[host] = site.site.delay_seconds
            result.add(host, 1, delays[host])
            result.listing_pages += 1
    if config.politeness.respect_robots:
        for host, delay in delays.items():
            result.add(host, 1, delay)  # robots.txt, once per host per run
    return result


class Run:
    """One update carried out: listings first, then each work as they left it."""

    def __init__(self, archive, prepared: Prepared, budget: Budget, report: Report) -> None:
        self.archive = archive
        self.prepared = prepared
        self.budget = budget
        self.report = report
        self.seen: dict[str, tuple[str, str]] = {}  # work id -> (fingerprint, listing kind)
        self.fresh: dict[str, Target] = {}  # --series: new parts, by work id
        self.frontier: Frontier = archive.frontier
        self.checks: dict = {"listing_pages": 0, "listings": {}, "covered": 0, "unchanged": 0,
                             "fetched_changed": 0, "fetched_direct": 0, "listing_requests": 0,
                             "work_requests": 0}  # fmt: skip

    def _used(self) -> int:
        return self.archive.client.stats.requests

    def _cost(self, host: str, requests: int) -> int:
        """The check's own requests, and robots.txt when this host has not been asked yet."""
        fresh = not any(host in str(h) for h in self.archive.client.robots)
        return requests + (1 if fresh and self.archive.config.politeness.respect_robots else 0)

    def _stop(self, host: str, requests: int, delay: float) -> str | None:
        if not self.budget:
            return None
        return self.budget.stop(self._used(), self._cost(host, requests), delay)

    def listings(self) -> None:
        groups, wholes = self.prepared.groups, self.prepared.series_pages
        reads = [(u, m, m[0].site) for u, m in groups.items()]
        reads += [(u, [], site) for u, site in wholes.items() if u not in groups]
        before = self._used()
        self.archive.progress.start(len(reads), "checking listings")
        max_pages = self.archive.config.politeness.max_listing_pages
        for url, members, site in reads:
            host, delay = urlsplit(url).netloc.lower(), site.site.delay_seconds
            # a series page read for new parts is read to its end
            want = {t.site_id for t in members} | ({""} if url in wholes else set())
            check = read_listing(self.frontier._get, site, url, want, max_pages,
                                 lambda h=host, d=delay: self._stop(h, 1, d))  # fmt: skip
            self._took(check, members, url)
            if url in wholes:
                self._parts(site, check)
            self.archive.progress.step(url)
        self.checks["listing_requests"] = self._used() - before

    def _took(self, check: ListingCheck, members: list, url: str) -> None:
        kind = _kind(url)
        self.checks["listing_pages"] += check.pages
        self.checks["listings"][kind] = self.checks["listings"].get(kind, 0) + check.pages
        if check.stopped and not check.stopped.startswith("left pending"):
            unseen = sum(t.site_id not in check.entries for t in members)
            self.report.notes.append(f"listing {url} {check.stopped}: {unseen:,} of its works"
                                     " to check not seen there, asked one by one")  # fmt: skip
        if not check.ok:
            self.report.notes.append(
                f"listing {url} not read ({check.reason}); its works asked one by one"
            )
        for t in members:
            entry = check.entries.get(t.site_id)
            if entry is not None and entry.updated is not None:
                self.seen[t.id] = (entry.fingerprint, kind.removesuffix(" pages"))
                self.checks["covered"] += 1

    def _parts(self, site: SiteAdapter, check: ListingCheck) -> None:
        """A series page read whole: its parts remembered, the new ones to fetch."""
        shown = [(check.series, e) for e in check.entries.values() if check.series]
        series.remember(self.archive.store.db, site.id_prefix, shown)
        removed = set(self.archive.removals.removed())
        for entry in check.entries.values():
            work_id = site.work_id(entry.site_id)
            if (
                work_id not in self.fresh
                and work_id not in removed
                and not self.archive.has(work_id)
            ):
                self.fresh[work_id] = Target(work_id, entry.url, entry.title, site,
                                             entry.site_id, fresh=entry)  # fmt: skip

    def new_parts(self) -> list[Target]:
        """Parts the series pages showed that the archive does not hold."""
        self.checks["new_parts"] = len(self.fresh)
        return list(self.fresh.values())

    def step(self, t: Target) -> Fetch | Outcome:
        if t.fresh is not None:
            if why := self._stop(t.host, 1, t.site.site.delay_seconds):
                return Fetch("pending", t.id, t.url, t.title, why)
            return self.frontier.check(t.site, t.fresh)
        if t.missing:
            return Outcome(t.id, "", "failed", "not in the archive")
        if t.skip:
            return Outcome(t.id, t.url, "skipped", t.skip, t.title)
        seen = self.seen.get(t.id)
        if seen is not None and seen[0] in t.as_stored:
            self.checks["unchanged"] += 1
            why = f"its {seen[1]} listing shows no change"
            return Fetch("not_modified", t.id, t.url, t.title, why, fingerprint=seen[0])
        requests = len(t.site.work_urls(t.site_id))
        if why := self._stop(t.host, requests, t.site.site.delay_seconds):
            return Fetch("pending", t.id, t.url, t.title, why)
        before = self._used()
        found = self.frontier.fetch(t.site, t.site_id, t.url, seen[0] if seen else None, t.title)
        self.checks["work_requests"] += self._used() - before
        self.checks["fetched_changed" if seen else "fetched_direct"] += 1
        return found

    def notes(self) -> str:
        c = self.checks
        parts = ", ".join(f"{n:,} {k}" for k, n in c["listings"].items()) or "no listing pages"
        return (
            f"cheap checks: {parts} showed"
            f" {c['covered']:,} works, {c['unchanged']:,} unchanged; {c['fetched_changed']:,}"
            f" fetched as their listing showed a change, {c['fetched_direct']:,} one by one"
            f" ({c['work_requests']:,} requests)"
            + (f"; {c['new_parts']:,} new series parts" if c.get("new_parts") else "")
        )


def _kind(url: str) -> str:
    path = urlsplit(url).path
    if path.startswith("/series/"):
        return "series pages"
    if path.startswith("/users/") and path.rstrip("/").endswith("/works"):
        return "author works pages"
    return "source listing pages"


def prepare(
    config, store, ids: list[str], said: str, with_series: bool = False, cheap: bool = True
) -> Prepared:
    """`cheap=False` asks every work by its own page (no listing is trusted)."""
    chosen = targets(config, store, ids)
    groups = group(chosen) if cheap else {}
    pages = {u: t.site for t in chosen for u in t.series_pages} if with_series else {}
    return Prepared(chosen, groups, plan(chosen, groups, said, config, pages), pages)
