"""AO3's error pages: the 404 of a deleted work, and the failures tests inject (429, 5xx…)."""

from __future__ import annotations

from search_cli.demo.ao3.chrome import SITE, document
from search_cli.demo.ao3.text import t


def not_found_page() -> str:
    """AO3's 404 page (errors/404)."""
    main = """<h2 class="heading">Error 404</h2>
  <h3 class="heading">The page you were looking for doesn't exist.</h3>
  <p>You may have mistyped the address or the page may have been deleted.</p>"""
    return document(f"Error 404 | {SITE}", "error error-404 system errors", main)


def error_page(status: int, reason: str) -> str:
    """A plain error page for the failures tests inject (429, 5xx…)."""
    main = f"""<h2 class="heading">Error {status}</h2>
  <h3 class="heading">{t(reason)}</h3>
  <p>Please try again later.</p>"""
    return document(f"Error {status} | {SITE}", f"error error-{status} system errors", main)
