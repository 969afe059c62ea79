"""End to end: levels come only from what the run measured, whatever the declared levels are."""

from __future__ import annotations

import re

import pytest

from tests.conftest import Project, needs_xdist
from tests.e2e.test_core import RUFF_LADDER

COVERAGE_NAMED_GATE = """
[tool.tta-maturity.gates.coverage-diff]
command = ["python", "-c", "raise SystemExit(1)"]
level = "development"
"""


@pytest.mark.parametrize("xdist", [pytest.param(False, id="serial"), pytest.param(True, id="n2", marks=needs_xdist)])
def test_a_custom_gate_named_like_coverage_fails_as_a_gate_not_as_coverage(project: Project, xdist: bool) -> None:
    project.write("pyproject.toml", (project.path / "pyproject.toml").read_text() + RUFF_LADDER + COVERAGE_NAMED_GATE)
    args = ["--tta-maturity", "--tta-maturity-report=json:report.json", "--tta-maturity-report=html:report.html"]
    result = project.run(*args, *(["-n", "2"] if xdist else []))
    assert result.ret == 1
    assert result.stdout.lines[-1] == (
        "tta-maturity: FAILED: 1 of 2 components meet their declared levels; 1 below: cart (coverage-diff: command failed)."
    )
    cart = project.component("cart")
    assert cart["gates"]["coverage-diff"]["status"] == "fail"
    assert cart["blocker_details"] == [
        {
            "requirement": "coverage-diff",
            "kind": "failed",
            "level": "development",
            "findings": 0,
            "message": "command failed",
            "text": "coverage-diff: command failed",
        }
    ]
    assert cart["achieved"] == "experimental"
    assert cart["undetermined"] == []  # the failing gate is measured: development is out of reach
    html = (project.path / "report.html").read_text()
    row = re.search(r'<tr data-component="cart">.*?</tr>', html, re.DOTALL)
    assert row is not None
    assert '<div class="fill ok"' in row.group(0)  # 76.47% against development's 60%: the bar is not red


def test_every_gate_runs_when_no_component_declares_its_level(project: Project) -> None:
    """Both components are below staging: staging's format gate still runs, so cart is ready for staging."""
    project.write("pyproject.toml", (project.path / "pyproject.toml").read_text() + RUFF_LADDER)
    result = project.run("--tta-maturity", "--tta-maturity-report=json:report.json")
    assert result.ret == 0
    report = project.report()
    assert report["gates_mode"] == "all"
    assert [project.component(n)["gates"]["format"]["status"] for n in ("cart", "pricing")] == ["pass", "pass"]
    assert report["summary"]["promotable"] == ["cart"]


def test_declared_gates_leave_the_level_above_undetermined(project: Project) -> None:
    text = (
        (project.path / "pyproject.toml")
        .read_text()
        .replace('testpaths = ["tests"]', 'testpaths = ["tests"]\ntta_maturity_gates = "declared"')
    )
    project.write("pyproject.toml", text + RUFF_LADDER)
    result = project.run("--tta-maturity", "--tta-maturity-report=json:report.json")
    assert result.ret == 0
    cart = project.component("cart")
    assert project.report()["gates_mode"] == "declared"
    assert (cart["achieved"], cart["meets"]) == ("development", True)
    assert cart["gates"]["format"] == {
        "status": "skipped",
        "findings": 0,
        "details": [],
        "message": "not run (--tta-maturity-gates=declared)",
    }
    assert cart["undetermined"] == ["format: not run (--tta-maturity-gates=declared)"]
    assert project.report()["summary"]["promotable"] == []
    assert "  cart: format: not run (--tta-maturity-gates=declared)" in result.stdout.lines
    # the command line wins over the ini key
    project.run("--tta-maturity", "--tta-maturity-gates=all", "--tta-maturity-report=json:report.json")
    assert project.report()["summary"]["promotable"] == ["cart"]


def test_a_bad_gates_mode_in_the_ini_file_is_a_usage_error(project: Project) -> None:
    text = (
        (project.path / "pyproject.toml")
        .read_text()
        .replace('testpaths = ["tests"]', 'testpaths = ["tests"]\ntta_maturity_gates = "some"')
    )
    project.write("pyproject.toml", text)
    result = project.run("--tta-maturity")
    assert result.ret == 4
    assert result.stderr.lines[0] == (
        "ERROR: pyproject.toml: [tool.pytest.ini_options] tta_maturity_gates = 'some': "
        "is not a gates mode; use 'all' or 'declared'"
    )
