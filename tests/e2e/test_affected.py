"""End to end: affected runs give a full run's report, change after change, on a real project under git.

Each step changes the project as a developer would, then runs ``pytest --tta-maturity
--tta-maturity-affected`` (its record in the project's pytest cache, kept from the
previous affected run) and a full run of the same tree (with a cache of its own, so
it never feeds the affected runs), and asserts the two JSON reports are equal (every
figure, test count, gate and level) with the same exit status. Only ``affected`` and
``created`` may differ. Where the rules say which tests run, the count is asserted too;
where they say everything runs, the reason is.
"""

from __future__ import annotations

import shutil
import subprocess
from typing import Any

import pytest

from tests.conftest import Project, needs_xdist

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

PYPROJECT = """\
[tool.pytest.ini_options]
pythonpath = ["src"]
testpaths = ["tests"]

[tool.coverage.run]
branch = true

[tool.tta-maturity.components.core]
level = "development"
paths = ["src/app/core.py", "src/app/report.py"]
tests = ["tests/test_core.py", "tests/test_report.py", "tests/test_data.py"]

[tool.tta-maturity.components.leaf]
level = "experimental"
paths = ["src/app/leaf"]
tests = ["tests/test_leaf.py"]
"""

FILES = {
    ".gitignore": "stdout\nstderr\nrunpytest-*\n.coverage*\n.pytest_cache/\n.full_cache/\n__pycache__/\n*.json\n!tests/data.json\n",
    "conftest.py": "import pytest\n\n\n@pytest.fixture\ndef unit():\n    return 1\n",
    "src/app/__init__.py": "",
    "src/app/core.py": '"""Core."""\n\nRATE = 2\n\n\ndef scale(x):\n    """Scale."""\n    return x * RATE\n',
    "src/app/report.py": (
        '"""Report."""\n\nfrom app.core import scale\n\n\ndef line(x):\n    """A line."""\n'
        '    if x < 0:\n        return "negative"\n    return str(scale(x))\n'
    ),
    "src/app/leaf/__init__.py": "",
    "src/app/leaf/words.py": '"""Words."""\n\n\ndef shout(text):\n    """Shout."""\n    return text.upper() + "!"\n',
    "tests/helpers.py": "def twice(f, x):\n    return f(f(x))\n",
    "tests/test_core.py": (
        "from app.core import scale\nfrom helpers import twice\n\n\ndef test_scale(unit):\n"
        "    assert scale(unit) == 2\n\n\ndef test_twice():\n    assert twice(scale, 1) == 4\n"
    ),
    "tests/test_report.py": (
        "from app.report import line\nfrom helpers import twice\n\n\ndef test_line():\n"
        '    assert line(2) == "4"\n\n\ndef test_twice():\n    assert twice(abs, -1) == 1\n'
    ),
    "tests/test_leaf.py": (
        "from app.leaf.words import shout\n\n\ndef test_shout():\n    assert shout('a') == 'A!'\n\n\n"
        "def test_empty():\n    assert shout('') == '!'\n"
    ),
    "tests/test_data.py": (
        "import json\nfrom pathlib import Path\n\nfrom app.core import scale\n\n\ndef test_data():\n"
        "    value = json.loads((Path(__file__).parent / 'data.json').read_text())\n"
        "    assert scale(value) == 6\n"
    ),
    "tests/data.json": "3\n",
}

ARGS = ("--tta-maturity", "--tta-maturity-gates=declared", "-p", "no:randomly")


def git(project: Project, *args: str) -> None:
    subprocess.run(["git", *args], cwd=project.path, check=True, capture_output=True, text=True)


@pytest.fixture
def repo(pytester: pytest.Pytester) -> Project:
    proj = Project(pytester)
    proj.write("pyproject.toml", PYPROJECT)
    for rel, text in FILES.items():
        proj.write(rel, text)
    git(proj, "init", "-q", "-b", "main")
    git(proj, "config", "user.email", "t@example.com")
    git(proj, "config", "user.name", "t")
    git(proj, "config", "commit.gpgsign", "false")
    git(proj, "add", "-A")
    git(proj, "commit", "-q", "-m", "start")
    return proj


def comparable(report: dict[str, Any]) -> dict[str, Any]:
    """The report but when it was made, the affected part and whether a gate's outcome came from its cache."""
    for comp in report["components"]:
        for gate in comp["gates"].values():
            gate.pop("cached", None)
    return {k: v for k, v in report.items() if k not in ("created", "affected")}


def differences(mine: Any, theirs: Any, where: str = "") -> list[str]:
    """Where two JSON values differ, as paths (for a readable failure)."""
    if isinstance(mine, dict) and isinstance(theirs, dict):
        keys = sorted({*mine, *theirs}, key=str)
        return [d for k in keys for d in differences(mine.get(k), theirs.get(k), f"{where}.{k}")]
    if isinstance(mine, list) and isinstance(theirs, list) and len(mine) == len(theirs):
        return [
            d for i, (a, b) in enumerate(zip(mine, theirs, strict=True)) for d in differences(a, b, f"{where}[{i}]")
        ]
    return [] if mine == theirs else [f"{where}: {mine!r} != {theirs!r}"]


def affected_run(project: Project, *extra: str) -> tuple[pytest.RunResult, dict[str, Any]]:
    result = project.run(*ARGS, "--tta-maturity-affected", "--tta-maturity-report=json:affected.json", *extra)
    return result, project.report("affected.json")["affected"]


def fell_back(project: Project) -> str:
    """An affected run that ran everything (a full run by construction): why."""
    _, affected = affected_run(project)
    assert affected["ran"] == affected["total"]
    return str(affected["fallback"])


def affected_equals_full(project: Project, *extra: str) -> dict[str, Any]:
    """Run the affected run, then a full run of the same tree; assert equal reports; the affected part."""
    affected, _ = affected_run(project, *extra)
    full = project.run(*ARGS, "-o", "cache_dir=.full_cache", "--tta-maturity-report=json:full.json", *extra)
    mine, theirs = project.report("affected.json"), project.report("full.json")
    assert comparable(mine) == comparable(theirs), differences(comparable(mine), comparable(theirs))
    assert affected.ret == full.ret, affected.stdout.str()
    assert mine["partial"] is False
    return mine["affected"]


def test_every_change_gives_a_full_runs_report(repo: Project) -> None:
    assert fell_back(repo) == "there is no record of an earlier run yet (this run makes one)"

    nothing = affected_equals_full(repo)
    assert (nothing["ran"], nothing["total"], nothing["fallback"]) == (0, 7, None)
    assert len(nothing["record"]["commit"]) == 12

    # a leaf module: only its tests
    repo.write(
        "src/app/leaf/words.py",
        FILES["src/app/leaf/words.py"] + '\n\ndef whisper(text):\n    """Whisper."""\n    return text.lower()\n',
    )
    assert affected_equals_full(repo)["ran"] == 2

    # a change that breaks tests: those that ran core.py, and those of modules importing it
    repo.write("src/app/core.py", FILES["src/app/core.py"].replace("RATE = 2", "RATE = 3"))
    broken = affected_equals_full(repo)
    # test_scale, test_twice, test_line, test_data ran core.py; test_report.py imports report.py, which imports it
    assert broken["ran"] == 5
    assert repo.report("affected.json")["tests_failed"] == 4

    # the revert: the failed tests run again
    repo.write("src/app/core.py", FILES["src/app/core.py"])
    assert affected_equals_full(repo)["ran"] == 5

    # a change inside a function body: only the tests that ran the module (its importers' tests need not run)
    repo.write("src/app/report.py", FILES["src/app/report.py"].replace('return "negative"', 'return "below zero"'))
    assert affected_equals_full(repo)["ran"] == 1  # test_line

    # a new failing test
    repo.write("tests/test_new.py", "def test_new():\n    assert False\n")
    assert affected_equals_full(repo)["ran"] == 1
    (repo.path / "tests/test_new.py").unlink()

    # a new module nothing imports: the component's coverage drops as in a full run
    repo.write("src/app/leaf/loud.py", '"""Loud."""\n\n\ndef loud(text):\n    """Loud."""\n    return text * 2\n')
    # (no module of its package looks modules up by name: no test can have met it)
    assert affected_equals_full(repo)["ran"] == 0

    # a helper two test files import
    repo.write("tests/helpers.py", FILES["tests/helpers.py"] + "\n\ndef thrice(f, x):\n    return f(f(f(x)))\n")
    assert affected_equals_full(repo)["ran"] == 4

    # a data file a test reads: everything runs, saying why
    repo.write("tests/data.json", "4\n")
    data = affected_equals_full(repo)
    assert data["ran"] == data["total"] == 7
    assert data["fallback"].startswith("tests/data.json changed and is not Python source")

    # conftest.py is part of the environment
    repo.write("conftest.py", FILES["conftest.py"].replace("return 1", "return 1  # unit"))
    assert (
        affected_equals_full(repo)["fallback"]
        == "the record was made under another environment (configuration changed)"
    )

    # back to the committed tree
    git(repo, "checkout", "--", ".")
    git(repo, "clean", "-q", "-f", "src")
    assert (
        affected_equals_full(repo)["fallback"]
        == "the record was made under another environment (configuration changed)"
    )
    assert affected_equals_full(repo)["ran"] == 0


def test_bytecode_the_tests_write_changes_nothing_where_git_does_not_ignore_it(repo: Project) -> None:
    # No __pycache__/ in .gitignore: the bytecode Python writes while the tests run is untracked, and
    # changes at the run after a source change. It is no part of the record: no run falls back for it.
    repo.write(".gitignore", FILES[".gitignore"].replace("__pycache__/\n", ""))
    git(repo, "commit", "-q", "-am", "bytecode not ignored")
    assert fell_back(repo) == "there is no record of an earlier run yet (this run makes one)"
    assert list(repo.path.glob("src/app/**/__pycache__/*.pyc"))  # the runs write bytecode here
    repo.write(
        "src/app/leaf/words.py",
        FILES["src/app/leaf/words.py"] + '\n\ndef whisper(text):\n    """Whisper."""\n    return text.lower()\n',
    )
    leaf = affected_equals_full(repo)
    assert (leaf["ran"], leaf["fallback"]) == (2, None)
    again = affected_equals_full(repo)  # words.py's bytecode was written anew by that run
    assert (again["ran"], again["fallback"]) == (0, None)


@needs_xdist
def test_under_xdist_the_workers_take_from_the_record(repo: Project) -> None:
    repo.run(*ARGS, "-n", "2")
    repo.write("src/app/core.py", FILES["src/app/core.py"].replace("RATE = 2", "RATE = 3"))
    assert affected_equals_full(repo, "-n", "2")["ran"] == 5
    repo.write("src/app/core.py", FILES["src/app/core.py"])
    result, _ = affected_run(repo, "-n", "2")
    result.stdout.fnmatch_lines(["affected: 5 of 7 tests ran; 2 from the run of * (commit *)"])
    assert result.ret == 0


def test_a_selection_is_a_partial_run_and_the_record_is_not_used(repo: Project) -> None:
    repo.run(*ARGS)
    result = repo.run(*ARGS, "--tta-maturity-affected", "-k", "shout", "--tta-maturity-report=json:r.json")
    result.stdout.fnmatch_lines(
        ["affected: no test taken from a record (1 ran): tests are selected on the command line (-k)"]
    )
    report = repo.report("r.json")
    assert report["partial"] is True
    assert report["affected"]["fallback"] == "tests are selected on the command line (-k)"


def test_a_corrupt_record_is_ignored_with_one_line(repo: Project) -> None:
    repo.run(*ARGS)
    (repo.path / ".pytest_cache/d/tta-maturity-affected/record.json").write_text("{not json")
    result, _ = affected_run(repo)
    result.stdout.fnmatch_lines(
        [
            "affected: no test taken from a record (7 ran): the record * cannot be read (JSONDecodeError: *); it is ignored"
        ]
    )
    assert result.ret == 0
