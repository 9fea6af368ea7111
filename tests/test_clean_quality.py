"""Quality gate: labelled cases from every real page in ../shared/fixtures and the seed story.

Like trafilatura's evaluation gate, but 100% or nothing. The labels were read
off the saved pages by hand (dividers counted in the markup, a chapter's first
and last few words, the notes around it), never copied from the cleaner's
output. Each page goes through its own site adapter, then `clean_work`, as the
crawler runs it; listing pages' blurb summaries go through the cleaner alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from bs4 import BeautifulSoup

from crawler.clean import TEXT_TYPES, clean_html, clean_work, html_to_text
from crawler.config import SiteConfig, default_sites
from crawler.errors import AdultContent, LoginRequired
from crawler.models import Block, FetchedPage, Work
from crawler.sites.ao3 import AO3Adapter
from crawler.sites.efiction import EFictionAdapter
from crawler.sites.ffn import FFNAdapter
from crawler.sites.text import TextAdapter
from tests.conftest import SHARED_FIXTURES, shared_fixture

AO3_URL = "https://archiveofourown.org/works/41822007"
FFN_URL = "https://www.fanfiction.net/s/5853866/1/Counting"
EFICTION_URL = "http://fanfiction.mugglenet.com/viewstory.php?sid=123456&chapter=2"
SEED = "seed/story_with_ornamental_dividers_and_author_note.txt"


# --- labels -------------------------------------------------------------------


@dataclass(frozen=True)
class NoteLabel:
    kind: str
    position: str
    first: str
    last: str = ""
    paragraphs: int | None = None


@dataclass(frozen=True)
class ChapterLabel:
    breaks: int
    first: str
    last: str
    notes: tuple[NoteLabel, ...] = ()
    images: int = 0


@dataclass(frozen=True)
class WorkLabel:
    page: str
    chapters: tuple[ChapterLabel, ...]
    summary: tuple[str, str] | None = None  # (first words, last words)
    notes: tuple[NoteLabel, ...] = ()


def summary(first: str) -> NoteLabel:
    return NoteLabel("chapter_summary", "before", first)


WORKS = [
    WorkLabel(
        SEED,
        (
            ChapterLabel(
                breaks=3,
                first="I take a deep breath, hold it",
                last="He loves me enough to let go.",
                notes=(
                    NoteLabel(
                        "author_note",
                        "after",
                        "Wow! I grudgingly",
                        "Somehow, I don't think they mind.",
                        paragraphs=6,
                    ),
                ),
            ),
        ),
    ),
    WorkLabel(
        "ao3/ao3_work_single_chapter_unlockedWork.html",
        (
            # 16 "---" rules framing the eight day headings, 12 lone "-" between scenes
            ChapterLabel(
                breaks=28,
                first="1. If you find yourself in a hole,",
                last='says God. "Welcome to the First."',
            ),
        ),
        summary=('"You know I had to do it', "nuclear stockpile of the planet Earth."),
        notes=(
            NoteLabel("work_end_note", "after", "I'm not sourcing all the memes,", "ao rauropi"),
        ),
    ),
    WorkLabel(
        "ao3/ao3_work_multichapter_full_view_explicit.html",
        (
            ChapterLabel(
                0,
                "You tugged against the rope",
                "rope behind at that tree.",
                (summary("Warnings: Bondage, dubcon"),),
            ),
            ChapterLabel(
                0,
                "Your footsteps echoed through the",
                "your team before falling asleep",
                (summary("what kind of monster"),),
            ),
            ChapterLabel(
                0,
                "You hummed as you wandered",
                "the bandage holding the bite closed.",
                (summary("Thank you all for nearly"),),
            ),
            ChapterLabel(
                0,
                "You hummed as you sat",
                "came to rest on your waist.",
                (summary("I'm not so confident"),),
            ),
            ChapterLabel(
                0,
                "You'd checked and checked the",
                "letting yourself drift off to sleep.",
                (summary("I'm on a roll guys."),),
            ),
            ChapterLabel(
                0,
                "It was a slow day,",
                "call and got to packing up.",
                (summary("Idk if spellcasters count"),),
            ),
            ChapterLabel(
                0,
                '"Mm please sir, I want you.',
                "He smiled at you and nodded.",
                (summary("Guys, we've nearly reached"),),
            ),
            ChapterLabel(
                0,
                "The grass crunched under your",
                "You could stay a little longer.",
                (summary("I'm going to warn you"),),
            ),
            ChapterLabel(
                0,
                "You pressed against the stone",
                "losing really wasn't that bad.",
                (summary("See? I'm not dead,"),),
            ),
            ChapterLabel(
                0,
                "For somewhere you'd been warned",
                "with that before you go anywhere.",
                (summary("I am back for now"),),
            ),
        ),  # fmt: skip
        summary=("It's October, the time of monsters", "it WILL be IGNORED"),
    ),
    WorkLabel(
        "ao3/ao3_chapter_page_multichapter_in_series.html",
        (
            # seven screenshots; a "Note that …" paragraph mid-chapter is story
            ChapterLabel(0, "Hey, so there is a new thing", "4: enable it", images=7),
        ),
        summary=("It finally exists.", "3rd party extensions for this!"),
    ),
    WorkLabel(
        "ffn/ffn_story_multichapter_ch1_of_2.html",
        (ChapterLabel(0, 'Skip. "Harry Potter."', "out over the lake for a long time."),),
        summary=("2 connected drabbles.", "2 connected drabbles."),
    ),
    WorkLabel(
        "efiction/mugglenet_efiction_viewstory_chapter_TRIMMED.html",
        (ChapterLabel(0, "If you're like me,", "you will have..."),),
    ),
]

# Blurb summaries on the AO3 tag listing: (work id, dividers, first words, last words).
# Several writers open with "Prompt: …", then "-" alone, then an excerpt.
BLURBS = [
    ("29034420", 0, "12 years of being endgame,", "their whole lives and beyond."),
    ("29034339", 0, "12 years of being endgame,", "are understandably quite tired."),
    ("29033190", 0, "12 years of being endgame,", "reflect over their heritage."),
    ("29033079", 0, "12 years of being endgame,", "on each other's PDA."),
    ("29033019", 0, "12 years of being endgame,", "Katara, naturally, freaks out."),
    ("29032944", 0, "12 years of being endgame,", "Aang's mind goes... elsewhere."),
    ("29032887", 0, "12 years of being endgame,", "for survival purposes obviously."),
    ("28473330", 0, "Katara surprises Aang.", "comic-compliant. Ignores LOK."),
    ("25793935", 0, "This is all for Kataang", "of Fate 8. Free Day"),
    ("25704064", 0, '"I see my future', "Day 7 - Free Day"),
    ("25693108", 2, "Prompt: Free Day", "there to keep him steady."),
    ("20326240", 0, "Slice of life moments", "the world helping others."),
    ("25680757", 0, "Written for Kataang Week 2020.", "Ty Lee can see things."),
    ("25669486", 2, "Prompt: Red Thread of Fate", "they need for the ceremony."),
    ("25649776", 2, "Prompt: Napping", "Aang coaxes her to nap."),
    ("25639372", 0, "Their relationship had come", "smol!kataang vignettes."),
    ("25647571", 0, "Written for Kataang Week 2020.", 'comfortable on your lap."'),
    ("25630618", 2, "Prompt: Heritage/Responsibilities", "in over one-hundred years."),
    ("25639408", 0, "Written for Kataang Week 2020.", "and Aang considers loss."),
    ("25616218", 0, "Written for Kataang Week.", 'are Happy First Anniversary."'),
]

LISTING = "ao3/ao3_tag_works_index_kataang_week_2020.html"
SERIES = "ao3/ao3_series_page_counting_drabbles.html"
INTERSTITIAL = "ao3/ao3_adult_content_interstitial.html"
LOGIN = "ao3/ao3_restricted_work_login_required.html"

# --- checking -----------------------------------------------------------------

Result = tuple[str, object, object]  # (label, expected, got)


def first_words(text: str, like: str) -> str:
    return " ".join(text.split()[: len(like.split())])


def last_words(text: str, like: str) -> str:
    n = len(like.split())
    return " ".join(text.split()[-n:]) if n else ""


def body_text(blocks: list[Block]) -> str:
    return "\n\n".join(b.text for b in blocks if b.type in TEXT_TYPES)


def page(rel: str, url: str) -> FetchedPage:
    body = shared_fixture(rel).read_bytes()
    return FetchedPage(url, 200, {}, body, datetime.now(UTC), url)


def parse(rel: str) -> Work:
    """The page through its own adapter, then the cleaner, as the crawler runs them."""
    if rel.startswith("ao3/"):
        raw = AO3Adapter(default_sites()["ao3"]).parse_work([page(rel, AO3_URL)])
    elif rel.startswith("ffn/"):
        raw = FFNAdapter(default_sites()["ffn"]).parse_work([page(rel, FFN_URL)])
    elif rel.startswith("efiction/"):
        site = SiteConfig("efiction", "http://fanfiction.mugglenet.com", 3.0)
        raw = EFictionAdapter(site).parse_work([page(rel, EFICTION_URL)])
    else:  # `ficarchive import story.txt`
        path = shared_fixture(rel)
        raw = TextAdapter(default_sites()["text"]).parse_work([page(rel, path.as_uri())])
    return clean_work(raw)


def without_lead(text: str) -> str:
    """The seed's note may keep its "A/N:" lead or drop it."""
    return text.removeprefix("A/N:").strip()


def check_note(where: str, label: NoteLabel, got) -> list[Result]:
    if got is None:
        return [(f"{where}: note", label, None)]
    text = without_lead(got.text)
    out: list[Result] = [
        (f"{where}: kind, position", (label.kind, label.position), (got.kind, got.position)),
        (f"{where}: first words", label.first, first_words(text, label.first)),
    ]
    if label.last:
        out.append((f"{where}: last words", label.last, last_words(text, label.last)))
    if label.paragraphs is not None:
        out.append((f"{where}: paragraphs", label.paragraphs, len(text.split("\n\n"))))
    return out


def check_notes(where: str, labels: tuple[NoteLabel, ...], notes) -> list[Result]:
    out: list[Result] = [(f"{where}: note count", len(labels), len(notes))]
    for i, label in enumerate(labels):
        out += check_note(f"{where} note {i + 1}", label, notes[i] if i < len(notes) else None)
    return out


def check_work(label: WorkLabel) -> list[Result]:
    work = parse(label.page)
    out: list[Result] = [("chapters", len(label.chapters), len(work.chapters))]
    for i, (want, ch) in enumerate(zip(label.chapters, work.chapters, strict=False), 1):
        where = f"chapter {i}"
        text = body_text(ch.blocks)
        out += [
            (f"{where}: dividers", want.breaks, sum(b.type == "scene_break" for b in ch.blocks)),
            (f"{where}: first words", want.first, first_words(text, want.first)),
            (f"{where}: last words", want.last, last_words(text, want.last)),
            (f"{where}: images", want.images, sum(b.type == "image" for b in ch.blocks)),
        ]
        out += check_notes(where, want.notes, ch.notes)
    if label.summary:
        first, last = label.summary
        out += [
            ("summary: first words", first, first_words(work.summary, first)),
            ("summary: last words", last, last_words(work.summary, last)),
        ]
    else:
        out.append(("summary", "", work.summary))
    out += check_notes("work", label.notes, work.notes)
    return out


def _soup(rel: str) -> BeautifulSoup:
    return BeautifulSoup(shared_fixture(rel).read_text(encoding="utf-8"), "lxml")


def check_listing() -> list[Result]:
    doc = _soup(LISTING)
    out: list[Result] = [("blurbs", len(BLURBS), len(doc.select("li.blurb")))]
    for work_id, breaks, first, last in BLURBS:
        quote = doc.select_one(f"li#work_{work_id} blockquote.userstuff.summary")
        blocks = clean_html(quote.decode_contents()) if quote is not None else []
        text = body_text(blocks)
        out += [
            (f"{work_id}: dividers", breaks, sum(b.type == "scene_break" for b in blocks)),
            (f"{work_id}: first words", first, first_words(text, first)),
            (f"{work_id}: last words", last, last_words(text, last)),
        ]
    return out


def check_series() -> list[Result]:
    quotes = _soup(SERIES).select("dl.series.meta blockquote.userstuff")
    texts = [html_to_text(q.decode_contents()) for q in quotes]
    return [
        ("series description and notes", 2, len(texts)),
        ("description", "Implied snarry, but left ambiguous on purpose.", texts[0]),
        ("notes", "thanks to lauriegilbert!", texts[1] if len(texts) > 1 else None),
    ]


def check_interstitial() -> list[Result]:
    """No work to clean behind the notice; its blurb's summary still cleans."""
    refused = None
    try:
        AO3Adapter(default_sites()["ao3"]).parse_work([page(INTERSTITIAL, AO3_URL)])
    except AdultContent as exc:
        refused = type(exc).__name__
    quote = _soup(INTERSTITIAL).select_one("blockquote.userstuff.summary")
    return [
        ("refused", "AdultContent", refused),
        (
            "blurb summary",
            "Emmanellain falls to vice; Honoroit catches him.",
            html_to_text(str(quote)),
        ),
    ]


def check_login() -> list[Result]:
    """No work behind the login; the page imported whole keeps its message, not its forms."""
    refused = None
    try:
        AO3Adapter(default_sites()["ao3"]).parse_work([page(LOGIN, AO3_URL)])
    except LoginRequired as exc:
        refused = type(exc).__name__
    text = body_text(clean_html(shared_fixture(LOGIN).read_text(encoding="utf-8")))
    return [
        ("refused", "LoginRequired", refused),
        ("message kept", True, "only available to registered users" in text),
        ("login form dropped", False, "Username or email" in text or "Remember me" in text),
    ]


CHECKS = {label.page: (lambda label=label: check_work(label)) for label in WORKS} | {
    LISTING: check_listing,
    SERIES: check_series,
    INTERSTITIAL: check_interstitial,
    LOGIN: check_login,
}


def failures(results: list[Result]) -> list[str]:
    return [f"{name}: expected {want!r}, got {got!r}" for name, want, got in results if want != got]


# --- the gate -----------------------------------------------------------------


def test_every_real_page_is_labelled() -> None:
    if not SHARED_FIXTURES.exists():
        pytest.skip(f"{SHARED_FIXTURES} is absent")
    pages = {
        str(p.relative_to(SHARED_FIXTURES))
        for p in SHARED_FIXTURES.rglob("*")
        if p.suffix in (".html", ".txt") and p.parent.name != "robots"
    }
    assert pages == set(CHECKS)


@pytest.mark.parametrize("rel", list(CHECKS))
def test_page(rel: str) -> None:
    assert failures(CHECKS[rel]()) == []


def test_gate_score_is_100_percent(capsys) -> None:
    results: list[Result] = []
    for rel, check in CHECKS.items():
        if (SHARED_FIXTURES / rel).exists():
            results += [(f"{rel}: {name}", want, got) for name, want, got in check()]
    if not results:
        pytest.skip(f"{SHARED_FIXTURES} is absent")
    failed = failures(results)
    with capsys.disabled():
        print(f"\nclean quality gate: {len(results) - len(failed)}/{len(results)} labels")
    assert failed == [], f"{len(failed)}/{len(results)} labels wrong"


def test_seed_scene_breaks_and_closing_note() -> None:
    """The issue's own words: 3 scene breaks, the body's last line, one six-paragraph A/N after it."""
    work = parse(SEED)
    (ch,) = work.chapters
    assert sum(b.type == "scene_break" for b in ch.blocks) == 3
    assert ch.blocks[-1].text.endswith("He loves me enough to let go.")
    (note,) = ch.notes
    assert (note.kind, note.position) == ("author_note", "after")
    assert without_lead(note.text).startswith("Wow! I grudgingly")
    assert note.text.endswith("Somehow, I don't think they mind.")
    assert len(note.text.split("\n\n")) == 6
    # the note's words are not the story's
    assert work.words == sum(len(b.text.split()) for b in ch.blocks)
    assert "grudgingly" not in ch.text


def test_seed_without_body_note_detection() -> None:
    path = shared_fixture(SEED)
    raw = TextAdapter(default_sites()["text"]).parse_work([page(SEED, path.as_uri())])
    (ch,) = clean_work(raw, detect_body_notes=False).chapters
    assert ch.notes == []
    assert ch.blocks[-1].text.endswith("Somehow, I don't think they mind.")


def test_labels_hold_with_html_parser_too() -> None:
    """bench/clean_bench.py times html.parser against lxml; it must clean the same."""
    label = WORKS[1]
    raw = AO3Adapter(default_sites()["ao3"]).parse_work([page(label.page, AO3_URL)])
    lxml, stdlib = clean_work(raw), clean_work(raw, parser="html.parser")
    assert [c.to_dict() for c in lxml.chapters] == [c.to_dict() for c in stdlib.chapters]
