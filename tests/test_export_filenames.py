"""safe_filename: untrusted titles become one safe, unique path component on any OS."""

from __future__ import annotations

import string

from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.models import Work, WorkMeta
from search_cli.export import safe_filename
from search_cli.export.filenames import MAX_BYTES, is_reserved


def work(title: str, authors: list[str] | None = None, work_id: str = "ao3:123") -> Work:
    return Work(work_id, work_id.split(":")[0], "", WorkMeta(title=title, authors=authors or []))


def test_plain_name_shape() -> None:
    assert (
        safe_filename(work("Tea: A Story", ["Ann"]), "epub") == "Ann - Tea - A Story (ao3-123).epub"
    )
    assert safe_filename(work("", []), "md") == "Untitled (ao3-123).md"
    assert (
        safe_filename(work("T", ["a", "b", "c"], "efiction:host.org:42"), ".txt")
        == "a, b et al - T (efiction-host.org-42).txt"
    )


def test_hostile_titles() -> None:
    assert safe_filename(work("../../etc/passwd"), "txt") == "etc_passwd (ao3-123).txt"
    assert safe_filename(work("a/../b"), "txt") == "a_b (ao3-123).txt"
    assert safe_filename(work("\x1b[31mred\x1b[0m"), "txt") == "red (ao3-123).txt"
    assert safe_filename(work("evil\u202egpj.exe"), "txt") == "evilgpj.exe (ao3-123).txt"
    assert safe_filename(work('a<b>c:d"e|f?g*h\\i'), "txt") == "a_b_c - d_e_f_g_h_i (ao3-123).txt"
    assert safe_filename(work("Wait. . .  "), "txt") == "Wait (ao3-123).txt"


def test_reserved_windows_names_are_avoided() -> None:
    assert safe_filename("CON", "txt") == "_CON.txt"
    assert safe_filename("nul.tar", "gz") == "_nul.tar.gz"
    assert safe_filename("LPT9", "md") == "_LPT9.md"
    assert safe_filename(work("aux.txt"), "md") == "_aux.txt (ao3-123).md"


def test_long_titles_keep_id_and_extension() -> None:
    name = safe_filename(work("x" * 10_000, ["y" * 500]), "epub")
    assert len(name) <= 150 and name.endswith(" (ao3-123).epub")
    wide = safe_filename(work("語" * 500), "epub")  # 3 bytes a character
    assert len(wide.encode()) <= MAX_BYTES and wide.endswith(" (ao3-123).epub")


def test_unique_against_taken_case_insensitively() -> None:
    taken = {"ann - tea (ao3-123).epub"}
    first = safe_filename(work("Tea", ["Ann"]), "epub", taken)
    second = safe_filename(work("Tea", ["Ann"]), "epub", taken)
    assert first == "Ann - Tea (ao3-123) (2).epub"
    assert second == "Ann - Tea (ao3-123) (3).epub"
    assert {first, second} <= taken


@settings(max_examples=300, deadline=None)
@given(
    title=st.text(),
    authors=st.lists(st.text(max_size=80), max_size=4),
    work_id=st.text(min_size=1, max_size=60).map(lambda s: "ao3:" + s),
    ext=st.sampled_from(["epub", "html", "md", "txt", "json", "jsonl"]),
    max_len=st.integers(min_value=40, max_value=255),
)
def test_any_title_gives_one_safe_component(
    title: str, authors: list[str], work_id: str, ext: str, max_len: int
) -> None:
    taken: set[str] = set()
    for _ in range(2):
        name = safe_filename(work(title, authors, work_id), ext, taken, max_len=max_len)
        assert name.endswith("." + ext)
        assert len(name) <= max_len and len(name.encode()) <= MAX_BYTES + 10
        assert "/" not in name and "\\" not in name and "\x00" not in name
        assert name not in (".", "..") and ".." not in name
        assert not is_reserved(name)
        assert not set(name) & set('<>:"|?*')
        assert all(c.isprintable() or c == " " for c in name)
        assert name[0] not in " .-" and name[-len(ext) - 2] not in " ."
        assert name == name.strip()
        assert not any(c in string.whitespace and c != " " for c in name)
    assert len(taken) == 2
