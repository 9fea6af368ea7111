"""RawWork -> Work: chapter HTML or plain text becomes typed blocks and notes.

The public entry of cleaning; each stage is its own small module.
`clean_work` orchestrates, in order:
  1. chapter body -> blocks: `clean_html` (`crawler.html_blocks`, skipping
     `crawler.furniture`, keeping `crawler.marks`) or `clean_text` for plain
     text (`crawler.text_blocks`); both place scene breaks (`crawler.breaks`)
     and normalise text (`crawler.normalize`);
  2. site-marked notes and the summary -> plain text (`html_to_text`);
  3. notes typed into the body at its start/end -> chapter notes
     (`crawler.notes.split_body_notes`), unless the user turned that off.
Nothing the author wrote is dropped: every character of the body ends up in a
block or a note, except scene-divider decoration; embedded media (a podfic's
player) become `media` placeholder blocks and their fallback text is kept.
"""

from __future__ import annotations

import copy
import html as html_lib
import logging
import re

from crawler.breaks import TEXT_TYPES
from crawler.html_blocks import PARSER, clean_html
from crawler.models import Chapter, Note, RawChapter, RawNote, RawWork, Work
from crawler.normalize import normalize_text
from crawler.notes import split_body_notes
from crawler.text_blocks import clean_text

__all__ = [
    "PARSER",
    "TEXT_TYPES",
    "clean_html",
    "clean_text",
    "clean_work",
    "html_to_text",
    "normalize_text",
]

log = logging.getLogger(__name__)

_TAG = re.compile(r"<[A-Za-z!/?]")


def html_to_text(html: str, *, parser: str = PARSER) -> str:
    """A note's or summary's HTML -> plain text, paragraphs joined by a blank line."""
    if not html or not html.strip():
        return ""
    if _TAG.search(html):
        blocks = clean_html(html, parser=parser)
    else:
        blocks = clean_text(html_lib.unescape(html))
    return "\n\n".join(b.text for b in blocks if b.type in TEXT_TYPES and b.text)


def _notes(raw_notes: list[RawNote], parser: str) -> list[Note]:
    """Site-marked notes as plain text; empty ones dropped."""
    notes = [Note(n.kind, n.position, html_to_text(n.html, parser=parser)) for n in raw_notes]
    return [n for n in notes if n.text]


def _in_reading_order(site: list[Note], body: list[Note]) -> list[Note]:
    """Site notes frame the body; notes typed into the body sit inside that frame."""

    def at(notes: list[Note], position: str) -> list[Note]:
        return [n for n in notes if n.position == position]

    return (at(site, "before") + at(body, "before") + at(site, "inline") + at(body, "after")) + at(
        site, "after"
    )


def _clean_chapter(raw: RawChapter, base_url: str, detect_body_notes: bool, parser: str) -> Chapter:
    if raw.format == "text":
        blocks = clean_text(raw.html)
    else:
        blocks = clean_html(raw.html, base_url=base_url, parser=parser)
    body_notes: list[Note] = []
    if detect_body_notes:
        blocks, body_notes = split_body_notes(blocks)
    notes = _in_reading_order(_notes(raw.notes, parser), body_notes)
    return Chapter(number=raw.number, title=raw.title, blocks=blocks, notes=notes)


def clean_work(raw: RawWork, *, detect_body_notes: bool = True, parser: str = PARSER) -> Work:
    """A site adapter's RawWork -> the cleaned Work that is stored and indexed.

    `detect_body_notes=False` (config: `[cleaning] detect_body_notes = false`)
    leaves notes typed into the story as story. `parser` is the bs4 tree builder.
    """
    chapters = [_clean_chapter(c, raw.url, detect_body_notes, parser) for c in raw.chapters]
    log.debug("cleaned %s: %d chapters", raw.id, len(chapters))
    return Work(
        id=raw.id,
        site=raw.site,
        url=raw.url,
        meta=copy.deepcopy(raw.meta),
        summary=html_to_text(raw.summary_html, parser=parser),
        notes=_notes(raw.notes, parser),
        chapters=chapters,
    )
