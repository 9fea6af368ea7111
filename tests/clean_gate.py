"""The clean quality gate's machinery: label types, pages read as the crawler reads them.

The labels themselves, and the gate's tests, are in tests/test_clean_quality.py;
this module only says how a label is checked, so the labels read as a table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from bs4 import BeautifulSoup

from crawler import epub_read
from crawler.clean import TEXT_TYPES, clean_work
from crawler.config import Config, SiteConfig, default_sites
from crawler.models import Block, FetchedPage, Work
from crawler.sites.ao3 import AO3Adapter
from crawler.sites.base import soup as site_soup
from crawler.sites.efiction import EFictionAdapter
from crawler.sites.ffn import FFNAdapter
from crawler.sites.fictionpress import FictionPressAdapter
from crawler.sites.royalroad import RoyalRoadAdapter, chapter_rows
from crawler.sites.text import TextAdapter
from crawler.sites.xenforo import XenForoAdapter
from crawler.sites.xenforo_index import parse_index
from tests.conftest import SHARED_FIXTURES, shared_fixture

AO3_URL = "https://archiveofourown.org/works/41822007"
FFN_URL = "https://www.fanfiction.net/s/5853866/1/Counting"
FP_URL = "https://www.fictionpress.com/s/2171761/1/Vampiric-Desires"
EFICTION_URL = "http://fanfiction.mugglenet.com/viewstory.php?sid=123456&chapter=2"
# Where each saved forum and Royal Road page was served: (the forum's base URL, the page).
SB, SV, QQ = (
    "https://forums.spacebattles.com",
    "https://forums.sufficientvelocity.com",
    "https://forum.questionablequesting.com",
)
RR = "https://www.royalroad.com"
PAGE_URLS = {
    "xenforo/sb_xf2_threadmarks_index_ANONYMIZED.html": (SB, f"{SB}/threads/555/threadmarks"),
    "xenforo/sb_xf1_threadmarks_index_ANONYMIZED.html": (
        SB, f"{SB}/threads/my-great-story.555/threadmarks?category_id=16"),
    "xenforo/sb_xf2_reader_mode_page1_ANONYMIZED.html": (
        SB, f"{SB}/threads/my-great-story.555/reader/"),
    "xenforo/sv_xf2_threadmarks_load_range_skitterdoc_2077.html": (
        SV, f"{SV}/threads/skitterdoc-2077.109765/threadmarks-load-range?threadmark_category_id=1"),
    "xenforo/sv_xf2_thread_page1_skitterdoc_2077_BLANKLINES_REMOVED.html": (
        SV, f"{SV}/threads/skitterdoc-2077.109765/"),
    "xenforo/qq_xf2_threadmarks_index_margin_of_error_TRIMMED.html": (
        QQ, f"{QQ}/threads/margin-of-error.39359/threadmarks?per_page=100"),
    "royalroad/rr_fiction_page_worth_the_candle_25137.html": (RR, f"{RR}/fiction/25137"),
    "royalroad/rr_fiction_page_2020_layout_ANONYMIZED.html": (RR, f"{RR}/fiction/555"),
    "royalroad/rr_chapter_page_ANONYMIZED.html": (
        RR, f"{RR}/fiction/555/great-story/chapter/771/chapter-one"),
    "royalroad/rr_chapter_page_reborn_as_a_demonic_rock_ch1_PARTIAL.html": (
        RR, f"{RR}/fiction/192682/reborn-as-a-demonic-rock-monster-evolution-litrpg/chapter/"
        "3966586/chapter-01-buying-new-shoes-and-dying"),
}  # fmt: skip

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
    elif rel.startswith("fictionpress/"):  # FanFiction.net's markup, FictionPress's host
        site = FictionPressAdapter(default_sites()["fictionpress"])
        raw = site.parse_work([page(rel, FP_URL)])
    elif rel.startswith("xenforo/"):
        base, url = PAGE_URLS[rel]
        site = SiteConfig("forum", base, 3.0, adapter="xenforo")
        raw = XenForoAdapter(site).parse_work([page(rel, url)])
    elif rel.startswith("royalroad/"):
        raw = RoyalRoadAdapter(default_sites()["royalroad"]).parse_work(
            [page(rel, PAGE_URLS[rel][1])]
        )
    elif rel.startswith("epub/"):  # `ficarchive import book.epub`, as crawler/epub_read reads it
        path = shared_fixture(rel)
        raw = epub_read.read(Config(sites=default_sites()), page(rel, path.as_uri()))[2]
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


def threadmarks_index(rel: str):
    """A saved threadmarks index as the XenForo adapter reads it."""
    base, url = PAGE_URLS[rel]
    site = XenForoAdapter(SiteConfig("forum", base, 3.0, adapter="xenforo"))
    first = page(rel, url)
    doc = site_soup(first.body)
    return parse_index(first, doc, site.site_name(doc))


def fiction_page(rel: str):
    """A saved Royal Road fiction page: its chapter table and its description's HTML."""
    url = PAGE_URLS[rel][1]
    doc = site_soup(page(rel, url).body)
    description = doc.select_one(".description .hidden-content")
    return chapter_rows(doc, url), description.decode_contents() if description else ""
