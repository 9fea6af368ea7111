"""Series through the front door, against the AO3-shaped sample server on 127.0.0.1:
`add` of a series URL archives every part, the parts come back in reading order
(not id order), a locked part is named as a gap, and a listing cut short says how
many works it left unread."""

from __future__ import annotations

import dataclasses

import pytest

from index.archive import Archive
from index.search import SearchRequest
from search_cli.demo.generated import generate_works
from search_cli.demo.server import SampleArchiveServer
from tests.servers import clear_proxies
from tests.test_update_checks import config

SERIES_ID = 4_300_001


@pytest.fixture(autouse=True)
def _no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    clear_proxies(monkeypatch)


def in_series(parts: list[int]) -> tuple:
    """Works whose ids run against their part numbers: id order is not reading order."""
    works = generate_works(len(parts))
    return tuple(
        dataclasses.replace(w, authors=("serialist",), series=(("Lamps in Order", SERIES_ID, p),))
        for w, p in zip(works, parts, strict=True)
    )


def test_a_series_added_by_url_reads_in_part_order_and_names_its_locked_gap(tmp_path):
    works = in_series([4, 3, 2, 1])
    with SampleArchiveServer(works, per_page=20) as srv:
        srv.lock(works[2].work_id)  # part 2: registered users only
        cfg = config(tmp_path, srv.base_url)
        with Archive(cfg) as archive:
            report = archive.add([srv.url(f"/series/{SERIES_ID}")])
            assert report.counts()["new"] == 3 and report.counts()["locked"] == 1
            by_part = archive.select(SearchRequest(filters={"series": [str(SERIES_ID)]}), [])
            by_name = archive.select(SearchRequest(filters={"series": ["Lamps in Order"]}), [])
            (gap,) = archive.series_gaps()
            anthology = archive.select(SearchRequest(query="serialist"), [])
    parts = {f"ao3:{w.work_id}": w.series[0][2] for w in works}
    assert [parts[i] for i in by_part] == [1, 3, 4] and by_name == by_part
    assert anthology == by_part  # a query's anthology reads the series in part order too
    assert (gap.series_id, gap.name, gap.held) == (str(SERIES_ID), "Lamps in Order", [1, 3, 4])
    ((part, why),) = gap.missing
    assert part == 2 and f"ao3:{works[2].work_id}" in why and "locked upstream" in why


def test_a_part_no_series_page_showed_is_still_a_gap(tmp_path):
    works = in_series([1, 3])
    with SampleArchiveServer(works, per_page=20) as srv:
        cfg = config(tmp_path, srv.base_url)
        with Archive(cfg) as archive:
            archive.add([srv.url(f"/works/{w.work_id}") for w in works])
            (gap,) = archive.series_gaps()
    assert gap.held == [1, 3] and [p for p, _ in gap.missing] == [2]


def test_a_listing_cut_off_says_how_many_works_it_left(tmp_path):
    works = in_series(list(range(1, 8)))
    with SampleArchiveServer(works, per_page=2) as srv:
        cfg = config(tmp_path, srv.base_url)
        cfg = dataclasses.replace(
            cfg, politeness=dataclasses.replace(cfg.politeness, max_listing_pages=2)
        )
        with Archive(cfg) as archive:
            report = archive.add([srv.url("/users/serialist/works")])
    assert report.counts()["new"] == 4
    assert any("stopped at politeness.max_listing_pages 2: 3 of its 7 works" in n
               for n in report.notes), report.notes  # fmt: skip


def test_update_series_fetches_new_parts_and_only_them(tmp_path):
    works = in_series([1, 2])
    with SampleArchiveServer(works, per_page=20) as srv:
        cfg = config(tmp_path, srv.base_url)
        with Archive(cfg) as archive:
            archive.add([srv.url(f"/works/{w.work_id}") for w in works])
        third = dataclasses.replace(
            generate_works(3)[2], authors=("serialist",), series=(("Lamps in Order", SERIES_ID, 3),)
        )
        srv.update_work(third.work_id, third)
        srv.clear_log()
        with Archive(cfg) as archive:
            plain = archive.run_update(
                archive.prepare_update(archive.choose_update(None, everything=True))
            )
            assert plain.counts()["new"] == 0  # without --series no series page is read
            srv.clear_log()
            prepared = archive.prepare_update(
                archive.choose_update(None, everything=True), series=True
            )
            report = archive.run_update(prepared)
    assert [o.id for o in report.outcomes if o.result == "new"] == [f"ao3:{third.work_id}"]
    assert report.counts()["unchanged"] == 2 and report.checks["new_parts"] == 1
    paths = [r.path.split("?")[0] for r in srv.requests]
    assert paths.count(f"/series/{SERIES_ID}") == 1 and f"/works/{third.work_id}" in paths
    assert not any(p in paths for p in (f"/works/{w.work_id}" for w in works))


def test_add_of_a_users_bookmarks_archives_what_they_list(tmp_path):
    with SampleArchiveServer() as srv:
        cfg = config(tmp_path, srv.base_url)
        with Archive(cfg) as archive:
            report = archive.add([srv.url("/users/marginalia/bookmarks")])
    assert sorted(o.id for o in report.outcomes if o.result == "new") == [
        "ao3:71000001", "ao3:71000008", "ao3:71000013",
    ]  # fmt: skip
