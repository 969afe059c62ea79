"""Find a project's components and their tests for ``tta-maturity init``, by reading files only.

Nothing is imported or run. The rules, in the order they apply:

- **Where code lives.** The project's ``src/`` folder (packages, namespace folders and modules
  in it), or without one the folders with ``__init__.py`` at its top level; the same for every
  member of a uv workspace (``[tool.uv.workspace] members``, globs and ``exclude`` included).
- **Import roots, as Python sees them.** A file is known by its dotted name under every import
  root that holds it: ``src/`` (or the project's folder in a flat layout); the project's folder
  too when ``src/`` is itself a package (``src/__init__.py``: tests write ``src.components.x``);
  pytest's ``pythonpath``; the folders hatch (``[tool.hatch.build.targets.wheel] packages``) and
  setuptools (``package-dir``, ``packages``, ``packages.find where``) build from; the same in each
  workspace member. So ``src.components.carbon``, ``components.carbon`` and ``carbon`` reach one
  component when they name one file.
- **Not components.** Test files (pytest's ``python_files``) and ``conftest.py``; entry scripts at
  the top of a code folder (:data:`ENTRY_SCRIPTS`, e.g. ``src/main.py``); folders named like test
  files (``test_components/``, ``*_test/``) or whose every file ``[tool.coverage.run] omit``
  leaves out. Each is listed for review.
- **Containers are split, one level.** A package is a container when its own code is small beside
  its parts: it has at least two parts, at least one of them a sub-package, and the code lines of
  its parts outweigh its own (its ``__init__.py`` and the modules that are not parts); a package
  holding ``*_component.py`` modules needs no sub-package. Parts are
  the sub-packages and, for each sub-package ``X``, the modules ``X.py`` and ``X_*.py`` beside it,
  which join ``X``; a module named ``*_component.py`` also counts as a part. A container becomes
  one component per sub-package (with its modules) and one per remaining module. Only the first
  level is split (``depth``, default 1); a part deeper down is split only when it holds
  ``*_component.py`` modules, the convention that says "a container of components". A package
  whose parts import each other heavily (more than half of its parts and own modules import
  another of them) is never split: it is one component, however many modules it has.
- **Names** are the part's own (``carbon``, ``model_management``; ``x_component.py`` gives ``x``);
  two parts of one name take their container's name as a prefix (``app-core``).
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
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar, cast

from .._util import read_toml, walk_files
from ..errors import ConfigError, relative_path
from ..measure.coverage_adapter import omit_patterns

T = TypeVar("T")

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
#: Modules at the top of a code folder that start a program rather than hold a component.
ENTRY_SCRIPTS = frozenset({"main", "manage", "wsgi", "asgi", "run", "setup", "conftest"})
#: How many levels of containers are split unless told otherwise.
DEFAULT_DEPTH = 1

DoubtKind = Literal["skipped", "untested", "orphan", "unreadable"]


@dataclass
class Found:
    """One component found: its name, its paths (relative to the project root) and its tests."""

    name: str
    paths: list[str]
    modules: list[str]  # the dotted import names of its paths, under every import root
    tests: list[str] = field(default_factory=list[str])
    within: tuple[str, ...] = ()  # the containers it was split out of, outermost first
    test_files: int = 0  # how many test files import it


@dataclass(frozen=True)
class Doubt:
    """Something ``init`` could not decide: a folder or module left out, a component no test imports,
    a test importing none, an unreadable test."""

    kind: DoubtKind
    subject: str  # the component's name, or the path of the file or folder
    line: int | None = None  # where an unreadable test file stops parsing
    why: str = ""  # why a folder or module is not a component


@dataclass(frozen=True)
class Discovery:
    """The components found, and what could not be decided."""

    components: tuple[Found, ...]
    doubts: tuple[Doubt, ...]
    test_files: tuple[Path, ...] = ()  # every test file pytest would collect


@dataclass
class Layout:
    """What the search needs to know of the project: its import roots and what is not code."""

    root: Path
    roots: tuple[Path, ...]
    test_patterns: tuple[str, ...]
    omit: tuple[str, ...]
    depth: int = DEFAULT_DEPTH
    skipped: list[Doubt] = field(default_factory=list[Doubt])
    _omit: Callable[[str], bool] | None = field(default=None, repr=False)

    def names(self, path: Path) -> list[str]:
        """The dotted names of ``path`` (a module or a package folder) under every import root holding it."""
        names: list[str] = []
        for base in self.roots:
            if base not in path.parents:
                continue
            parts = list(path.relative_to(base).parts)
            if path.suffix == ".py":
                parts[-1] = path.stem
            name = ".".join(parts)
            if name not in names:
                names.append(name)
        return names

    def package_of(self, file: Path) -> str | None:
        """The package ``file`` belongs to, for its relative imports (under the first root holding it)."""
        for base in self.roots:
            if base in file.parents:
                return ".".join(file.relative_to(base).parent.parts)
        return None

    def is_test(self, name: str) -> bool:
        """Whether a file named ``name`` is a test file (pytest's ``python_files``) or a conftest."""
        return _is_test_file(name, self.test_patterns) or name == "conftest.py"

    def not_code(self, folder: Path) -> str | None:
        """Why ``folder`` holds no component's code (test helpers, omitted from coverage), or ``None``."""
        if any(fnmatch.fnmatch(folder.name, p.removesuffix(".py")) for p in self.test_patterns if p.endswith(".py")):
            return "test helpers (named like a test file), not a component"
        files = python_files_below(folder)
        if self.omit and files and all(self.omitted(f) for f in files):
            return "left out by [tool.coverage.run] omit, not a component"
        return None

    def omitted(self, file: Path) -> bool:
        """Whether coverage.py's ``omit`` patterns leave ``file`` out (matched as coverage.py matches them)."""
        if self._omit is None:
            self._omit = omit_patterns(self.omit, self.root.as_posix())
        return self._omit(file.as_posix())

    def skip(self, path: Path, why: str) -> None:
        """Record that ``path`` is not a component, and why (a doubt ``init`` lists for review)."""
        self.skipped.append(Doubt("skipped", relative_path(self.root, path), why=why))


def _skippable(name: str) -> bool:
    return name.startswith((".", "_")) or name in SKIP_PACKAGES or name.endswith(".egg-info")


def _has_python(folder: Path) -> bool:
    return any(folder.rglob("*.py"))


def code_lines(path: Path) -> int:
    """Lines that are neither blank nor comments, in a file or every Python file below a folder."""
    files = python_files_below(path)
    total = 0
    for file in files:
        try:
            text = file.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        total += sum(1 for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#"))
    return total


def python_files_below(path: Path) -> list[Path]:
    """``path`` itself when it is a file, else every ``.py`` file below it, none skipped.

    Unlike :func:`.._util.walk_files` this looks into every folder: it counts and reads a unit
    ``init`` has already chosen (hidden and cache folders were left out when choosing it).
    """
    return [path] if path.is_file() else sorted(path.rglob("*.py"))


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


def _member_document(member: Path) -> Mapping[str, Any]:
    try:
        return read_toml(member / "pyproject.toml")
    except (ConfigError, OSError):
        return {}


def import_roots(root: Path, document: Mapping[str, Any]) -> list[Path]:
    """The folders Python imports the project's code from (see the module's docstring), most likely first."""
    roots: list[Path] = []

    def add(folder: Path) -> None:
        folder = folder.resolve()
        if folder.is_dir() and folder not in roots:
            roots.append(folder)

    projects = [(root, document), *((m, _member_document(m)) for m in workspace_members(root, document))]
    for project, doc in projects:
        src = project / "src"
        if src.is_dir():
            add(src)
            if (src / "__init__.py").is_file():
                add(project)
        else:
            add(project)
        for package in _strings(_table(doc, "tool", "hatch", "build", "targets", "wheel").get("packages")):
            add((project / package).parent)
        setuptools = _table(doc, "tool", "setuptools")
        package_dir = setuptools.get("package-dir")
        if isinstance(package_dir, Mapping) and isinstance(cast(Mapping[str, Any], package_dir).get(""), str):
            add(project / cast(str, cast(Mapping[str, Any], package_dir)[""]))
        for where in _strings(_table(setuptools, "packages", "find").get("where")):
            add(project / where)
        listed = setuptools.get("packages")
        for package in _strings(listed) if isinstance(listed, list) else []:
            if (project / package.split(".")[0]).is_dir():
                add(project)
    for folder in _strings(_table(document, "tool", "pytest", "ini_options").get("pythonpath")):
        add(root / folder)
    return roots


def _top_units(project: Path, layout: Layout) -> list[Path]:
    """The packages and modules at the top of one project (``src/`` layout or flat)."""
    units: list[Path] = []
    src = project / "src"
    if src.is_dir():
        for entry in sorted(src.iterdir()):
            if _skippable(entry.name) or (entry / "pyvenv.cfg").exists():
                continue
            if entry.is_dir() and ((entry / "__init__.py").exists() or _has_python(entry)):
                why = layout.not_code(entry)
                if why:
                    layout.skip(entry, why)
                else:
                    units.append(entry)
            elif entry.is_file() and entry.suffix == ".py" and not layout.is_test(entry.name):
                if entry.stem in ENTRY_SCRIPTS:
                    layout.skip(entry, "an entry script, not a component")
                else:
                    units.append(entry)
        return units
    for entry in sorted(project.iterdir()):
        if not entry.is_dir() or _skippable(entry.name) or (entry / "pyvenv.cfg").exists():
            continue
        if (entry / "__init__.py").is_file():
            why = layout.not_code(entry)
            if why:
                layout.skip(entry, why)
            else:
                units.append(entry)
    return units


# ---------------------------------------------------------------- containers


def _part_of(stem: str, packages: Sequence[str]) -> str | None:
    """The sub-package a module ``stem`` joins (``X.py`` or ``X_*.py`` beside ``X/``), the longest name first."""
    for name in sorted(packages, key=len, reverse=True):
        if stem == name or stem.startswith(name + "_"):
            return name
    return None


@dataclass
class _Container:
    parts: list[list[Path]]
    own: list[Path]
    marked: bool  # it holds ``*_component.py`` modules


def _groups(unit: Path, layout: Layout) -> _Container | None:
    """Split a package into its parts when it is a container, with its own modules; ``None`` when it is not."""
    if not unit.is_dir():
        return None
    packages: list[Path] = []
    modules: list[Path] = []
    for entry in sorted(unit.iterdir()):
        if entry.name.startswith(".") or entry.name in SKIP_PACKAGES or (entry / "pyvenv.cfg").exists():
            continue
        if entry.is_dir() and not entry.name.endswith(".egg-info") and _has_python(entry):
            why = layout.not_code(entry)
            if why is None:
                packages.append(entry)
            else:
                layout.skip(entry, why)
        elif (
            entry.is_file()
            and entry.suffix == ".py"
            and not entry.name.startswith("__")
            and not layout.is_test(entry.name)
        ):
            modules.append(entry)
    marked = any(m.stem.endswith(PART_SUFFIXES) for m in modules)
    if not packages and not marked:
        return None
    names = [p.name for p in packages]
    grouped: dict[str, list[Path]] = {p.name: [p] for p in packages}
    loose: list[Path] = []
    for module in modules:
        owner = _part_of(module.stem, names)
        if owner is None:
            loose.append(module)
        else:
            grouped[owner].append(module)
    parts = [grouped[name] for name in names]
    own = [m for m in loose if not m.stem.endswith(PART_SUFFIXES)]
    parts.extend([m] for m in loose if m.stem.endswith(PART_SUFFIXES))
    if len(parts) + len(own) < 2:
        return None
    own_size = code_lines(unit / "__init__.py") if (unit / "__init__.py").is_file() else 0
    own_size += sum(code_lines(m) for m in own)
    parts_size = sum(code_lines(u) for part in parts for u in part)
    if parts_size <= own_size:
        return None
    return _Container(parts, own, marked)


def _coupled(container: _Container, layout: Layout) -> bool:
    """Whether more than half of the container's parts and own modules (what a split would make
    components) import another of them."""
    members = [*container.parts, *([m] for m in container.own)]
    owners: dict[str, int] = {}
    for index, member in enumerate(members):
        for unit in member:
            owners.update(dict.fromkeys(layout.names(unit), index))
    coupled = 0
    for index, member in enumerate(members):
        for file in (f for unit in member for f in python_files_below(unit)):
            if layout.is_test(file.name):
                continue
            try:
                names = imported_names(file.read_text(encoding="utf-8"), layout.package_of(file))
            except (SyntaxError, ValueError, UnicodeDecodeError, OSError):
                continue
            if any(_owner(name, owners) not in (None, index) for name in names):
                coupled += 1
                break
    return coupled * 2 > len(members)


def _split(
    unit: Path, layout: Layout, level: int = 0, within: tuple[Path, ...] = ()
) -> Iterator[tuple[list[Path], tuple[Path, ...]]]:
    """The components of one top-level unit: itself, or its parts when it is a container to split."""
    container = _groups(unit, layout)
    deep_enough = layout.depth == 0 or (level >= layout.depth and not (container and container.marked))
    if container is None or deep_enough or _coupled(container, layout):
        yield [unit], within
        return
    inner = (*within, unit)
    for part in container.parts:
        head = part[0]
        if len(part) == 1 and head.is_dir():
            yield from _split(head, layout, level + 1, inner)
        else:
            yield part, inner
    for module in container.own:
        yield [module], inner


def _base_name(part: Sequence[Path]) -> str:
    head = part[0]
    if head.is_dir():
        return head.name
    for suffix in PART_SUFFIXES:
        if head.stem.endswith(suffix) and len(head.stem) > len(suffix):
            return head.stem[: -len(suffix)]
    return head.stem


def layout_of(root: Path, document: Mapping[str, Any], depth: int = DEFAULT_DEPTH) -> Layout:
    """The import roots and the rules of what is not code, for the project at ``root``."""
    omit = _strings(_table(document, "tool", "coverage", "run").get("omit"))
    return Layout(root, tuple(import_roots(root, document)), test_file_patterns(document), tuple(omit), depth)


def find_components(root: Path, document: Mapping[str, Any], layout: Layout | None = None) -> list[Found]:
    """The components of the project at ``root`` and of its uv workspace members, named uniquely.

    What was left out is added to ``layout.skipped``.
    """
    layout = layout or layout_of(root, document)
    parts: list[tuple[list[Path], tuple[Path, ...]]] = []
    for project in (root, *workspace_members(root, document)):
        for unit in _top_units(project, layout):
            parts.extend(sorted(_split(unit, layout), key=lambda split: split[0][0]))
    names = [_base_name(part) for part, _ in parts]
    found: list[Found] = []
    for (part, within), name in zip(parts, names, strict=True):
        if names.count(name) > 1 and within:
            name = f"{within[-1].name}-{name}"
        paths = [relative_path(root, u) for u in part]
        modules = [name for u in part for name in layout.names(u)]
        found.append(Found(name, paths, modules, within=tuple(relative_path(root, p) for p in within)))
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

    def skip(folder: str, name: str) -> bool:
        here = Path(folder, name)
        return (
            name.startswith(".")
            or name in SKIP_FOLDERS
            or name.endswith(".egg-info")
            or (here / "pyvenv.cfg").exists()
            or (here.resolve() not in allowed and (here / "pyproject.toml").is_file())
        )

    found = walk_files(starts, lambda name: _is_test_file(name, patterns), skip)
    return sorted({Path(file) for file in found})


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


def assign_tests(
    root: Path, document: Mapping[str, Any], components: Sequence[Found], layout: Layout | None = None
) -> list[Doubt]:
    """Fill each component's ``tests`` with the test files that import it; return what to review."""
    layout = layout or layout_of(root, document)
    members = workspace_members(root, document)
    owners: dict[str, Found] = {module: comp for comp in components for module in comp.modules}
    files = test_files(root, document, members)
    owned: dict[str, set[Path]] = {comp.name: set() for comp in components}
    doubts: list[Doubt] = []
    for file in files:
        try:
            names = imported_names(file.read_text(encoding="utf-8"), layout.package_of(file))
        except (SyntaxError, ValueError, UnicodeDecodeError, OSError) as exc:
            line = exc.lineno if isinstance(exc, SyntaxError) else None
            doubts.append(Doubt("unreadable", relative_path(root, file), line))
            continue
        hits = {comp.name for comp in (_owner(name, owners) for name in names) if comp is not None}
        for name in hits:
            owned[name].add(file)
        if not hits:
            doubts.append(Doubt("orphan", relative_path(root, file)))
    sources = [root / p for comp in components for p in comp.paths]
    for comp in components:
        comp.tests = _compact(owned[comp.name], files, root, sources)
        comp.test_files = len(owned[comp.name])
    untested = [Doubt("untested", comp.name) for comp in components if not comp.tests]
    return untested + doubts


def _owner(name: str, owners: Mapping[str, T]) -> T | None:
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
        listed.add(relative_path(root, best))
    return sorted(listed)


def discover(root: Path, document: Mapping[str, Any], depth: int = DEFAULT_DEPTH) -> Discovery:
    """The components of the project at ``root`` (its pyproject data in ``document``) and their tests."""
    layout = layout_of(root, document, depth)
    components = find_components(root, document, layout)
    doubts = assign_tests(root, document, components, layout) if components else []
    files = test_files(root, document, workspace_members(root, document))
    return Discovery(tuple(components), tuple(layout.skipped + doubts), tuple(files))
