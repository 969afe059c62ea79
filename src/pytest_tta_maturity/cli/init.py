"""``tta-maturity init``: a starting ``[tool.tta-maturity]`` from the components found in the project.

Without ``--force`` the tables are appended to pyproject.toml (created when
missing) and nothing else in the file changes; ``[tool.tta-maturity.init]``
``proposed`` records the paths ``init`` proposed. With ``--force`` over an
existing table, the table is the user's word:

- every declared component keeps its name and every key (``level``, ``tests``,
  ``coverage``...); a component found again (same name, or exactly the same
  paths under another name) gains the new paths found for it (not those in
  ``proposed``: those were taken out by hand), and, when it has no ``tests``
  key, the test files that import it; ``tests`` written by hand are kept as
  written; paths and tests that no longer exist leave it, and a component
  whose paths are all gone is removed;
- a declared component is never split, merged or renamed;
- a found component is added only when some of its files belong to no
  declared component and none of its paths is in ``proposed``: a path ``init``
  proposed before that no component declares now was removed by hand, and is
  listed for review, never added again (delete it from ``proposed`` to have it
  proposed again);
- ``proposed`` gains the paths found this time; the other tables of
  ``[tool.tta-maturity]`` (``levels``, ``gates``, ...) are kept.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from ..config import TABLE, init_settings, parse
from ..errors import Refused, display_path
from . import pyproject_edit as edit
from .discover import DEFAULT_DEPTH, Doubt, Found, discover, python_files_below

HEADER = (
    "Per-component maturity levels (pytest-tta-maturity): run `pytest --tta-maturity`,",
    "then `tta-maturity promote NAME --to LEVEL` once a component holds a higher level.",
)
START_LEVEL = "experimental"
#: How many entries of each kind the "to review" list shows (``--all``: every one).
REVIEW_LIMIT = 10
#: The keys ``init`` writes; every other key of a component is the user's and is kept.
WRITTEN = ("paths", "tests")

Values = dict[str, Any]


@dataclass(frozen=True)
class Row:
    """One line of the table ``init`` prints: a component as the file declares it afterwards."""

    name: str
    level: str
    tests: int  # how many test files its ``tests`` hold
    paths: tuple[str, ...]


@dataclass
class InitPlan:
    """What ``init`` would write: the text before and after, and what changed, for the summary."""

    pyproject: Path
    before: str = ""
    after: str = ""
    created: bool = True
    names: list[str] = field(default_factory=list[str])  # every component declared afterwards
    added: list[str] = field(default_factory=list[str])  # new, at experimental
    kept: list[tuple[str, str]] = field(default_factory=list[tuple[str, str]])  # (name, declared level)
    removed: list[str] = field(default_factory=list[str])
    rows: list[Row] = field(default_factory=list[Row])
    review: list[str] = field(default_factory=list[str])
    renamed: dict[str, str] = field(default_factory=dict[str, str])  # found name -> name in the file
    not_again: list[Found] = field(default_factory=list[Found])  # removed by hand, not proposed again

    def summary(self, *, dry_run: bool = False) -> list[str]:
        """What was (or, with ``dry_run``, would be) written, for the terminal."""
        shown = display_path(self.pyproject)
        count = f"{len(self.names)} component{'' if len(self.names) == 1 else 's'}"
        if self.created:
            verb = "would write" if dry_run else "wrote"
            lines = [f"{verb} [{TABLE}] to {shown}: {count} at {START_LEVEL}"]
        else:
            verb = "would update" if dry_run else "updated"
            lines = [f"{verb} [{TABLE}] in {shown}: {count}"]
            if self.kept:
                lines.append("  kept with their declared levels: " + ", ".join(f"{n} ({lv})" for n, lv in self.kept))
            if self.added:
                lines.append(f"  new at {START_LEVEL}: " + ", ".join(self.added))
            if self.removed:
                lines.append("  removed (their paths are gone): " + ", ".join(self.removed))
        lines.extend(table_lines(self.rows))
        if self.review:
            lines.append("to review (init could not decide these):")
            lines.extend(f"  - {line}" for line in self.review)
        return lines


def table_lines(rows: Sequence[Row]) -> list[str]:
    """The components as a table: name, level, number of test files, paths."""
    if not rows:
        return []
    head = ("component", "level", "tests", "paths")
    cells = [(r.name, r.level, str(r.tests), ", ".join(r.paths)) for r in rows]
    name_w = max(len(c[0]) for c in [head, *cells])
    level_w = max(len(c[1]) for c in [head, *cells])
    tests_w = max(len(c[2]) for c in [head, *cells])

    def line(cell: tuple[str, str, str, str]) -> str:
        return f"  {cell[0]:<{name_w}}  {cell[1]:<{level_w}}  {cell[2]:>{tests_w}}  {cell[3]}".rstrip()

    return [line(head), *(line(c) for c in cells)]


def review_lines(
    doubts: Sequence[Doubt],
    found: Sequence[Found],
    renamed: Mapping[str, str],
    declared: Sequence[str],
    not_again: Sequence[Found] = (),
    *,
    show_all: bool = False,
) -> list[str]:
    """The "to review" list: at most :data:`REVIEW_LIMIT` lines of each kind, or every one with ``show_all``."""
    paths = {f.name: f.paths for f in found}
    groups: list[list[str]] = [
        [f"{d.subject}: {d.why}; declare it by hand if it is one" for d in doubts if d.kind == "skipped"],
        [
            f"{f.name}: removed by hand, not proposed again ({', '.join(f.paths)}); delete its paths from "
            f"[{TABLE}.init] proposed to have init propose it"
            for f in not_again
        ],
    ]
    untested: list[str] = []
    for doubt in doubts:
        name = renamed.get(doubt.subject, doubt.subject)
        if doubt.kind == "untested" and name in declared:
            shown = ", ".join(paths.get(doubt.subject, ()))
            untested.append(f"{name}: no test file imports it ({shown}); it stays without tests")
    groups.append(untested)
    groups.append(
        [
            f"{d.subject}: imports none of the components; "
            "add it to a component's tests or mark its tests @pytest.mark.component(NAME)"
            for d in doubts
            if d.kind == "orphan"
        ]
    )
    groups.append(
        [
            f"{d.subject}: cannot be read{f' (line {d.line})' if d.line else ''}; its imports are unknown"
            for d in doubts
            if d.kind == "unreadable"
        ]
    )
    lines: list[str] = []
    for group in groups:
        shown = group if show_all else group[:REVIEW_LIMIT]
        lines.extend(shown)
        if len(group) > len(shown):
            lines.append(f"... and {len(group) - len(shown)} more like these (init --all lists every one)")
    return lines


def _values(found: Found) -> Values:
    values: Values = {"level": START_LEVEL, "paths": list(found.paths)}
    if found.tests:
        values["tests"] = list(found.tests)
    return values


def _proposed(found: Sequence[Found], before: Sequence[str], root: Path) -> list[str]:
    """The record of what ``init`` proposed: what it proposed before (still there) and what it found now."""
    paths = {p for p in before if (root / p).exists()} | {p for f in found for p in f.paths}
    return sorted(paths)


def plan(pyproject: Path, *, force: bool, depth: int | None = None, show_all: bool = False) -> InitPlan:
    """The new text of ``pyproject`` (which may not exist yet); nothing is written.

    ``depth``: how many levels of containers to split (default: ``[tool.tta-maturity.init] depth``, else 1).
    """
    pyproject = pyproject.resolve()
    root = pyproject.parent
    result = InitPlan(pyproject)
    result.before = edit.read_text(pyproject) if pyproject.is_file() else ""
    data = edit.loads(result.before, pyproject)
    tool = data.get("tool")
    exists = isinstance(tool, dict) and "tta-maturity" in tool
    if exists and not force:
        raise Refused(f"{display_path(pyproject)} already has [{TABLE}]; pass --force to bring it up to date")
    settings = init_settings(data, pyproject)
    if depth is None:
        depth = settings.depth if settings.depth is not None else DEFAULT_DEPTH

    found = discover(root, data, depth)
    if not found.components:
        raise Refused(
            f"no package found in {display_path(root)} (folders with __init__.py at the top or under src/, "
            f"also in uv workspace members); add [{TABLE}.components.NAME] by hand"
        )
    proposed = _proposed(found.components, settings.proposed, root)
    hand = f"edit [{TABLE}] by hand"
    if not exists:
        tables = [(f.name, _values(f)) for f in found.components]
        record: Values = {"proposed": proposed}
        result.after = edit.append_text(result.before, edit.render_tables(HEADER, tables, {"init": record}))
        result.names = result.added = [name for name, _ in tables]

        def add_all(tta: Values) -> None:
            tta["components"] = dict(tables)
            tta["init"] = record

        expected = edit.expected_after(data, add_all)
        final: Mapping[str, Values] = dict(tables)
    else:
        result.created = False
        declared = cast(Values, cast(Values, tool)["tta-maturity"])
        components = declared.get("components", {})
        if not isinstance(components, dict):
            components = {}
        doc = edit.parse_document(result.before, pyproject, hand)
        editor = _Edits(edit.ComponentsEditor(doc, pyproject, "edit it by hand and run init --force again"))
        editor.mirror.update(copy.deepcopy(cast(dict[str, Values], components)))
        _merge(root, cast(Mapping[str, Values], components), list(found.components), settings.proposed, editor, result)
        old_record = declared.get("init", {})
        if list(settings.proposed) != proposed or not isinstance(old_record, dict):
            editor.editor.set_setting("init", "proposed", proposed)
        init_record = {**cast(Values, old_record), "proposed": proposed}

        def replay(tta: Values) -> None:
            tta["components"] = editor.mirror
            tta["init"] = init_record

        result.after = editor.editor.text(edit.newline_of(result.before))
        expected = edit.expected_after(data, replay)
        final = editor.mirror
    result.rows = _rows(root, final, found.test_files)
    result.review = review_lines(
        found.doubts, found.components, result.renamed, result.names, result.not_again, show_all=show_all
    )
    edit.checked(result.after, expected, pyproject, hand)
    parse(edit.loads(result.after, pyproject), pyproject)  # validates the paths it wrote
    return result


def _rows(root: Path, components: Mapping[str, Values], tests: Sequence[Path]) -> list[Row]:
    rows: list[Row] = []
    for name, values in components.items():
        listed = [(root / p).resolve() for p in _strings(values.get("tests"))]
        count = sum(1 for t in tests if any(t == p or p in t.parents for p in listed))
        rows.append(Row(name, str(values.get("level", "")), count, tuple(_strings(values.get("paths")))))
    return rows


class _Edits:
    """Each edit made to the document through tomlkit and, independently, to plain data.

    The plain data is what the edited file must read as; the check compares the two.
    """

    def __init__(self, editor: edit.ComponentsEditor) -> None:
        self.editor = editor
        self.mirror: dict[str, Values] = {}

    def names(self) -> list[str]:
        return self.editor.names()

    def set(self, name: str, key: str, value: list[str]) -> None:
        if value:
            self.editor.set(name, key, value)
            self.mirror[name][key] = value
        else:
            self.editor.unset(name, key)
            self.mirror[name].pop(key, None)

    def remove(self, name: str) -> None:
        self.editor.remove(name)
        del self.mirror[name]

    def add(self, name: str, values: Values) -> None:
        self.editor.add(name, values)
        self.mirror[name] = values


def _normal(path: str) -> str:
    return Path(os.path.normpath(path)).as_posix()


def _merge(
    root: Path,
    declared: Mapping[str, Values],
    found: list[Found],
    proposed: Sequence[str],
    editor: _Edits,
    result: InitPlan,
) -> None:
    """Bring the declared components up to date with what was found (see the module's docstring)."""
    by_name = {f.name: f for f in found}
    match: dict[str, Found] = {}
    for name in declared:
        if name in by_name:
            match[name] = by_name[name]
    taken = {id(f) for f in match.values()}
    for name, values in declared.items():
        if name in match:
            continue
        mine = {_normal(p) for p in _strings(values.get("paths"))}
        same = [f for f in found if id(f) not in taken and {_normal(p) for p in f.paths} == mine]
        if same:
            match[name] = same[0]
            taken.add(id(same[0]))
            result.renamed[same[0].name] = name

    before = {_normal(p) for p in proposed}
    owned: list[str] = []  # the paths of every component kept
    for name, values in declared.items():
        item = match.get(name)
        paths = _strings(values.get("paths"))
        alive = [p for p in paths if (root / p).exists()]
        if item is not None:  # new code found for it; a path proposed before and taken out stays out
            alive += [p for p in item.paths if not _under(root, p, alive) and _normal(p) not in before]
        if not alive:
            editor.remove(name)
            result.removed.append(name)
            continue
        if alive != paths:
            editor.set(name, "paths", alive)
        tests = _strings(values.get("tests"))
        alive_tests = [p for p in tests if (root / p).exists()]
        if item is not None and "tests" not in values:  # tests written by hand are kept as written
            alive_tests += [p for p in item.tests if not _under(root, p, alive_tests)]
        if alive_tests != tests:
            editor.set(name, "tests", alive_tests)
        owned.extend(alive)
        result.kept.append((name, str(values.get("level", ""))))

    for item in found:
        if id(item) in taken or _covered(root, item, owned):
            continue
        if any(_normal(p) in before for p in item.paths):
            result.not_again.append(item)
            continue
        name = item.name
        while name in declared or name in editor.names():
            name = f"{name}-new"
        result.renamed[item.name] = name
        editor.add(name, _values(item))
        result.added.append(name)
    result.names = editor.names()


def _strings(value: Any) -> list[str]:
    return [v for v in cast(list[Any], value) if isinstance(v, str)] if isinstance(value, list) else []


def _under(root: Path, path: str, owners: Sequence[str]) -> bool:
    """Whether ``path`` is one of ``owners`` or lies inside one."""
    target = (root / path).resolve()
    return any(target == (root / o).resolve() or (root / o).resolve() in target.parents for o in owners)


def _covered(root: Path, item: Found, hand_made: Sequence[str]) -> bool:
    """Whether every Python file of ``item`` already belongs to a kept hand-made component."""
    if not hand_made:
        return False
    owners = [(root / p).resolve() for p in hand_made]
    for raw in item.paths:
        path = (root / raw).resolve()
        for file in python_files_below(path):
            if not any(file == owner or owner in file.parents for owner in owners):
                return False
    return True
