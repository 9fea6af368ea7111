"""What a crawl, add, import, update or rebuild reports: one Outcome per work.

The archive makes these in one place (Archive._record); the CLI renders them
and `--json` prints Report.to_dict(), a promise: extend, never break.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from crawler.models import Work

# "pending": left for the next run (its host was given up in this one).
RESULTS = ("new", "updated", "unchanged", "gone", "locked", "skipped", "pending", "failed")


@dataclass
class Outcome:
    """What happened to one work in this run."""

    id: str
    url: str
    result: str
    reason: str = ""
    title: str = ""
    # How a stored work changed (chapters added, removed upstream, rewritten; words
    # before and after; held back): `index.versions.Change.to_dict()`, else None.
    change: dict | None = None

    def to_dict(self) -> dict:
        out = {k: v for k, v in self.__dict__.items() if k != "change"}
        if self.change is not None:
            out["change"] = self.change
        return out


@dataclass
class Report:
    """The summary of a crawl, add, update or import."""

    outcomes: list[Outcome] = field(default_factory=list)
    requests: int = 0
    waited: float = 0.0
    bound: float = 0.0  # the politeness bound: the sum of the gaps the rules required
    elapsed: float = 0.0
    notes: list[str] = field(default_factory=list)
    planned: list[str] = field(default_factory=list)  # --dry-run: what would be fetched
    planned_titles: dict[str, str] = field(default_factory=dict)  # URL -> title, as listed
    # Failures that belong to no one work (a listing or a host that never answered):
    # each is one line saying what happened, and the run exits 1.
    errors: list[str] = field(default_factory=list)
    # The user named these works (add URL): one not carried out (an adult work, a work
    # robots.txt disallows) is a failure of the command, not a skip.
    explicit: bool = False
    plan: dict | None = None  # update: what it planned (index.planning.Plan.to_dict())
    checks: dict | None = None  # update: what the cheap checks cost and showed

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(RESULTS, 0)
        for o in self.outcomes:
            counts[o.result] += 1
        return counts

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.result == "failed"]

    @property
    def exit_code(self) -> int:
        skipped = self.explicit and any(o.result == "skipped" for o in self.outcomes)
        return 1 if self.failed or self.errors or skipped else 0

    def politeness_line(self) -> str:
        """The politeness bound as a total, never read as one gap: "17 s in all"."""
        gaps = max(self.requests - 1, 1)
        return (
            f"the pauses the politeness rules require between requests add up to "
            f"{self.bound:.0f} s in all ({gaps} pause(s), {self.bound / gaps:.1f} s each on"
            f" average); the run took {self.elapsed:.0f} s"
        )

    def stored_ids(self) -> list[str]:
        return [o.id for o in self.outcomes if o.result in ("new", "updated", "unchanged")]

    def to_dict(self) -> dict:
        extra = {k: v for k, v in (("plan", self.plan), ("checks", self.checks)) if v}
        return {
            "counts": self.counts(),
            "requests": self.requests,
            "waited_seconds": round(self.waited, 2),
            "politeness_bound_seconds": round(self.bound, 2),
            "elapsed_seconds": round(self.elapsed, 2),
            "notes": self.notes,
            "planned": self.planned,
            "planned_works": [
                {"url": url, "title": self.planned_titles.get(url, "")} for url in self.planned
            ],
            "errors": self.errors,
            "works": [o.to_dict() for o in self.outcomes],
            **extra,
        }


class Progress:
    """What the CLI hears while work goes on; the default hears nothing."""

    def start(self, total: int | None, label: str) -> None: ...

    def advance(self, outcome: Outcome) -> None: ...

    def waiting(self, seconds: float, host: str, reason: str = "") -> None: ...

    def indexing(self, work: Work) -> None: ...

    def step(self, label: str) -> None:
        """One item of a run's other steps done (a listing read); label says which."""
