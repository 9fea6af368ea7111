"""search_cli/coercion.py converts plain command-line values exactly as typer's own
pydantic conversion does, and hands everything else to typer (issue 19's cold start)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from typer._click.exceptions import BadParameter
from typer._coercion import build_runtime_param, resolve_type_descriptor
from typer.models import OptionInfo

from search_cli import coercion

CASES = [
    (str, {}, "lantern"),
    (str, {}, ""),
    (bool, {}, True),
    (int, {}, "42"),
    (int, {}, "-7"),
    (int, {}, "02"),
    (int, {}, " 3"),
    (int, {}, "1_000"),
    (int, {}, 5),
    (int, {"min": 1}, "1"),
    (int, {"min": 1}, "0"),
    (int, {"min": 0, "max": 65535}, "65536"),
    (int, {}, "x"),
    (int, {}, "99999999999999999999999"),
    (Path, {}, "some/where.toml"),
    (Path, {}, ""),
    (list[str], {}, ("a", "b")),
    (list[Path], {}, ("a", "b/c")),
    (list[int], {}, ("1", "y")),
]


def _outcome(runtime, value):
    try:
        got = runtime.coerce(value, param=_Param(isinstance(value, tuple)), ctx=None)
    except BadParameter as exc:
        return ("error", exc.format_message())
    return ("value", type(got), got)


class _Param:
    """What typer's conversion asks of the option it converts for."""

    nargs = 1
    human_readable_name = "VALUE"

    def __init__(self, multiple: bool) -> None:
        self.multiple = multiple

    def get_error_hint(self, ctx=None) -> str:
        return "'VALUE'"


@pytest.mark.parametrize(("annotation", "limits", "value"), CASES, ids=repr)
def test_plain_conversion_answers_as_typer_does(annotation, limits, value) -> None:
    coercion.install()
    from typer.core import _TyperParameter

    descriptor = resolve_type_descriptor(annotation, OptionInfo(**limits))
    holder = SimpleNamespace(_runtime_param=None, type_descriptor=descriptor)
    plain = _TyperParameter.get_runtime_param(holder)
    assert type(plain).__name__ == "PlainRuntimeParam"
    assert _outcome(plain, value) == _outcome(build_runtime_param(descriptor), value)
