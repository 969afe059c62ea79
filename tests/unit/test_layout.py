"""The package's layout: every module imports, no import cycle, pure modules without pytest.

The import graph is read statically with ``ast``: every ``import`` and ``from ... import``
anywhere in a module (inside functions and ``TYPE_CHECKING`` blocks too), and importing
``a.b.c`` also runs ``a/__init__.py`` and ``a/b/__init__.py``, so those count as edges.
"""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest_tta_maturity

PACKAGE = "pytest_tta_maturity"
SRC = Path(pytest_tta_maturity.__file__).parent
ROOT = SRC.parent.parent
#: The modules that are pytest's side of the plugin: every other module is pure.
PYTEST_MODULES = {f"{PACKAGE}.{name}" for name in ("activation", "entry", "plugin", "hookspecs")}


def modules() -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its own name)."""
    found: dict[str, Path] = {}
    for file in sorted(SRC.rglob("*.py")):
        parts = [PACKAGE, *file.relative_to(SRC).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = file
    return found


def imported(name: str, file: Path) -> set[str]:
    """Every dotted name ``file`` imports (absolute, relative imports resolved)."""
    package = name if file.name == "__init__.py" else name.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            names.add(target)
            names.update(f"{target}.{alias.name}" for alias in node.names)
    return names


def graph() -> dict[str, set[str]]:
    """Module -> the package's modules it imports, parent packages included."""
    known = modules()
    edges: dict[str, set[str]] = {}
    for name, file in known.items():
        deps: set[str] = set()
        for target in imported(name, file):
            parts = target.split(".")
            deps.update(".".join(parts[:i]) for i in range(2, len(parts) + 1) if ".".join(parts[:i]) in known)
        # a module's own parents run before it: not an import of its own making
        edges[name] = {d for d in deps if d != name and not name.startswith(d + ".")}
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for dep in sorted(edges[node]):
            if dep not in index:
                visit(dep)
                low[node] = min(low[node], low[dep])
            elif dep in stack:
                low[node] = min(low[node], index[dep])
        if low[node] == index[node]:
            part: list[str] = []
            while True:
                top = stack.pop()
                part.append(top)
                if top == node:
                    break
            if len(part) > 1:
                found.append(sorted(part))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_every_module_imports() -> None:
    for name in modules():
        assert importlib.import_module(name).__name__ == name


def test_the_graph_sees_lazy_imports() -> None:
    # the detector itself: a cycle through an import inside a function is still a cycle
    assert cycles({"a": {"b"}, "b": {"a"}, "c": set()}) == [["a", "b"]]
    assert f"{PACKAGE}.plugin" in graph()[f"{PACKAGE}.entry"]  # entry imports the plugin inside a hook


def test_no_import_cycle() -> None:
    assert cycles(graph()) == []


def test_pure_modules_do_not_import_pytest() -> None:
    impure = {
        name
        for name, file in modules().items()
        if name not in PYTEST_MODULES
        and any(t == "pytest" or t.startswith(("pytest.", "_pytest")) for t in imported(name, file))
    }
    assert impure == set()


def test_architecture_lists_every_module() -> None:
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    table = text.split("## ", 1)[0]
    listed: set[str] = set()
    for cell in re.findall(r"^\| (.+?) \|", table, flags=re.MULTILINE):
        folder = ""
        for item in re.findall(r"`([^`]+)`", cell):
            if item.endswith("/"):
                folder = item
            elif item.endswith(".py"):
                listed.add(folder + item)
    present = {str(file.relative_to(SRC)) for file in modules().values()}
    assert sorted(listed - present) == [], "ARCHITECTURE.md lists modules that do not exist"
    assert sorted(present - listed) == [], "modules missing from ARCHITECTURE.md's table"
