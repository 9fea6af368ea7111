"""The Whoosh search backend: the only code in ficarchive that imports whoosh.

analysis (analyzers, the stem memo), schema (one document per chapter), writer
(crash-safe commits), compile (the neutral query tree to Whoosh queries),
scoring (every matching chapter scored a block at a time), searcher (grouping
chapters into works), snippets, names (characters and ships as readers write
them), verify (every part of the index read whole, for doctor); backend (the
SearchBackend, loaded when first asked for, so that unpickling a schema loads the
analyzers alone), lean (whoosh imported without what it never uses here).
"""

from __future__ import annotations

from typing import Any

from index.whoosh.lean import import_whoosh_lean

import_whoosh_lean()  # before any other whoosh module: see lean.py


def __getattr__(name: str) -> Any:
    """`index.whoosh.WhooshBackend` and `DAMAGE`, from index/whoosh/backend.py."""
    if name in ("WhooshBackend", "DAMAGE"):
        from index.whoosh import backend

        return getattr(backend, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
