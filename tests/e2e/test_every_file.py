"""End to end: every Python file under a component's paths is its code, importable or not."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

from tests.conftest import Project, needs_xdist

NO_GATES = ("--tta-maturity", "--tta-maturity-no-gates", "--tta-maturity-report=json:report.json")

JOB = '''\
"""A job in a folder without __init__.py."""


def run(n):
    if n > 1:
        return "many"
    return "one"
'''

PYPROJECT = """\
[tool.pytest.ini_options]
pythonpath = ["src", "services"]
testpaths = ["tests"]

[tool.coverage.run]
branch = true
omit = ["*/legacy/*"]

[tool.coverage.report]
precision = 2

[tool.tta-maturity.components.shop]
level = "experimental"
paths = ["src/shop"]

[tool.tta-maturity.components.services]
level = "experimental"
paths = ["services"]

[tool.tta-maturity.components.scripts]
level = "experimental"
paths = ["scripts"]
"""

# services/ and scripts/ hold no __init__.py anywhere: coverage.py's search for unexecuted files skips
# their sub-folders (and pytest-cov's source folders end at the component paths).
SERVICES = ("services/billing/invoice.py", "services/billing/refund.py", "services/billing/jobs/nightly.py")
SCRIPTS = ("scripts/tools/migrate.py", "scripts/tools/cleanup.py")


@pytest.fixture
def namespaced(project: Project) -> Project:
    project.write("pyproject.toml", PYPROJECT)
    (project.path / "tests/test_pricing.py").unlink()  # it marks a component this project does not have
    for rel in (*SERVICES, *SCRIPTS, "services/legacy/old.py"):
        project.write(rel, JOB)
    project.write(
        "tests/test_billing.py",
        """\
        from billing import invoice


        def test_invoice():
            assert invoice.run(2) == "many"
        """,
    )
    return project


def coverage_json(project: Project, files: tuple[str, ...]) -> dict[str, Any]:
    """What coverage.py itself reports over exactly ``files`` for the data of the last run."""
    out = subprocess.run(
        [sys.executable, "-m", "coverage", "json", "-q", "-o", "-", *files],
        cwd=project.path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out)


def assert_equal_to_coverage(ours: dict[str, Any], theirs: dict[str, Any]) -> None:
    totals = theirs["totals"]
    assert ours["percent"] == float(totals["percent_covered_display"])
    assert ours["raw_percent"] == pytest.approx(totals["percent_covered"])
    for key in ("num_statements", "covered_lines", "num_branches", "covered_branches"):
        assert ours[key] == totals[key], key
    expected = {path: info["missing_lines"] for path, info in theirs["files"].items() if info["missing_lines"]}
    assert ours["missing_lines"] == expected


def test_files_in_folders_without_init_count(namespaced: Project) -> None:
    result = namespaced.run(*NO_GATES)
    assert result.ret == 0, result.stdout.str()
    services = namespaced.component("services")["coverage"]
    # the imported module is measured; the two never imported (one a folder deeper) count as 0 %;
    # services/legacy is left out by the project's own omit.
    assert sorted(services["missing_lines"]) == [
        "services/billing/invoice.py",
        "services/billing/jobs/nightly.py",
        "services/billing/refund.py",
    ]
    assert services["missing_lines"]["services/billing/invoice.py"] == [7]
    assert_equal_to_coverage(services, coverage_json(namespaced, SERVICES))
    assert 0 < services["percent"] < 50


def test_a_component_no_test_imports_is_zero_never_100(namespaced: Project) -> None:
    result = namespaced.run(*NO_GATES)
    assert result.ret == 0, result.stdout.str()
    scripts = namespaced.component("scripts")["coverage"]
    assert (scripts["percent"], scripts["covered_lines"], scripts["num_statements"]) == (0.0, 0, 8)
    assert scripts["num_branches"] == 4
    assert_equal_to_coverage(scripts, coverage_json(namespaced, SCRIPTS))
    result.stdout.fnmatch_lines(["scripts*experimental*experimental*0.00%*"])


@needs_xdist
def test_xdist_counts_the_same_files(namespaced: Project) -> None:
    assert namespaced.run(*NO_GATES).ret == 0
    serial = namespaced.report()["components"]
    assert namespaced.run(*NO_GATES, "-n", "2").ret == 0
    assert namespaced.report()["components"] == serial
