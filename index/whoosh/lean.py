"""Whoosh imported without the modules it loads and never uses here (issue 19's cold start).

whoosh.compat does `from urllib.request import urlretrieve` at import, for a helper
that downloads files, and with it Python loads http.client, email, ssl and calendar:
about 35 ms of CPU in every search, show and list process, a whole `import whoosh`
again. whoosh.query.terms does `from whoosh.lang.morph_en import variations` for the
Variations query (which ficarchive never builds), and morph_en compiles some hundred
regular expressions at import (about 8 ms). While those two whoosh modules load,
each named module is a stand-in holding the name asked for, as a function that
imports the real module when called (any other name asked of it imports the real
module and answers from it); the stand-ins leave sys.modules the moment
the whoosh module is loaded, so any later import gets the real module. A module already loaded is used as it
is, and whoosh imports as it always did.
"""

from __future__ import annotations

import contextlib
import importlib
import sys
import types
from collections.abc import Iterator
from typing import Any

# whoosh module -> (module it imports at load, the one name it takes from there)
STAND_INS = {
    "whoosh.compat": ("urllib.request", "urlretrieve"),
    "whoosh.query": ("whoosh.lang.morph_en", "variations"),
}


def _deferred(module: str, name: str) -> Any:
    def call(*args: Any, **kwargs: Any) -> Any:
        return getattr(importlib.import_module(module), name)(*args, **kwargs)

    call.__name__ = call.__qualname__ = name
    call.__doc__ = f"{module}.{name}, imported when first called (index/whoosh/lean.py)."
    return call


class _StandIn(types.ModuleType):
    """A module holding one deferred name; anything else asked of it (another thread
    importing the module while whoosh loads) imports the real module and answers
    from it, so nothing ever sees a module with a name missing."""

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("__"):
            raise AttributeError(attr)
        if sys.modules.get(self.__name__) is self:
            del sys.modules[self.__name__]
        return getattr(importlib.import_module(self.__name__), attr)


@contextlib.contextmanager
def _standing_in(module: str, name: str) -> Iterator[None]:
    if module in sys.modules:
        yield
        return
    stand_in = _StandIn(module, "stand-in while whoosh loads (index/whoosh/lean.py)")
    setattr(stand_in, name, _deferred(module, name))
    sys.modules[module] = stand_in
    try:
        yield
    finally:
        if sys.modules.get(module) is stand_in:
            del sys.modules[module]
        parent, _, child = module.rpartition(".")
        if getattr(sys.modules.get(parent), child, None) is stand_in:
            delattr(sys.modules[parent], child)


def import_whoosh_lean() -> None:
    """Load the whoosh modules of STAND_INS with their stand-ins in place."""
    for whoosh_module, (module, name) in STAND_INS.items():
        if whoosh_module not in sys.modules:
            with _standing_in(module, name):
                importlib.import_module(whoosh_module)
