"""End to end: a legacy component below its level passes while it holds its baseline, and fails on what is new.

Real pytest sessions (subprocess, serial and ``-n 2``), real ruff findings, the baseline recorded
by ``tta-maturity baseline`` from the report the run kept.
"""

from __future__ import annotations

import json

import pytest

from pytest_tta_maturity import cli
from tests.conftest import Project, needs_xdist

LEDGER = '''\
"""A legacy ledger."""

import sys


def add(totals, player, grams):
    """Book grams."""
    if grams < 0:
        raise ValueError("negative")
    totals[player] = totals.get(player, 0.0) + grams
    return totals


def worst(totals):
    """The player with the most grams."""
    if totals == None:
        return None
    best = None
    for player, grams in totals.items():
        if best is None or grams > totals[best]:
            best = player
    return best
'''

CLEAN = '''\
"""Well kept."""


def double(x):
    """Twice x."""
    return 2 * x
'''

TESTS = """\
from legacy.ledger import add
from tidy.clean import double


def test_add():
    assert add({}, "ann", 1.0) == {"ann": 1.0}


def test_double():
    assert double(2) == 4
"""

PYPROJECT = """\
[tool.pytest.ini_options]
pythonpath = ["src"]
testpaths = ["tests"]

[tool.coverage.run]
branch = true

[tool.ruff.lint]
select = ["E", "F"]

[tool.tta-maturity.components.legacy]
level = "development"
paths = ["src/legacy"]
tests = ["tests"]

[tool.tta-maturity.components.tidy]
level = "development"
paths = ["src/tidy"]
tests = ["tests"]
"""

RUN = ("--tta-maturity", "--tta-maturity-gates=declared", "--tta-maturity-report=json:report.json")


@pytest.fixture
def legacy(pytester: pytest.Pytester) -> Project:
    project = Project(pytester)
    project.write("src/legacy/__init__.py", "")
    project.write("src/legacy/ledger.py", LEDGER)
    project.write("src/tidy/__init__.py", "")
    project.write("src/tidy/clean.py", CLEAN)
    project.write("tests/test_all.py", TESTS)
    project.write("pyproject.toml", PYPROJECT)
    return project


def record(project: Project, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    capsys.readouterr()
    status = cli.main(["baseline", "--project", str(project.path), *args])
    out = capsys.readouterr().out
    assert status == 0, out
    return out


def last_line(result: pytest.RunResult) -> str:
    return [line for line in result.outlines if line.strip()][-1]


@pytest.mark.parametrize(
    "workers", [pytest.param((), id="serial"), pytest.param(("-n", "2"), id="xdist", marks=needs_xdist)]
)
def test_held_baseline_passes_and_a_new_finding_fails(
    legacy: Project, capsys: pytest.CaptureFixture[str], workers: tuple[str, ...]
) -> None:
    first = legacy.run(*RUN, *workers)
    assert first.ret == 1, first.stdout.str()
    assert last_line(first).startswith(
        "tta-maturity: FAILED: 1 of 2 components meet their declared levels; 1 below: legacy ("
    )

    out = record(legacy, capsys)
    assert out.splitlines()[:2] == [
        "wrote tta-maturity-baseline.json: 1 component below its level",
        "  legacy: below development, 2 findings known (lint 2), coverage 32% (15 uncovered)",
    ]

    held = legacy.run(*RUN, *workers)
    assert held.ret == 0, held.stdout.str()
    held.stdout.fnmatch_lines(
        ["legacy *experimental *below development, baseline held (coverage not lower; known 2: lint 2)"]
    )
    held.stdout.fnmatch_lines(
        [
            "tta-maturity: PASSED: 1 of 2 components meet their declared levels; 1 below its level holds its baseline: legacy."
        ]
    )
    comp = legacy.component("legacy")
    assert (comp["achieved"], comp["meets"]) == ("experimental", False)  # the real level, still
    assert comp["baseline"]["held"] is True
    assert comp["baseline"]["known"] == {"lint": 2}
    assert legacy.report()["failed"] is False

    # Code moves (the known findings change lines) and one new finding appears.
    legacy.write("src/legacy/ledger.py", LEDGER.replace("import sys\n", "import os\nimport sys\n\n"))
    broken = legacy.run(*RUN, *workers)
    assert broken.ret == 1
    assert last_line(broken) == (
        "tta-maturity: FAILED: 1 of 2 components meet their declared levels; 1 below: legacy (new since the baseline: "
        "lint: src/legacy/ledger.py:3 F401 `os` imported but unused)."
    )
    broken.stdout.fnmatch_lines(
        ["legacy: new since the baseline:", "  - lint: src/legacy/ledger.py:3 F401 `os` imported but unused"]
    )
    baseline = legacy.component("legacy")["baseline"]
    assert (baseline["held"], baseline["known"], baseline["new"]["counts"]) == (False, {"lint": 2}, {"lint": 1})


def test_a_failed_test_and_a_coverage_drop_break_it(legacy: Project, capsys: pytest.CaptureFixture[str]) -> None:
    assert legacy.run(*RUN).ret == 1
    record(legacy, capsys)
    # more uncovered code: a coverage drop (more uncovered units, lower percentage)
    legacy.write("src/legacy/extra.py", "def more(x):\n    if x:\n        return 1\n    return 2\n")
    dropped = legacy.run(*RUN)
    assert dropped.ret == 1
    assert last_line(dropped) == (
        "tta-maturity: FAILED: 1 of 2 components meet their declared levels; 1 below: legacy (new since the baseline: "
        "coverage dropped: 32% (15 uncovered) -> 25% (21 uncovered))."
    )
    (legacy.path / "src/legacy/extra.py").unlink()
    legacy.write(
        "tests/test_fail.py",
        "from legacy.ledger import add\n\n\ndef test_broken():\n    assert add({}, 'a', 1) == {}\n",
    )
    failed = legacy.run(*RUN)
    assert failed.ret == 1
    failed.stdout.fnmatch_lines(["  - tests: 1 failed or errored test (never baselined)"])


def test_components_that_meet_their_level_ignore_the_baseline(
    legacy: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    assert legacy.run(*RUN).ret == 1
    record(legacy, capsys)
    pyproject = legacy.path / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace(
            'level = "development"\npaths = ["src/legacy"]', 'level = "experimental"\npaths = ["src/legacy"]'
        )
    )
    result = legacy.run(*RUN)
    assert result.ret == 0
    assert "baseline" not in legacy.component("legacy")
    result.stdout.fnmatch_lines(["tta-maturity: PASSED: All 2 components meet their declared levels."])


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(
            "{",
            "tta-maturity-baseline.json: not JSON (line 1: Expecting property name enclosed in double quotes); "
            "restore it from version control, or delete it and run 'tta-maturity baseline' to record it again",
            id="not-json",
        ),
        pytest.param(
            '{"schema_version": 7, "components": {}}',
            "tta-maturity-baseline.json: schema_version 7 is not 1, the one pytest-tta-maturity 0.1.0 reads; "
            "delete it and run 'tta-maturity baseline' to record it again",
            id="other-schema",
        ),
        pytest.param(
            '{"schema_version": 1, "written_by": {"version": "3.0"}, "components": {}}',
            "tta-maturity-baseline.json: written by pytest-tta-maturity 3.0, newer than this 0.1.0; "
            "upgrade pytest-tta-maturity to 3.0 or later",
            id="newer",
        ),
    ],
)
def test_a_bad_baseline_file_is_exit_status_4_and_one_line(legacy: Project, content: str, message: str) -> None:
    (legacy.path / "tta-maturity-baseline.json").write_text(content)
    result = legacy.run(*RUN)
    assert result.ret == 4
    assert [line for line in result.errlines if line.strip()] == [f"ERROR: {message}"]


def test_a_component_the_configuration_no_longer_declares_is_a_note(
    legacy: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    assert legacy.run(*RUN).ret == 1
    record(legacy, capsys)
    path = legacy.path / "tta-maturity-baseline.json"
    data = json.loads(path.read_text())
    data["components"]["gone"] = data["components"]["legacy"]
    path.write_text(json.dumps(data))
    result = legacy.run(*RUN)
    assert result.ret == 0
    result.stdout.fnmatch_lines(
        [
            (
                "note: tta-maturity-baseline.json: names component 'gone', which pyproject.toml no longer declares; "
                "delete its entry from the file (it is ignored)"
            )
        ]
    )


def test_the_baseline_key_names_the_file(legacy: Project, capsys: pytest.CaptureFixture[str]) -> None:
    pyproject = legacy.path / "pyproject.toml"
    pyproject.write_text('[tool.tta-maturity]\nbaseline = "ci/known.json"\n\n' + pyproject.read_text())
    assert legacy.run(*RUN).ret == 1
    record(legacy, capsys)
    assert (legacy.path / "ci/known.json").is_file()
    assert legacy.run(*RUN).ret == 0
