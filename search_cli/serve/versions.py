"""Past versions on the web: read any kept version, and see what changed between two.

The work page lists the versions (index/history.Version); these routes show one of
them chapter by chapter, exactly as it came, and the word-level diff `ficarchive
diff` prints. Reading a past version never moves the reading position: that
belongs to the version readers see.
"""

from __future__ import annotations

from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from crawler.errors import UsageError
from search_cli.serve.forms import work_path
from search_cli.serve.markup import chapter_body, chapter_notes, notes_markup
from search_cli.serve.pages import library, page


def _digits(request: Request, name: str, default: int | None = None) -> int:
    raw = request.path_params.get(name)
    if raw is None and default is not None:
        return default
    if raw is None or not raw.isdigit():
        raise HTTPException(404, f"no {name} {raw!r}")
    return int(raw)


def _version(shelf, work_id: str, number: int) -> dict[str, Any] | None:
    work = shelf.archive.get_work(work_id, version=number)
    if work is None:
        return None
    versions = shelf.archive.versions(work_id)
    return {
        "work": work,
        "version": next(v for v in versions if v.number == number),
        "shown": next((v.number for v in versions if v.shown), None),
        "newest": versions[-1].number,
    }


def version_chapter_path(work_id: str, version: int, chapter: int) -> str:
    return work_path(work_id, "versions", version, "chapters", chapter)


async def read_version(request: Request) -> Response:
    """/works/<id>/versions/<n>[/chapters/<c>]: chapter c (default 1) of version n."""
    work_id = request.path_params["work_id"]
    number, at = _digits(request, "number"), _digits(request, "chapter", default=1)
    found = await library(request).run(_version, work_id, number)
    if found is None:
        raise HTTPException(404, f"{work_id!r} has no version {number} in this archive")
    work = found["work"]
    if not 1 <= at <= len(work.chapters):
        raise HTTPException(404, f"version {number} of {work_id!r} has no chapter {at}")
    chapter = work.chapters[at - 1]
    before, after = chapter_notes(work, chapter)
    total = len(work.chapters)
    return page(
        request,
        "version.html",
        chapter=chapter,
        number=at,
        total=total,
        body=chapter_body(chapter),
        before=notes_markup(before),
        after=notes_markup(after),
        previous=version_chapter_path(work_id, number, at - 1) if at > 1 else None,
        next=version_chapter_path(work_id, number, at + 1) if at < total else None,
        chapter_path=lambda c: version_chapter_path(work_id, number, c),
        **found,
    )


def _query_int(request: Request, name: str) -> int | None:
    raw = request.query_params.get(name, "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise HTTPException(400, f"{name} is a version number, not {raw!r}")
    return int(raw)


async def diff_page(request: Request) -> Response:
    """/works/<id>/diff?old=A&new=B: chapters added, removed or rewritten, word by word."""
    work_id = request.path_params["work_id"]
    old, new = _query_int(request, "old"), _query_int(request, "new")

    def load(shelf) -> dict[str, Any] | None:
        work = shelf.archive.get_work(work_id)
        if work is None:
            return None
        try:
            found = shelf.archive.diff(work_id, old, new)
        except UsageError as exc:
            raise HTTPException(404, str(exc)) from None
        return {
            "work": work,
            "diff": found,
            "changed": [c for c in found.chapters if c.kind != "same"],
        }

    found = await library(request).run(load)
    if found is None:
        raise HTTPException(404, f"no work {work_id!r} in this archive")
    return page(request, "diff.html", lines=diff_lines, **found)


def diff_lines(lines: tuple[str, ...]) -> list[tuple[str, str]]:
    """(kind, text) per line of a word diff: `[-gone-]` is del, `{+new+}` is ins."""
    out = []
    for line in lines:
        if line.startswith("[-") and line.endswith("-]"):
            out.append(("del", line[2:-2]))
        elif line.startswith("{+") and line.endswith("+}"):
            out.append(("ins", line[2:-2]))
        else:
            out.append(("same", line))
    return out


ROUTES = [
    Route("/works/{work_id}/versions/{number}", read_version, name="version"),
    Route(
        "/works/{work_id}/versions/{number}/chapters/{chapter}",
        read_version,
        name="version_chapter",
    ),
    Route("/works/{work_id}/diff", diff_page, name="diff"),
]
