"""The layering, checked from the source: data flows crawler -> index -> search_cli.

Every module's imports are read (top level and inside functions alike) and an
upward edge fails the suite, as do modules and functions that outgrow one job.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("crawler", "index", "search_cli")
BACKEND = "index.whoosh"  # the only code that may import whoosh
# What search_cli may use of index/: the front door and the records it hands out.
FRONT_DOOR = (
    "index.archive", "index.search", "index.reports", "index.records", "index.planning",
)  # fmt: skip
# The demo's sample stories and their markup are data, not code with one job.
SAMPLE_DATA = {"search_cli/demo/sample_works.py"}
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 80


def modules(*packages: str) -> list[Path]:
    return sorted(p for pkg in packages for p in (ROOT / pkg).rglob("*.py"))


def module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts)


def imports(path: Path) -> set[str]:
    """Every module this file imports, relative imports resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = (
        module_name(path).rsplit(".", 1)[0] if path.name != "__init__.py" else module_name(path)
    )
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                found.add(".".join([*base, node.module] if node.module else base))
            elif node.module:
                found.add(node.module)
                found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def upward_edges() -> list[str]:
    wrong = []
    for path in modules(*PACKAGES):
        me = module_name(path)
        for dep in imports(path):
            if within(dep, "whoosh") and not within(me, BACKEND):
                wrong.append(f"{me} imports {dep}: only {BACKEND} may import whoosh")
            if within(me, "crawler") and (within(dep, "index") or within(dep, "search_cli")):
                wrong.append(f"{me} imports {dep}: the crawler imports nothing downstream")
            if within(me, "index") and within(dep, "search_cli"):
                wrong.append(f"{me} imports {dep}: index/ never imports search_cli/")
            if (
                within(me, "search_cli")
                and within(dep, "index")
                and dep != "index"
                and not any(within(dep, door) for door in FRONT_DOOR)
            ):
                wrong.append(f"{me} imports {dep}: search_cli asks the front door only")
            if within(dep, BACKEND) and not (within(me, BACKEND) or me == "index.backend"):
                wrong.append(f"{me} imports {dep}: backends are opened through index.backend")
    return wrong


def test_imports_follow_the_data_flow():
    assert upward_edges() == []


def test_the_checker_sees_an_upward_edge(tmp_path, monkeypatch):
    """The check itself can fail: a crawler module importing the store is caught."""
    fake = tmp_path / "crawler"
    fake.mkdir()
    (fake / "bad.py").write_text("from index.store import Store\nimport whoosh\n")
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    monkeypatch.setattr(f"{__name__}.PACKAGES", ("crawler",))
    found = upward_edges()
    assert any("crawler.bad imports index.store" in w for w in found)
    assert any("crawler.bad imports whoosh" in w for w in found)


def test_only_the_whoosh_backend_names_whoosh_in_the_registry():
    from index.backend import BACKENDS

    assert all(target.startswith("index.") for target in BACKENDS.values())
    assert BACKENDS["whoosh"].split(":")[0] == BACKEND


@pytest.mark.parametrize("path", modules(*PACKAGES), ids=lambda p: str(p.relative_to(ROOT)))
def test_modules_stay_small(path):
    rel = str(path.relative_to(ROOT))
    if rel in SAMPLE_DATA:
        pytest.skip("sample stories are data")
    lines = path.read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_MODULE_LINES, f"{rel} is {lines} lines; split it by job"


@pytest.mark.parametrize("path", modules(*PACKAGES), ids=lambda p: str(p.relative_to(ROOT)))
def test_functions_stay_short(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    long = [
        f"{node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert long == [], f"{path.relative_to(ROOT)}: {', '.join(long)}"


def test_every_site_is_one_registry_line():
    """The registry is the only list of sites: config defaults come from the adapters."""
    from crawler.sites import ADAPTERS

    config = (ROOT / "crawler" / "config.py").read_text(encoding="utf-8")
    for name, cls in ADAPTERS.items():
        assert cls.name == name
        assert f'"{name}"' not in config or name == "text", f"config.py still names {name!r}"
