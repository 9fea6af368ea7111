"""Search results and lists as the user sees them: a table of works (or one line
per work), then the facet counts, so the counts stay on screen after the results.

`search` shows which chapters matched and snippets; `list` has no query, so it
shows each work's chapter count as AO3 does (3/3, or 3/? when the total is not
known yet). Sorting by kudos, hits or a date shows that value in its own column.
"""

from __future__ import annotations

from rich import box
from rich.markup import escape
from rich.table import Table

from index.search import MARK_CLOSE, MARK_OPEN, Hit, SearchResult
from search_cli.render import clean, out, safe

STATUS_LABELS = {"complete": "complete", "in_progress": "in progress", "gone": "gone upstream"}
# A sort whose value the words and status columns do not already show: its own column.
SORT_COLUMNS = ("kudos", "hits", "updated", "published")


def marked(snippet: str) -> str:
    """«match» marks turned into bold, the rest escaped."""
    text = safe(snippet)
    return text.replace(MARK_OPEN, "[bold yellow]").replace(MARK_CLOSE, "[/bold yellow]")


def chapter_count(hit: Hit) -> str:
    """Chapters kept over chapters planned, as AO3 writes it: 3/3, 2/5, 3/?."""
    total = hit.fields.get("chapters_total")
    return f"{hit.fields.get('chapters', 0) or 0}/{total or '?'}"


def sort_value(hit: Hit, sort: str) -> str:
    value = hit.fields.get(sort)
    if isinstance(value, int):
        return f"{value:,}"
    return safe(value or "")


def _title(result: SearchResult, query: str, page: int, limit: int) -> str | None:
    """The heading ("1-20 of 31 works match holmes"), or None having said why nothing shows."""
    if not result.hits:
        if result.total:
            out.print(f"{result.total} works match {safe(query)}; page {page} is past the last.")
        else:
            out.print(
                f"No works match {safe(query)}." if query else "The archive holds no works yet."
            )
        return None
    first = (max(page, 1) - 1) * limit + 1
    shown = f"{first}-{first + len(result.hits) - 1} of " if result.total > len(result.hits) else ""
    verb = "work matches" if result.total == 1 else "works match"
    title = f"{verb} {safe(query)}" if query else ("work" if result.total == 1 else "works")
    return f"{shown}{result.total} {title}"


def results_table(
    result: SearchResult,
    query: str,
    *,
    page: int = 1,
    limit: int = 20,
    sort: str = "relevance",
    listing: bool = False,
) -> None:
    """One row per work: who and what in one stacked cell (so it stays readable
    in an 80-column terminal), then words, status, and either the matching
    chapters with a snippet from each (search) or the chapter count (listing)."""
    title = _title(result, query, page, limit)
    if title is None:
        return
    table = Table(
        title=title, box=box.SIMPLE_HEAD, show_lines=True, expand=True, title_justify="left"
    )
    table.add_column("work", ratio=3, overflow="fold")
    table.add_column("words", justify="right", no_wrap=True)
    if sort in SORT_COLUMNS:
        table.add_column(sort, justify="right", no_wrap=True)
    table.add_column("status", no_wrap=True)
    table.add_column("chapters" if listing else "ch.", justify="right", max_width=9)
    if not listing:
        table.add_column("snippet", ratio=4, overflow="fold")
    for hit in result.hits:
        row = [_work_cell(hit), f"{hit.words:,}"]
        row += [sort_value(hit, sort)] if sort in SORT_COLUMNS else []
        row.append(STATUS_LABELS.get(hit.status, safe(hit.status)))
        if listing:
            row.append(chapter_count(hit))
        else:
            chapters = ", ".join(str(c) for c in hit.chapters[:10])
            row += [chapters + ("…" if len(hit.chapters) > 10 else ""), _snippets(hit)]
        table.add_row(*row)
    out.print(table)


def _work_cell(hit: Hit) -> str:
    fandoms = ", ".join(hit.fandoms[:2]) + ("…" if len(hit.fandoms) > 2 else "")
    return (
        f"[bold]{safe(hit.title) or '(untitled)'}[/]\n"
        f"by {safe(', '.join(hit.authors) or 'Anonymous')}\n"
        f"[italic]{safe(fandoms)}[/]\n[dim]{safe(hit.id)}[/]"
    )


def _snippets(hit: Hit) -> str:
    return "\n".join(
        (
            f"[green]{safe(m.source)}[/] {marked(m.snippet)}"
            if m.chapter == 0 or m.source == "summary"
            else f"[green]ch. {m.chapter}[/] {marked(m.snippet)}"
        )
        for m in hit.matches
        if m.snippet
    )


def short_list(
    result: SearchResult, query: str, *, page: int = 1, limit: int = 50, sort: str = "title"
) -> None:
    """One line per work, like `git log --oneline`: id, title, author, words,
    chapters, status (and the sorted-by value when it is not one of those)."""
    title = _title(result, query, page, limit)
    if title is None:
        return
    out.print(f"[bold]{title}[/]")
    width = max(len(h.id) for h in result.hits)
    titles = {h.id: clean(h.title)[:40] or "(untitled)" for h in result.hits}
    room = max(len(t) for t in titles.values())  # titles padded: the rest lines up
    for hit in result.hits:
        extra = f"  {sort} {sort_value(hit, sort)}" if sort in SORT_COLUMNS else ""
        out.print(
            f"[dim]{safe(hit.id):<{width}}[/]  [bold]{escape(titles[hit.id]):<{room}}[/]"
            f"  by {safe(', '.join(hit.authors) or 'Anonymous')}"
            f"  {hit.words:,} words  {chapter_count(hit)}"
            f"  {STATUS_LABELS.get(hit.status, safe(hit.status))}{extra}",
            overflow="ellipsis",
            no_wrap=True,
            crop=True,
        )


FACET_TITLES = {"tags": "additional tags", "warnings": "archive warnings", "words": "length"}


def facet_tables(facets: dict) -> None:
    """A small table per group, after the results (so they do not scroll away)."""
    for name, rows in ((n, r) for n, r in facets.items() if r):  # empty groups left out
        title = FACET_TITLES.get(name, name)
        table = Table(title=f"by {title}")
        table.add_column(title)
        table.add_column("works", justify="right")
        for value, count in rows:
            table.add_row(safe(value), str(count))
        out.print(table)
