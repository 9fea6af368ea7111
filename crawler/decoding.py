"""Content-Encoding undone one layer at a time, streaming, every layer capped.

httpx decodes each layer of a chunk whole, so 16 KB of `gzip, gzip` becomes
gigabytes before a size cap can look at it. Here every layer hands on pieces of
at most PIECE bytes and stops as soon as it has made more than the cap, so no
more than about the cap is ever held. Only what ficarchive asks for
(ACCEPT_ENCODING) is decoded; any other coding is refused, not passed on raw.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator

PIECE = 64 * 1024
ACCEPT_ENCODING = "gzip, deflate"
_GZIP_MAGIC = b"\x1f\x8b"
_WBITS = {"gzip": zlib.MAX_WBITS | 16, "deflate": zlib.MAX_WBITS}
_ALIASES = {"x-gzip": "gzip", "identity": "identity", "gzip": "gzip", "deflate": "deflate"}


class BodyError(Exception):
    """A body that cannot be decoded as it says, or grows past the cap; the message says which."""


class OverCap(BodyError):
    """A layer made more than the cap."""


def codings(header: str) -> list[str]:
    """The codings of a Content-Encoding header in the order they were applied."""
    found = []
    for name in header.split(","):
        name = name.strip().lower()
        if not name:
            continue
        if name not in _ALIASES:
            raise BodyError(
                f"Content-Encoding {name!r} is not one ficarchive decodes "
                f"(it asks for {ACCEPT_ENCODING})"
            )
        if _ALIASES[name] != "identity":
            found.append(_ALIASES[name])
    return found


def decoded(raw: Iterable[bytes], applied: list[str], cap: int) -> Iterator[bytes]:
    """The body under `applied` codings, last applied undone first, each layer capped."""
    stream: Iterable[bytes] = raw
    for coding in reversed(applied):
        stream = _layer(stream, coding, cap)
    return iter(stream)


def _layer(pieces: Iterable[bytes], coding: str, cap: int) -> Iterator[bytes]:
    inflater = _Inflater(coding)
    made = 0
    for piece in pieces:
        for out in inflater.feed(piece):
            made += len(out)
            if made > cap:
                raise OverCap(f"over the {cap:,} byte cap once {coding}-decoded")
            yield out
    inflater.finish()


class _Inflater:
    """One gzip or deflate layer, fed in pieces, never making more than PIECE at a time."""

    def __init__(self, coding: str) -> None:
        self.coding = coding
        self.wbits = _WBITS[coding]
        self.zlib = zlib.decompressobj(self.wbits)
        self.fed = False  # any input yet
        self.started = False  # any output yet: a raw-deflate fallback is only tried before
        self.ended = False  # a whole stream (or gzip member) has been read
        self.done = False  # nothing after this is decoded
        self.carry = b""  # the first byte of a next gzip member, split from the rest
        self.head = bytearray()  # the input before any output: deflate may be raw after all

    def feed(self, data: bytes) -> Iterator[bytes]:
        if data and self.ended:
            data = self._next_member(self.carry + data)
        self.fed = self.fed or bool(data)
        while data or not self.ended:
            out = self._decompress(data)
            if out:
                self.started = True
                yield out
            if self.zlib.eof:
                self.ended = True
                data = self._next_member(self.zlib.unused_data)
                continue
            data = self.zlib.unconsumed_tail
            if not data and len(out) < PIECE:
                return  # all used up; a full PIECE means zlib may hold more, so ask again

    def _decompress(self, data: bytes) -> bytes:
        may_be_raw = self.coding == "deflate" and not self.started and self.wbits > 0
        if may_be_raw and len(self.head) < PIECE:
            self.head += data  # replayed if this turns out to be raw deflate
        try:
            return self.zlib.decompress(data, PIECE)
        except zlib.error as exc:
            if may_be_raw and len(self.head) < PIECE:
                # Some servers send raw deflate, without the zlib wrapper RFC 9110 asks for.
                self.wbits = -zlib.MAX_WBITS
                self.zlib = zlib.decompressobj(self.wbits)
                return self._decompress(bytes(self.head))
            raise BodyError(f"the body does not decode as {self.coding}: {exc}") from None

    def _next_member(self, rest: bytes) -> bytes:
        """After one gzip member another may follow (RFC 1952 2.2); anything else is dropped."""
        self.carry = b""
        if self.done or not rest:
            return b""
        if self.coding == "gzip" and len(rest) < len(_GZIP_MAGIC) and _GZIP_MAGIC.startswith(rest):
            self.carry = rest
            return b""
        if self.coding == "gzip" and rest.startswith(_GZIP_MAGIC):
            self.zlib = zlib.decompressobj(self.wbits)
            self.ended = False
            return rest
        self.done = True
        return b""

    def finish(self) -> None:
        if self.fed and not self.ended:
            raise BodyError(f"the {self.coding} body is cut off before its end")
