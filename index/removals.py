"""Removals: the only way text leaves the archive, all or nothing as readers see it.

A removal is first marked (one write), so no search or list shows the work again
whatever interrupts; then the work leaves the index, then the store. The mark
stays afterwards, so a crawl of a listing that holds the work never brings it
back; `add` by URL does.
"""

from __future__ import annotations

from index.store import Store, now_iso


class Removals:
    """The marks of works the user removed, kept in the store's crawl state."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.db = store.db

    def transaction(self, what: str):
        return self.store.transaction(what)

    def mark(self, work_ids: list[str]) -> None:
        """The user removes these works: marked first, in one write (see Archive.remove)."""
        with self.transaction("mark works for removal") as db:
            db.executemany(
                "INSERT INTO crawl_state (url, kind, state, reason, attempts, updated_at)"
                " VALUES (?, 'remove', 'pending', '', 0, ?) ON CONFLICT (url) DO UPDATE SET"
                " kind = 'remove', state = 'pending'",
                [(f"remove:{i}", now_iso()) for i in work_ids],
            )

    def pending(self) -> list[str]:
        """Works marked for removal whose removal has not finished."""
        return [
            r[0][len("remove:") :]
            for r in self.db.execute(
                "SELECT url FROM crawl_state WHERE kind = 'remove' AND state = 'pending'"
            )
        ]

    def removed(self) -> list[str]:
        """Works the user removed (a crawl skips them; `add` by URL brings one back)."""
        rows = self.db.execute("SELECT url FROM crawl_state WHERE kind = 'remove'")
        return [r[0][len("remove:") :] for r in rows]

    def forget(self, work_id: str) -> None:
        if self.db.execute(
            "SELECT 1 FROM crawl_state WHERE url = ? AND state = 'done'", (f"remove:{work_id}",)
        ).fetchone():
            with self.transaction(f"forget that {work_id} was removed") as db:
                db.execute("DELETE FROM crawl_state WHERE url = ?", (f"remove:{work_id}",))
