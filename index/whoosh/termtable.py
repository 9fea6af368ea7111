"""The fast writer's term table: Whoosh's `OrderedHashWriter` file, with its bookkeeping
on disk, so a build's memory does not grow with its number of terms.

Whoosh's writer keeps, until the table closes, a `(hash, position)` tuple in one of 256
lists and a position in an array for every term: about 140 bytes a term in Python.
ficarchive's pair field makes millions of terms (issue 19: 555k terms at 1,000 works),
so that bookkeeping was most of what made the build's peak grow with N. Here the hashes
and positions are held in typed arrays (12 bytes a term) and, past `SPILL` terms, appended
to an unnamed temporary file; at close each of the 256 hash tables is built from its own
slices, read back in the order written, so the file is the one Whoosh writes, byte for byte
(tests/test_index_termtable.py).
"""

from __future__ import annotations

import struct
import sys
import tempfile
from array import array

from whoosh.filedb.filetables import HashWriter, OrderedHashWriter

# Terms held in memory before their hashes and positions go to the temporary file.
SPILL = 1 << 18
_POINTER = struct.Struct("!Iq")  # filetables._pointer: one hash-table slot


def _index_type(largest: int) -> str:
    """The typecode Whoosh's GrowableArray('H') ends with for increasing positions."""
    if largest < 2**16:
        return "H"
    if largest < 2**31:
        return "i"
    return "I" if largest < 2**32 else "q"


class TermTable(OrderedHashWriter):
    """An `OrderedHashWriter` (same file) holding its per-key bookkeeping compactly."""

    def __init__(self, dbfile) -> None:
        super().__init__(dbfile)
        self.buckets = None  # never the base class's lists of tuples
        self._hashes = [array("I") for _ in range(256)]
        self._poses = [array("q") for _ in range(256)]
        self._order = array("q")
        self._spilled: list[tuple[list[tuple[int, int]], tuple[int, int]]] = []
        self._spill = None
        self._count = 0

    def add(self, key: bytes, value: bytes) -> None:
        """OrderedHashWriter.add (keys must increase)."""
        if key <= self.lastkey:
            raise ValueError(f"Keys must increase: {self.lastkey!r}..{key!r}")
        pos = self.dbfile.tell()
        self.dbfile.write(struct.pack("!ii", len(key), len(value)) + key + value)
        self.note(key, pos)

    def note(self, key: bytes, pos: int) -> None:
        """Record a key already written at `pos` (the fast writer writes rows itself)."""
        h = self.hashfn(key)
        self._hashes[h & 255].append(h)
        self._poses[h & 255].append(pos)
        self._order.append(pos)
        self.lastkey = key
        self._count += 1
        if len(self._order) >= SPILL:
            self._save()

    def __len__(self) -> int:
        return self._count

    def _save(self) -> None:
        """Append the held arrays to the temporary file; remember where each one went."""
        if self._spill is None:
            # closed with the table (close); unnamed, so a crash leaves nothing behind
            self._spill = tempfile.TemporaryFile(prefix="ficarchive-terms-")  # noqa: SIM115
        f = self._spill
        slices = []
        for hashes, poses in zip(self._hashes, self._poses, strict=True):
            slices.append((f.tell(), len(hashes)))
            hashes.tofile(f)
            poses.tofile(f)
            del hashes[:], poses[:]
        self._spilled.append((slices, (f.tell(), len(self._order))))
        self._order.tofile(f)
        del self._order[:]

    def _read(self, typecode: str, offset: int, count: int) -> array:
        found = array(typecode)
        self._spill.seek(offset)
        found.fromfile(self._spill, count)
        return found

    def _bucket(self, i: int) -> tuple[array, array]:
        hashes, poses = array("I"), array("q")
        for slices, _ in self._spilled:
            offset, count = slices[i]
            hashes += self._read("I", offset, count)
            poses += self._read("q", offset + 4 * count, count)
        return hashes + self._hashes[i], poses + self._poses[i]

    def _write_hashes(self) -> None:
        """HashWriter._write_hashes: the same slots, filled in the order keys came."""
        dbfile = self.dbfile
        for i in range(256):
            hashes, poses = self._bucket(i)
            numslots = 2 * len(hashes)
            self.directory.append((dbfile.tell(), numslots))
            slot_h, slot_p = array("I", bytes(4 * numslots)), array("q", bytes(8 * numslots))
            for h, p in zip(hashes, poses, strict=True):
                slot = (h >> 8) % numslots
                while slot_p[slot]:  # no key starts at 0 (the header is there)
                    slot = (slot + 1) % numslots
                slot_h[slot], slot_p[slot] = h, p
            dbfile.write(b"".join(map(_POINTER.pack, slot_h, slot_p)))

    def _write_extras(self) -> None:
        """OrderedHashWriter._write_extras, the position index streamed from its slices."""
        parts = [(offset, count) for _, (offset, count) in self._spilled]
        last = self._order[-1] if self._order else None
        if last is None and parts:
            offset, count = parts[-1]
            last = self._read("q", offset + 8 * (count - 1), 1)[0]
        typecode = "H" if last is None else _index_type(last)
        self.extras["indextype"] = typecode
        self.extras["indexlen"] = self._count
        HashWriter._write_extras(self)
        for offset, count in parts:
            self._write_index(self._read("q", offset, count), typecode)
        self._write_index(self._order, typecode)

    def _write_index(self, positions: array, typecode: str) -> None:
        part = array(typecode, positions)
        if sys.byteorder == "little":  # StructFile.write_array: big-endian on disk
            part.byteswap()
        self.dbfile.write(part.tobytes())

    def close(self) -> int:
        try:
            return super().close()
        finally:
            if self._spill is not None:
                self._spill.close()
