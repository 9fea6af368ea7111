"""A plain-text story or chapter -> blocks.

Plain text says where paragraphs end in one of three habits: blank lines,
one paragraph a line, or lines hard-wrapped at a fixed width. Each is read
as its writer meant; dividers become scene breaks as in HTML.
"""

from __future__ import annotations

from crawler.breaks import place_breaks
from crawler.dividers import is_divider_text
from crawler.models import Block
from crawler.normalize import encodable, normalize_text

WRAP_MIN, WRAP_MAX = 45, 90  # hard-wrapped text: every line but the last this long


def _looks_hard_wrapped(lines: list[str]) -> bool:
    """Lines cut at a fixed width (email, Gutenberg style) belong together."""
    body = [len(line.rstrip()) for line in lines[:-1]]
    return bool(body) and all(WRAP_MIN <= n <= WRAP_MAX for n in body)


def _file_hard_wrapped(lines: list[str]) -> bool:
    """Most lines of the file end near one width: wrapped prose, not one line a paragraph."""
    widths = [len(line.rstrip()) for line in lines]
    return max(widths, default=0) <= WRAP_MAX and sum(n >= WRAP_MIN for n in widths) >= 0.75 * len(
        widths
    )


def _chunks(lines: list[str]) -> list[list[str]]:
    """Paragraphs as lists of lines: split on blank lines, or on every line
    when the text almost never leaves one (its habit is one paragraph a line)."""
    filled = [line for line in lines if line.strip()]
    chunks: list[list[str]] = [[]]
    for line in lines:
        if line.strip():
            chunks[-1].append(line)
        elif chunks[-1]:
            chunks.append([])
    chunks = [c for c in chunks if c]
    separators = len(chunks) - 1
    if separators * 10 < len(filled) and not _file_hard_wrapped(filled):
        return [[line] for line in filled]
    return chunks


def _chunk_block(lines: list[str]) -> Block | None:
    texts = [t for t in (normalize_text(line) for line in lines) if t]
    if not texts:
        return None
    if all(is_divider_text(t) for t in texts):
        return Block("scene_break")
    joiner = " " if _looks_hard_wrapped(lines) else "\n"
    return Block("paragraph", joiner.join(texts))


def clean_text(text: str) -> list[Block]:
    """A plain-text story or chapter -> blocks."""
    lines = encodable(text).splitlines()
    blocks = [b for b in map(_chunk_block, _chunks(lines)) if b is not None]
    return place_breaks(blocks)
