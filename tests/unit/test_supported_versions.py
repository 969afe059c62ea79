"""The manual's supported versions (docs/reports-and-ci.md) say what pyproject.toml declares (the compat job tests those bounds)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

from pytest_tta_maturity._util import tomllib

ROOT = Path(__file__).resolve().parents[2]

#: Supported-versions row name -> the distribution pyproject.toml declares.
ROWS = {"pytest": "pytest", "pytest-cov": "pytest-cov", "coverage.py": "coverage", "ruff": "ruff"}


def _declared() -> dict[str, Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return {Requirement(r).name: Requirement(r) for r in project["dependencies"]}


def _row(name: str) -> str:
    page = (ROOT / "docs" / "reports-and-ci.md").read_text(encoding="utf-8")
    found = re.search(rf"^\| {re.escape(name)} \| (.*) \|$", page, re.MULTILINE)
    assert found, f"docs/reports-and-ci.md has no supported-versions row for {name}"
    return found.group(1)


@pytest.mark.parametrize("row", sorted(ROWS))
def test_the_readme_names_the_declared_lower_bound(row: str) -> None:
    requirement = _declared()[ROWS[row]]
    lower = next(spec.version for spec in requirement.specifier if spec.operator == ">=")
    # "7.10.3 to 7.x", "8.0 and later", "0.16 and later": the row starts with the declared lower bound
    assert _row(row).startswith(f"{lower} "), (row, lower, _row(row))


def test_the_coverage_range_is_the_one_declared() -> None:
    written = re.search(r"`coverage([^`]+)`", _row("coverage.py"))
    assert written, "the coverage.py row names no `coverage...` range"
    assert SpecifierSet(written.group(1)) == _declared()["coverage"].specifier
