"""Command-line values converted without pydantic, when the conversion is plain.

Typer 0.2x converts every option value through a pydantic TypeAdapter built on
first use: importing pydantic (with pydantic_core, annotated_types and the
importlib.metadata its plugin loader reads) cost a search about 150 ms of CPU
here, a quarter of the whole process (issue 19). Every value ficarchive's
commands take is a str, a flag, an int (perhaps with a minimum and maximum), a Path
or a list of those, so for those this module answers directly, and only when the value
is unambiguous: a str as it came, an int written as plain digits within its range,
a Path made from a non-empty str and then handed to typer's own path checks.
Anything else (an int like "1_000" or out of range, any other annotation, a
parser) goes to typer's own pydantic conversion, so the result and every error
message stay exactly typer's. If typer's internals change shape, `install` does
nothing and typer converts as it always did.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args, get_origin

_DIGITS = re.compile(r"-?(?:0|[1-9][0-9]{0,17})")
_MISS = object()  # "not plain: ask typer"


def _plain_int(value: Any, info: Any) -> Any:
    if isinstance(value, str) and _DIGITS.fullmatch(value):
        value = int(value)
    elif not isinstance(value, int) or isinstance(value, bool):
        return _MISS
    if (info.min is not None and value < info.min) or (info.max is not None and value > info.max):
        return _MISS  # typer says what the range is
    return value


def _leaf(annotation: Any, info: Any, value: Any, ctx: Any, param: Any) -> Any:
    """The converted value, or _MISS when typer's own conversion should decide."""
    if annotation is str:
        return value if isinstance(value, str) else _MISS
    if annotation is bool:  # a flag's value (None, the unset default, never gets here)
        return value if isinstance(value, bool) else _MISS
    if annotation is int and not info.clamp:
        return _plain_int(value, info)
    if annotation is Path and info.path_type is None:
        if isinstance(value, str) and value:
            value = Path(value)
        if not isinstance(value, Path):
            return _MISS
        from typer._param_types import coerce_cli_path

        return coerce_cli_path(value, info, path_type=Path, param=param, ctx=ctx)
    return _MISS


def _plain(annotation: Any) -> bool:
    if get_origin(annotation) is list:
        return all(_plain(arg) for arg in get_args(annotation))
    return annotation in (str, bool, int, Path)


def install() -> None:
    """Put the plain conversions in front of typer's, where typer has the hook."""
    try:
        from typer._coercion import RuntimeParam, build_runtime_param
        from typer.core import _TyperParameter
    except ImportError:  # another typer: it converts as it always did
        return
    if getattr(_TyperParameter, "_ficarchive_plain", False):
        return

    @dataclass(frozen=True)
    class PlainRuntimeParam(RuntimeParam):
        descriptor: Any = None

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            info, annotation = self.parameter_info, self.annotation
            if get_origin(annotation) is list and isinstance(value, (list, tuple)):
                (item,) = get_args(annotation)
                done = [_leaf(item, info, v, ctx, param) for v in value]
                converted: Any = _MISS if any(d is _MISS for d in done) else done
            else:
                converted = _leaf(annotation, info, value, ctx, param)
            if converted is _MISS:
                typer_own = build_runtime_param(self.descriptor)
                return typer_own._coerce_value(value, param=param, ctx=ctx)
            return converted

    original = _TyperParameter.get_runtime_param

    def get_runtime_param(self: Any) -> Any:
        desc = self.type_descriptor
        info = desc.parameter_info
        if self._runtime_param is None and (
            desc.file_annotation is None and info.parser is None and _plain(desc.annotation)
        ):
            self._runtime_param = PlainRuntimeParam(
                parameter_info=info, annotation=desc.annotation, descriptor=desc
            )
        return original(self)

    _TyperParameter.get_runtime_param = get_runtime_param
    _TyperParameter._ficarchive_plain = True
