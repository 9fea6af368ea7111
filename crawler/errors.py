"""The one exception tree of ficarchive.

FicarchiveError
 ├── ConfigError          bad config file, key or value (exit 2)
 ├── UsageError           a bad command line or query (exit 2)
 │    └── QueryError      a search query that cannot be parsed
 ├── FetchError           a page could not be fetched
 │    ├── RobotsDisallowed    robots.txt forbids the URL
 │    ├── RateLimited         429/503 beyond the retries
 │    ├── Gone                404/410 or a deleted-work page
 │    ├── LoginRequired       registered users only / login page
 │    ├── AdultContent        behind the adult-content interstitial (allow_adult is off)
 │    ├── Challenge           Cloudflare or another challenge page
 │    ├── DeadlineExceeded    no whole answer within request_deadline_seconds
 │    ├── HostGivenUp         a host that kept failing, left alone for the rest of the run
 │    └── OffsiteURL          a URL or redirect outside the configured hosts
 ├── ParseError           a page that is not what its adapter expects
 ├── StoreError           the archive store cannot be opened or written
 │    └── ArchiveLocked   another process is crawling this archive
 ├── IndexingError        the Whoosh index cannot be built or opened
 └── ExportError          a work could not be exported
"""

from __future__ import annotations


class FicarchiveError(Exception):
    """Root of every error ficarchive raises on purpose; the CLI prints one line."""

    exit_code = 1


class ConfigError(FicarchiveError):
    """The config file, a key or a value is wrong."""

    exit_code = 2


class UsageError(FicarchiveError):
    """The command line asks for something that cannot be done."""

    exit_code = 2


class QueryError(UsageError):
    """A search query that cannot be parsed."""


class FetchError(FicarchiveError):
    """A page could not be fetched."""

    def __init__(self, message: str, url: str = "", status: int | None = None) -> None:
        super().__init__(message)
        self.url = url
        self.status = status


class RobotsDisallowed(FetchError):
    """robots.txt forbids this URL for ficarchive."""


class RateLimited(FetchError):
    """The host kept answering 429/503 after every retry."""


class Gone(FetchError):
    """The work answers 404/410 or shows a deleted-work page."""


class LoginRequired(FetchError):
    """The work is open to registered users only."""


class AdultContent(FetchError):
    """The work is behind the adult-content interstitial and the config does not allow adult works."""


class Challenge(FetchError):
    """A Cloudflare or other bot challenge: never circumvented."""


class DeadlineExceeded(FetchError):
    """No whole answer (connect, headers and body) within the request deadline."""


class HostGivenUp(FetchError):
    """A host that kept failing this run: nothing more is sent to it until the next run."""


class OffsiteURL(FetchError):
    """A URL or redirect that leaves the configured hosts."""


class ParseError(FicarchiveError):
    """A page is not what its adapter expects."""


class NotAStory(ParseError):
    """A saved page a site made that holds no story (a log-in page, a notice, a listing):
    `import` skips it, saying which page to save instead, and is not a failure."""


class StoreError(FicarchiveError):
    """The archive store cannot be opened, migrated or written."""


class ArchiveLocked(StoreError):
    """Another process holds the archive's crawl lock."""


class IndexingError(FicarchiveError):
    """The search index cannot be built, opened or searched."""


class ExportError(FicarchiveError):
    """A work could not be exported."""
