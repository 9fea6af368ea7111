"""A posting block's document ids and weights, without unpickling its positions.

Whoosh keeps each block of a term's postings as one zlib-compressed pickle of
(ids, weights, values), and for the story text the values are every position of
the word in every chapter: a word like "the" has ~75 KB of positions per block of
128 chapters and 4 KB of ids and weights. Whoosh's matcher decompresses and
unpickles the whole block to read an id; scoring (index/whoosh/scoring.py) needs
only ids and weights, so a common word spent most of its time (~100 ms at
10,000 works) on positions it never looked at.

Here the block is decompressed only up to where its values begin (a pickle of
bytes in protocol 2 starts with MARK and the `_codecs.encode` global), the
(ids, weights) part is closed into a pair and unpickled, and both are checked
against the block's length. Anything unexpected falls back to Whoosh's own read,
so the result is always what Whoosh would read.
"""

from __future__ import annotations

import zlib
from array import array
from itertools import accumulate
from pickle import loads

_VALUES = b"(c_codecs\nencode\n"  # MARK, GLOBAL: the block's tuple of value bytes begins
_CLOSE = b"\x86."  # TUPLE2, STOP: the ids and weights as a pair
_FIRST = 4096  # bytes decompressed at first (ids and weights are ~1.5 KB for 128 postings)


def read_block(matcher, weights: bool = True) -> None:
    """Load the current block's ids (and weights) into a W3LeafMatcher."""
    if matcher._data is None and matcher._ids is None:
        head = _head(matcher)
        if head is not None:
            ids, found = head
            matcher._ids = ids if matcher._byteids else tuple(accumulate(ids))  # delta_decode
            if weights:
                matcher._weights = _weights(found, matcher._blocklength)
            return
    matcher._read_ids()
    if weights:
        matcher._read_weights()


def _head(matcher) -> tuple | None:
    """(minified ids, minified weights) of the block, or None to read it Whoosh's way."""
    data = matcher._postfile.get(matcher._dataoffset, matcher._nextoffset - matcher._dataoffset)
    if matcher._compression:
        inflate = zlib.decompressobj()
        raw = inflate.decompress(data, _FIRST)
        cut = raw.find(_VALUES)
        while cut < 0 and inflate.unconsumed_tail:
            raw += inflate.decompress(inflate.unconsumed_tail, len(raw))
            cut = raw.find(_VALUES)
    else:
        raw = data
        cut = raw.find(_VALUES)
    if cut < 0:
        return None
    try:
        pair = loads(raw[:cut] + _CLOSE)
    except Exception:  # not the layout expected: Whoosh reads it
        return None
    n = matcher._blocklength
    if not (isinstance(pair, tuple) and len(pair) == 2):
        return None
    ids, found = pair
    if not isinstance(ids, tuple) or len(ids) != n:
        return None
    if not (found is None or isinstance(found, float) or _sized(found, n)):
        return None
    return ids, found


def _sized(found, n: int) -> bool:
    return isinstance(found, (tuple, list, array)) and len(found) == n


def _weights(found, n: int):
    """The block's weights as W3LeafMatcher._read_weights makes them."""
    if found is None:
        return array("f", (1.0 for _ in range(n)))
    if isinstance(found, float):
        return array("f", (found for _ in range(n)))
    return found
