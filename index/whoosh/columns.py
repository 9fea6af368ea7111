"""Column values of many documents at once (the work_id column, to group chapters by work)."""

from __future__ import annotations

from whoosh.columns import VarBytesColumn

# Below this many matches, reading a column document by document is cheaper than whole.
BULK_FROM = 2000


def column_values(searcher, fieldname: str, docnums) -> dict[int, bytes]:
    """The raw column values (bytes) of these documents, read in bulk when many."""
    docnums = list(docnums)
    out: dict[int, bytes] = {}
    for sub, offset in searcher.leaf_searchers():
        reader = sub.reader()
        end = offset + reader.doc_count_all()
        mine = [d for d in docnums if offset <= d < end]
        if not mine or not reader.has_column(fieldname):
            continue
        column = reader.column_reader(fieldname, translate=False)
        if len(mine) >= BULK_FROM:
            values = all_values(column)
            out.update({d: values[d - offset] for d in mine})
        else:
            out.update({d: column[d - offset] for d in mine})
    return out


def all_values(column) -> list[bytes]:
    """Every value of a column: one read for a variable-bytes column, not one per document."""
    if isinstance(column, VarBytesColumn.Reader) and len(column._lengths):
        offsets, lengths = column._offsets, column._lengths
        data = column._dbfile.get(column._basepos, offsets[-1] + lengths[-1])
        return [data[o : o + n] for o, n in zip(offsets, lengths, strict=True)]
    return list(column)
