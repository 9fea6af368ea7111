"""What a reader sees in an exported file, and checks that a stored Work survived in it.

Shared by the export tests on the sample archive, the seed story and the CLI.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import lxml.html
from lxml import etree

from crawler.models import Work
from search_cli.export.common import split_paragraphs

SUFFIXES = {"epub": ".epub", "html": ".html", "md": ".md", "txt": ".txt", "json": ".json"}


def squash(text: str) -> str:
    return " ".join(text.split())


_BLOCKS = ("p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre",
           "section", "aside", "header", "footer", "hr", "br", "dt", "dd", "tr", "td", "th")  # fmt: skip


def _element_text(root: etree._Element) -> str:
    """Inline elements (em, a, …) join their text as a reader sees it; blocks and
    line breaks end a line."""
    for el in root.iter(*(f"{{*}}{t}" for t in _BLOCKS), *_BLOCKS):
        el.tail = "\n" + (el.tail or "")
        if el.tag in ("br", "hr") or str(el.tag).endswith(("}br", "}hr")):
            continue
        el.text = "\n" + (el.text or "")
    return "".join(root.itertext())


def epub_documents(path: Path) -> list[etree._Element]:
    """The book's XHTML pages, parsed, in file order (nav left out)."""
    with zipfile.ZipFile(path) as z:
        names = [n for n in z.namelist() if n.endswith(".xhtml") and not n.endswith("nav.xhtml")]
        return [etree.fromstring(z.read(n)) for n in names]


def reader_text(path: Path, fmt: str) -> str:
    """The text a reader of the file sees (markup, escapes and quote marks removed)."""
    if fmt == "epub":
        return "\n".join(_element_text(doc) for doc in epub_documents(path))
    raw = path.read_text(encoding="utf-8")
    if fmt == "html":
        return _element_text(lxml.html.document_fromstring(raw).find("body"))
    if fmt == "md":
        # Read the Markdown as a reader's renderer would, then take its text.
        from markdown_it import MarkdownIt

        rendered = MarkdownIt("commonmark", {"html": True}).enable("strikethrough").render(raw)
        return _element_text(lxml.html.fragment_fromstring(rendered, create_parent="div"))
    if fmt == "json":
        data = json.loads(raw)
        texts = [data["summary"], *(n["text"] for n in data["notes"])]
        for chapter in data["chapters"]:
            texts += [n["text"] for n in chapter["notes"]]
            texts += [b.get("text", "") for b in chapter["blocks"]]
        return "\n".join(texts)
    return raw


def scene_breaks(path: Path, fmt: str) -> int:
    """How many scene breaks the file shows, in that format's own way."""
    if fmt == "epub":
        return sum(
            len(doc.xpath("//*[local-name()='p'][@class='scene-break']"))
            for doc in epub_documents(path)
        )
    raw = path.read_text(encoding="utf-8")
    if fmt == "html":
        body = lxml.html.document_fromstring(raw)
        return len(body.xpath("//p[@class='scene-break']"))
    if fmt == "json":
        data = json.loads(raw)
        return sum(b["type"] == "scene_break" for c in data["chapters"] for b in c["blocks"])
    return sum(line.strip() == "* * *" for line in raw.splitlines())


def body_paragraphs(work: Work) -> list[str]:
    return [b.text for c in work.chapters for b in c.blocks if b.text.strip()]


def note_paragraphs(work: Work, *, summaries: bool = True) -> list[str]:
    """Every note's paragraphs; with summaries=False, not chapter summaries (a summary is
    kept by --no-notes, issue 20)."""
    notes = [*work.notes, *(n for c in work.chapters for n in c.notes)]
    return [
        p
        for n in notes
        if summaries or n.kind != "chapter_summary"
        for p in split_paragraphs(n.text)
    ]


def work_breaks(work: Work) -> int:
    return sum(b.type == "scene_break" for c in work.chapters for b in c.blocks)


def missing(paragraphs: list[str], text: str) -> list[str]:
    """The paragraphs that do not appear in text (whitespace aside)."""
    flat = squash(text)
    return [p for p in paragraphs if squash(p) not in flat]


def assert_work_survives(work: Work, path: Path, fmt: str, *, notes: bool) -> None:
    """Every body paragraph and scene break is there; the notes are there or not, as asked."""
    text = reader_text(path, fmt)
    assert missing(body_paragraphs(work), text) == [], f"{path.name}: body text lost"
    assert scene_breaks(path, fmt) == work_breaks(work), f"{path.name}: scene breaks"
    note_paras = note_paragraphs(work)
    if notes:
        assert missing(note_paras, text) == [], f"{path.name}: notes lost"
    else:
        body = squash(" ".join([*body_paragraphs(work), work.summary]))
        only_in_notes = [p for p in note_paragraphs(work, summaries=False) if squash(p) not in body]
        leaked = set(only_in_notes) - set(missing(only_in_notes, text))
        assert not leaked, f"{path.name}: notes present with --no-notes: {sorted(leaked)[:3]}"
