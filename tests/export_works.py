"""A sample Work for the export tests, a hostile one, and what a reader sees of a file.

Texts here are written for these tests (no fixture text is copied).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from crawler.models import Block, Chapter, Note, Work, WorkMeta

PARAS_1 = [
    "The ferry left the harbour before the gulls woke.",
    "Mira counted the crates twice, then a third time for luck.",
]
PARAS_2 = [
    "Rain found every gap in the old tarpaulin.",
    "By evening the lantern was the only warm thing on deck.",
]
NOTE_BEFORE = "This chapter was written on a train with a dying laptop."
NOTE_AFTER = "Thank you to everyone who left a comment on part one."
WORK_NOTE = "A gift for a friend who loves boats."
WORK_END_NOTE = "The sequel is planned for the spring."
SUMMARY = "Two sisters, one ferry, and a storm nobody forecast."


def make_work(work_id: str = "ao3:1234567", title: str = "The Night Ferry", **meta: object) -> Work:
    return Work(
        id=work_id,
        site=work_id.split(":")[0],
        url=f"https://archiveofourown.org/works/{work_id.split(':')[-1]}",
        meta=WorkMeta(
            title=title,
            authors=["tidewriter"],
            fandoms=["Original Work"],
            rating="Teen And Up Audiences",
            warnings=["No Archive Warnings Apply"],
            categories=["Gen"],
            relationships=["Mira & Sela"],
            characters=["Mira", "Sela"],
            tags=["Sisters", "Storms"],
            language="English",
            chapters_total=2,
            published="2022-06-01",
            updated="2022-07-15",
            series=[{"name": "Harbour Stories", "id": "55", "part": 2}],
            **meta,  # type: ignore[arg-type]
        ),
        summary=SUMMARY,
        notes=[
            Note("work_note", "before", WORK_NOTE),
            Note("work_end_note", "after", WORK_END_NOTE),
        ],
        chapters=[
            Chapter(
                1,
                "Departure",
                [
                    Block("paragraph", PARAS_1[0]),
                    Block("scene_break"),
                    Block("paragraph", PARAS_1[1]),
                ],
                [Note("author_note", "before", NOTE_BEFORE)],
            ),
            Chapter(
                2,
                "Chapter 2: Weather",
                [
                    Block("paragraph", PARAS_2[0]),
                    Block("scene_break"),
                    Block("paragraph", PARAS_2[1]),
                ],
                [Note("end_note", "after", NOTE_AFTER)],
            ),
        ],
    )


def nasty_work() -> Work:
    """Hostile and awkward input: controls, bidi, markup, empty and missing pieces."""
    work = make_work(
        work_id="efiction:fics.example.org:42", title="A <b>bold</b> & \x1b[31mred\u202e title"
    )
    work.meta.language = "Deutsch"
    work.meta.published = "last tuesday"
    work.meta.authors = ["", "A&B <co>"]
    work.summary = "Summary with ]]> and \x00 nul and <script>alert(1)</script>"
    work.chapters.append(Chapter(3, "", []))
    work.chapters.append(Chapter(4, "Image & list", [
        Block("image", "https://example.org/x.png"),
        Block("list_item", "first"), Block("list_item", "second"),
        Block("quote", "a quoted\nline"), Block("preformatted", "  code <x>"),
        Block("heading", "Interlude"), Block("mystery", "unknown block type"),
    ]))  # fmt: skip
    return work


def output_text(path: Path) -> str:
    """All the text a reader would see; for an EPUB, the XHTML files joined."""
    if path.suffix == ".epub":
        with zipfile.ZipFile(path) as z:
            return "\n".join(z.read(n).decode() for n in z.namelist() if n.endswith(".xhtml"))
    return path.read_text(encoding="utf-8")


def squash(text: str) -> str:
    return " ".join(text.split())
