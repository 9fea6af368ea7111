"""The clean quality gate's machinery: label types, pages read as the crawler reads them.

The labels themselves, and the gate's tests, are in tests/test_clean_quality.py;
this module only says how a label is checked, so the labels read as a table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from bs4 import BeautifulSoup

from crawler.clean import TEXT_TYPES, clean_work
from crawler.config import SiteConfig, default_sites
from crawler.models import Block, FetchedPage, Work
from crawler.sites.ao3 import AO3Adapter
from crawler.sites.efiction import EFictionAdapter
from crawler.sites.ffn import FFNAdapter
from crawler.sites.text import TextAdapter
from tests.conftest import SHARED_FIXTURES, shared_fixture

AO3_URL = "https://archiveofourown.org/works/41822007"
FFN_URL = "https://www.fanfiction.net/s/5853866/1/Counting"
EFICTION_URL = "http://fanfiction.mugglenet.com/viewstory.php?sid=123456&chapter=2"

# What the gate reads as real pages; robots.txt files are not pages.
PAGE_SUFFIXES = (".html", ".txt", ".epub")


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


def soup(rel: str) -> BeautifulSoup:
    return BeautifulSoup(shared_fixture(rel).read_text(encoding="utf-8"), "lxml")


def failures(results: list[Result]) -> list[str]:
    return [f"{name}: expected {want!r}, got {got!r}" for name, want, got in results if want != got]


def real_pages() -> set[str]:
    """Every saved page under ../shared/fixtures, as a path relative to it."""
    return {
        str(p.relative_to(SHARED_FIXTURES))
        for p in SHARED_FIXTURES.rglob("*")
        if p.suffix in PAGE_SUFFIXES and p.parent.name != "robots"
    }
