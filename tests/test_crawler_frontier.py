"""The frontier: discover -> fetch -> parse -> clean, writing nothing itself.

It asks a read-only StoredState what is kept and returns typed outcomes; these
tests give it a fake state and a real loopback server where it fetches."""

from __future__ import annotations

from crawler.config import Source, parse_config
from crawler.frontier import Frontier
from crawler.ports import Known
from crawler.sites import adapter


class Nothing:
    """An archive that holds nothing yet."""

    def known(self, work_id: str) -> Known | None:
        return None

    def validators(self, work_id: str, url: str) -> tuple[str | None, str | None]:
        return None, None

    def pages(self, work_id: str) -> list:
        return []


class Holding(Nothing):
    def __init__(self, **known: Known) -> None:
        self.held = known

    def known(self, work_id: str) -> Known | None:
        return self.held.get(work_id)


def test_a_start_url_that_is_a_work_becomes_that_sites_own_entry_url(tmp_path):
    """An FFN story URL once became https://www.fanfiction.net/works/5853866: the
    crawl built AO3's /works/<id> for every site."""
    config = parse_config({"archive": {"path": str(tmp_path)}})
    ffn = adapter(config, "ffn")
    source = Source("ffn", "ffn", ("https://www.fanfiction.net/s/5853866/3/Some-Story",))
    found = Frontier(config, None, Nothing()).discover(ffn, source, None)
    assert [(e.site_id, e.url) for e in found.entries] == [
        ("5853866", "https://www.fanfiction.net/s/5853866/1/")
    ]
    assert found.listings == []  # nothing was asked of the network
    ao3 = adapter(config, "ao3")
    source = Source("ao3", "ao3", ("/works/123/chapters/9",))
    found = Frontier(config, None, Nothing()).discover(ao3, source, None)
    assert [e.url for e in found.entries] == ["https://archiveofourown.org/works/123"]


def test_dry_run_plans_only_what_is_new_changed_or_gone(tmp_path):
    from crawler.sites.base import ListingEntry

    config = parse_config({"archive": {"path": str(tmp_path)}})
    ao3 = adapter(config, "ao3")
    same = ListingEntry("1", "u1", updated="2024-01-01", chapters="1/1")
    moved = ListingEntry("2", "u2", updated="2024-02-02", chapters="2/2")
    gone = ListingEntry("3", "u3", updated="2024-01-01", chapters="1/1")
    new = ListingEntry("4", "u4")
    state = Holding(
        **{
            "ao3:1": Known(same.fingerprint, False, False),
            "ao3:2": Known("2024-01-01|1/2", False, False),
            "ao3:3": Known(gone.fingerprint, True, False),
        }
    )
    planned = Frontier(config, None, state).planned(ao3, [same, moved, gone, new])
    assert planned == ["u2", "u3", "u4"]
    unchanged = Frontier(config, None, state).check(ao3, same)
    assert unchanged.kind == "unchanged" and unchanged.work is None


def test_without_a_client_the_frontier_never_fetches(tmp_path):
    config = parse_config({"archive": {"path": str(tmp_path)}})
    ao3 = adapter(config, "ao3")
    found = Frontier(config, None, Nothing()).fetch(ao3, "7", "https://archiveofourown.org/works/7")
    assert found.kind == "failed" and "does not fetch" in found.reason
