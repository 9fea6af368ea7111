"""A crawl indexes as it goes: in batches that close by size or by age, and what was
stored before a Ctrl-C is searchable at once (issue 20).

The recorder is driven with real Fetch records into a real store and index; its clock
is a counter the test moves, so nothing here waits on time.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from crawler.config import load_config
from crawler.errors import IndexingError
from crawler.frontier import Fetch
from crawler.models import Block, Chapter, Work, WorkMeta
from index.archive import Archive
from index.recorder import INDEX_BATCH, INDEX_MAX_AGE_SECONDS
from index.reports import Report
from index.search import SearchRequest


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def work(n: int) -> Work:
    text = f"The lighthouse keeper number{n} counted gulls along the shore."
    meta = WorkMeta(title=f"Keeper {n}", authors=["someone"], fandoms=["Coast"])
    chapter = Chapter(1, "One", [Block("paragraph", text)])
    return Work(f"ao3:{5000 + n}", "ao3", f"https://example.org/works/{5000 + n}", meta, "", [],
                [chapter])  # fmt: skip


def fetched(n: int) -> Fetch:
    w = work(n)
    return Fetch("fetched", w.id, w.url, w.meta.title, work=w, fingerprint=f"fp{n}")


@pytest.fixture
def archive(tmp_path: Path):
    config = tmp_path / "config.toml"
    config.write_text('[archive]\npath = "arch"\n')
    with Archive(load_config(config)) as archive:
        clock = Clock()
        archive.recorder.clock = clock
        yield archive, clock


def found(archive: Archive, word: str) -> int:
    try:
        return archive.search(SearchRequest(word)).total
    except IndexingError as exc:  # nothing indexed yet: the message names the command
        assert "run `ficarchive index`" in str(exc)
        return 0


def test_a_small_batch_is_indexed_once_its_oldest_work_has_waited(archive) -> None:
    archive, clock = archive
    assert INDEX_BATCH > 2
    report = Report()
    for n in (1, 2):  # runs of one item: none closes its batch before its last answer
        archive.recorder.run(report, "crawling", [n], fetched)
    assert [o.result for o in report.outcomes] == ["new", "new"]
    assert found(archive, "lighthouse") == 0  # two works: the batch is not full yet
    clock.now += INDEX_MAX_AGE_SECONDS - 1
    archive.recorder.run(report, "crawling", [3], fetched)
    assert found(archive, "lighthouse") == 0
    clock.now += 1  # the first work has now waited the whole age
    archive.recorder.run(report, "crawling", [4], fetched)
    assert found(archive, "lighthouse") == 4
    assert archive.recorder.to_index == []


def test_a_full_batch_is_indexed_at_once(archive) -> None:
    archive, _ = archive
    for n in range(INDEX_BATCH):  # runs of one item: only the size closes the batch
        archive.recorder.run(Report(), "crawling", [n], fetched)
    assert found(archive, "lighthouse") == INDEX_BATCH


def test_ctrl_c_mid_crawl_leaves_what_was_stored_searchable(archive) -> None:
    archive, _ = archive

    def step(n: int) -> Fetch:
        if n == 3:
            raise KeyboardInterrupt
        return fetched(n)

    with pytest.raises(KeyboardInterrupt):
        archive.recorder.run(Report(), "crawling", [0, 1, 2, 3, 4], step)
    assert found(archive, "lighthouse") == 3
    assert found(archive, "number2") == 1


def test_a_full_batch_is_written_while_the_crawl_goes_on(archive) -> None:
    """The batch's commit runs beside the next fetch, and its works are marked indexed
    only once it has committed."""
    archive, _ = archive
    real = archive.recorder.backend
    writing, release = threading.Event(), threading.Event()

    class Held:  # the real backend, whose index() waits until the test lets it go
        def __getattr__(self, name: str):
            return getattr(real, name)

        def index(self, works, remove=(), progress=None, merge=True):
            works = list(works)
            writing.set()
            assert release.wait(60)
            return real.index(works, remove, progress, merge=merge)

    archive.recorder.backend = Held()
    unmarked_meanwhile: list[list[str]] = []

    def step(n: int) -> Fetch:
        if n == INDEX_BATCH:  # the first batch is full: it is being written right now
            assert writing.wait(60)
            unmarked_meanwhile.append(list(archive.store.unindexed_ids()))
            release.set()
        return fetched(n)

    archive.recorder.run(Report(), "crawling", range(INDEX_BATCH + 2), step)
    assert len(unmarked_meanwhile[0]) == INDEX_BATCH
    # The next work went with one item left, in the last item's wait; the last work
    # is indexed when the run ends.
    assert found(archive, "lighthouse") == INDEX_BATCH + 1
    assert len(archive.store.unindexed_ids()) == 1
    archive.index_pending()
    assert found(archive, "lighthouse") == INDEX_BATCH + 2


def test_the_run_counts_its_cpu_by_stage(archive) -> None:
    """What the crawl bench splits a work's CPU into: the batch thread's own CPU is
    counted with the index, once its batch has joined."""
    archive, _ = archive
    archive.recorder.run(Report(), "crawling", range(INDEX_BATCH), fetched)
    cpu = archive.recorder.cpu
    assert cpu.works > 0 and cpu.store > 0 and cpu.index > 0
    assert cpu.index > cpu.works  # writing a batch costs more than building 25 records


def test_a_run_indexes_what_waits_before_its_last_item(archive) -> None:
    """The batch closes with one item left, so it is written in that item's wait and
    only the last work is left to index after the run's last answer."""
    archive, _ = archive
    assert INDEX_BATCH > 5
    archive.recorder.run(Report(), "crawling", range(5), fetched)
    assert found(archive, "lighthouse") == 4
    assert archive.recorder.to_index == ["ao3:5004"]
    archive.index_pending()
    assert found(archive, "lighthouse") == 5


def test_a_work_is_parsed_while_the_next_one_is_fetched(archive) -> None:
    """A step that hands back its pages unparsed (a Later): a worker parses them while the
    next step runs, and the works are recorded in their order all the same."""
    archive, _ = archive
    began = {n: threading.Event() for n in range(5)}
    parsed_in: dict[int, str] = {}

    class Unparsed:  # what Frontier.fetch(later=True) hands back, reduced to its protocol
        def __init__(self, n: int) -> None:
            self.n = n

        def parse(self) -> int:
            if self.n < 4:  # only done once the next item's fetch has begun
                assert began[self.n + 1].wait(60)
            parsed_in[self.n] = threading.current_thread().name
            return self.n

        def done(self, n: int) -> Fetch:
            return fetched(n)

    def step(n: int) -> Unparsed:
        began[n].set()
        return Unparsed(n)

    report = Report()
    archive.recorder.run(report, "crawling", range(5), step)
    assert [o.id for o in report.outcomes] == [f"ao3:{5000 + n}" for n in range(5)]
    assert set(parsed_in) == set(range(5))
    assert threading.current_thread().name not in parsed_in.values()
    archive.index_pending()
    assert found(archive, "lighthouse") == 5


def test_batches_behind_the_crawl_merge_only_every_few(archive, monkeypatch) -> None:
    """Merging the small segments at each batch costs more than the batch: behind the
    crawl only every MERGE_EVERY-th merges; a forced batch (the run's end) merges."""
    from index import recorder

    archive, _ = archive
    monkeypatch.setattr(recorder, "MERGE_EVERY", 2)
    real, merges = archive.recorder.backend, []

    class Spy:  # the real backend, telling which batches merged
        def __getattr__(self, name: str):
            return getattr(real, name)

        def index(self, works, remove=(), progress=None, merge=True):
            merges.append(merge)
            return real.index(works, remove, progress, merge=merge)

    archive.recorder.backend = Spy()
    archive.recorder.run(Report(), "crawling", range(3 * INDEX_BATCH + 1), fetched)
    assert merges == [False, True, False]
    archive.index_pending()
    assert merges == [False, True, False, True]
    assert found(archive, "lighthouse") == 3 * INDEX_BATCH + 1
