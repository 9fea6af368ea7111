"""`ficarchive serve`: the archive as a web library and an OPDS catalog.

    app        make_app: the routes behind one gate (search_cli.serve.gate)
    library    the archive on one thread of its own (SQLite stays on its thread)
    pages      search with its facet sidebar, a work, downloads, shelves
    reader     chapter by chapter, next and previous, the reading position
    prefs      notes shown, collapsed or hidden; type size, serif or sans; theme (a cookie)
    catalog    the OPDS 1.2 routes; opds builds their Atom feeds
    forms      what a URL asks for, and the URLs that change one thing
    markup     story text through the export sanitizer; the template environment
    listen     the socket and uvicorn

Read-only but for the reading marks; binds 127.0.0.1 unless told otherwise, and then
asks for a token.
"""

from search_cli.serve.app import make_app

__all__ = ["make_app"]
