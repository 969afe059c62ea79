"""Find a project's components and their tests for ``tta-maturity init``, by reading files only.

Nothing is imported or run. The rules, in the order they apply:

- **Where code lives.** The project's ``src/`` folder (packages, namespace folders and modules
  in it), or without one the folders with ``__init__.py`` at its top level; the same for every
  member of a uv workspace (``[tool.uv.workspace] members``, globs and ``exclude`` included).
- **Containers are split.** A package is a container when its own code is small beside its
  parts: it has at least two parts, at least one of them a sub-package, and the code lines of its
  parts outweigh its own (its ``__init__.py`` and the modules that are not parts). Parts are the
  sub-packages and, for each sub-package ``X``, the modules ``X.py`` and ``X_*.py`` beside it,
  which join ``X``; a module named ``*_component.py`` also counts as a part. A container becomes
  one component per sub-package (with its modules) and one per remaining module; a sub-package
  that is a container itself is split the same way.
- **Tests by their imports.** A test file (pytest's ``python_files``, ``test_*.py`` and
  ``*_test.py`` by default, under ``testpaths`` when set, else anywhere in the project) counts for
  every component it imports: ``import``, ``from ... import`` and attribute chains on an imported
  package (``import pkg`` then ``pkg.carbon.x``), read with :mod:`ast`. A folder whose test files
  all count for a component is listed as the folder.
"""

from __future__ import annotations

import ast
import fnmatch
import glob
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, cast

#: Folders that ``init`` never takes for packages.
SKIP_PACKAGES = frozenset(
    {
        *("tests", "test", "testing", "docs", "doc", "examples", "example", "benchmarks"),
        *("build", "dist", "site-packages", "node_modules", "venv", "env", "__pycache__", "scripts", "tools"),
    }
)
#: Folders never searched for test files.
SKIP_FOLDERS = frozenset({"build", "dist", "site-packages", "node_modules", "venv", "env", "__pycache__"})
DEFAULT_TEST_FILES = ("test_*.py", "*_test.py")
#: Modules whose name says they are one component of a container.
PART_SUFFIXES = ("_component", "_components")


@dataclass
class Found:
    """One component found: its name, its paths (relative to the project root) and its tests."""

    name: str
    paths: list[str]
    modules: list[str]  # the dotted import names of its paths
    tests: list[str] = field(default_factory=list[str])
    within: tuple[str, ...] = ()  # the containers it was split out of, outermost first


@dataclass(frozen=True)
class Doubt:
    """Something ``init`` could not decide: a component no test imports, a test importing none, an unreadable test."""

    kind: Literal["untested", "orphan", "unreadable"]
    subject: str  # the component's name, or the test file's path
    line: int | None = None  # where an unreadable test file stops parsing


@dataclass(frozen=True)
class Discovery:
    """The components found, and what could not be decided."""

    components: tuple[Found, ...]
    doubts: tuple[Doubt, ...]


@dataclass(frozen=True)
class _Unit:
    """A package, namespace folder or module under an import root."""

    path: Path
    module: str


def _skippable(name: str) -> bool:
    return name.startswith((".", "_")) or name in SKIP_PACKAGES or name.endswith(".egg-info")


def _has_python(folder: Path) -> bool:
    return any(folder.rglob("*.py"))


def _rel(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()


def code_lines(path: Path) -> int:
    """Lines that are neither blank nor comments, in a file or every Python file below a folder."""
    files = [path] if path.is_file() else sorted(path.rglob("*.py"))
    total = 0
    for file in files:
        try:
            text = file.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        total += sum(1 for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#"))
    return total


# ---------------------------------------------------------------- where code lives


def _table(data: Mapping[str, Any], *keys: str) -> Mapping[str, Any]:
    node: Any = data
    for key in keys:
        node = cast(Mapping[str, Any], node).get(key) if isinstance(node, Mapping) else None
    return cast(Mapping[str, Any], node) if isinstance(node, Mapping) else {}


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return value.split()
    if isinstance(value, list):
        return [v for v in cast(list[Any], value) if isinstance(v, str)]
    return []


def workspace_members(root: Path, document: Mapping[str, Any]) -> list[Path]:
    """The folders of the uv workspace's members (each with its own pyproject.toml), in order."""
    workspace = _table(document, "tool", "uv", "workspace")
    excluded: set[Path] = set()
    for pattern in _strings(workspace.get("exclude")):
        excluded.update(Path(p).resolve() for p in glob.glob(str(root / pattern)))
    members: list[Path] = []
    for pattern in _strings(workspace.get("members")):
        for found in sorted(glob.glob(str(root / pattern))):
            folder = Path(found).resolve()
            usable = folder.is_dir() and folder != root and (folder / "pyproject.toml").is_file()
            if usable and folder not in excluded and folder not in members:
                members.append(folder)
    return members


def _top_units(project: Path) -> list[_Unit]:
    """The packages and modules at the top of one project (``src/`` layout or flat)."""
    units: list[_Unit] = []
    src = project / "src"
    if src.is_dir():
        for entry in sorted(src.iterdir()):
            if _skippable(entry.name) or (entry / "pyvenv.cfg").exists():
                continue
            if entry.is_dir() and ((entry / "__init__.py").exists() or _has_python(entry)):
                units.append(_Unit(entry, entry.name))
            elif entry.is_file() and entry.suffix == ".py":
                units.append(_Unit(entry, entry.stem))
        return units
    for entry in sorted(project.iterdir()):
        if not entry.is_dir() or _skippable(entry.name) or (entry / "pyvenv.cfg").exists():
            continue
        if (entry / "__init__.py").is_file():
            units.append(_Unit(entry, entry.name))
    return units


# ---------------------------------------------------------------- containers


def _part_of(stem: str, packages: Sequence[str]) -> str | None:
    """The sub-package a module ``stem`` joins (``X.py`` or ``X_*.py`` beside ``X/``), the longest name first."""
    for name in sorted(packages, key=len, reverse=True):
        if stem == name or stem.startswith(name + "_"):
            return name
    return None


def _groups(unit: _Unit, test_patterns: Sequence[str]) -> tuple[list[list[_Unit]], list[_Unit]] | None:
    """Split a package into its parts when it is a container, with its own modules; ``None`` when it is not."""
    if not unit.path.is_dir():
        return None
    packages: list[_Unit] = []
    modules: list[_Unit] = []
    for entry in sorted(unit.path.iterdir()):
        if entry.name.startswith(".") or entry.name in SKIP_PACKAGES or (entry / "pyvenv.cfg").exists():
            continue
        if entry.is_dir() and not entry.name.endswith(".egg-info") and _has_python(entry):
            packages.append(_Unit(entry, f"{unit.module}.{entry.name}"))
        elif entry.is_file() and entry.suffix == ".py" and not entry.name.startswith("__"):
            tests = _is_test_file(entry.name, test_patterns) or entry.name == "conftest.py"
            if not tests:
                modules.append(_Unit(entry, f"{unit.module}.{entry.stem}"))
    if not packages:
        return None
    names = [p.path.name for p in packages]
    grouped: dict[str, list[_Unit]] = {p.path.name: [p] for p in packages}
    loose: list[_Unit] = []
    for module in modules:
        owner = _part_of(module.path.stem, names)
        if owner is None:
            loose.append(module)
        else:
            grouped[owner].append(module)
    parts = [grouped[name] for name in names]
    own = [m for m in loose if not m.path.stem.endswith(PART_SUFFIXES)]
    parts.extend([m] for m in loose if m.path.stem.endswith(PART_SUFFIXES))
    if len(parts) + len(own) < 2:
        return None
    own_size = code_lines(unit.path / "__init__.py") if (unit.path / "__init__.py").is_file() else 0
    own_size += sum(code_lines(m.path) for m in own)
    parts_size = sum(code_lines(u.path) for part in parts for u in part)
    if parts_size <= own_size:
        return None
    return parts, own


def _split(
    unit: _Unit, test_patterns: Sequence[str], within: tuple[Path, ...] = ()
) -> Iterator[tuple[list[_Unit], tuple[Path, ...]]]:
    """The components of one top-level unit: itself, or its parts when it is a container (recursively)."""
    split = _groups(unit, test_patterns)
    if split is None:
        yield [unit], within
        return
    parts, own = split
    inner = (*within, unit.path)
    for part in parts:
        head = part[0]
        if len(part) == 1 and head.path.is_dir():
            yield from _split(head, test_patterns, inner)
        else:
            yield part, inner
    for module in own:
        yield [module], inner


def _base_name(part: Sequence[_Unit]) -> str:
    head = part[0].path
    if head.is_dir():
        return head.name
    for suffix in PART_SUFFIXES:
        if head.stem.endswith(suffix) and len(head.stem) > len(suffix):
            return head.stem[: -len(suffix)]
    return head.stem


def find_components(root: Path, document: Mapping[str, Any]) -> list[Found]:
    """The components of the project at ``root`` and of its uv workspace members, named uniquely."""
    patterns = test_file_patterns(document)
    parts: list[tuple[list[_Unit], tuple[Path, ...]]] = []
    for project in (root, *workspace_members(root, document)):
        for unit in _top_units(project):
            parts.extend(sorted(_split(unit, patterns), key=lambda split: split[0][0].path))
    names = [_base_name(part) for part, _ in parts]
    found: list[Found] = []
    for (part, within), name in zip(parts, names, strict=True):
        if names.count(name) > 1:
            name = part[0].module.replace(".", "-")
        paths = [_rel(u.path, root) for u in part]
        found.append(Found(name, paths, [u.module for u in part], within=tuple(_rel(p, root) for p in within)))
    taken = [f.name for f in found]
    for item in found:  # still two of one name (one package in two workspace members): the paths tell them apart
        if taken.count(item.name) > 1:
            item.name = item.paths[0].replace("/", "-")
    return found


# ---------------------------------------------------------------- tests by imports


def test_file_patterns(document: Mapping[str, Any]) -> tuple[str, ...]:
    """pytest's ``python_files`` from pyproject.toml, else its default."""
    listed = _strings(_table(document, "tool", "pytest", "ini_options").get("python_files"))
    return tuple(listed) or DEFAULT_TEST_FILES


def _is_test_file(name: str, patterns: Sequence[str]) -> bool:
    return name.endswith(".py") and any(fnmatch.fnmatch(name, p) for p in patterns)


def test_files(root: Path, document: Mapping[str, Any], members: Sequence[Path]) -> list[Path]:
    """The test files pytest would collect: under ``testpaths`` when set (globs included), else anywhere.

    Folders of other projects (a pyproject.toml that is not a workspace member's) are left out.
    """
    patterns = test_file_patterns(document)
    testpaths = _strings(_table(document, "tool", "pytest", "ini_options").get("testpaths"))
    starts: list[Path] = []
    for raw in testpaths:
        starts.extend(Path(p) for p in sorted(glob.glob(str(root / raw))))
    if not testpaths:
        starts = [root]
    allowed = {root, *members}
    found: list[Path] = []
    for start in starts:
        if start.is_file():
            if _is_test_file(start.name, patterns):
                found.append(start)
            continue
        for folder, dirs, files in os.walk(start):
            here = Path(folder)
            dirs[:] = sorted(
                d
                for d in dirs
                if not d.startswith(".")
                and d not in SKIP_FOLDERS
                and not d.endswith(".egg-info")
                and not (here / d / "pyvenv.cfg").exists()
                and ((here / d).resolve() in allowed or not (here / d / "pyproject.toml").is_file())
            )
            found.extend(here / name for name in sorted(files) if _is_test_file(name, patterns))
    return sorted(set(found))


class _Imports(ast.NodeVisitor):
    """The dotted names a module imports or reaches through attributes of what it imported."""

    def __init__(self, package: str | None) -> None:
        self.package = package
        self.bound: dict[str, str] = {}
        self.names: set[str] = set()

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self.names.add(alias.name)
            if alias.asname:
                self.bound[alias.asname] = alias.name
            else:
                top = alias.name.split(".")[0]
                self.bound[top] = top

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        if node.level:
            if self.package is None:
                return
            parts = self.package.split(".")
            if node.level - 1 >= len(parts):
                return
            base = ".".join(parts[: len(parts) - (node.level - 1)])
            module = f"{base}.{module}" if module else base
        self.names.add(module)
        for alias in node.names:
            if alias.name != "*":
                self.names.add(f"{module}.{alias.name}")
                self.bound[alias.asname or alias.name] = f"{module}.{alias.name}"

    def visit_Attribute(self, node: ast.Attribute) -> None:
        chain: list[str] = []
        current: ast.expr = node
        while isinstance(current, ast.Attribute):
            chain.append(current.attr)
            current = current.value
        if isinstance(current, ast.Name) and current.id in self.bound:
            self.names.add(".".join([self.bound[current.id], *reversed(chain)]))
            return
        self.generic_visit(node)


def imported_names(text: str, package: str | None = None) -> set[str]:
    """Every dotted name ``text`` imports (relative imports resolved against ``package``)."""
    visitor = _Imports(package)
    visitor.visit(ast.parse(text))
    return visitor.names


def _package_of(file: Path, import_roots: Iterable[Path]) -> str | None:
    for base in import_roots:
        if base in file.parents:
            return ".".join(file.relative_to(base).parent.parts)
    return None


def assign_tests(root: Path, document: Mapping[str, Any], components: Sequence[Found]) -> list[Doubt]:
    """Fill each component's ``tests`` with the test files that import it; return what to review."""
    members = workspace_members(root, document)
    import_roots = [p / "src" if (p / "src").is_dir() else p for p in (root, *members)]
    owners: dict[str, Found] = {module: comp for comp in components for module in comp.modules}
    files = test_files(root, document, members)
    owned: dict[str, set[Path]] = {comp.name: set() for comp in components}
    doubts: list[Doubt] = []
    for file in files:
        try:
            names = imported_names(file.read_text(encoding="utf-8"), _package_of(file, import_roots))
        except (SyntaxError, ValueError, UnicodeDecodeError, OSError) as exc:
            line = exc.lineno if isinstance(exc, SyntaxError) else None
            doubts.append(Doubt("unreadable", _rel(file, root), line))
            continue
        hits = {comp.name for comp in (_owner(name, owners) for name in names) if comp is not None}
        for name in hits:
            owned[name].add(file)
        if not hits:
            doubts.append(Doubt("orphan", _rel(file, root)))
    sources = [root / p for comp in components for p in comp.paths]
    for comp in components:
        comp.tests = _compact(owned[comp.name], files, root, sources)
    untested = [Doubt("untested", comp.name) for comp in components if not comp.tests]
    return untested + doubts


def _owner(name: str, owners: Mapping[str, Found]) -> Found | None:
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        found = owners.get(".".join(parts[:end]))
        if found is not None:
            return found
    return None


def _compact(mine: set[Path], every: Sequence[Path], root: Path, sources: Sequence[Path]) -> list[str]:
    """``mine`` as paths: a folder stands for its test files when every one of them is in ``mine``."""
    under: dict[Path, int] = {}
    for file in every:
        for folder in file.parents:
            under[folder] = under.get(folder, 0) + 1
            if folder == root:
                break
    ours: dict[Path, int] = {}
    for file in mine:
        for folder in file.parents:
            ours[folder] = ours.get(folder, 0) + 1
            if folder == root:
                break

    def collapsible(folder: Path) -> bool:
        return (
            folder != root
            and root in folder.parents
            and ours.get(folder) == under.get(folder)
            and not (folder / "pyproject.toml").is_file()
            and not any(source == folder or folder in source.parents for source in sources)
        )

    listed: set[str] = set()
    for file in mine:
        best = file
        folder = file.parent
        while collapsible(folder):
            best = folder
            folder = folder.parent
        listed.add(_rel(best, root))
    return sorted(listed)


def discover(root: Path, document: Mapping[str, Any]) -> Discovery:
    """The components of the project at ``root`` (its pyproject data in ``document``) and their tests."""
    components = find_components(root, document)
    doubts = assign_tests(root, document, components) if components else []
    return Discovery(tuple(components), tuple(doubts))
