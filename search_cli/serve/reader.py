"""The reader: a work chapter by chapter, the reader's choices, and where they stopped.

Opening a chapter records it as the reading position; the optional script
(static/reader.js) adds how far down the chapter the reader scrolled and the keys
for next and previous. Without it every control is a link or a form button.
"""

from __future__ import annotations

from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from search_cli.serve.forms import form_fields, local_path, work_path
from search_cli.serve.markup import chapter_body, chapter_notes, notes_markup
from search_cli.serve.pages import library, page
from search_cli.serve.prefs import COOKIE, Prefs

YEAR = 365 * 24 * 3600


def _chapter(shelf, work_id: str, number: int) -> dict[str, Any] | None:
    work = shelf.archive.get_work(work_id)
    if work is None or not 1 <= number <= len(work.chapters):
        return None
    mark = shelf.marks.get(work_id)
    progress = mark.progress if mark.chapter == number else 0.0
    if mark.chapter != number:
        shelf.marks.set_position(work_id, number, 0.0)
    return {"work": work, "number": number, "progress": progress, "mark": mark}


def _number(request: Request) -> int:
    raw = request.path_params["number"]
    if not raw.isdigit():
        raise HTTPException(404, f"no chapter {raw!r}")
    return int(raw)


async def read_chapter(request: Request) -> Response:
    work_id, number = request.path_params["work_id"], _number(request)
    found = await library(request).run(_chapter, work_id, number)
    if found is None:
        raise HTTPException(404, f"no chapter {number} of {work_id!r} in this archive")
    work = found["work"]
    chapter = work.chapters[number - 1]
    before, after = chapter_notes(work, chapter)
    prefs = Prefs.from_cookie(request.cookies.get(COOKIE))
    show = prefs.notes != "hidden"
    total = len(work.chapters)
    return page(
        request,
        "reader.html",
        chapter=chapter,
        body=chapter_body(chapter),
        before=notes_markup(before) if show else None,
        after=notes_markup(after) if show else None,
        notes_count=len(before) + len(after),
        before_count=len(before),
        after_count=len(after),
        previous=work_path(work.id, "chapters", number - 1) if number > 1 else None,
        next=work_path(work.id, "chapters", number + 1) if number < total else None,
        total=total,
        here=work_path(work.id, "chapters", number),
        **found,
    )


async def continue_reading(request: Request) -> Response:
    """/works/<id>/read: back to the chapter the reader was in, else the first."""
    work_id = request.path_params["work_id"]

    def where(shelf) -> int | None:
        if not shelf.archive.has(work_id):
            return None
        return shelf.marks.get(work_id).chapter or 1

    number = await library(request).run(where)
    if number is None:
        raise HTTPException(404, f"no work {work_id!r} in this archive")
    return RedirectResponse(work_path(work_id, "chapters", number), 303)


async def save_position(request: Request) -> Response:
    """What the script reports as the reader scrolls: the chapter, and how far down it."""
    work_id = request.path_params["work_id"]
    fields = form_fields(await request.body())
    try:
        chapter, progress = int(fields.get("chapter", "")), float(fields.get("progress", "0"))
    except ValueError:
        raise HTTPException(400, "a position is a chapter number and a fraction") from None
    if progress != progress:  # NaN
        raise HTTPException(400, "a position is a chapter number and a fraction")

    def write(shelf) -> bool:
        work = shelf.archive.get_work(work_id)
        if work is None or not 1 <= chapter <= len(work.chapters):
            return False
        shelf.marks.set_position(work_id, chapter, progress)
        return True

    if not await library(request).run(write):
        raise HTTPException(404, f"no chapter {chapter} of {work_id!r} in this archive")
    return Response(status_code=204)


async def set_prefs(request: Request) -> Response:
    """The reader's choices go into a cookie; then back to the page they came from."""
    fields = form_fields(await request.body())
    prefs = Prefs.from_cookie(request.cookies.get(COOKIE)).updated(fields)
    response = RedirectResponse(local_path(fields.get("back")), 303)
    response.set_cookie(COOKIE, prefs.cookie(), max_age=YEAR, httponly=True, samesite="strict")
    return response


ROUTES = [
    Route("/works/{work_id}/chapters/{number}", read_chapter, name="chapter"),
    Route("/works/{work_id}/read", continue_reading, name="read"),
    Route("/works/{work_id}/position", save_position, methods=["POST"], name="position"),
    Route("/prefs", set_prefs, methods=["POST"], name="prefs"),
]
