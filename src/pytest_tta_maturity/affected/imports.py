"""Which Python files import which, read statically (``ast``), for the rules of affected runs.

A file's imports are the modules its ``import`` and ``from ... import`` statements name
(anywhere in it, functions included): ``import a.b`` names ``a`` and ``a.b``;
``from a import b`` names ``a`` and ``a.b`` (``b`` may be a module); relative imports
are made absolute from the file's own package. A module name reaches every file whose
path ends as the name does (``a/b.py`` or ``a/b/__init__.py`` under any folder): more
files than Python would import, never fewer, which is the safe side for selecting tests.
Imports Python cannot see statically (``importlib.import_module(name)``) are not found:
the rules fall back to a full run when a changed file is reached by nothing. A file that
may look modules up by name (it imports ``importlib`` or ``pkgutil``, or calls
``__import__``) is marked :data:`LOOKS_UP`: a new module may be found by it.
"""

from __future__ import annotations

import ast
import contextlib
import copy
import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path, PurePosixPath
from typing import Any, cast

__all__ = [
    "IMPORTS_NAME",
    "LOOKS_UP",
    "ImportGraph",
    "import_graph",
    "imported_modules",
    "module_names",
    "read_module",
    "skeleton",
]

#: The file beside the record that keeps every Python file's imports by content id.
IMPORTS_NAME = "imports.json"
#: Among a file's imports: it may import modules by name (a new module may be found by it).
LOOKS_UP = "<looks modules up by name>"
_LOOKUP_MODULES = ("importlib", "pkgutil")
#: What :func:`import_graph` keeps; another format is read again.
_KEPT_FORMAT = 2


def module_names(path: str) -> list[str]:
    """The dotted names a file may be imported by: every tail of its path (``src/a/b.py``: ``a.b``, ``b``, ...)."""
    parts = list(PurePosixPath(path).with_suffix("").parts)
    if parts and parts[-1] == "__init__":
        parts.pop()
    return [".".join(parts[i:]) for i in range(len(parts))]


def _package(path: str) -> list[str]:
    return list(PurePosixPath(path).parent.parts)


def imported_modules(source: bytes, path: str) -> list[str]:
    """The modules ``source`` (the file at ``path``) imports; ``[]`` when it does not parse."""
    return read_module(source, path)[0]


def read_module(source: bytes, path: str) -> tuple[list[str], str]:
    """What the file at ``path`` imports, and its :func:`skeleton` (``""`` when it does not parse)."""
    try:
        tree = ast.parse(source, filename=path)
    except (SyntaxError, ValueError):
        return [], ""
    return _imports(tree, path), skeleton(tree)


def skeleton(tree: ast.Module) -> str:
    """A digest of what runs when the module is imported: everything but the bodies of its functions.

    A function's name, decorators, arguments (defaults run at import), annotations and docstring
    stay (a decorator may read the docstring); the rest of its body is left out, and so are line
    numbers. Two contents with the same skeleton differ only inside function bodies, which run
    only when called: the tests that ran the file's lines are then the only ones it can affect.
    """
    stripped = copy.deepcopy(tree)
    for node in ast.walk(stripped):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            first = node.body[0]  # a parsed function has a body
            keep = (
                [first]
                if isinstance(first, ast.Expr)
                and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)
                else []
            )
            node.body = [*keep, ast.Pass()]
    return hashlib.sha1(ast.dump(stripped).encode(), usedforsecurity=False).hexdigest()


def _imports(tree: ast.Module, path: str) -> list[str]:
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                pieces = alias.name.split(".")
                found.update(".".join(pieces[: i + 1]) for i in range(len(pieces)))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                package = _package(path)
                up = node.level - 1
                if up > len(package):
                    continue
                base = package[: len(package) - up] if up else package
                module = ".".join([*base, *(node.module.split(".") if node.module else [])])
            else:
                module = node.module or ""
            if not module:  # a relative import from the project's top folder: `from . import x` names x
                found.update(alias.name for alias in node.names if alias.name != "*")
                continue
            pieces = module.split(".")
            found.update(".".join(pieces[: i + 1]) for i in range(len(pieces)))
            found.update(f"{module}.{alias.name}" for alias in node.names if alias.name != "*")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "__import__":
            found.add(LOOKS_UP)
    if found.intersection(_LOOKUP_MODULES):
        found.add(LOOKS_UP)
    return sorted(found)


class ImportGraph:
    """Who imports whom among a project's Python files (from :func:`imported_modules` of each)."""

    def __init__(
        self, imports: Mapping[str, Iterable[str]], also: Iterable[str] = (), same_skeleton: Iterable[str] = ()
    ) -> None:
        """``imports`` maps each file to the modules it imports; ``also`` names files gone or unparsed that may be
        imported; ``same_skeleton`` the changed files whose change is only inside function bodies."""
        self.same_skeleton = frozenset(same_skeleton)
        by_name: dict[str, set[str]] = {}
        for path in {*imports, *also}:
            for name in module_names(path):
                by_name.setdefault(name, set()).add(path)
        self._imported_by: dict[str, set[str]] = {}
        self.looking_up = frozenset(path for path, modules in imports.items() if LOOKS_UP in modules)
        for path, modules in imports.items():
            for module in modules:
                for target in by_name.get(module, ()):
                    if target != path:
                        self._imported_by.setdefault(target, set()).add(path)

    def importers(self, target: str) -> set[str]:
        """The files that import ``target``, directly or through other files (``target`` not included)."""
        seen: set[str] = set()
        todo = [target]
        while todo:
            for importer in self._imported_by.get(todo.pop(), ()):
                if importer not in seen:
                    seen.add(importer)
                    todo.append(importer)
        seen.discard(target)
        return seen


def import_graph(
    root: Path,
    files: Mapping[str, str],
    kept: Path,
    before: Mapping[str, str] = {},
    old_source: Callable[[str], bytes | None] = lambda _content: None,
) -> ImportGraph:
    """The graph of the Python files among ``files`` (path -> content id) below ``root``.

    Each content is parsed once: what was read is kept in ``kept`` by content id. ``before``
    is the record's snapshot: its files gone may still be imported, and a changed file whose
    old content (kept, or given by ``old_source``) has the same :func:`skeleton` as the new
    one changed only inside function bodies.
    """
    try:
        stored = json.loads(kept.read_text(encoding="utf-8"))
        known = cast(dict[str, list[Any]], stored["modules"]) if stored.get("format") == _KEPT_FORMAT else {}
    except (OSError, ValueError, AttributeError, KeyError):
        known = {}
    read: dict[str, list[Any]] = {}

    def facts(content: str, source: Callable[[], bytes | None], path: str) -> tuple[list[str], str] | None:
        found = known.get(content)
        if found is None:
            data = source()
            if data is None:
                return None
            found = list(read_module(data, path))
        read[content] = found
        return cast(list[str], found[0]), str(found[1])

    def current(path: str) -> Callable[[], bytes | None]:
        def source() -> bytes | None:
            try:
                return (root / path).read_bytes()
            except OSError:  # gone since the snapshot: not read, so nothing is kept for its content id
                return None

        return source

    imports: dict[str, list[str]] = {}
    same: list[str] = []
    for path, content in files.items():
        if not path.endswith(".py"):
            continue
        now = facts(content, current(path), path)
        imports[path] = now[0] if now else []
        old = before.get(path)
        if now and now[1] and old is not None and old != content:
            then = facts(old, lambda old=old: old_source(old), path)
            if then is not None and then[1] == now[1]:
                same.append(path)
    with contextlib.suppress(OSError):
        kept.write_text(json.dumps({"format": _KEPT_FORMAT, "modules": read}, separators=(",", ":")), encoding="utf-8")
    gone = [p for p in before if p.endswith(".py") and p not in imports]
    return ImportGraph(imports, also=gone, same_skeleton=same)
