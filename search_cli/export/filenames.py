"""File names for exported works that are safe on Linux, macOS and Windows.

Titles and author names are untrusted text from the web: they may hold path separators,
"..", terminal escapes, bidi overrides that disguise an extension, or Windows device names.
"""

from __future__ import annotations

import re
import unicodedata

from crawler.models import Work
from search_cli.export.common import clean_text

# Most file systems cap a name at 255 bytes; stay under it with room for " (99)".
MAX_BYTES = 240
_FORBIDDEN = re.compile(r'[<>"/\\|?*\x00-\x1f]')
_RESERVED = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"} | {
    f"{dev}{n}" for dev in ("COM", "LPT") for n in [*"0123456789", "¹", "²", "³"]
}


def _clean_part(text: str) -> str:
    """One piece of a name: printable, no separators, no "..", no hiding characters."""
    text = unicodedata.normalize("NFC", clean_text(text))
    # Format (Cf: bidi overrides, zero-width joiners) and other invisible characters.
    text = "".join(
        " " if unicodedata.category(ch) in ("Zl", "Zp", "Zs") else ch
        for ch in text
        if unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn")
    )
    # "../../etc/passwd": path steps say nothing about the title, so drop them.
    text = (
        "_".join(p for p in re.split(r"[/\\]", text) if p.strip(" ."))
        if "/" in text or "\\" in text
        else text
    )
    text = re.sub(r"\s*:\s*", " - ", text)
    text = _FORBIDDEN.sub("_", text)
    text = re.sub(r"\.{2,}", "…", text)
    text = " ".join(text.split())
    return text.strip(" .-_")


def _cut(text: str, max_chars: int, max_bytes: int) -> str:
    """Shorten from the right to fit both limits, never ending on a space or dot."""
    text = text[: max(max_chars, 0)]
    while text and len(text.encode("utf-8")) > max_bytes:
        text = text[:-1]
    return text.rstrip(" .-_,")


def is_reserved(name: str) -> bool:
    """True for names Windows maps to devices, with or without an extension."""
    stem = name.split(".", 1)[0].rstrip(" ").upper()
    return stem in _RESERVED


def safe_filename(
    work_or_title: Work | str, ext: str, taken: set[str] | None = None, max_len: int = 150
) -> str:
    """ "Author - Title (ao3-1234567).ext", safe as one path component on any OS.

    Accepts a Work (or a plain title string, for anthology names). When `taken` is given,
    the result is unique against it, case-insensitively (macOS and Windows fold case),
    and is added to it.
    """
    ext = re.sub(r"[^A-Za-z0-9]", "", ext) or "txt"
    if isinstance(work_or_title, str):
        head, ident = _clean_part(work_or_title), ""
    else:
        meta = work_or_title.meta
        authors = [a for a in (_clean_part(a) for a in meta.authors) if a]
        author = ", ".join(authors[:2]) + (" et al" if len(authors) > 2 else "")
        title = _clean_part(meta.title) or "Untitled"
        head = f"{author} - {title}" if author else title
        ident = _clean_part(str(work_or_title.id).replace(":", "-"))
    head = head or "Untitled"

    folded = {t.casefold() for t in taken} if taken else set()
    n = 1
    while True:
        dedupe = f" ({n})" if n > 1 else ""
        tail = f"{dedupe}.{ext}"
        budget_chars = max_len - len(tail)
        budget_bytes = MAX_BYTES - len(tail.encode("utf-8"))
        id_part = f" ({ident})" if ident else ""
        if len(id_part) > budget_chars // 2 or len(id_part.encode()) > budget_bytes // 2:
            id_part = f" ({_cut(ident, budget_chars // 2 - 3, budget_bytes // 2 - 3)})"
        stem = _cut(head, budget_chars - len(id_part), budget_bytes - len(id_part.encode("utf-8")))
        stem = (stem or "_") + id_part
        if is_reserved(stem):
            stem = "_" + stem
            stem = stem[:budget_chars] if len(stem) > budget_chars else stem
        name = f"{stem}{tail}"
        if name.casefold() not in folded:
            break
        n += 1
    if taken is not None:
        taken.add(name)
    return name
