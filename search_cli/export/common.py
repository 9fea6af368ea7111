"""What every export format shares: metadata lines, note labels, headings, safe text, writing.

Kept in one place so the five formats cannot drift apart on what a title page says.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path

from crawler.errors import ExportError
from crawler.models import NOTE_LABELS, Chapter, Note, Work

# Characters XML 1.0 forbids, plus C1 controls and lone surrogates: story text scraped
# from the web sometimes carries them, and one of them makes an EPUB unreadable.
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# Terminal escape sequences (colours, cursor moves): never wanted in a reading copy.
_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")


STATUS_LABELS = {"complete": "Complete", "in_progress": "In progress", "gone": "Gone from the site"}

# Site language names (English and native, as AO3/FFN print them) -> BCP 47.
_LANGUAGES = {
    "english": "en",
    "español": "es",
    "spanish": "es",
    "français": "fr",
    "french": "fr",
    "deutsch": "de",
    "german": "de",
    "italiano": "it",
    "italian": "it",
    "português": "pt",
    "portuguese": "pt",
    "português brasileiro": "pt-BR",
    "português europeu": "pt-PT",
    "русский": "ru",
    "russian": "ru",
    "polski": "pl",
    "polish": "pl",
    "nederlands": "nl",
    "dutch": "nl",
    "svenska": "sv",
    "swedish": "sv",
    "suomi": "fi",
    "finnish": "fi",
    "dansk": "da",
    "danish": "da",
    "norsk": "no",
    "norwegian": "no",
    "čeština": "cs",
    "czech": "cs",
    "magyar": "hu",
    "hungarian": "hu",
    "türkçe": "tr",
    "turkish": "tr",
    "tiếng việt": "vi",
    "vietnamese": "vi",
    "bahasa indonesia": "id",
    "indonesian": "id",
    "українська": "uk",
    "ukrainian": "uk",
    "ελληνικά": "el",
    "greek": "el",
    "עברית": "he",
    "hebrew": "he",
    "العربية": "ar",
    "arabic": "ar",
    "日本語": "ja",
    "japanese": "ja",
    "한국어": "ko",
    "korean": "ko",
    "中文": "zh",
    "中文-普通话 國語": "zh",
    "中文-广东话 粵語": "yue",
    "chinese": "zh",
    "filipino": "fil",
    "tagalog": "tl",
    "català": "ca",
    "catalan": "ca",
    "română": "ro",
    "romanian": "ro",
    "latin": "la",
    "lingua latina": "la",
}
_BCP47 = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")


def clean_text(text: str) -> str:
    """Drop terminal escapes and characters no reader (or XML parser) accepts."""
    return _BAD_CHARS.sub("", _ANSI.sub("", text or ""))


def language_code(language: str | None) -> str:
    """A BCP 47 tag for the work's language name; "en" when unknown."""
    name = " ".join((language or "").split()).casefold()
    if not name:
        return "en"
    if name in _LANGUAGES:
        return _LANGUAGES[name]
    if _BCP47.match(name) and len(name.split("-")[0]) <= 3:
        return name
    return "en"


# Where two kinds share a name on the site, the copy tells them apart: the last chapter
# carries its own end notes and then the work's, and both were "End notes".
_EXPORT_LABELS = {"work_end_note": "End notes of the work"}
# A label the author typed at the start of a note ("A/N:", "Author's note:"): the note
# then names itself, and the copy's own label before it would say it twice.
_TYPED_LABEL = re.compile(
    r"^\s*(?:A\s?/\s?N|A\.N\.|AN|authors?['’]?s?\s+notes?|notes?|disclaimer|"
    r"beta(?:['’]?d|\s+credits?|\s+reader)?(?:\s+by)?)\s*[:：]",
    re.IGNORECASE,
)


def note_label(kind: str) -> str:
    """The reader-facing name of a note kind ("author_note" -> "Author's note")."""
    if kind in _EXPORT_LABELS:
        return _EXPORT_LABELS[kind]
    return NOTE_LABELS.get(kind, (kind or "note").replace("_", " ").capitalize())


def shown_label(note: Note) -> str:
    """The label to print before a note: none when the author's text starts with one."""
    return "" if _TYPED_LABEL.match(clean_text(note.text)) else note_label(note.kind)


def merge_css(*sheets: str) -> str:
    """One rule per selector, later declarations winning: a stylesheet that says it once."""
    rules: dict[str, dict[str, str]] = {}
    for sheet in sheets:
        for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", sheet):
            decls = rules.setdefault(" ".join(selector.split()), {})
            for decl in body.split(";"):
                prop, colon, value = decl.partition(":")
                if colon and prop.strip():
                    decls[prop.strip()] = " ".join(value.split())
    return "".join(
        f"{sel} {{ {'; '.join(f'{k}: {v}' for k, v in decls.items())}; }}\n"
        for sel, decls in rules.items()
    )


def chapter_heading(chapter: Chapter) -> str:
    """ "Chapter N: Title", or the title alone when it already names itself a chapter."""
    title = " ".join(clean_text(chapter.title).split())
    gone = f" (removed upstream on {chapter.removed_at})" if chapter.removed_at else ""
    if not title:
        return f"Chapter {chapter.number}{gone}"
    if re.match(r"(?i)\s*(chapter|ch\.?)\s*\w", title):
        return title + gone
    return f"Chapter {chapter.number}: {title}{gone}"


def byline(work: Work) -> str:
    authors = [clean_text(a) for a in work.meta.authors if a.strip()]
    return ", ".join(authors) or "Anonymous"


def work_title(work: Work) -> str:
    return " ".join(clean_text(work.meta.title).split()) or "Untitled"


def _series_text(series: Iterable[dict]) -> str:
    parts = []
    for entry in series:
        name = str(entry.get("name") or entry.get("title") or "").strip()
        if not name:
            continue
        part = entry.get("part") or entry.get("position")
        parts.append(f"Part {part} of {name}" if part else name)
    return "; ".join(parts)


def meta_lines(work: Work, archived_at: str | None = None) -> list[tuple[str, str]]:
    """(label, value) pairs for a title page, in reading order; empty fields left out."""
    m = work.meta
    total = m.chapters_total or (len(work.chapters) if m.status == "complete" else None)
    rows: list[tuple[str, str]] = [
        ("Authors", byline(work)),
        ("Fandoms", ", ".join(m.fandoms)),
        ("Rating", m.rating or ""),
        ("Warnings", ", ".join(m.warnings)),
        ("Categories", ", ".join(m.categories)),
        ("Relationships", ", ".join(m.relationships)),
        ("Characters", ", ".join(m.characters)),
        ("Tags", ", ".join(m.tags)),
        ("Series", _series_text(m.series)),
        ("Language", m.language or ""),
        ("Words", f"{work.words:,}"),
        ("Chapters", f"{len(work.chapters)}/{total or '?'}"),
        ("Status", STATUS_LABELS.get(m.status, str(m.status))),
        ("Published", m.published or ""),
        ("Updated", m.updated or ""),
        ("Source", work.url),
        ("ID", work.id),
        ("Archived", archived_at or ""),
    ]
    return [(k, clean_text(v)) for k, v in rows if v and str(v).strip()]


def split_paragraphs(text: str) -> list[str]:
    """A note's plain text as paragraphs (blank lines separate them)."""
    return [p.strip() for p in re.split(r"\n\s*\n", clean_text(text)) if p.strip()]


def work_notes(work: Work, notes: bool) -> tuple[list[Note], list[Note]]:
    """(front, back) work-level notes; back is what stood after the work."""
    if not notes:
        return [], []
    front = [n for n in work.notes if not _is_after(n)]
    back = [n for n in work.notes if _is_after(n)]
    return front, back


def chapter_notes(chapter: Chapter, notes: bool) -> tuple[list[Note], list[Note]]:
    """(before, after) chapter notes; "inline" notes have no anchor, so they go before.

    Without notes, a chapter's summary stays: it tells what the chapter is, like the
    work's summary, and is no author's aside.
    """
    kept = [n for n in chapter.notes if notes or n.kind == "chapter_summary"]
    return [n for n in kept if not _is_after(n)], [n for n in kept if _is_after(n)]


def _is_after(note: Note) -> bool:
    return note.position == "after" or note.kind in ("end_note", "work_end_note")


def list_runs(blocks: list, kind: str = "list_item") -> Iterable[tuple[bool, list]]:
    """Group consecutive list items so formats can wrap them in one list."""
    run: list = []
    for block in blocks:
        if block.type == kind:
            run.append(block)
            continue
        if run:
            yield True, run
            run = []
        yield False, [block]
    if run:
        yield True, run


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomically(path: Path, data: bytes | str) -> Path:
    """Write via a temp file and rename, so an interrupted export leaves no half file."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".ficarchive-", suffix=".part", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(payload)
            # mkstemp makes the file private (0600); an export is an ordinary file
            # for e-reader sync and web servers, so it gets the user's usual mode.
            os.chmod(tmp, 0o666 & ~_umask())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from exc
    return path
