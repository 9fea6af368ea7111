"""Many sample works made on the fly, for benchmarks and scale tests.

The 14 hand-written works in sample_works stay the demo's ground truth; these
are filler of the same shape (AO3 metadata, chapters, notes) built from a
small vocabulary with a seeded RNG, so every run serves the same archive.

    works = generate_works(1000)
    with SampleArchiveServer(works, per_page=20) as srv: ...
    srv.update_work(w.work_id, revised(w, "2025-02-01"))  # one more chapter, a later date
"""

from __future__ import annotations

import dataclasses
import random
from datetime import date, timedelta

from search_cli.demo.sample_works import (
    CHOSE_NOT,
    NO_WARNINGS,
    RATINGS,
    STARS,
    SampleChapter,
    SampleWork,
)

FIRST_ID = 72_000_001
SERIES_FIRST_ID = 4_200_001

_FANDOMS = {
    "Sherlock Holmes - Arthur Conan Doyle": ("Sherlock Holmes", "John Watson", "Mrs. Hudson"),
    "Pride and Prejudice - Jane Austen": ("Elizabeth Bennet", "Jane Bennet", "Charlotte Lucas"),
    "Alice in Wonderland - Lewis Carroll": ("Alice", "The Hatter", "The March Hare"),
    "Dracula - Bram Stoker": ("Mina Murray", "Lucy Westenra", "Abraham Van Helsing"),
    "Little Women - Louisa May Alcott": ("Jo March", "Meg March", "Laurie"),
    "The Wind in the Willows - Kenneth Grahame": ("Mole", "Ratty", "Mr. Toad"),
}
_FREEFORMS = (
    "Fluff", "Angst", "Hurt/Comfort", "Missing Scene", "Slow Burn", "Epistolary",
    "Found Family", "Rain", "Letters", "Tea", "Winter", "Friendship", "Humor",
)  # fmt: skip
_HANDLES = (
    "quill", "lantern", "moth", "harbour", "thistle", "inkpot", "hedgerow", "marginal",
    "cobble", "fogbound", "parlour", "sparrow", "attic", "brambles", "tidewater",
)  # fmt: skip
_TITLE_WORDS = (
    "Lantern", "Harbour", "Letters", "Winter", "Rain", "Garden", "Quiet", "Evening",
    "Kettle", "Stairs", "River", "Orchard", "Candle", "Morning", "Window", "Road",
)  # fmt: skip
_NOUNS = (
    "lamp", "letter", "kettle", "window", "river", "garden", "stair", "coat", "road",
    "candle", "clock", "door", "table", "hedge", "bridge", "field", "book", "cup",
)  # fmt: skip
_VERBS = (
    "waited", "listened", "walked", "wrote", "laughed", "turned", "watched", "read",
    "paused", "smiled", "worried", "hurried", "lingered", "remembered",
)  # fmt: skip
_ADJECTIVES = (
    "quiet", "grey", "warm", "narrow", "old", "bright", "patient", "small", "damp",
    "careful", "late", "gentle", "crooked",
)  # fmt: skip


def _sentence(rng: random.Random, who: str) -> str:
    adj, noun = rng.choice(_ADJECTIVES), rng.choice(_NOUNS)
    verb = rng.choice(_VERBS)
    shapes = (
        f"{who} {verb} by the {adj} {noun}.",
        f"The {noun} was {adj}, and {who} {verb} a while longer.",
        f"Nobody {verb} as {who} did, not beside a {noun} so {adj}.",
        f"{who} {verb}; the {adj} {noun} said nothing at all.",
    )
    return rng.choice(shapes)


def _paragraph(rng: random.Random, cast: tuple[str, ...]) -> str:
    return " ".join(_sentence(rng, rng.choice(cast)) for _ in range(rng.randint(3, 6)))


def _chapter(rng: random.Random, cast: tuple[str, ...], number: int) -> SampleChapter:
    paragraphs = [_paragraph(rng, cast) for _ in range(rng.randint(3, 6))]
    if len(paragraphs) > 3 and rng.random() < 0.3:
        paragraphs.insert(len(paragraphs) // 2, STARS)
    return SampleChapter(
        title=f"{rng.choice(_TITLE_WORDS)} {number}" if rng.random() < 0.6 else "",
        paragraphs=tuple(paragraphs),
        notes="A short note before the chapter." if rng.random() < 0.2 else "",
        end_notes="Thank you for reading this far." if rng.random() < 0.2 else "",
    )


def generate_work(index: int, *, seed: int = 0) -> SampleWork:
    """The `index`-th generated work (the same one every time for the same seed)."""
    rng = random.Random(f"{seed}:{index}")
    fandom = rng.choice(sorted(_FANDOMS))
    cast = _FANDOMS[fandom]
    characters = tuple(rng.sample(cast, rng.randint(1, len(cast))))
    chapters = tuple(
        _chapter(rng, characters, n) for n in range(1, rng.choice((1, 1, 2, 3, 4)) + 1)
    )
    complete = rng.random() < 0.7
    published = date(2020, 1, 1) + timedelta(days=rng.randrange(1500))
    updated = published + timedelta(days=rng.randrange(1, 60)) if len(chapters) > 1 else None
    pairing = (f"{characters[0]}/{characters[1]}",) if len(characters) > 1 else ()
    author = f"{rng.choice(_HANDLES)}_{rng.choice(_HANDLES)}{rng.randrange(100)}"
    series: tuple[tuple[str, int, int], ...] = ()
    if index % 25 == 0:
        series = ((f"Generated Series {index // 25 + 1}", SERIES_FIRST_ID + index // 25, 1),)
    return SampleWork(
        work_id=FIRST_ID + index,
        title=f"The {rng.choice(_ADJECTIVES).title()} {rng.choice(_TITLE_WORDS)} ({index + 1})",
        authors=(author,),
        fandoms=(fandom,),
        rating=rng.choice(RATINGS[:3]),
        warnings=rng.choice((NO_WARNINGS, NO_WARNINGS, CHOSE_NOT)),
        categories=(rng.choice(("Gen", "F/M", "M/M", "F/F")),),
        relationships=pairing,
        characters=characters,
        freeforms=tuple(rng.sample(_FREEFORMS, rng.randint(1, 4))),
        summary=_sentence(rng, characters[0]),
        notes="Written for a generated prompt." if rng.random() < 0.3 else "",
        published=published.isoformat(),
        updated=updated.isoformat() if updated else None,
        complete=complete,
        chapters_expected=len(chapters) if complete else rng.choice((None, len(chapters) + 2)),
        kudos=rng.randrange(1, 2000),
        hits=rng.randrange(100, 50_000),
        bookmarks=rng.randrange(0, 300),
        comments=rng.randrange(0, 200),
        series=series,
        chapters=chapters,
    )


def generate_works(count: int, *, seed: int = 0) -> tuple[SampleWork, ...]:
    """`count` generated works with ids from FIRST_ID up."""
    return tuple(generate_work(i, seed=seed) for i in range(count))


def revised(work: SampleWork, updated: str) -> SampleWork:
    """The work after its author posted one more chapter on `updated` (YYYY-MM-DD)."""
    rng = random.Random(f"revised:{work.work_id}:{updated}")
    chapter = _chapter(rng, work.characters or ("Someone",), len(work.chapters) + 1)
    chapters = (*work.chapters, chapter)
    expected = work.chapters_expected
    if expected is not None and expected < len(chapters):
        expected = len(chapters)
    return dataclasses.replace(
        work,
        chapters=chapters,
        updated=updated,
        chapters_expected=expected,
        complete=expected == len(chapters),
    )
