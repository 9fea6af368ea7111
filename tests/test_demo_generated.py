"""search_cli/demo/generated.py: generated works for benchmarks, and a server of them."""

from __future__ import annotations

import html

import httpx

from search_cli.demo import sample_works
from search_cli.demo.generated import generate_works, revised
from search_cli.demo.sample_works import WORKS
from search_cli.demo.server import SampleArchiveServer
from tests.conftest import SHARED_FIXTURES, shared_fixture
from tests.demo_pages import LISTING, listed_ids


def test_generated_works_are_well_formed_and_the_same_every_time() -> None:
    works = generate_works(200)
    assert works == generate_works(200)
    assert len({w.work_id for w in works}) == 200
    assert not {w.work_id for w in works} & {w.work_id for w in WORKS}
    for w in works:
        assert w.complete == (w.chapters_expected == len(w.chapters)), w.title
        assert w.rating in sample_works.RATINGS and w.state == "ok"
        assert all(c.words > 0 for c in w.chapters)
    assert {len(w.chapters) for w in works} == {1, 2, 3, 4}
    assert any(w.series for w in works) and any(w.chapters_label.endswith("/?") for w in works)


def test_revised_adds_a_chapter_and_a_later_date_so_the_listing_changes() -> None:
    for work in generate_works(20):
        after = revised(work, "2030-01-01")
        assert len(after.chapters) == len(work.chapters) + 1
        assert after.revised == "2030-01-01" and after.chapters_label != work.chapters_label
        assert after.complete == (after.chapters_expected == len(after.chapters))


def test_a_server_of_generated_works_lists_them_all_twenty_to_a_page() -> None:
    works = generate_works(45)
    with SampleArchiveServer(works, per_page=20) as server, httpx.Client() as c:
        pages = [c.get(server.url(f"{LISTING}?page={n}")) for n in (1, 2, 3, 4)]
        assert [p.status_code for p in pages] == [200, 200, 200, 404]
        listed = [i for p in pages[:3] for i in listed_ids(p.text)]
        assert sorted(listed) == sorted(w.work_id for w in works)
        assert [len(listed_ids(p.text)) for p in pages[:3]] == [20, 20, 5]


def test_no_generated_text_is_copied_from_the_fixtures() -> None:
    shared_fixture("ao3/ao3_work_single_chapter_unlockedWork.html")
    texts = [
        x
        for w in generate_works(40)
        for x in (w.summary, *(p for c in w.chapters for p in c.paragraphs))
        if len(x) >= 40
    ]
    windows = {x[i : i + 40].lower() for x in texts for i in range(len(x) - 39)}
    for path in sorted(p for p in SHARED_FIXTURES.rglob("*") if p.is_file()):
        text = html.unescape(path.read_text(encoding="utf-8", errors="replace")).lower()
        assert not any(text[i : i + 40] in windows for i in range(len(text) - 39)), path.name
