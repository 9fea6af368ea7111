"""Whoosh's segment writer with its slow parts replaced; the postings it writes are the same.

Profiled on 1,000 generated works (issue 19), a plain `SegmentWriter` spent its time on:
the external sort (each posting pickled alone into a run file and unpickled alone at
commit), one zlib-compressed block per term even for the many terms (most of them pairs)
with one posting, the filter chain of Token objects for every body word, and a field
length read from a column for every posting at commit. Here:

- text fields analysed with the stemming or folding chain are analysed in one pass:
  the same C regex and memo of folded stems as `analysis.stems`, positions counted
  directly, and the body's pairs taken from the body's own stems;
- the pool keeps postings by term (`termpool.TermPool`): nothing is sorted or handled one
  posting at a time at commit, and past `limitmb` a run file holds marshalled chunks
  of terms, not one pickle per posting;
- field lengths are read once per field at commit, not once per posting;
- the term table keeps its per-term bookkeeping in arrays spilled to disk
  (`termtable.TermTable`), so memory does not grow with the number of terms, and
  Python's cyclic collector is off while the writer is open;
- a term's postings are written a block at a time, and a term with one posting is
  inlined into its term info (`_singleton`; Whoosh 2.7.4's own inlining is broken:
  its postings writer calls `terminfo.set_inline`, a method spelled `set_inlined`).

tests/test_index_fastwrite.py proves the terms, frequencies, postings (positions and
weights) and stored fields equal to the plain writer's.
"""

from __future__ import annotations

import gc
import struct
import zlib
from array import array
from pickle import dumps

from whoosh import writing
from whoosh.codec.whoosh3 import (
    LENGTHS_COLUMN,
    WHOOSH3_HEADER_MAGIC,
    W3Codec,
    W3FieldWriter,
    W3TermInfo,
)
from whoosh.formats import Frequency, Positions
from whoosh.system import emptybytes, pack_uint, pack_ushort
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.util.numlists import delta_encode

from index.whoosh.analysis import (
    PairsAnalyzer,
    fold_of,
    folding_analyzer,
    stem_of,
    stemming_analyzer,
)
from index.whoosh.termpool import TermPool
from index.whoosh.termtable import TermTable
from index.words import WORD

# A term with fewer postings than this is kept in its term info (no block of its own).
INLINE_LIMIT = 2
# A posting block's pickle shorter than this is written uncompressed (_blocks).
COMPRESS_FROM = 0
_LENGTH = [byte_to_length(b) for b in range(256)]
_KV = struct.Struct("!ii")  # filetables' key and value lengths
_F32 = struct.Struct("f")
_INFO = W3TermInfo._struct
# The encoded positions of a word found once in a field, by position: most words are.
_ONCE: dict[int, bytes] = {}


class _FieldWriter(W3FieldWriter):
    """Whoosh's field writer, handed each term's postings at once: `_term` writes
    exactly the blocks, term info and term-table row that start_term, add (per
    posting) and finish_term would. Its term table is `termtable.TermTable`: Whoosh's
    own keeps ~140 bytes of Python per term until it closes, and the pair field makes
    millions of terms."""

    def __init__(self, codec, storage, segment) -> None:
        # W3FieldWriter.__init__, with the term table swapped before anything is written.
        self._codec, self._storage, self._segment = codec, storage, segment
        self._fieldname = self._fieldid = self._btext = self._fieldobj = self._format = None
        self._tindex = TermTable(self._create_file(W3Codec.TERMS_EXT))
        self._fieldmap = self._tindex.extras["fieldmap"] = {}
        self._postfile = self._create_file(W3Codec.POSTS_EXT)
        self._postwriter = None
        self._infield = False
        self.is_closed = False

    def add_terms(self, schema, lengths, terms) -> None:
        """Write ((fieldname, btext), [docnum, weight, vbytes, ...]) in term order."""
        for (fieldname, btext), flat in terms:
            if fieldname != self._fieldname or not self._infield:
                if self._infield:
                    self.finish_field()
                self.start_field(fieldname, schema[fieldname])
                lens = lengths(fieldname)
            ids = flat[0::3]
            lengths_of = [lens[d] for d in ids] if lens else None
            self._term(btext, ids, flat[1::3], flat[2::3], lengths_of)
        if self._infield:
            self.finish_field()

    def _term(self, btext: bytes, ids, weights, values, lengths) -> None:
        if len(ids) == 1 and INLINE_LIMIT > 1:
            value = _singleton(ids[0], weights[0], values[0], lengths[0] if lengths else 0)
        else:
            value = self._blocks(ids, weights, values, lengths)
        # OrderedHashWriter.add, in one write.
        key = pack_ushort(self._fieldid) + btext
        t = self._tindex
        pos = t.dbfile.tell()
        t.dbfile.write(_KV.pack(len(key), len(value)) + key + value)
        t.note(key, pos)

    def _blocks(self, ids, weights, values, lengths) -> bytes:
        """W3PostingsWriter's blocks (add_posting, _write_block, finish_postings), a block
        at a time; returns the term info's bytes. A block whose pickle is shorter than
        COMPRESS_FROM is left uncompressed (the reader reads each block's own flag):
        zlib's set-up cost a third of the commit and saved little on small blocks."""
        info = W3TermInfo()
        f = self._postfile
        start = f.tell()
        f.write(WHOOSH3_HEADER_MAGIC)
        fixed = self._format.fixed_value_size()
        n, limit = len(ids), self._codec._blocklimit
        for i in range(0, n, limit):
            j = min(n, i + limit)
            bids, bw = array("I", ids[i:j]), array("f", weights[i:j])
            top = max(weights[i:j])
            top = top if top > 0 else 0
            some = [x for x in lengths[i:j] if x] if lengths else ()
            shortest, longest = (min(some), max(some)) if some else (None, 0)
            # W3TermInfo.add_block
            info._weight += sum(bw)
            info._df += j - i
            if info._minlength is None:
                info._minlength = shortest
            elif shortest is not None:
                info._minlength = min(info._minlength, shortest)
            info._maxlength = max(info._maxlength, longest)
            info._maxweight = max(info._maxweight, top)
            if info._minid is None:
                info._minid = bids[0]
            info._maxid = bids[-1]
            # _mini_ids, _mini_weights, _mini_values
            if all(w == 1.0 for w in bw):
                mw = None
            elif all(w == bw[0] for w in bw):
                mw = bw[0]
            else:
                mw = tuple(bw)
            if fixed is None or fixed < 0:
                mv = tuple(v for v in values[i:j] if v)
            elif fixed == 0:
                mv = None
            else:
                mv = emptybytes.join(v for v in values[i:j] if v)
            data = dumps((tuple(delta_encode(bids)), mw, mv), 2)
            comp = self._codec._compression if len(data) >= COMPRESS_FROM else 0
            if comp:
                data = zlib.compress(data, comp)
            head = dumps(
                (j - i, bids[-1], top, comp, length_to_byte(shortest), length_to_byte(longest)), 2
            )
            f.write_int(-(len(head) + len(data)) if j == n else len(head) + len(data))
            f.write(head)
            f.write(data)
        info.set_extent(start, f.tell() - start)
        return info.to_bytes()


def _singleton(docnum: int, weight: float, vbytes: bytes, length: int) -> bytes:
    """The bytes of an inlined one-posting term info, as W3TermInfo.to_bytes makes them
    after add_block and set_inlined (weights held as 32-bit floats, as in an array)."""
    w32 = _F32.unpack(_F32.pack(weight))[0]
    lb = length_to_byte(length) if length else 0
    head = _INFO.pack(1, w32, 1, lb, lb, weight if weight > 0 else 0, docnum, docnum)
    return head + dumps(((docnum,), (w32,), (vbytes,) if vbytes else ()), 2)


def _one_pass(field) -> str | None:
    """How a field can be analysed without Whoosh's chain: 'stem', 'fold', 'pairs' or None."""
    fmt = type(field.format)
    if fmt is Positions and field.analyzer == stemming_analyzer():
        return "stem"
    if fmt is Positions and field.analyzer == folding_analyzer():
        return "fold"
    if fmt is Frequency and isinstance(field.analyzer, PairsAnalyzer):
        return "pairs"
    return None


def _positions(words: list[str], fb: float, boost: float) -> list[tuple]:
    """(tbytes, freq, weight, vbytes) as `Positions.word_values` and `field.index` give them."""
    poses: dict[str, list[int]] = {}
    for i, w in enumerate(words):
        found = poses.get(w)
        if found is None:
            poses[w] = [i]
        else:
            found.append(i)
    out = []
    once = _ONCE
    for w, poslist in poses.items():
        n = len(poslist)
        if n == 1:
            p = poslist[0]
            vbytes = once.get(p)
            if vbytes is None:
                vbytes = once[p] = pack_uint(1) + dumps([p], 2)
        else:
            deltas, base = [], 0
            for p in poslist:
                deltas.append(p - base)
                base = p
            vbytes = pack_uint(n) + dumps(deltas, 2)
        out.append((w.encode("utf-8"), n, float(n) * fb * boost, vbytes))
    return out


def _frequencies(words: list[str], fb: float, boost: float) -> list[tuple]:
    freqs: dict[str, int] = {}
    for w in words:
        freqs[w] = freqs.get(w, 0) + 1
    return [(w.encode("utf-8"), n, float(n) * fb * boost, pack_uint(n)) for w, n in freqs.items()]


class FastSegmentWriter(writing.SegmentWriter):
    """A `SegmentWriter` (same files, same commit) with the fast paths described above."""

    def __init__(self, ix, **kwargs) -> None:
        # Python's cyclic collector is off from here to commit or cancel: the pool holds
        # a list per term, and each collection walked them all again (measured, 1,000
        # works: bench/RESULTS.md, "## index"). A build makes no cycles to collect.
        self._gc_was_on = gc.isenabled()
        gc.disable()
        try:
            kwargs.setdefault("codec", W3Codec(inlinelimit=INLINE_LIMIT))
            super().__init__(ix, **kwargs)
            limitmb = kwargs.get("limitmb", 128)
            self.pool = TermPool(self._tempstorage, limitmb)
            # The stock field writer has just created the segment's term and postings
            # files; close it unused, and this one creates them afresh.
            self.fieldwriter.close()
            self.fieldwriter = _FieldWriter(self.codec, self.storage, self.newsegment)
            self._how = {name: _one_pass(field) for name, field in self.schema.items()}
        except BaseException:
            self._restore_gc()
            raise

    def _restore_gc(self) -> None:
        if self._gc_was_on:
            self._gc_was_on = False
            gc.enable()

    def commit(self, *args, **kwargs) -> None:
        try:
            super().commit(*args, **kwargs)
        finally:
            self._restore_gc()

    def cancel(self) -> None:
        try:
            super().cancel()
        finally:
            self._restore_gc()

    def _words(self, how: str, value: str, memo: dict) -> list[str]:
        key = ("stem" if how == "pairs" else how, value)
        words = memo.get(key)
        if words is None:
            of = fold_of if how == "fold" else stem_of
            words = memo[key] = [of(w) for w in WORD.findall(value)]
        return words

    def _postings(self, name: str, field, value, boost: float, memo: dict) -> list[tuple]:
        how = self._how.get(name)
        if how is None or not isinstance(value, str):
            return [(t, f, w * boost, v) for t, f, w, v in field.index(value)]
        words = self._words(how, value, memo)
        fb = field.format.field_boost
        if how == "pairs":
            common = field.analyzer.common
            pairs = [
                f"{a}\u2423{b}"
                for a, b in zip(words, words[1:], strict=False)
                if a in common or b in common
            ]
            return _frequencies(pairs, fb, boost)
        return _positions(words, fb, boost)

    def add_document(self, **fields) -> None:
        self._check_state()
        perdocwriter, schema, docnum = self.perdocwriter, self.schema, self.docnum
        docboost = self._doc_boost(fields)
        fieldnames = sorted(name for name in fields if not name.startswith("_"))
        self._check_fields(schema, fieldnames)
        memo: dict = {}
        posts: list[tuple] = []
        size = 0
        perdocwriter.start_doc(docnum)
        for fieldname in fieldnames:
            value = fields.get(fieldname)
            if value is None:
                continue
            field = schema[fieldname]
            if field.separate_spelling() or field.vector:
                raise ValueError(f"{fieldname}: spelling and vector fields are not supported")
            length = 0
            if field.indexed:
                boost = self._field_boost(fields, fieldname, docboost)
                items = self._postings(fieldname, field, value, boost, memo)
                scorable = field.scorable
                for tbytes, freq, weight, vbytes in items:
                    if scorable:
                        length += freq
                    posts.append(((fieldname, tbytes), weight, vbytes))
                    # About what PostingPool.add estimates for one posting.
                    size += 100 + 2 * len(tbytes) + len(vbytes)
            customval = fields.get(f"_stored_{fieldname}", value)
            perdocwriter.add_field(fieldname, field, customval if field.stored else None, length)
            column = field.column_type
            if column and customval is not None:
                perdocwriter.add_column_value(fieldname, column, field.to_column_value(customval))
        perdocwriter.finish_doc()
        self.pool.add_many(docnum, posts, size)
        self._added = True
        self.docnum += 1

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        pdr = self.per_document_reader()
        count = self.docnum
        cache: dict[str, list[int] | None] = {}

        def lengths(fieldname: str) -> list[int] | None:
            if fieldname not in cache:
                column = pdr._cached_reader(f"_{fieldname}_len", LENGTHS_COLUMN)
                if column is None:
                    cache[fieldname] = None
                else:
                    raw = column._dbfile.get(column._basepos, column._count)
                    raw += bytes(max(0, count - len(raw)))
                    cache[fieldname] = [_LENGTH[b] for b in raw]
            return cache[fieldname]

        self.fieldwriter.add_terms(self.schema, lengths, self.pool.iter_terms())
        self.fieldwriter.close()
        pdr.close()
