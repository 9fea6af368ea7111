"""The word of the search index, as a regex every layer may share.

Whoosh's RegexTokenizer default, written as one C regex: snippets, pairs and the
query checks must split text exactly where the index does.
"""

from __future__ import annotations

import re

WORD = re.compile(r"\w+(?:\.?\w+)*")
