"""search_cli/demo/sample_works.py: the hand-written works cover what the pipeline must handle.

Their text is written for the demo: none of it may come from the saved real pages.
"""

from __future__ import annotations

import html

import pytest

from search_cli.demo import sample_works
from search_cli.demo.sample_works import DIVIDERS, WORKS
from tests.conftest import SHARED_FIXTURES, shared_fixture
from tests.demo_pages import of_state


def test_sample_set_covers_what_the_pipeline_must_handle() -> None:
    assert len(WORKS) >= 12
    assert len({w.work_id for w in WORKS}) == len(WORKS)
    for state in ("deleted", "locked", "adult"):
        assert len(of_state(state)) == 1, state
    assert of_state("adult")[0].rating in ("Mature", "Explicit")
    multi = [w for w in WORKS if len(w.chapters) > 1]
    assert len(multi) >= 3
    assert any(w.chapters_label == "2/?" and not w.complete for w in multi)
    for w in WORKS:
        assert w.complete == (w.chapters_expected == len(w.chapters)), w.title
        assert w.rating in sample_works.RATINGS
    used = {p for w in WORKS for c in w.chapters for p in c.paragraphs}
    assert set(DIVIDERS) <= used
    relationships = [r for w in WORKS for r in w.relationships]
    assert any("/" in r for r in relationships) and any(" & " in r for r in relationships)
    assert any(" | " in c for w in WORKS for c in w.characters)
    assert any(c.notes for w in WORKS for c in w.chapters)
    assert any(c.end_notes for w in WORKS for c in w.chapters)
    assert any(c.summary for w in WORKS for c in w.chapters)
    assert len({w.rating for w in WORKS}) >= 3


def test_demo_constants_point_at_real_content() -> None:
    work = sample_works.by_id(sample_works.DEMO_PHRASE_WORK_ID)
    assert sample_works.DEMO_PHRASE_CHAPTER > 1
    for n, chapter in enumerate(work.chapters, 1):
        text = " ".join(chapter.paragraphs)
        assert (sample_works.DEMO_PHRASE in text) == (n == sample_works.DEMO_PHRASE_CHAPTER)
    others = " ".join(p for w in WORKS if w is not work for c in w.chapters for p in c.paragraphs)
    assert sample_works.DEMO_PHRASE not in others.lower()
    readable = of_state("ok", "adult")
    assert sum(sample_works.DEMO_CHARACTER in w.characters for w in readable) >= 2
    assert sum(sample_works.DEMO_TAG in w.freeforms for w in readable) >= 2
    noted = sample_works.by_id(sample_works.IN_BODY_NOTE_WORK_ID)
    assert noted.chapters[-1].paragraphs[-1].startswith("A/N:")
    with pytest.raises(KeyError):
        sample_works.by_id(1)


def test_prose_is_plain_text_that_escapes_the_same_either_way() -> None:
    """Curly quotes only, so html.escape(p) and html.escape(p, quote=False) agree."""
    for w in WORKS:
        for c in w.chapters:
            for p in c.paragraphs:
                if p in DIVIDERS:
                    continue
                assert "'" not in p and '"' not in p and "<" not in p, p
        if w.state == "ok":
            assert all(120 <= c.words <= 700 for c in w.chapters), w.title


def test_the_hand_written_works_stay_as_they_are() -> None:
    assert [w.work_id for w in WORKS] == list(range(71000001, 71000015))


def _sample_texts() -> list[str]:
    texts = []
    for w in WORKS:
        texts += [w.summary, w.notes, w.end_notes]
        for c in w.chapters:
            texts += [c.summary, c.notes, c.end_notes, *c.paragraphs]
    return [x for x in texts if len(x) >= 40]


def test_no_sample_text_is_copied_from_the_fixtures() -> None:
    shared_fixture("ao3/ao3_work_single_chapter_unlockedWork.html")
    windows = {x[i : i + 40].lower() for x in _sample_texts() for i in range(len(x) - 39)}
    for path in sorted(p for p in SHARED_FIXTURES.rglob("*") if p.is_file()):
        raw = path.read_text(encoding="utf-8", errors="replace")
        for text in {raw.lower(), html.unescape(raw).lower()}:
            hit = next(
                (text[i : i + 40] for i in range(len(text) - 39) if text[i : i + 40] in windows),
                None,
            )
            assert hit is None, f"{path.name} shares {hit!r} with the sample works"
