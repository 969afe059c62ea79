"""The reports pytest --tta-maturity keeps, and the commands that read them: real pytest sessions, then the CLI."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ..conftest import Project
from .conftest import Result

Run = Callable[..., Result]

RUN = ("--tta-maturity", "--tta-maturity-no-gates", "-p", "no:randomly")
NO_CACHE_NOTE = (
    "note: no report was kept for the tta-maturity command: pytest's cache is off (-p no:cacheprovider); "
    "keep one with --tta-maturity-report=json:PATH and pass --report-file PATH to status, explain and promote"
)


def _cached(folder: Path, key: str) -> dict[str, Any]:
    return json.loads((folder / "v" / "tta-maturity" / key).read_text())


@pytest.mark.slow
def test_a_partial_run_never_replaces_the_last_full_report(project: Project, run_cli: Run) -> None:
    project.run(*RUN)
    cache = project.path / ".pytest_cache"
    full = _cached(cache, "last-full-report")
    assert _cached(cache, "last-report") == full
    assert (full["partial"], full["created"][:2]) == (False, "20")

    project.run(*RUN, "tests/test_cart.py")
    last = _cached(cache, "last-report")
    assert (last["partial"], last["partial_kind"]) == (True, "selection")
    assert _cached(cache, "last-full-report") == full

    status = run_cli("status")
    when = full["created"].replace("T", " ").replace("+00:00", " UTC")
    assert status.out.splitlines()[0].endswith(
        f", partial run (tests selected on the command line (paths or node ids)); last full run's report: made {when}"
    )

    # promote judges from the last full report: the partial run in between changes nothing
    cart = next(c for c in full["components"] if c["name"] == "cart")
    promote = run_cli("promote", "cart", "--to", "staging", "--dry-run")
    if cart["achieved"] in ("staging", "production"):
        assert (promote.status, promote.err) == (0, "")
        assert '+level = "staging"' in promote.out
    else:
        assert promote.status == 1
        assert promote.err.startswith(
            f"tta-maturity promote: not promoting cart to staging: the last report shows it holds {cart['achieved']}"
        )


PYTEST_INI = """\
[pytest]
pythonpath = src
testpaths = tests
cache_dir = build/pytest-cache
"""


@pytest.mark.slow
def test_cache_dir_from_pytest_ini(project: Project, run_cli: Run) -> None:
    text = (project.path / "pyproject.toml").read_text()
    project.write(
        "pyproject.toml", text.replace('[tool.pytest.ini_options]\npythonpath = ["src"]\ntestpaths = ["tests"]\n', "")
    )
    project.write("pytest.ini", PYTEST_INI)
    project.run(*RUN)
    kept = _cached(project.path / "build" / "pytest-cache", "last-report")
    assert not (project.path / ".pytest_cache").exists()
    status = run_cli("status")
    assert status.err == ""
    assert status.out.splitlines()[0] == "last report: " + _made(kept)


def _made(report: dict[str, Any]) -> str:
    return "made " + report["created"].replace("T", " ").replace("+00:00", " UTC") + ", full run"


@pytest.mark.slow
def test_cache_off_says_no_report_was_kept(project: Project) -> None:
    result = project.run(*RUN, "-p", "no:cacheprovider")
    assert result.stdout.lines.count(NO_CACHE_NOTE) == 1
    assert not (project.path / ".pytest_cache").exists()
    kept = project.run(*RUN, "-p", "no:cacheprovider", "--tta-maturity-report=json:r.json")
    assert NO_CACHE_NOTE not in kept.stdout.lines
    assert project.report("r.json")["created"]
