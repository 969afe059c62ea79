"""End to end: the analysis runs beside the tests, is kept in pytest's cache, and never changes a figure."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

from tests.conftest import Project, needs_xdist

NO_GATES = ("--tta-maturity", "--tta-maturity-no-gates", "--tta-maturity-report=json:report.json")
CACHE_FILE = ".pytest_cache/d/tta-maturity-coverage/analysis.json"
COMPONENTS = {"cart": ("src/shop/cart.py",), "pricing": ("src/shop/pricing.py", "src/shop/unused.py")}

# Exclusions, a partial branch and a multi-line statement, so that the kept facts carry them.
EXTRA = '''\
"""Odds and ends."""


def odd(n):
    if n % 2:  # pragma: no branch
        return True
    while True:
        break
    total = (n +
             1)
    if n > 1000:  # pragma: no cover
        return None
    return total == 0
'''


@pytest.fixture
def tricky(project: Project) -> Project:
    project.write("src/shop/extra.py", EXTRA)
    project.write(
        "tests/test_extra.py",
        """\
        import pytest

        from shop.extra import odd


        @pytest.mark.component("pricing")
        def test_odd():
            assert odd(3)
            assert not odd(4)
        """,
    )
    text = (project.path / "pyproject.toml").read_text()
    text = text.replace('"src/shop/unused.py"]', '"src/shop/unused.py", "src/shop/extra.py"]')
    text = text.replace("precision = 2", 'precision = 2\nexclude_also = ["while True:"]')
    project.write("pyproject.toml", text)
    return project


def coverage_json(project: Project, files: tuple[str, ...]) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-m", "coverage", "json", "-q", "-o", "-", *files],
        cwd=project.path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out)["totals"]


def assert_figures_are_coverages(project: Project) -> None:
    for name, files in COMPONENTS.items():
        if name == "pricing":
            files = (*files, "src/shop/extra.py")
        ours = project.component(name)["coverage"]
        theirs = coverage_json(project, files)
        assert ours["percent"] == float(theirs["percent_covered_display"])
        assert (ours["num_statements"], ours["covered_lines"]) == (theirs["num_statements"], theirs["covered_lines"])
        assert (ours["num_branches"], ours["covered_branches"]) == (theirs["num_branches"], theirs["covered_branches"])


def test_cold_then_warm_give_coverages_figures(tricky: Project) -> None:
    assert tricky.run(*NO_GATES).ret == 0
    cold = tricky.report()["components"]
    assert_figures_are_coverages(tricky)
    cache = tricky.path / CACHE_FILE
    kept = cache.stat().st_mtime_ns
    assert tricky.run(*NO_GATES).ret == 0
    assert tricky.report()["components"] == cold
    assert cache.stat().st_mtime_ns == kept  # the warm run parsed nothing, so it wrote nothing
    assert_figures_are_coverages(tricky)


def test_a_cache_that_cannot_be_read_is_ignored(tricky: Project) -> None:
    tricky.write(CACHE_FILE, "{ this is not json")
    result = tricky.run(*NO_GATES)
    assert result.ret == 0
    assert "note:" not in result.stdout.str()
    assert_figures_are_coverages(tricky)
    assert json.loads((tricky.path / CACHE_FILE).read_text())["files"]  # written anew


def test_without_pytests_cache_the_analysis_still_runs_beside_the_tests(tricky: Project) -> None:
    result = tricky.run(*NO_GATES, "-p", "no:cacheprovider")
    assert result.ret == 0
    assert_figures_are_coverages(tricky)
    assert not (tricky.path / ".pytest_cache").exists()


def test_a_worker_that_fails_leaves_the_analysis_to_this_process(
    tricky: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A broken environment in which only the analysis worker fails to start.
    tricky.write(
        "site/sitecustomize.py",
        """\
        import os
        import sys

        if "pytest_tta_maturity.measure.analysis" in getattr(sys, "orig_argv", []):
            sys.stderr.write("worker sabotaged\\n")
            sys.stderr.flush()
            os._exit(7)
        """,
    )
    monkeypatch.setenv("PYTHONPATH", str(tricky.path / "site"))
    result = tricky.run(*NO_GATES)
    assert result.ret == 0
    note = "note: the coverage analysis worker failed (exit status 7: worker sabotaged); the files were analysed"
    result.stdout.fnmatch_lines([note + " after the tests"])
    assert_figures_are_coverages(tricky)


def test_the_report_names_the_measurement_core(tricky: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COVERAGE_CORE", "pytrace")
    result = tricky.run(*NO_GATES)
    assert result.ret == 0
    report = tricky.report()
    assert report["coverage_core"] == "pytrace"
    version = report["coverage_version"]
    result.stdout.fnmatch_lines([f"tools: *coverage.py {version} (pytrace core)"])
    assert_figures_are_coverages(tricky)


@needs_xdist
def test_under_xdist_cold_and_warm(tricky: Project) -> None:
    assert tricky.run(*NO_GATES, "-n", "2").ret == 0
    assert_figures_are_coverages(tricky)
    cold = tricky.report()["components"]
    assert tricky.run(*NO_GATES, "-n", "2").ret == 0
    assert tricky.report()["components"] == cold
