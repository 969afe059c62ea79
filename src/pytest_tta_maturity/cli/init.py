"""``tta-maturity init``: a starting ``[tool.tta-maturity]`` from the components found in the project.

Without ``--force`` the tables are appended to pyproject.toml (created when
missing) and nothing else in the file changes. With ``--force`` over an existing
table, the components are brought up to date in place:

- what you declared is never taken away: a component found again (same name,
  or exactly the same paths under another name) keeps its name, its level and
  every key; the paths and test files found for it that it does not cover yet
  are added to its ``paths`` and ``tests``;
- a found component whose every file already belongs to a kept component (a
  hand-made grouping) is not added;
- a declared component that is exactly a container ``init`` now splits is
  replaced by its parts, each keeping its level and other keys;
- paths and tests that are gone leave a component; one whose paths are all gone
  is removed;
- the other tables of ``[tool.tta-maturity]`` (``levels``, ``gates``, ...) are kept.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from ..config import TABLE, parse
from ..errors import Refused, display_path
from . import pyproject_edit as edit
from .discover import Doubt, Found, discover

HEADER = (
    "Per-component maturity levels (pytest-tta-maturity): run `pytest --tta-maturity`,",
    "then `tta-maturity promote NAME --to LEVEL` once a component holds a higher level.",
)
START_LEVEL = "experimental"
#: How many entries of each kind the "to review" list shows.
REVIEW_LIMIT = 10
#: The keys ``init`` writes; every other key of a component is the user's and is kept.
WRITTEN = ("paths", "tests")

Values = dict[str, Any]


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
    split: list[tuple[str, list[str]]] = field(default_factory=list[tuple[str, list[str]]])
    removed: list[str] = field(default_factory=list[str])
    review: list[str] = field(default_factory=list[str])
    renamed: dict[str, str] = field(default_factory=dict[str, str])  # found name -> name in the file

    def summary(self, *, dry_run: bool = False) -> list[str]:
        """What was (or, with ``dry_run``, would be) written, for the terminal."""
        shown = display_path(self.pyproject)
        count = f"{len(self.names)} component{'' if len(self.names) == 1 else 's'}"
        if self.created:
            verb = "would write" if dry_run else "wrote"
            lines = [f"{verb} [{TABLE}] to {shown}: {count} at {START_LEVEL} ({', '.join(self.names)})"]
        else:
            verb = "would update" if dry_run else "updated"
            lines = [f"{verb} [{TABLE}] in {shown}: {count}"]
            if self.kept:
                lines.append("  kept with their declared levels: " + ", ".join(f"{n} ({lv})" for n, lv in self.kept))
            for name, parts in self.split:
                lines.append(f"  split into its parts, each keeping its level: {name} -> {', '.join(parts)}")
            if self.added:
                lines.append(f"  new at {START_LEVEL}: " + ", ".join(self.added))
            if self.removed:
                lines.append("  removed (their paths are gone): " + ", ".join(self.removed))
        if self.review:
            lines.append("to review (init could not decide these):")
            lines.extend(f"  - {line}" for line in self.review)
        return lines


def review_lines(doubts: Sequence[Doubt], found: Sequence[Found], renamed: Mapping[str, str]) -> list[str]:
    """The "to review" list: at most :data:`REVIEW_LIMIT` lines of each kind."""
    paths = {f.name: f.paths for f in found}
    lines: list[str] = []
    for kind in ("untested", "orphan", "unreadable"):
        mine = [d for d in doubts if d.kind == kind]
        for doubt in mine[:REVIEW_LIMIT]:
            if kind == "untested":
                name = renamed.get(doubt.subject, doubt.subject)
                shown = ", ".join(paths.get(doubt.subject, ()))
                lines.append(f"{name}: no test file imports it ({shown}); it stays without tests")
            elif kind == "orphan":
                lines.append(
                    f"{doubt.subject}: imports none of the components; "
                    "add it to a component's tests or mark its tests @pytest.mark.component(NAME)"
                )
            else:
                where = f" (line {doubt.line})" if doubt.line else ""
                lines.append(f"{doubt.subject}: cannot be read{where}; its imports are unknown")
        if len(mine) > REVIEW_LIMIT:
            lines.append(f"... and {len(mine) - REVIEW_LIMIT} more like these")
    return lines


def _values(found: Found) -> Values:
    values: Values = {"level": START_LEVEL, "paths": list(found.paths)}
    if found.tests:
        values["tests"] = list(found.tests)
    return values


def plan(pyproject: Path, *, force: bool) -> InitPlan:
    """The new text of ``pyproject`` (which may not exist yet); nothing is written."""
    pyproject = pyproject.resolve()
    root = pyproject.parent
    result = InitPlan(pyproject)
    result.before = edit.read_text(pyproject) if pyproject.is_file() else ""
    data = edit.loads(result.before, pyproject)
    tool = data.get("tool")
    exists = isinstance(tool, dict) and "tta-maturity" in tool
    if exists and not force:
        raise Refused(f"{display_path(pyproject)} already has [{TABLE}]; pass --force to bring it up to date")

    found = discover(root, data)
    if not found.components:
        raise Refused(
            f"no package found in {display_path(root)} (folders with __init__.py at the top or under src/, "
            f"also in uv workspace members); add [{TABLE}.components.NAME] by hand"
        )
    hand = f"edit [{TABLE}] by hand"
    if not exists:
        tables = [(f.name, _values(f)) for f in found.components]
        result.after = edit.append_text(result.before, edit.render_tables(HEADER, tables))
        result.names = result.added = [name for name, _ in tables]

        def add_all(tta: Values) -> None:
            tta["components"] = dict(tables)

        expected = edit.expected_after(data, add_all)
    else:
        result.created = False
        declared = cast(Values, cast(Values, tool)["tta-maturity"])
        components = declared.get("components", {})
        if not isinstance(components, dict):
            components = {}
        doc = edit.parse_document(result.before, pyproject, hand)
        editor = _Edits(edit.ComponentsEditor(doc, pyproject, "edit it by hand and run init --force again"))
        editor.mirror.update(copy.deepcopy(cast(dict[str, Values], components)))
        _merge(root, cast(Mapping[str, Values], components), list(found.components), editor, result)

        def replay(tta: Values) -> None:
            tta["components"] = editor.mirror

        result.after = editor.editor.text(edit.newline_of(result.before))
        expected = edit.expected_after(data, replay)
    result.review = review_lines(found.doubts, found.components, result.renamed)
    edit.checked(result.after, expected, pyproject, hand)
    parse(edit.loads(result.after, pyproject), pyproject)  # validates the paths it wrote
    return result


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

    inherited: dict[int, Values] = {}
    owned: list[str] = []  # the paths of every component kept
    for name, values in declared.items():
        item = match.get(name)
        paths = _strings(values.get("paths"))
        if item is None:
            parts = [f for f in found if id(f) not in taken and len(paths) == 1 and _normal(paths[0]) in f.within]
            if parts:
                keep = {k: v for k, v in values.items() if k not in WRITTEN}
                for part in parts:
                    inherited[id(part)] = keep
                result.split.append((name, [p.name for p in parts]))
                editor.remove(name)
                continue
        alive = [p for p in paths if (root / p).exists()]
        if item is not None:
            alive += [p for p in item.paths if not _under(root, p, alive)]
        if not alive:
            editor.remove(name)
            result.removed.append(name)
            continue
        if alive != paths:
            editor.set(name, "paths", alive)
        tests = _strings(values.get("tests"))
        alive_tests = [p for p in tests if (root / p).exists()]
        if item is not None:
            alive_tests += [p for p in item.tests if not _under(root, p, alive_tests)]
        if alive_tests != tests:
            editor.set(name, "tests", alive_tests)
        owned.extend(alive)
        result.kept.append((name, str(values.get("level", ""))))

    for item in found:
        if id(item) in taken or _covered(root, item, owned):
            continue
        name = item.name
        while name in declared or name in editor.names():
            name = f"{name}-new"
        result.renamed[item.name] = name
        values = _values(item)
        if id(item) in inherited:
            values = {**values, **inherited[id(item)]}
        editor.add(name, values)
        if id(item) not in inherited:
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
        files = [path] if path.is_file() else sorted(path.rglob("*.py"))
        for file in files:
            if not any(file == owner or owner in file.parents for owner in owners):
                return False
    return True
