"""One Royal Road chapter page: its text without the hidden anti-piracy lines, and its notes.

Royal Road hides lines such as "If you discover this narrative on Amazon, be
aware that it has been stolen" in the chapter text: an element whose
(obfuscated) class the page's own `<style>` sets to `display: none`. Exactly
those are dropped; everything a reader sees stays. "A note from <author>"
boxes (`.author-note-portlet`) before or after the text are typed notes.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field

from crawler.models import RawNote
from crawler.sites.base import inner_html, text_of

CONTENT = ".chapter-inner.chapter-content, div.chapter-content"
_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_HIDDEN = re.compile(r"display\s*:\s*none", re.I)
_CLASS_SELECTOR = re.compile(r"^\.(-?[_a-zA-Z][\w-]*)$")
# Never chapter text even inside it: scripts and the advertisement slots.
_NOT_TEXT = "script, style, .nitropay-ad-placeholder, .portlet-title"


@dataclass
class ChapterPage:
    """What a chapter page holds: its text, notes, and the header's names."""

    html: str
    notes: list[RawNote] = field(default_factory=list)
    title: str = ""
    fiction_title: str = ""
    author: str = ""
    fiction_path: str = ""  # /fiction/555/great-story, from the header's link
    hidden: int = 0  # hidden lines dropped


def hidden_classes(doc) -> set[str]:
    """Classes the page's own <style> elements hide with display: none."""
    hidden: set[str] = set()
    for style in doc.find_all("style"):
        for selectors, body in _RULE.findall(style.get_text()):
            if not _HIDDEN.search(body):
                continue
            for selector in selectors.split(","):
                m = _CLASS_SELECTOR.match(selector.strip().removeprefix("<style>").strip())
                if m:
                    hidden.add(m.group(1))
    return hidden


def is_chapter_page(doc) -> bool:
    return doc.select_one(CONTENT) is not None


def parse_chapter(doc) -> ChapterPage:
    """The chapter's text and notes; `doc` must hold a chapter (is_chapter_page)."""
    content = copy.copy(doc.select_one(CONTENT))
    hidden = hidden_classes(doc)
    dropped = 0
    for tag in content.find_all(class_=True):
        if not tag.decomposed and hidden & set(tag.get("class") or []):
            tag.decompose()
            dropped += 1
    for tag in content.select(_NOT_TEXT):
        tag.decompose()
    header = doc.select_one(".fic-header")
    fiction_link = header.select_one("a[href*='/fiction/']") if header is not None else None
    return ChapterPage(
        html=inner_html(content),
        notes=_notes(doc),
        title=text_of(header.select_one("h1")) if header is not None else "",
        fiction_title=text_of(header.select_one("h2")) if header is not None else "",
        author=text_of(header.select_one("a[href*='/profile/']")) if header is not None else "",
        fiction_path=str(fiction_link["href"]) if fiction_link is not None else "",
        hidden=dropped,
    )


def _notes(doc) -> list[RawNote]:
    """Author notes, before or after the text by where they stand on the page."""
    notes = []
    seen_text = False
    for tag in doc.select(f"{CONTENT}, .author-note-portlet .author-note"):
        classes = set(tag.get("class") or [])
        if "chapter-content" in classes:
            seen_text = True
            continue
        note = copy.copy(tag)
        for inner in note.select(CONTENT):
            inner.decompose()  # a broken page may nest the text in a note box
        html = inner_html(note)
        if html.strip():
            notes.append(RawNote("author_note", "after" if seen_text else "before", html))
    return notes
