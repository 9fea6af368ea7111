"""The sample archive's mutable state: the works, what tests change, and the request log.

Tests change it while the server runs (delete, lock, update a work, inject a
failure such as 429 with Retry-After, cut a page short) and read a log of every
request; routing (search_cli.demo.routes) reads it and never writes.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass

from search_cli.demo import responses
from search_cli.demo.responses import Response
from search_cli.demo.routes import route
from search_cli.demo.sample_works import BOOKMARKS, COLLECTIONS, WORKS, SampleWork

PER_PAGE = 8


@dataclass(frozen=True)
class RequestRecord:
    """One request as the server received it."""

    time: float  # time.monotonic()
    method: str
    path: str  # with the query string
    headers: dict[str, str]


@dataclass(frozen=True)
class _Failure:
    status: int
    headers: dict[str, str]
    path: str | None  # only a request whose path starts with this consumes it


class SampleArchive:
    """The archive's state and routing, without sockets (thread-safe)."""

    def __init__(
        self,
        works: Iterable[SampleWork] = WORKS,
        per_page: int = PER_PAGE,
        *,
        bookmarks: dict[str, tuple[tuple[int, str], ...]] = BOOKMARKS,
        collections: dict[str, tuple[str, tuple[int, ...]]] = COLLECTIONS,
    ) -> None:
        self._original = tuple(works)
        self.per_page = per_page
        self.bookmarks = dict(bookmarks)
        self.collections = dict(collections)
        self._lock = threading.RLock()
        self._works: dict[int, SampleWork] = {w.work_id: w for w in self._original}
        self._failures: list[_Failure] = []
        self._truncations: list[str] = []
        self._log: list[RequestRecord] = []
        self._holds: list[tuple[str, threading.Event]] = []

    # --- state tests can change -------------------------------------------------

    @property
    def works(self) -> tuple[SampleWork, ...]:
        with self._lock:
            return tuple(self._works.values())

    def work(self, work_id: int) -> SampleWork:
        with self._lock:
            return self._works[int(work_id)]

    def find(self, work_id: int) -> SampleWork | None:
        """The work as it stands now, or None when the archive never had it."""
        with self._lock:
            return self._works.get(work_id)

    def delete(self, work_id: int) -> None:
        """The work is deleted upstream: its pages answer 404 (listings keep it, as saved ones do)."""
        self._set_state(work_id, "deleted")

    def purge(self, work_id: int) -> None:
        """Deleted as AO3 deletes: gone from every listing too, its pages 404."""
        with self._lock:
            self._works.pop(int(work_id), None)

    def lock(self, work_id: int) -> None:
        """The work becomes open to registered users only."""
        self._set_state(work_id, "locked")

    def _set_state(self, work_id: int, state: str) -> None:
        with self._lock:
            self._works[int(work_id)] = dataclasses.replace(self.work(work_id), state=state)

    def update_work(self, work_id: int, work: SampleWork) -> None:
        """Replace (or add) a work, e.g. with a new chapter and a later `updated` date."""
        with self._lock:
            self._works[int(work_id)] = work

    def reset(self) -> None:
        """Back to the works the archive started with; queued failures dropped."""
        with self._lock:
            self._works = {w.work_id: w for w in self._original}
            self._failures.clear()
            self._truncations.clear()

    def fail_next(
        self, status: int, headers: dict[str, str] | None = None, *, path: str | None = None
    ) -> None:
        """Queue one failure: the next request (whose path starts with `path`, if given) gets it."""
        with self._lock:
            self._failures.append(_Failure(int(status), dict(headers or {}), path))

    def hold(self, path: str) -> threading.Event:
        """Requests for paths starting with `path` wait (logged) until the returned
        event is set: a test paces a client by what the server saw, not by the clock."""
        gate = threading.Event()
        with self._lock:
            self._holds.append((path, gate))
        return gate

    def truncate_next(self, path: str) -> None:
        """The next 200 answer to a request whose path starts with `path` carries only the
        first half of its page (as a broken proxy or a dropped connection would leave it)."""
        with self._lock:
            self._truncations.append(path)

    @property
    def requests(self) -> list[RequestRecord]:
        """A snapshot of the request log, oldest first."""
        with self._lock:
            return list(self._log)

    def clear_log(self) -> None:
        with self._lock:
            self._log.clear()

    # --- answering -------------------------------------------------------------------

    def handle(self, method: str, target: str, headers: dict[str, str], base_url: str) -> Response:
        """Answer one request: log it, then a queued failure, else the page (maybe cut short).

        `headers` keys are lower-case.
        """
        with self._lock:
            self._log.append(RequestRecord(time.monotonic(), method, target, dict(headers)))
            failure = self._pop_failure(target)
            gates = [gate for path, gate in self._holds if target.startswith(path)]
        for gate in gates:
            gate.wait(timeout=300)
        if failure is not None:
            response = responses.error(failure.status, failure.headers)
        else:
            response = route(self, target, headers, base_url)
        if response.status == 200:
            with self._lock:
                cut = next((p for p in self._truncations if target.startswith(p)), None)
                if cut is not None:
                    self._truncations.remove(cut)
                    response = Response(
                        200, response.body[: len(response.body) // 2], response.headers
                    )
        return response

    def _pop_failure(self, target: str) -> _Failure | None:
        for i, failure in enumerate(self._failures):
            if failure.path is None or target.startswith(failure.path):
                return self._failures.pop(i)
        return None
