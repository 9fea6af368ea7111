"""FictionPress: FanFiction.net's sister site for original fiction, the same markup.

`/s/ID/N` chapter by chapter, `#profile_top`, `#storytext`, the chapter menu: all
FanFiction.net's, so the FFN adapter reads it; only the host, the id prefix
(`fp:N`, FictionPress ids are their own) and the site's name differ. Its
"fandom" is the category the story is filed under (Fiction > Fantasy).
"""

from __future__ import annotations

from crawler.sites.ffn import FFNAdapter


class FictionPressAdapter(FFNAdapter):
    """Reads FictionPress chapter pages (FanFiction.net's layout)."""

    name = "fictionpress"
    default_base_url = "https://www.fictionpress.com"
    id_prefix = "fp"
    aliases = ("fictionpress.com",)
    # FanFiction.net's chrome, plus the cookie notice a browser keeps in a saved page.
    chrome = (*FFNAdapter.chrome, "#cookie_notice")
