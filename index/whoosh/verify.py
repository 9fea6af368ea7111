"""Reading every part of the Whoosh index, for `ficarchive doctor`.

Whoosh keeps no checksums: a damaged file shows only when its damaged bytes are
read, or when two parts that must agree do not. So every segment is read whole
(the term table, every posting list with its positions, every stored document,
every column and every length) and the parts are held against each other: a
document's stored id is its one `doc_id` term, its `work_id` column and term
agree, and each field length is the sum of that field's term counts.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

from whoosh import index as windex
from whoosh.util.numeric import byte_to_length, length_to_byte

# Enough to name the damage; the rest of a damaged segment is rebuilt, not listed.
MAX_PROBLEMS = 5


def verify(index_dir: Path, indexname: str) -> list[str]:
    """One line per damaged part of the index; [] when every part reads and agrees."""
    try:
        ix = windex.open_dir(str(index_dir), indexname=indexname)
    except Exception as exc:  # any damage of the table of contents, whatever it raises
        return [f"the table of contents does not read ({describe(exc)})"]
    problems: list[str] = []
    try:
        reader = ix.reader()
        try:
            for sub, _ in reader.leaf_readers():
                problems += [f"segment {_segment_name(sub)}: {p}" for p in Segment(sub).check()]
        finally:
            reader.close()
    except Exception as exc:  # a segment file missing or unreadable as a whole
        problems.append(f"a segment does not open ({describe(exc)})")
    finally:
        ix.close()
    return problems


def describe(exc: BaseException) -> str:
    text = " ".join(str(exc).split())[:120]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _close(a: float, b: float) -> bool:
    """Equal as the term table's 32-bit floats can hold them."""
    return abs(a - b) <= 1e-3 * max(1.0, abs(a), abs(b))


def _segment_name(sub) -> str:
    try:
        return sub.segment().segment_id()
    except Exception:
        return "?"


class Segment:
    """One segment's reader, read whole."""

    def __init__(self, reader) -> None:
        self.reader = reader
        self.schema = reader.schema
        self.count = reader.doc_count_all()
        self.live = set(reader.all_doc_ids())
        self.codec = reader.codec()
        # Whoosh 2.7.4 is the last release: its terms reader's postings file is stable.
        self.postfile = reader._terms._postfile
        self.problems: list[str] = []
        self.stored: dict[int, dict] = {}
        # field -> document -> the sum of its terms' counts (what its length must be)
        self.lengths: dict[str, Counter[int]] = defaultdict(Counter)
        self.terms: dict[str, dict[int, list[str]]] = {"doc_id": {}, "work_id": {}}

    def check(self) -> list[str]:
        for step in (self._stored, self._postings, self._columns, self._lengths, self._ids):
            if len(self.problems) >= MAX_PROBLEMS:
                break
            try:
                step()
            except Exception as exc:
                self.problem(f"{step.__name__.strip('_')}: {describe(exc)}")
        return self.problems[:MAX_PROBLEMS]

    def problem(self, text: str) -> bool:
        self.problems.append(text)
        return len(self.problems) >= MAX_PROBLEMS

    def _stored(self) -> None:
        for d in range(self.count):
            try:
                fields = self.reader.stored_fields(d)
            except Exception as exc:
                if self.problem(f"stored fields of document {d}: {describe(exc)}"):
                    return
                continue
            if not isinstance(fields, dict) or not isinstance(fields.get("doc_id"), str):
                if self.problem(f"stored fields of document {d} hold no document id"):
                    return
                continue
            self.stored[d] = fields

    def _postings(self) -> None:
        # Terms in file order, each with its term info, in one pass; each term is also
        # looked up through the table's hash index and must come after the one before:
        # a flipped byte in a key leaves a term no search can find.
        previous: tuple[str, bytes] | None = None
        for (fieldname, btext), info in self.reader:
            key = (fieldname, btext)
            if (previous is not None and key <= previous) or key not in self.reader:
                where = f"{fieldname}:{btext[:40].decode('utf-8', 'replace')!r}"
                if self.problem(f"term table: {where} is out of place (a damaged key)"):
                    return
            previous = key
            try:
                self._posting_list(fieldname, btext, info)
            except Exception as exc:
                where = f"postings of {fieldname}:{btext[:40].decode('utf-8', 'replace')!r}"
                if self.problem(f"{where}: {describe(exc)}"):
                    return

    def _posting_list(self, fieldname: str, btext: bytes, info) -> None:
        field = self.schema[fieldname]
        fmt = field.format
        positional = fmt.supports("positions")
        lengths = self.lengths[fieldname] if field.scorable else None
        terms = self.terms.get(fieldname)
        # Straight from the term info (the reader would look the term up again), and
        # deleted documents included, so the count must be the term table's own.
        m = self.codec.postings_reader(self.postfile, info, fmt, term=(fieldname, btext))
        seen, last, count, weight, top = 0, -1, self.count, 0.0, 0.0
        shortest, longest = None, 0
        decode_frequency = fmt.decode_frequency
        decode_positions = fmt.decode_positions if positional else None
        while m.is_active():
            d = m.id()
            if not last < d < count:
                raise ValueError(f"document {d} out of order or past the last ({count})")
            value, w = m.value(), m.weight()
            weight, top = weight + w, max(top, w)
            freq = decode_frequency(value)
            if decode_positions is not None:
                positions = decode_positions(value)
                ordered = positions == sorted(positions) and min(positions, default=0) >= 0
                if len(positions) != freq or not ordered:
                    raise ValueError(f"positions of document {d} do not read")
            if lengths is not None:
                lengths[d] += freq
                length = self.reader.doc_field_length(d, fieldname)
                shortest = length if shortest is None else min(shortest, length)
                longest = max(longest, length)
            if terms is not None:
                terms.setdefault(d, []).append(btext.decode("utf-8"))
            if not seen and d != info.min_id():
                raise ValueError(f"the first document is {d}, the term table says {info.min_id()}")
            seen, last = seen + 1, d
            m.next()
        if shortest is not None and (shortest, longest) != (info.min_length(), info.max_length()):
            raise ValueError(
                f"its documents are {shortest} to {longest} long; the term table says"
                f" {info.min_length()} to {info.max_length()}"
            )
        said = (info.doc_frequency(), info.max_id(), info.weight(), info.max_weight())
        if (seen, last) != said[:2] or not _close(weight, said[2]) or not _close(top, said[3]):
            raise ValueError(
                f"{seen} postings up to document {last} weighing {weight:g} (at most {top:g});"
                f" the term table says {said[0]} up to {said[1]}, {said[2]:g} ({said[3]:g})"
            )

    def _columns(self) -> None:
        for name, field in self.schema.items():
            if field.column_type is None:
                continue
            column = self.reader.column_reader(name)
            for d in range(self.count):
                value = column[d]
                stored = self.stored.get(d, {}).get(name)
                wrong = d in self.live and stored is not None and value != stored
                if wrong and self.problem(
                    f"column {name} of document {d} is {value!r}, not {stored!r}"
                ):
                    return

    def _lengths(self) -> None:
        for name, field in self.schema.items():
            if not field.scorable:
                continue
            counts = self.lengths.get(name, Counter())
            for d in sorted(self.live):
                byte = length_to_byte(counts[d])
                expected = byte_to_length(byte) if byte else None
                found = self.reader.doc_field_length(d, name) or None  # 0: no column
                if found != expected and self.problem(
                    f"length of {name} in document {d} is {found}, its terms say {expected}"
                ):
                    return

    def _ids(self) -> None:
        """Each live document: one doc_id term, its stored id; one work_id term, its work."""
        for d in sorted(self.live):
            stored = self.stored.get(d)
            if stored is None:
                continue
            for name in ("doc_id", "work_id"):
                terms = self.terms[name].get(d, [])
                if terms != [stored.get(name)] and self.problem(
                    f"document {d} is {stored.get(name)!r} in its stored fields"
                    f" but {terms[:2]!r} in the {name} terms"
                ):
                    return
