"""End to end: the report names the coverage.py core that measured, not the one asked for.

``COVERAGE_CORE=sysmon`` asks for ``sys.monitoring``. It exists from Python 3.12 and measures
branches from Python 3.14; where it cannot serve the configuration, coverage.py warns and measures
with its C tracer, and the report must say so. Whatever the core, the figures are coverage.py's own
over the same data.
"""

from __future__ import annotations

import sys

import pytest

from tests.conftest import PYPROJECT, Project
from tests.e2e.test_core import NO_GATES, coverage_json


def expected_core(branch: bool) -> str:
    """What coverage.py measures with when asked for sysmon (its C tracer is installed here)."""
    if sys.version_info < (3, 12) or (branch and sys.version_info < (3, 14)):
        return "ctrace"
    return "sysmon"


@pytest.mark.parametrize("branch", [False, True], ids=["lines", "branches"])
def test_asked_for_sysmon_the_report_names_the_core_that_measured(
    project: Project, monkeypatch: pytest.MonkeyPatch, branch: bool
) -> None:
    project.write("pyproject.toml", PYPROJECT.replace("branch = true", f"branch = {str(branch).lower()}"))
    monkeypatch.setenv("COVERAGE_CORE", "sysmon")
    result = project.run(*NO_GATES)
    assert result.ret == 0, result.stdout.str()
    core = expected_core(branch)
    assert project.report()["coverage_core"] == core
    result.stdout.fnmatch_lines([f"tools: coverage.py * ({core} core)"])
    for name, include in (("cart", "src/shop/cart.py"), ("pricing", "src/shop/pricing.py,src/shop/unused.py")):
        ours = project.component(name)["coverage"]
        theirs = coverage_json(project, include)
        assert ours["percent"] == float(theirs["percent_covered_display"])
        assert ours["num_statements"] == theirs["num_statements"]
        assert ours["covered_lines"] == theirs["covered_lines"]
        assert ours["num_branches"] == theirs.get("num_branches", 0)
        assert ours["covered_branches"] == theirs.get("covered_branches", 0)
        assert (ours["num_branches"] > 0) == branch


@pytest.mark.parametrize("core", ["ctrace", "pytrace"])
def test_the_report_names_the_tracer_core_asked_for(
    project: Project, monkeypatch: pytest.MonkeyPatch, core: str
) -> None:
    monkeypatch.setenv("COVERAGE_CORE", core)
    result = project.run(*NO_GATES)
    assert result.ret == 0, result.stdout.str()
    assert project.report()["coverage_core"] == core
    result.stdout.fnmatch_lines([f"tools: coverage.py * ({core} core)"])
    ours = project.component("cart")["coverage"]
    theirs = coverage_json(project, "src/shop/cart.py")
    assert (ours["covered_lines"], ours["covered_branches"]) == (theirs["covered_lines"], theirs["covered_branches"])
