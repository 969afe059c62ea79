"""``tta-maturity init``: a starting ``[tool.tta-maturity]`` from the packages found in the project."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import pyproject_edit as edit
from .config import TABLE, parse
from .discover import find_packages
from .errors import MaturityError, display_path

HEADER = (
    "Per-component maturity levels (pytest-tta-maturity): run `pytest --tta-maturity`,",
    "then `tta-maturity promote NAME --to LEVEL` once a component holds a higher level.",
)


class InitRefused(MaturityError):
    """``init`` would not do what was asked (the table exists, nothing was found): exit status 1."""


@dataclass(frozen=True)
class InitPlan:
    """What ``init`` would write: the file's text before and after, and the components declared."""

    pyproject: Path
    before: str
    after: str
    names: tuple[str, ...]


def component_tables(root: Path, packages: list[tuple[str, str]]) -> list[tuple[str, dict[str, Any]]]:
    """The values of each component's table (every one at ``experimental``)."""
    tests_root = root / "tests"
    tables: list[tuple[str, dict[str, Any]]] = []
    for name, path in packages:
        values: dict[str, Any] = {"level": "experimental", "paths": [path]}
        if (tests_root / name).is_dir():
            values["tests"] = [f"tests/{name}"]
        elif len(packages) == 1 and tests_root.is_dir():
            values["tests"] = ["tests"]
        tables.append((name, values))
    return tables


def plan(pyproject: Path, *, force: bool) -> InitPlan:
    """The new text of ``pyproject`` (which may not exist yet); nothing is written."""
    root = pyproject.parent
    shown = display_path(pyproject)
    before = edit.read_text(pyproject) if pyproject.is_file() else ""
    data = edit.loads(before, pyproject)
    tool = data.get("tool")
    exists = isinstance(tool, dict) and "tta-maturity" in tool
    if exists and not force:
        raise InitRefused(f"{shown} already has [{TABLE}]; pass --force to replace it")

    packages = find_packages(root)
    if not packages:
        raise InitRefused(
            f"no package found in {display_path(root)} (folders with __init__.py at the top or under src/); "
            f"add [{TABLE}.components.NAME] by hand"
        )
    tables = component_tables(root, packages)
    hand = "remove it by hand and run init again"
    if not exists:
        after = edit.append_text(before, edit.render_tables(HEADER, tables))
    else:
        doc = edit.parse_document(before, pyproject, hand)
        editor = edit.ComponentsEditor(doc, pyproject, hand)
        for name in editor.names():
            editor.remove(name)
        for key in [str(k) for k in editor.tta if k != "components"]:
            editor.remove_setting(key)
        for index, (name, values) in enumerate(tables):
            editor.add(name, values, HEADER if index == 0 else ())
        after = editor.text(edit.newline_of(before))

    def replace(tta: dict[str, Any]) -> None:
        tta.clear()
        tta["components"] = dict(tables)

    edit.checked(after, edit.expected_after(data, replace), pyproject, f"edit [{TABLE}] by hand")
    parse(edit.loads(after, pyproject), pyproject)  # validates the paths it wrote
    return InitPlan(pyproject, before, after, tuple(name for name, _ in tables))
