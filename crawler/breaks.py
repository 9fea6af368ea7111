"""Scene breaks in a list of blocks, shared by the HTML and plain-text cleaners.

`crawler.dividers` says whether one line is a divider; this module decides
where breaks stand once the blocks are known: a weak divider only between two
runs of text, one break between scenes, none at a chapter's edges.
"""

from __future__ import annotations

from crawler.dividers import is_divider_text, is_weak_divider
from crawler.models import TEXT_BLOCKS, Block

TEXT_TYPES = frozenset(TEXT_BLOCKS)
SCENE_BREAK_EMPTIES = 3  # this many empty paragraphs, or <br>s, in a row are a scene break


def text_block(kind: str, text: str) -> Block:
    """A block of text, or a scene break when the text is only a divider."""
    if kind != "preformatted" and is_divider_text(text):
        return Block("scene_break")
    return Block(kind, text)


def resolve_weak_dividers(blocks: list[Block]) -> list[Block]:
    """A lone dash paragraph is a scene break only between two blocks of text.

    AO3 authors use `<p>-</p>` as a soft scene break between runs of prose; at
    the edge of a chapter or beside a real break it separates nothing, so it is
    kept as written (losing nothing) instead of being guessed at.
    """
    out = list(blocks)
    for i in range(1, len(out) - 1):
        b = out[i]
        if (
            b.type == "paragraph"
            and is_weak_divider(b.text)
            and blocks[i - 1].type in TEXT_TYPES
            and blocks[i + 1].type in TEXT_TYPES
            and not is_weak_divider(blocks[i - 1].text)
            and not is_weak_divider(blocks[i + 1].text)
        ):
            out[i] = Block("scene_break")
    return out


def tidy_breaks(blocks: list[Block]) -> list[Block]:
    """One break between scenes, none at the very start or end."""
    out: list[Block] = []
    for b in blocks:
        if b.type == "scene_break" and (not out or out[-1].type == "scene_break"):
            continue
        out.append(b)
    while out and out[-1].type == "scene_break":
        out.pop()
    return out


def place_breaks(blocks: list[Block]) -> list[Block]:
    """The last step of both cleaners: weak dividers resolved, then breaks tidied."""
    return tidy_breaks(resolve_weak_dividers(blocks))
