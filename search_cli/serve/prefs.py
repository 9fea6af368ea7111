"""How the reader likes to read: notes shown, collapsed or hidden, type size, serif or
sans, light, sepia or dark. Kept in a cookie (the browser remembers; the archive is not
written), applied as classes on the page, so no inline style is needed."""

from __future__ import annotations

from dataclasses import dataclass, replace
from urllib.parse import parse_qsl, urlencode

COOKIE = "ficarchive_reader"
NOTES = ("shown", "collapsed", "hidden")
FONTS = ("serif", "sans")
THEMES = ("light", "sepia", "dark")
SIZES = tuple(range(70, 210, 10))  # percent; the stylesheet has a class for each


@dataclass(frozen=True)
class Prefs:
    notes: str = "shown"
    size: int = 100
    font: str = "serif"
    theme: str = "light"

    @classmethod
    def from_cookie(cls, value: str | None) -> Prefs:
        return cls().updated(dict(parse_qsl(value or "")))

    def updated(self, fields: dict[str, str]) -> Prefs:
        """These prefs with whatever valid choices `fields` holds; the rest ignored."""
        out = self
        if fields.get("notes") in NOTES:
            out = replace(out, notes=fields["notes"])
        if fields.get("font") in FONTS:
            out = replace(out, font=fields["font"])
        if fields.get("theme") in THEMES:
            out = replace(out, theme=fields["theme"])
        size = fields.get("size", "")
        if size.isdigit() and int(size) in SIZES:
            out = replace(out, size=int(size))
        return out

    def cookie(self) -> str:
        return urlencode(
            {"notes": self.notes, "size": self.size, "font": self.font, "theme": self.theme}
        )

    @property
    def classes(self) -> str:
        return f"theme-{self.theme} font-{self.font} size-{self.size} notes-{self.notes}"

    @property
    def smaller(self) -> int | None:
        return self.size - 10 if self.size - 10 in SIZES else None

    @property
    def larger(self) -> int | None:
        return self.size + 10 if self.size + 10 in SIZES else None
