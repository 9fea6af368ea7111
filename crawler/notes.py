"""Author notes written into the chapter body, found at its start or end.

Many archives (FanFiction.net above all) have no place for notes, so authors
type them into the story: `A/N: thanks for reading!`, `Disclaimer: I own
nothing`, `Beta'd by …`. Only the edges of a chapter are searched: a marker in
the middle of a chapter is more likely story (a character's note) than a note.

A lead at the end owns every paragraph after it (the seed story's closing A/N
runs six paragraphs) unless that would be the bulk of the chapter; the weak
`Note:` lead, which a character may write too, owns at most two. A lead at
the start owns its own paragraph, or, when it is bare (`Author's Note:`
alone), what follows it up to the scene break that parts it from the story.
Notes in the middle of a chapter stay story: no `inline` notes are guessed.
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
    + r")",
    re.IGNORECASE,
)
_NOTE = re.compile(_OPEN + r"notes?\s*:", re.IGNORECASE)  # Note:, Notes: (weak)
_DISCLAIMER = re.compile(
    # "Disclaimer: …", "DISCLAIMER - …", "Disclaimer I own nothing", but not the
    # prose of "Disclaimers are for cowards, he thought."
    _OPEN
    + r"disclaimers?\b(?!\s+(?:are|is|was|were|be|been|aren['’]?t|isn['’]?t|wasn['’]?t"
    + r"|weren['’]?t|seems?|seemed|says?|said|means?|meant|appl(?:y|ies|ied)|of|about|like)\b)",
    re.IGNORECASE,
)
_BETA = re.compile(
    _OPEN
    + r"(?:"
    + r"beta(?:['’]?d|ed)\b"  # Beta'd by, Betaed by
    + r"|beta[\s-]?read(?:ers?|ing)?\b"  # Beta-read by, Beta reader:
    + r"|betas?\s*:"  # Beta:
    # Unbeta'd, Not beta'd, No beta (but not "No beta male would…")
    + r"|(?:un|not\s+|no\s+)beta(?:['’]?d\b|ed\b|[\s-]?read|s?(?=\s*(?:[,.;:!)\]—–-]|$)))"
    # Thanks to Sam for betaing / for the beta / to my lovely beta (not "the beta testers")
    + r"|(?:(?:many|huge|big|special|all\s+my)\s+)?thanks?(?:\s+you)?(?:\s+so\s+much)?\s+to\b"
    + r"[^.!?\n]{0,80}?(?:\bfor\s+(?:the\s+|a\s+)?beta|\bmy\s+(?:\w+\s+){0,2}betas?\b"
    + r"|\bbeta(?:['’]?ing|[\s-]?read))"
    + r")",
    re.IGNORECASE,
)
# A note that opens and closes its own brackets: "(A/N: see chapter 2.)"
_SELF_CONTAINED = re.compile(r"^\W*?[(\[].*[)\]]\W*$", re.DOTALL)
# What a bare lead leaves: "A/N:", "**Author's Note**", "(Disclaimer)".
_BARE_REST = re.compile(r"[\s:.\-–—)\]}*_~>»=]*")

# How far a lead reaches, in paragraphs.
END_NOTE_MAX = 20  # an end note (the seed's runs six)
SHORT_NOTE = 3  # an end note even when it is longer than the story (drabbles)
WEAK_NOTE_MAX_AFTER = 2  # after a weak "Note:" lead at the end
START_NOTE_MAX = 6  # a bare lead at the start, up to the scene break


def note_kind(text: str) -> str | None:
    """The note kind a paragraph leads with, or None if it is story."""
    if _DISCLAIMER.match(text):
        return "disclaimer"
    if _BETA.match(text):
        return "beta_credit"
    if _AUTHOR.match(text) or _NOTE.match(text):
        return "author_note"
    return None


def _lead_match(text: str) -> re.Match[str] | None:
    return _DISCLAIMER.match(text) or _BETA.match(text) or _AUTHOR.match(text) or _NOTE.match(text)


def _is_bare(text: str) -> bool:
    """The lead and nothing else: the note's text is in the paragraphs after it."""
    m = _lead_match(text)
    return m is not None and _BARE_REST.fullmatch(text, m.end()) is not None


def _is_weak(text: str) -> bool:
    return bool(_NOTE.match(text)) and note_kind(text) == "author_note" and not _AUTHOR.match(text)


def _lead_kind(block: Block) -> str | None:
    return note_kind(block.text) if block.type == "paragraph" else None


def _is_self_contained(block: Block) -> bool:
    """A bracketed one-paragraph note: it claims nothing after it."""
    return bool(_SELF_CONTAINED.match(block.text))


def _bare_lead_end(blocks: list[Block], i: int) -> int:
    """Where the note of a bare lead at the start ends: at the scene break (or the
    next lead) within START_NOTE_MAX paragraphs, else after one paragraph."""
    j = i
    while j < len(blocks) and j - i < START_NOTE_MAX:
        block = blocks[j]
        if block.type == "scene_break" or _lead_kind(block):
            return j
        if block.type != "paragraph":
            break
        j += 1
    return i + 1 if i < len(blocks) and blocks[i].type == "paragraph" else i


def _start_notes(blocks: list[Block]) -> tuple[int, list[Note]]:
    """Leading note-led paragraphs, one note each; returns where the story starts."""
    notes: list[Note] = []
    i = 0
    while i < len(blocks) and (kind := _lead_kind(blocks[i])):
        end = _bare_lead_end(blocks, i + 1) if _is_bare(blocks[i].text) else i + 1
        parts = [b.text for b in blocks[i:end]]  # paragraphs only, by construction
        notes.append(Note(kind, "before", "\n\n".join(parts)))
        i = end
    if notes and i < len(blocks) and blocks[i].type == "scene_break":
        i += 1  # the break only separated the note from the story
    return i, notes


def _end_start(blocks: list[Block]) -> int:
    """Index where the trailing notes begin (len(blocks) when there are none).

    Only the trailing run of paragraphs is searched. An open lead ("A/N: …")
    owns everything after it, if that is not the bulk of the chapter (an
    "A/N: sorry for the wait" early in a chapter without breaks owns nothing);
    a weak one ("Note: …") owns only a short tail; a bracketed one ("(A/N: …)")
    owns only itself, so it starts the end notes only when nothing but notes
    follows it.
    """
    n = len(blocks)
    tail = n
    while tail > 0 and blocks[tail - 1].type == "paragraph":
        tail -= 1
    sizes = [len(b.text) for b in blocks]
    after = 0  # characters from j to the end
    valid_from = [False] * (n + 1)
    valid_from[n] = True
    for j in range(n - 1, tail - 1, -1):
        after += sizes[j]
        if _lead_kind(blocks[j]) is None:
            continue
        if _is_weak(blocks[j].text) and n - j - 1 > WEAK_NOTE_MAX_AFTER:
            continue  # "Note: back by six." and a scene after it: a character's note
        owned = n - j
        if owned > END_NOTE_MAX or (owned > SHORT_NOTE and after > sum(sizes[:j])):
            continue  # more than a note: the story goes on after this lead
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
