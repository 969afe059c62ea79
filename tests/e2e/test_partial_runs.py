"""Partial and full runs, decided from what pytest parsed and did: real command lines in real sessions.

Every row starts one pytest subprocess on the small project of tests/conftest.py
(three tests: ``test_total`` and ``test_describe`` of cart, ``test_with_tax`` of
pricing) and reads the JSON report.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from tests.conftest import Project, needs_xdist

BASE = ("--tta-maturity", "--tta-maturity-no-gates", "--tta-maturity-report=json:report.json", "-p", "no:randomly")

FAILS_FIRST = "def test_fails():\n    assert 0\n\n\ndef test_passes():\n    pass\n"

SKIPS_DESCRIBE = """\
import pytest


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_protocol(item, nextitem):
    return True if item.name == "test_describe" else None
"""


def fails_first(project: Project) -> None:
    """A file collected before the others whose first test fails."""
    project.write("tests/test_0_first.py", FAILS_FIRST)


def slow_test_deselected_by_the_project(project: Project) -> None:
    text = project.path.joinpath("pyproject.toml").read_text()
    own = 'testpaths = ["tests"]\naddopts = ["-m", "not slow"]\nmarkers = ["slow"]'
    project.write("pyproject.toml", text.replace('testpaths = ["tests"]', own))
    project.write("tests/test_slow.py", "import pytest\n\n\n@pytest.mark.slow\ndef test_slow():\n    pass\n")


def a_test_failed_last_time(project: Project) -> None:
    project.write("tests/test_flaky.py", "def test_flaky():\n    assert 0\n")
    project.run(*BASE)


def the_test_that_failed_was_deleted(project: Project) -> None:
    """pytest's --lf then runs the whole selection ("run-last-failure: 1 known failures not in selected tests")."""
    a_test_failed_last_time(project)
    project.path.joinpath("tests/test_flaky.py").unlink()


def one_test_never_runs(project: Project) -> None:
    project.write("conftest.py", SKIPS_DESCRIBE)


SELECTED = "selection"


@dataclass
class Case:
    args: tuple[str, ...]
    kind: str = ""  # "" for a full run
    reason: str = ""
    setup: Callable[[Project], None] | None = None
    env: dict[str, str] = field(default_factory=lambda: dict[str, str]())


def selected(option: str) -> tuple[str, str]:
    return SELECTED, f"tests selected on the command line ({option})"


CASES = {
    # selections, however the options are written
    "-k expr": Case(("-k", "total"), *selected("-k")),
    "-kexpr": Case(("-ktotal",), *selected("-k")),
    "-vk expr": Case(("-vk", "total"), *selected("-k")),
    "-qk expr": Case(("-qk", "total"), *selected("-k")),
    "-sk expr": Case(("-sk", "total"), *selected("-k")),
    "-k matching every test": Case(("-k", "test_")),
    "-m mark": Case(("-m", "component"), *selected("-m")),
    "--deselect": Case(("--deselect", "tests/test_cart.py::test_total"), *selected("--deselect")),
    "--ignore": Case(("--ignore", "tests/test_pricing.py"), *selected("--ignore")),
    "--ignore-glob": Case(("--ignore-glob=*pricing*",), *selected("--ignore-glob")),
    "--lf after a failure": Case(("--lf",), *selected("--lf"), setup=a_test_failed_last_time),
    "--lf whose failure is gone: pytest runs everything": Case(("--lf",), setup=the_test_that_failed_was_deleted),
    "-x, --sw and --lf with nothing failing": Case(("-x", "--sw", "--lf")),
    "a node id": Case(("tests/test_cart.py::test_total",), *selected("paths or node ids")),
    "a path": Case(("tests/test_cart.py",), *selected("paths or node ids")),
    "PYTEST_ADDOPTS=-k": Case((), *selected("-k"), env={"PYTEST_ADDOPTS": "-k total"}),
    # stopping
    "-x that stopped early": Case(("-x",), "stopped", "stopped early: stopping after 1 failures", setup=fails_first),
    "N of M tests ran": Case((), "incomplete", "2 of 3 tests ran", setup=one_test_never_runs),
    # display options never select (grouped: each group is one session)
    "-v (from PYTEST_ADDOPTS), -rA, --tb=short, -s": Case(("-rA", "--tb=short", "-s"), env={"PYTEST_ADDOPTS": "-v"}),
    "-q, -rfE, --tb=no": Case(("-q", "-rfE", "--tb=no")),
    "-xvs": Case(("-xvs",)),
    # the project's own configuration is the full run
    "the project's addopts": Case((), setup=slow_test_deselected_by_the_project),
    "testpaths named": Case(("tests",)),
}


@pytest.mark.slow
@pytest.mark.parametrize("case", list(CASES.values()), ids=list(CASES))
def test_partial_or_full(project: Project, monkeypatch: pytest.MonkeyPatch, case: Case) -> None:
    if case.setup is not None:
        case.setup(project)
    for name, value in case.env.items():
        monkeypatch.setenv(name, value)
    result = project.run(*BASE, *case.args)
    report = project.report()
    assert (report["partial"], report["partial_kind"], report["partial_reason"]) == (
        bool(case.kind),
        case.kind,
        case.reason,
    ), result.stdout.str()


@pytest.mark.slow
def test_stepwise_stops_then_resumes(project: Project) -> None:
    """``--sw`` stops at the first failure, then the next run starts from it: both are partial."""
    project.write("tests/test_0_first.py", "def test_passes():\n    pass\n\n\ndef test_fails():\n    assert 0\n")
    project.run(*BASE, "--sw")
    first = project.report()
    assert (first["partial_kind"], first["partial_reason"]) == (
        "stopped",
        "stopped early: Test failed, continuing from this test next run.",
    )
    project.write("tests/test_0_first.py", "def test_passes():\n    pass\n\n\ndef test_fails():\n    pass\n")
    project.run(*BASE, "--sw")
    second = project.report()
    assert (second["partial_kind"], second["partial_reason"]) == selected("--sw")


@needs_xdist
@pytest.mark.slow
def test_xdist_is_a_full_run_and_still_sees_selections(project: Project) -> None:
    project.run(*BASE, "-n", "2")
    assert (project.report()["partial"], project.report()["partial_kind"]) == (False, "")
    project.run(*BASE, "-n", "2", "-k", "total")
    report = project.report()
    assert (report["partial_kind"], report["partial_reason"]) == selected("-k")
