"""Whoosh imported without the HTTP client it never uses here (issue 19's cold start).

whoosh.compat does `from urllib.request import urlretrieve` at import, for a helper
that downloads files, and with it Python loads http.client, email, ssl and calendar:
about 35 ms of CPU in every search, show and list process, a whole `import whoosh`
again. While whoosh.compat loads, `urllib.request` is a stand-in holding one
`urlretrieve` that imports the real module when called; the stand-in leaves
sys.modules the moment whoosh.compat is loaded, so any later `import urllib.request`
(the crawler's robots parser) gets the real module. If urllib.request is already
loaded there is nothing to save and whoosh imports as it always did.
"""

from __future__ import annotations

import sys
import types
from typing import Any


def _urlretrieve(*args: Any, **kwargs: Any) -> Any:
    from urllib.request import urlretrieve

    return urlretrieve(*args, **kwargs)


def import_whoosh_compat() -> None:
    """Load whoosh.compat with the stand-in in place of urllib.request."""
    if "whoosh.compat" in sys.modules or "urllib.request" in sys.modules:
        return
    stand_in = types.ModuleType("urllib.request", "stand-in while whoosh.compat loads")
    stand_in.urlretrieve = _urlretrieve  # type: ignore[attr-defined]
    sys.modules["urllib.request"] = stand_in
    try:
        import whoosh.compat  # noqa: F401
    finally:
        if sys.modules.get("urllib.request") is stand_in:
            del sys.modules["urllib.request"]
        parent = sys.modules.get("urllib")
        if parent is not None and getattr(parent, "request", None) is stand_in:
            del parent.request
