"""ficarchive crawler: config, polite HTTP, site adapters and the cleaner.

Data flows one way: FetchedPage -> RawWork -> Work (see crawler.models).
"""

__version__ = "0.1.0"
