"""crawler/decoding.py alone: Content-Encoding undone layer by layer, each layer capped."""

from __future__ import annotations

import contextlib
import gzip
import os
import zlib
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crawler.decoding import PIECE, BodyError, OverCap, codings, decoded

TEXT = os.urandom(20_000) + b"a quiet lighthouse " * 5_000


def pieces(data: bytes, size: int = 1000) -> Iterator[bytes]:
    for i in range(0, len(data), size):
        yield data[i : i + size]


def raw_deflate(data: bytes) -> bytes:
    c = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    return c.compress(data) + c.flush()


def undo(body: bytes, header: str, cap: int = 10**8, size: int = 1000) -> bytes:
    return b"".join(decoded(pieces(body, size), codings(header), cap))


@pytest.mark.parametrize(
    ("header", "encode"),
    [
        ("gzip", gzip.compress),
        ("x-gzip", gzip.compress),
        ("GZIP", gzip.compress),
        ("deflate", zlib.compress),
        ("deflate", raw_deflate),  # what some servers send for "deflate"
        ("identity", lambda b: b),
        ("", lambda b: b),
        ("gzip, gzip", lambda b: gzip.compress(gzip.compress(b))),
        ("deflate, identity, gzip", lambda b: gzip.compress(zlib.compress(b))),
    ],
)
def test_each_layer_is_undone_last_applied_first(header, encode):
    assert undo(encode(TEXT), header) == TEXT
    assert undo(encode(TEXT), header, size=1) == TEXT  # a byte at a time


def test_gzip_members_one_after_another_are_all_read():
    body = gzip.compress(b"first ") + gzip.compress(b"second")
    for size in (1, 2, 3, len(body)):
        assert undo(body, "gzip", size=size) == b"first second"


def test_every_layer_stops_once_it_makes_more_than_the_cap():
    bomb = gzip.compress(gzip.compress(bytes(50 * PIECE)))
    made = []
    with pytest.raises(OverCap, match="1,000 byte cap once gzip-decoded"):
        for piece in decoded(pieces(bomb), ["gzip", "gzip"], 1000):
            made.append(piece)
    assert sum(map(len, made)) <= 1000 + PIECE


def test_no_piece_is_larger_than_piece_even_from_a_tiny_input():
    bomb = gzip.compress(bytes(20 * PIECE))
    assert len(bomb) < PIECE
    sizes = [len(p) for p in decoded(iter([bomb]), ["gzip"], 10**8)]
    assert max(sizes) <= PIECE and sum(sizes) == 20 * PIECE


@pytest.mark.parametrize("header", ["br", "zstd", "compress", "gzip, br", "chunked"])
def test_a_coding_ficarchive_does_not_ask_for_is_refused(header):
    with pytest.raises(BodyError, match="is not one ficarchive decodes"):
        codings(header)


def test_a_body_that_is_not_what_it_says_is_refused():
    with pytest.raises(BodyError, match="does not decode as gzip"):
        undo(b"<html>plain, not gzip</html>", "gzip")


def test_a_gzip_body_cut_off_before_its_end_is_refused():
    with pytest.raises(BodyError, match="cut off"):
        undo(gzip.compress(TEXT)[:-50], "gzip")


def test_an_empty_body_under_a_coding_is_empty():
    assert undo(b"", "gzip") == b""


@given(st.binary(max_size=4000), st.integers(min_value=1, max_value=300))
def test_gzip_round_trips_whatever_the_pieces(data, size):
    assert undo(gzip.compress(data), "gzip", size=size) == data


@given(st.binary(max_size=2000))
def test_garbage_under_gzip_never_raises_anything_but_body_error(data):
    with contextlib.suppress(BodyError):
        undo(data, "gzip, deflate", size=7)
