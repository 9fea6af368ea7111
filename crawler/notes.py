"""Author notes written into the chapter body, found at its start or end.

Many archives (FanFiction.net above all) have no place for notes, so authors
type them into the story: `A/N: thanks for reading!`, `Disclaimer: I own
nothing`, `Beta'd by …`. Only the edges of a chapter are searched: a marker in
the middle of a chapter is more likely story (a character's note) than a note.
"""

from __future__ import annotations

import re

from crawler.models import Block, Note

# What may stand before the marker: brackets, emphasis, decoration.
_OPEN = r"^[\s(\[{*_~<«=-]*"
_AUTHOR = re.compile(
    _OPEN
    + r"(?:"
    + r"a\s?/\s?ns?\b"  # A/N, A / N, A/Ns
    + r"|a\.\s?n\b\.?"  # A.N., A. N.
    + r"|an\s*:"  # AN:  ("An hour later" has no colon)
    + r"|authors?\s?['’`]?\s?s?\s+notes?\b"  # Author's Note, Authors Note, Authors' notes
    + r"|notes?\s*:"  # Note:, Notes:
    + r")",
    re.IGNORECASE,
)
_DISCLAIMER = re.compile(_OPEN + r"disclaimers?\b", re.IGNORECASE)
_BETA = re.compile(
    _OPEN
    + r"(?:"
    + r"beta(?:['’]?d|ed)\b"  # Beta'd by, Betaed by
    + r"|beta[\s-]?read(?:ers?|ing)?\b"  # Beta-read by, Beta reader:
    + r"|betas?\s*:"  # Beta:
    + r"|(?:un|not\s+|no\s+)beta"  # Unbeta'd, Not beta'd, No beta
    + r"|(?:(?:many|huge|big|special|all\s+my)\s+)?thanks?(?:\s+you)?(?:\s+so\s+much)?\s+to\b.*\bbeta"
    + r")",
    re.IGNORECASE | re.DOTALL,
)
# A note that opens and closes its own brackets: "(A/N: see chapter 2.)"
_SELF_CONTAINED = re.compile(r"^\W*?[(\[].*[)\]]\W*$", re.DOTALL)


def note_kind(text: str) -> str | None:
    """The note kind a paragraph leads with, or None if it is story."""
    if _DISCLAIMER.match(text):
        return "disclaimer"
    if _BETA.match(text):
        return "beta_credit"
    if _AUTHOR.match(text):
        return "author_note"
    return None


def _lead_kind(block: Block) -> str | None:
    return note_kind(block.text) if block.type == "paragraph" else None


def _is_self_contained(block: Block) -> bool:
    """A bracketed one-paragraph note: it claims nothing after it."""
    return bool(_SELF_CONTAINED.match(block.text))


def _start_notes(blocks: list[Block]) -> tuple[int, list[Note]]:
    """Leading note-led paragraphs, one note each; returns where the story starts."""
    notes: list[Note] = []
    i = 0
    while i < len(blocks) and (kind := _lead_kind(blocks[i])):
        notes.append(Note(kind, "before", blocks[i].text))
        i += 1
    if notes and i < len(blocks) and blocks[i].type == "scene_break":
        i += 1  # the break only separated the note from the story
    return i, notes


def _end_start(blocks: list[Block]) -> int:
    """Index where the trailing notes begin (len(blocks) when there are none).

    Only the trailing run of paragraphs is searched. An open lead ("A/N: …")
    owns everything after it; a bracketed one ("(A/N: …)") owns only itself, so
    it starts the end notes only when nothing but notes follows it.
    """
    n = len(blocks)
    tail = n
    while tail > 0 and blocks[tail - 1].type == "paragraph":
        tail -= 1
    valid_from = [False] * (n + 1)
    valid_from[n] = True
    for j in range(n - 1, tail - 1, -1):
        if _lead_kind(blocks[j]) is None:
            continue
        if not _is_self_contained(blocks[j]):
            valid_from[j] = True
        else:
            valid_from[j] = j + 1 == n or (
                _lead_kind(blocks[j + 1]) is not None and valid_from[j + 1]
            )
    return next((j for j in range(tail, n) if valid_from[j]), n)


def _end_notes(blocks: list[Block], start: int) -> list[Note]:
    """Group blocks[start:] into notes: each lead opens a new note."""
    notes: list[Note] = []
    parts: list[str] = []
    kind = ""
    for block in blocks[start:]:
        lead = _lead_kind(block)
        if lead is not None:
            if parts:
                notes.append(Note(kind, "after", "\n\n".join(parts)))
            kind, parts = lead, []
        parts.append(block.text)
    if parts:
        notes.append(Note(kind, "after", "\n\n".join(parts)))
    return notes


def split_body_notes(blocks: list[Block]) -> tuple[list[Block], list[Note]]:
    """Move in-body notes at the start ("before") and end ("after") into notes.

    If nothing but notes would remain, the chapter is left as story: a chapter
    is never emptied into notes.
    """
    first, before = _start_notes(blocks)
    rest = blocks[first:]
    end = _end_start(rest)
    after = _end_notes(rest, end)
    body = rest[:end]
    if after and body and body[-1].type == "scene_break":
        body = body[:-1]  # the break only separated the story from the note
    if not any(b.type != "scene_break" for b in body):
        return list(blocks), []
    return body, before + after
